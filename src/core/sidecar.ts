// Reading, validating, migrating, writing and merging sidecar files (`essay.md.cruxmark.json`).
// Pure: the caller does the I/O. A sidecar that cannot be read yields a precise error and is
// never replaced by anything this module produces.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import schema from '../../schemas/sidecar.schema.json';
import type { Annotation, ClaimLink, Sidecar } from './model';
import { SIDECAR_VERSION } from './model';

/** The schema's limit on a note's length. */
const MAX_NOTE_LENGTH: number = schema.definitions.annotation.properties.note.maxLength;

/** Sidecars larger than this are refused rather than parsed into the extension host's memory. */
export const MAX_SIDECAR_BYTES = 16 * 1024 * 1024;

/** Why a sidecar could not be read: the file, a message, and where in the file. */
export interface SidecarProblem {
  file: string;
  message: string;
  /** 1-based line and column, when the problem has a place in the text. */
  line?: number;
  column?: number;
  /** JSON path of a schema problem, such as `annotations[3].target.position.start`. */
  path?: string;
}

/** Formats a problem as one line: `essay.md.cruxmark.json:4:17: message`. */
export function formatProblem(p: SidecarProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export type ParseResult =
  | { ok: true; sidecar: Sidecar; warnings: SidecarProblem[]; migratedFrom?: number }
  | { ok: false; problems: SidecarProblem[] };

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

let validator: ValidateFunction | undefined;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The compiled schema validator, built on first use (not at activation). */
function validate(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) });
    validator = ajv.compile(schema);
  }
  return validator;
}

function jsonPath(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out ? `.${key}` : key;
  }
  return out;
}

const DOCUMENT_RULE = 'must be the essay\'s file name, in the same folder as the sidecar (no "/", "\\" or "..")';

/** The schema's patterns, in words: a regular expression is no help to someone fixing the file. */
const PATTERN_RULES: Record<string, string> = {
  [schema.properties.document.pattern]: DOCUMENT_RULE,
  [schema.definitions.slug.pattern]: 'must be a lowercase slug such as "counting-argument"',
  [schema.definitions.annotation.properties.id.pattern]: 'must be letters, digits, "-" and "_", starting with a letter or digit',
};

function describeSchemaError(e: ErrorObject): string {
  switch (e.keyword) {
    case 'pattern':
      return PATTERN_RULES[(e.params as { pattern: string }).pattern] ?? e.message ?? 'is not valid';
    case 'not':
      return e.instancePath === '/document' ? DOCUMENT_RULE : e.message ?? 'is not valid';
    case 'required':
      return `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return e.message ?? 'is not valid';
  }
}

/**
 * Parses and validates a sidecar's text. Errors name the file, the line and column of bad JSON,
 * or the JSON path (and place) of a schema error. Older versions are migrated in memory.
 */
export function parseSidecar(text: string, file: string): ParseResult {
  if (text.length > MAX_SIDECAR_BYTES) {
    return { ok: false, problems: [{ file, message: `is ${(text.length / 1048576).toFixed(1)} MB; Cruxmark reads sidecars up to ${MAX_SIDECAR_BYTES / 1048576} MB` }] };
  }
  // Places are counted in the text after the BOM: editors hide it, so it is not a column.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    const at = lineColumn(body, first?.offset ?? 0);
    const message = first ? `invalid JSON: ${humanParseError(printParseErrorCode(first.error))}` : 'invalid JSON: the file is empty';
    return { ok: false, problems: [{ file, message, ...at }] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    return { ok: false, problems: [{ file, message: `invalid JSON: ${(e as Error).message}` }] };
  }
  const placeOf = (path: (string | number)[]): { line: number; column: number } | undefined => {
    const node = findNodeAtLocation(tree, path);
    return node ? lineColumn(body, node.offset) : undefined;
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ file, message: 'must be a JSON object with "version", "document" and "annotations"', line: 1, column: 1 }] };
  }
  const version = (raw as { version?: unknown }).version;
  if (version === undefined) {
    return { ok: false, problems: [{ file, message: 'has no "version": this is not a Cruxmark sidecar, or it is damaged', line: 1, column: 1 }] };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, problems: [{ file, path: 'version', message: `unknown version ${JSON.stringify(version)}`, ...placeOf(['version']) }] };
  }
  if (version > SIDECAR_VERSION) {
    return { ok: false, problems: [{ file, path: 'version', message: `version ${version} was written by a newer Cruxmark; this one reads version ${SIDECAR_VERSION}. Update Cruxmark to read it.`, ...placeOf(['version']) }] };
  }
  const migrated = migrate(raw as Record<string, unknown>, version);
  const check = validate();
  if (!check(migrated)) {
    // An if/then rule reports the failed `then` again as "must match \"then\" schema": noise.
    const problems = (check.errors ?? []).filter((e) => e.keyword !== 'if').slice(0, 20).map((e): SidecarProblem => {
      const segments = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
      return { file, path: jsonPath(e.instancePath) || '(root)', message: describeSchemaError(e), ...placeOf(segments) };
    });
    return { ok: false, problems: dedupeProblems(problems) };
  }
  const sidecar = migrated as unknown as Sidecar;
  const problems = semanticProblems(sidecar, file, placeOf);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, sidecar, warnings: [], ...(version !== SIDECAR_VERSION ? { migratedFrom: version } : {}) };
}

function humanParseError(code: string): string {
  // jsonc-parser's codes read as identifiers ("CommaExpected"); say them as words.
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function dedupeProblems(problems: SidecarProblem[]): SidecarProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks the schema cannot express: unique ids, and positions that run forwards. */
function semanticProblems(
  sidecar: Sidecar,
  file: string,
  placeOf: (path: (string | number)[]) => { line: number; column: number } | undefined,
): SidecarProblem[] {
  const problems: SidecarProblem[] = [];
  const firstIndex = new Map<string, number>();
  sidecar.annotations.forEach((a, i) => {
    const earlier = firstIndex.get(a.id);
    if (earlier !== undefined) {
      problems.push({ file, path: `annotations[${i}].id`, message: `duplicate id "${a.id}" (also annotations[${earlier}])`, ...placeOf(['annotations', i, 'id']) });
    } else {
      firstIndex.set(a.id, i);
    }
    const { start, end } = a.target.position;
    if (start > end) {
      problems.push({ file, path: `annotations[${i}].target.position`, message: `start ${start} is after end ${end}`, ...placeOf(['annotations', i, 'target', 'position']) });
    }
  });
  return problems;
}

/**
 * Upgrades a parsed sidecar of an older version to the current one, in memory. Version 1 is the
 * first published format, so there is nothing to upgrade yet; each future version adds one step
 * here, and the file on disk is rewritten in the new version only when the user changes it.
 */
function migrate(raw: Record<string, unknown>, version: number): Record<string, unknown> {
  let current = raw;
  for (let v = version; v < SIDECAR_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no migration from sidecar version ${v}`);
    current = step(current);
  }
  return current;
}

const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

/** Orders annotations by position, then by end, then by id, so that files diff and merge well. */
export function compareAnnotations(a: Annotation, b: Annotation): number {
  return a.target.position.start - b.target.position.start
    || a.target.position.end - b.target.position.end
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function orderedLink(l: ClaimLink): ClaimLink {
  return { relation: l.relation, target: l.target };
}

/** An annotation with its keys in the file's fixed order and empty optional fields left out. */
export function orderedAnnotation(a: Annotation): Annotation {
  const ordered: Record<string, unknown> = { id: a.id, kind: a.kind, tags: [...a.tags] };
  if (a.title !== undefined) ordered.title = a.title;
  if (a.note !== undefined && a.note !== '') ordered.note = a.note;
  if (a.links && a.links.length > 0) ordered.links = a.links.map(orderedLink);
  ordered.target = {
    quote: { exact: a.target.quote.exact, prefix: a.target.quote.prefix, suffix: a.target.quote.suffix },
    position: { start: a.target.position.start, end: a.target.position.end },
  };
  if (a.detached) ordered.detached = true;
  ordered.created = a.created;
  ordered.updated = a.updated;
  return ordered as unknown as Annotation;
}

/** The file's text: pretty, stable key order, annotations sorted by position, trailing newline. */
export function stringifySidecar(sidecar: Sidecar): string {
  const out = {
    version: SIDECAR_VERSION,
    document: sidecar.document,
    annotations: [...sidecar.annotations].sort(compareAnnotations).map(orderedAnnotation),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** A canonical string of one annotation, for comparing versions of it. */
function canonical(a: Annotation | undefined): string {
  return a ? JSON.stringify(orderedAnnotation(a)) : '';
}

/** One annotation changed on both sides in different ways. */
export interface MergeConflict {
  id: string;
  fields: string[];
}

/** The result of a three-way merge. */
export interface MergeResult {
  sidecar: Sidecar;
  conflicts: MergeConflict[];
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

/** Three-way merge of a set-like list: keep what either side added, drop what one side removed and the other kept. */
function mergeSet<T>(base: readonly T[], ours: readonly T[], theirs: readonly T[], key: (t: T) => string): T[] {
  const b = new Set(base.map(key));
  const o = new Map(ours.map((t) => [key(t), t]));
  const t = new Map(theirs.map((x) => [key(x), x]));
  const out: T[] = [];
  for (const [k, v] of [...o, ...t]) {
    if (out.some((x) => key(x) === k)) continue;
    const inBase = b.has(k);
    const inOurs = o.has(k);
    const inTheirs = t.has(k);
    if (inBase && (!inOurs || !inTheirs)) continue;
    out.push(v);
  }
  return out;
}

function mergeAnnotation(base: Annotation | undefined, ours: Annotation, theirs: Annotation): { merged: Annotation; conflicts: string[] } {
  const conflicts: string[] = [];
  const pick = <K extends keyof Annotation>(field: K): Annotation[K] => {
    const o = JSON.stringify(ours[field] ?? null);
    const t = JSON.stringify(theirs[field] ?? null);
    const b = base ? JSON.stringify(base[field] ?? null) : undefined;
    if (o === t) return ours[field];
    if (b === o) return theirs[field];
    if (b === t) return ours[field];
    conflicts.push(field);
    return ours[field];
  };
  const tags = base
    ? mergeSet(base.tags, ours.tags, theirs.tags, (t) => t)
    : union(ours.tags, theirs.tags);
  const linkKey = (l: ClaimLink): string => `${l.relation} ${l.target}`;
  const links = base
    ? mergeSet(base.links ?? [], ours.links ?? [], theirs.links ?? [], linkKey)
    : mergeSet([], ours.links ?? [], theirs.links ?? [], linkKey);
  const merged: Annotation = {
    id: ours.id,
    kind: pick('kind'),
    tags,
    title: pick('title'),
    note: pick('note'),
    links,
    target: pick('target'),
    detached: pick('detached'),
    created: ours.created < theirs.created ? ours.created : theirs.created,
    updated: ours.updated > theirs.updated ? ours.updated : theirs.updated,
  };
  if (merged.title === undefined) delete merged.title;
  if (merged.note === undefined) delete merged.note;
  if (!merged.detached) delete merged.detached;
  if (merged.links?.length === 0) delete merged.links;
  // A note both sides rewrote keeps both texts rather than losing one, when both fit in a note:
  // a merge must never write a file that reads back as invalid (the conflict is reported either way).
  if (conflicts.includes('note') && theirs.note && theirs.note !== ours.note) {
    const both = `${ours.note ?? ''}\n\n${theirs.note}`.trim();
    if (both.length <= MAX_NOTE_LENGTH) merged.note = both;
  }
  return { merged, conflicts };
}

/**
 * Three-way merge by annotation id of what we hold (`ours`) with what is on disk (`theirs`),
 * given the version both started from (`base`, undefined when unknown). An annotation kept or
 * changed on either side survives; one is dropped only when one side deleted it and the other
 * left it untouched. Fields changed on both sides keep ours (notes keep both) and are reported.
 */
export function mergeSidecars(base: Sidecar | undefined, ours: Sidecar, theirs: Sidecar): MergeResult {
  const baseById = new Map((base?.annotations ?? []).map((a) => [a.id, a]));
  const oursById = new Map(ours.annotations.map((a) => [a.id, a]));
  const theirsById = new Map(theirs.annotations.map((a) => [a.id, a]));
  const ids = union([...oursById.keys()], [...theirsById.keys()]);
  const annotations: Annotation[] = [];
  const conflicts: MergeConflict[] = [];
  for (const id of ids) {
    const b = baseById.get(id);
    const o = oursById.get(id);
    const t = theirsById.get(id);
    if (o && t) {
      if (canonical(o) === canonical(t) || canonical(t) === canonical(b)) {
        annotations.push(o);
      } else if (canonical(o) === canonical(b)) {
        annotations.push(t);
      } else {
        const m = mergeAnnotation(b, o, t);
        annotations.push(m.merged);
        if (m.conflicts.length > 0) conflicts.push({ id, fields: m.conflicts });
      }
    } else if (o) {
      // Gone from theirs: a deletion there wins only if we did not change it.
      if (!b || canonical(o) !== canonical(b)) annotations.push(o);
    } else if (t) {
      if (!b || canonical(t) !== canonical(b)) annotations.push(t);
    }
  }
  return {
    sidecar: { version: SIDECAR_VERSION, document: ours.document, annotations: annotations.sort(compareAnnotations) },
    conflicts,
  };
}

/** An empty sidecar for an essay file name. */
export function emptySidecar(document: string): Sidecar {
  return { version: SIDECAR_VERSION, document, annotations: [] };
}
