// Essays and sidecars on disk, for the command line.
import { promises as fs } from 'fs';
import * as path from 'path';
import { EssayAnnotations } from '../core/essay';
import { OutlineIndex, type Outline } from '../core/markdown';
import { sidecarPathOf, type Sidecar } from '../core/model';
import { formatProblem } from '../core/sidecar';
import { loadSidecar, type LoadResult } from '../core/store';
import { stripBom } from '../core/text';
import { nodeFileAccess } from './fileAccess';

/** A problem with the input: the CLI prints `message` on one line and exits 2. */
export class InputError extends Error {}

/** Essays larger than this are refused: Markdown essays, even book-length ones, are far smaller. */
const MAX_ESSAY_BYTES = 64 * 1024 * 1024;

/** Reads an essay as UTF-8 text, refusing binary files and invalid UTF-8. */
export async function readEssayText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) throw new InputError(`${file}: is a folder, not a Markdown file`);
    if (stat.size > MAX_ESSAY_BYTES) throw new InputError(`${file}: is ${(stat.size / 1048576).toFixed(0)} MB; Cruxmark reads essays up to ${MAX_ESSAY_BYTES / 1048576} MB`);
    bytes = await fs.readFile(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  if (bytes.includes(0)) throw new InputError(`${file}: is a binary file, not Markdown text`);
  try {
    return stripBom(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new InputError(`${file}: is not valid UTF-8 text`);
  }
}

/** An essay read from disk, with its annotations placed in its current text. */
export interface DiskEssay {
  file: string;
  sidecarFile: string;
  text: string;
  annotations: EssayAnnotations;
  /** The sidecar's text as read (undefined when there is none). */
  sidecarText: string | undefined;
  /** The sidecar as read. */
  sidecar: Sidecar | undefined;
  outline(): Outline;
}

/** Reads an essay and its sidecar. An unreadable sidecar is an InputError: nothing may be written then. */
export async function loadEssay(file: string): Promise<DiskEssay> {
  const text = await readEssayText(file);
  const sidecarFile = sidecarPathOf(file);
  let loaded: LoadResult;
  try {
    loaded = await loadSidecar(nodeFileAccess, sidecarFile, sidecarFile);
  } catch (e) {
    throw new InputError(`${sidecarFile}: ${(e as Error).message}`);
  }
  if (loaded.status === 'unreadable') throw new InputError(formatProblem(loaded.problems[0]));
  let index: OutlineIndex | undefined;
  const annotations = new EssayAnnotations(text, {
    boundsAt: (start, end) => {
      const outline = (index ??= new OutlineIndex(text)).outline;
      const a = outline.blockAt(start);
      const b = end > start ? outline.blockAt(end - 1) : a;
      return a && b ? { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) } : undefined;
    },
  });
  if (loaded.status === 'ok') annotations.load(loaded.sidecar);
  return {
    file,
    sidecarFile,
    text,
    annotations,
    sidecarText: loaded.status === 'ok' ? loaded.text : undefined,
    sidecar: loaded.status === 'ok' ? structuredClone(loaded.sidecar) : undefined,
    outline: () => (index ??= new OutlineIndex(text)).outline,
  };
}

const SKIP = new Set(['node_modules', '.git', '.cache', 'dist', 'out']);

/** The essays under a folder that have sidecars, sorted. */
export async function findAnnotatedEssays(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new InputError(`${dir}: ${(e as Error).message}`);
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name) && !entry.name.startsWith('.')) await walk(path.join(dir, entry.name));
      } else if (entry.name.endsWith('.md.cruxmark.json')) {
        out.push(path.join(dir, entry.name.slice(0, -'.cruxmark.json'.length)));
      }
    }
  };
  await walk(folder);
  return out.sort();
}

/** `file` as a POSIX path relative to `root`. */
export function relativePosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
