#!/usr/bin/env node
// The `cruxmark` command line: the same core as the extension, for scripts, CI and checks after
// a `git pull`. Exit codes: 0 success; 1 the input is valid but something is wrong in it;
// 2 bad usage or unreadable input, with one line on stderr naming the file and the problem.
import { promises as fs } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { buildCodebook } from './core/codebook';
import type { LiveAnnotation } from './core/essay';
import { trimRange } from './core/essay';
import { collectExcerpts } from './core/export/collect';
import { EXPORT_FORMATS, isExportFormat, renderExport } from './core/export';
import { ClaimGraph } from './core/graph';
import { ANNOTATION_KINDS } from './core/model';
import { isSlug, slugify, uniqueSlug } from './core/slug';
import { saveSidecar, UnreadableSidecarError } from './core/store';
import { CodePointIndex, LineIndex } from './core/text';
import { findAnnotatedEssays, InputError, loadEssay, readEssayText, relativePosix, type DiskEssay } from './node/essays';
import { nodeFileAccess } from './node/fileAccess';

const USAGE = `Usage:
  cruxmark tag <essay.md> --tag <id> (--quote "<exact text>" [--occurrence N] | --range <start>:<end>) [--kind claim|crux] [--title "…"] [--note "…"]
  cruxmark check <essay.md> [--write] [--json]
  cruxmark claims <essay.md|folder> [--json]
  cruxmark export <essay.md|folder> --format md|csv|json|w3c|html [--tag <id>]… [--out <file>]

Offsets (--range, JSON output) count Unicode code points in the essay as saved.
Exit codes: 0 success; 1 something is wrong in valid input (e.g. detached annotations); 2 bad usage or unreadable input.`;

class UsageError extends Error {}

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

function options(args: string[], spec: NonNullable<Parameters<typeof parseArgs>[0]>['options']): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, unknown>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  return path.resolve(positionals[0]);
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    throw new InputError(`${p}: no such file or folder`);
  }
}

/** Saves what the essay's annotations say now; an unreadable sidecar on disk is reported, not overwritten. */
async function save(essay: DiskEssay, sidecar = essay.annotations.toSidecar(path.basename(essay.file))): Promise<boolean> {
  try {
    return (await saveSidecar(nodeFileAccess, essay.sidecarFile, essay.sidecarText, sidecar)).written;
  } catch (e) {
    if (e instanceof UnreadableSidecarError) throw new InputError(e.message.split('\n')[0]);
    throw new InputError(`${essay.sidecarFile}: ${(e as Error).message}`);
  }
}

async function tag(args: string[], out: Out): Promise<number> {
  const { values, positionals } = options(args, {
    tag: { type: 'string', multiple: true }, quote: { type: 'string' }, occurrence: { type: 'string' }, range: { type: 'string' },
    kind: { type: 'string' }, title: { type: 'string' }, note: { type: 'string' }, json: { type: 'boolean' },
  });
  const file = one(positionals, 'essay');
  const tags = (values.tag as string[] | undefined) ?? [];
  const kind = (values.kind as string | undefined) ?? 'passage';
  if (!ANNOTATION_KINDS.includes(kind as never) || kind === 'passage' && values.kind !== undefined) throw new UsageError(`--kind must be claim or crux, not "${kind}"`);
  if (kind === 'passage' && tags.length === 0) throw new UsageError('give at least one --tag, or --kind claim|crux with --title');
  for (const t of tags) if (!isSlug(t)) throw new UsageError(`--tag "${t}" is not a tag id (a lowercase slug such as counting-argument)`);
  if (kind !== 'passage' && !values.title) throw new UsageError(`--kind ${kind} needs --title`);
  if ((values.quote === undefined) === (values.range === undefined)) throw new UsageError('give exactly one of --quote and --range');
  const essay = await loadEssay(file);
  const text = essay.text;
  let start: number;
  let end: number;
  if (values.quote !== undefined) {
    const quote = values.quote as string;
    const occurrence = values.occurrence === undefined ? 1 : Number(values.occurrence);
    if (!Number.isInteger(occurrence) || occurrence < 1) throw new UsageError('--occurrence must be a whole number from 1');
    if (!quote) throw new UsageError('--quote is empty');
    let at = -1;
    for (let i = 0; i < occurrence; i++) {
      at = text.indexOf(quote, at + 1);
      if (at < 0) throw new InputError(`${file}: ${i === 0 ? 'the quote is not in the essay' : `the quote occurs only ${i} time${i === 1 ? '' : 's'}`}: "${quote.slice(0, 60)}"`);
    }
    start = at;
    end = at + quote.length;
  } else {
    const m = /^(\d+):(\d+)$/.exec(values.range as string);
    if (!m) throw new UsageError('--range must be <start>:<end>, in code points');
    const cp = new CodePointIndex(text);
    const [s, e] = [Number(m[1]), Number(m[2])];
    if (s >= e || e > cp.length) throw new InputError(`${file}: range ${s}:${e} is not inside the essay (0:${cp.length})`);
    start = cp.toUtf16(s);
    end = cp.toUtf16(e);
  }
  const trimmed = trimRange(text, { start, end });
  if (trimmed.start === trimmed.end) throw new InputError(`${file}: the passage is only white space`);
  let item: LiveAnnotation;
  if (kind === 'passage') {
    item = essay.annotations.addTags(trimmed, tags);
  } else {
    const title = values.title as string;
    const taken = await claimIdsNear(file);
    const existing = essay.annotations.exactly(trimmed, ['claim', 'crux']);
    const id = existing?.data.id ?? uniqueSlug(slugify(title), (id) => taken.has(id) || !!essay.annotations.find(id));
    item = essay.annotations.markClaim(trimmed, kind as 'claim' | 'crux', title, id);
    if (tags.length > 0) essay.annotations.addTags(trimmed, tags);
  }
  if (values.note !== undefined) essay.annotations.setNote(item.data.id, values.note as string);
  // Only the new or changed annotation is written afresh; the others stay exactly as stored.
  const fresh = essay.annotations.toSidecar(path.basename(file)).annotations.find((a) => a.id === item.data.id)!;
  const keep = (essay.sidecar?.annotations ?? []).filter((a) => a.id !== item.data.id && essay.annotations.find(a.id));
  await save(essay, { version: 1, document: path.basename(file), annotations: [...keep, fresh] });
  const cp = new CodePointIndex(text);
  if (values.json) out.stdout(JSON.stringify({ id: item.data.id, kind: item.data.kind, tags: item.data.tags, start: cp.toCodePoint(trimmed.start), end: cp.toCodePoint(trimmed.end) }) + '\n');
  else out.stdout(`${item.data.id}\n`);
  return 0;
}

/** Claim ids used by the sidecars under the current folder, so a new claim id is unique there. */
async function claimIdsNear(file: string): Promise<Set<string>> {
  const root = process.cwd();
  const ids = new Set<string>();
  const inside = !path.relative(root, file).startsWith('..');
  for (const essay of inside ? await findAnnotatedEssays(root).catch(() => []) : []) {
    try {
      const raw = JSON.parse(await fs.readFile(`${essay}.cruxmark.json`, 'utf8')) as { annotations?: { id: string; kind: string }[] };
      for (const a of raw.annotations ?? []) if (a.kind !== 'passage') ids.add(a.id);
    } catch {
      /* other sidecars' problems are reported by `check` on them */
    }
  }
  return ids;
}

async function check(args: string[], out: Out): Promise<number> {
  const { values, positionals } = options(args, { write: { type: 'boolean' }, json: { type: 'boolean' } });
  const file = one(positionals, 'essay');
  const essay = await loadEssay(file);
  const cp = new CodePointIndex(essay.text);
  const items = essay.annotations.list();
  if (values.json) {
    out.stdout(JSON.stringify({
      document: positionals[0],
      annotations: items.map((a) => ({
        id: a.data.id, tags: a.data.tags, kind: a.data.kind, status: a.status,
        start: a.range ? cp.toCodePoint(a.range.start) : null,
        end: a.range ? cp.toCodePoint(a.range.end) : null,
        text: a.range ? essay.text.slice(a.range.start, a.range.end) : null,
      })),
    }, null, 2) + '\n');
  } else {
    const lines = new LineIndex(essay.text);
    for (const a of items) {
      const where = a.range ? `${lines.positionAt(a.range.start).line + 1}:${lines.positionAt(a.range.start).character + 1}` : '-';
      const label = a.data.title ?? a.data.target.quote.exact.replace(/\s+/g, ' ');
      out.stdout(`${a.status.padEnd(9)} ${where.padEnd(8)} ${a.data.id}  [${a.data.tags.join(', ')}]  ${label.length > 60 ? `${label.slice(0, 59)}…` : label}\n`);
    }
    const count = (s: string) => items.filter((a) => a.status === s).length;
    out.stdout(`${positionals[0]}: ${count('anchored')} anchored, ${count('fuzzy')} fuzzy, ${count('detached')} detached\n`);
  }
  if (values.write && items.length > 0 && await save(essay) && !values.json) out.stdout(`wrote ${path.basename(essay.sidecarFile)}\n`);
  return items.some((a) => a.status === 'detached') ? 1 : 0;
}

/** The annotated essays an argument names: one essay, or every one under a folder. */
async function essaysOf(target: string): Promise<{ root: string; essays: DiskEssay[] }> {
  if (await isFolder(target)) {
    const files = await findAnnotatedEssays(target);
    const essays: DiskEssay[] = [];
    for (const f of files) essays.push(await loadEssay(f));
    return { root: target, essays };
  }
  if (!target.endsWith('.md')) await readEssayText(target);
  return { root: path.dirname(target), essays: [await loadEssay(target)] };
}

async function claims(args: string[], out: Out): Promise<number> {
  const { values, positionals } = options(args, { json: { type: 'boolean' } });
  const target = one(positionals, 'essay or folder');
  const { root, essays } = await essaysOf(target);
  const posix = (f: string) => f.split(path.sep).join('/');
  const graph = new ClaimGraph(essays.map((e) => ({
    path: posix(e.file), annotations: e.annotations.list().map((a) => a.data), headings: e.outline().headings.map((h) => h.slug),
  })), [posix(root)]);
  const rows = essays.flatMap((e) => {
    const lines = new LineIndex(e.text);
    return e.annotations.list().filter((a) => a.data.kind !== 'passage').map((a) => ({
      id: a.data.id, kind: a.data.kind, title: a.data.title ?? '', document: relativePosix(root, e.file),
      line: a.range ? lines.positionAt(a.range.start).line + 1 : null, status: a.status, tags: a.data.tags,
      links: (a.data.links ?? []).map((l) => {
        const r = graph.resolve(posix(e.file), l.target);
        return { relation: l.relation, target: l.target, resolved: r.kind === 'claim', ...(r.kind === 'missing' ? { problem: r.reason } : {}) };
      }),
    }));
  });
  // Claim links written in the essays' text, like relations, must name something that exists.
  const brokenLinks = essays.flatMap((e) => {
    const lines = new LineIndex(e.text);
    return e.outline().links.filter((l) => l.fragment && (!l.path || /\.md$/i.test(l.path))).flatMap((l) => {
      const r = graph.resolve(posix(e.file), l.path ? `${l.path}#${l.fragment}` : l.fragment!);
      return r.kind === 'missing' ? [`${relativePosix(root, e.file)}:${lines.positionAt(l.start).line + 1}: link to ${l.path}#${l.fragment}: ${r.reason}`] : [];
    });
  });
  const problems = [
    ...brokenLinks,
    ...graph.duplicates().map((refs) => `duplicate claim id "${refs[0].id}" in ${refs.map((r) => relativePosix(root, r.essay)).join(', ')}`),
    ...rows.flatMap((r) => r.links.filter((l) => !l.resolved).map((l) => `${r.document}: ${r.id} ${l.relation} ${l.target}: ${l.problem}`)),
    ...rows.filter((r) => r.status === 'detached').map((r) => `${r.document}: ${r.id} is detached`),
  ];
  if (values.json) {
    out.stdout(JSON.stringify({ claims: rows, problems }, null, 2) + '\n');
  } else {
    for (const r of rows) {
      out.stdout(`${r.kind.padEnd(5)} ${r.id}  ${r.title}  (${r.document}${r.line ? `:${r.line}` : ', detached'})\n`);
      for (const l of r.links) out.stdout(`        ${l.relation} → ${l.target}${l.resolved ? '' : `  [${l.problem}]`}\n`);
    }
    for (const p of problems) out.stderr(`problem: ${p}\n`);
    out.stdout(`${rows.length} claim${rows.length === 1 ? '' : 's'}, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  }
  return problems.length > 0 ? 1 : 0;
}

async function exportCommand(args: string[], out: Out): Promise<number> {
  const { values, positionals } = options(args, { format: { type: 'string' }, tag: { type: 'string', multiple: true }, out: { type: 'string' } });
  const target = one(positionals, 'essay or folder');
  const format = values.format;
  if (!isExportFormat(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const tags = (values.tag as string[] | undefined) ?? [];
  const { root, essays } = await essaysOf(target);
  const posix = (f: string) => f.split(path.sep).join('/');
  const graph = new ClaimGraph(essays.map((e) => ({ path: posix(e.file), annotations: e.annotations.list().map((a) => a.data) })), [posix(root)]);
  const excerpts = collectExcerpts(essays.map((e) => ({
    path: relativePosix(root, e.file), text: e.text, outline: e.outline(), annotations: e.annotations.list(),
  })), {
    tags,
    resolveTitle: (essayPath, linkTarget) => {
      const r = graph.resolve(posix(path.join(root, essayPath)), linkTarget);
      return r.kind === 'claim' ? r.claim.title : undefined;
    },
  });
  const outFile = values.out ? path.resolve(values.out as string) : undefined;
  const codebook = buildCodebook([await codebookSource(root)]);
  const text = renderExport(format, {
    title: `Cruxmark excerpts: ${await isFolder(target) ? relativePosix(process.cwd(), target) || '.' : relativePosix(process.cwd(), target)}`,
    generated: new Date().toISOString(),
    tags: codebook.tags,
    filterTags: tags,
    excerpts,
    outputDir: outFile ? relativePosix(root, path.dirname(outFile)) : '',
  });
  if (outFile) {
    await fs.writeFile(outFile, text, 'utf8');
    out.stderr(`wrote ${excerpts.length} excerpt${excerpts.length === 1 ? '' : 's'} to ${values.out as string}\n`);
  } else {
    out.stdout(text);
  }
  return 0;
}

/** The workspace's own tags, from `.cruxmark/tags.json` in the folder or an ancestor. */
async function codebookSource(root: string): Promise<{ name: string; entries: unknown }> {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const file = path.join(dir, '.cruxmark', 'tags.json');
    try {
      const parsed = JSON.parse(await fs.readFile(file, 'utf8'));
      return { name: file, entries: Array.isArray(parsed) ? parsed : parsed?.tags };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`${file}: ${(e as Error).message}`);
    }
    if (path.dirname(dir) === dir) return { name: 'none', entries: [] };
  }
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[], out: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'tag': return await tag(rest, out);
      case 'check': return await check(rest, out);
      case 'claims': return await claims(rest, out);
      case 'export': return await exportCommand(rest, out);
      case undefined: case '-h': case '--help': case 'help':
        out.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`cruxmark: ${e.message} (see cruxmark --help)\n`);
      return 2;
    }
    if (e instanceof InputError) {
      out.stderr(`cruxmark: ${e.message}\n`);
      return 2;
    }
    out.stderr(`cruxmark: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
