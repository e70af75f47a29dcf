// Helpers shared by the export formats: tag lookup and grouping, paths and links, line labels.
import type { TagDefinition } from '../codebook';
import type { Excerpt, ExcerptRelation, ExportInput } from './model';

/** A tag as an export shows it: the codebook's entry, or a placeholder for an id the codebook does not know. */
export interface ExportTag extends TagDefinition {
  /** False for a tag id that is not in the codebook. */
  known: boolean;
}

/** Colour of tags the codebook does not know, and of any colour that fails validation. */
export const FALLBACK_COLOR = '#6b7280';

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** The colour if it is a hex colour (`#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`), else undefined. */
export function validHexColor(color: unknown): string | undefined {
  return typeof color === 'string' && HEX_COLOR.test(color) ? color.toLowerCase() : undefined;
}

/** The codebook entry for a tag id, or a placeholder that uses the id as its label. */
export function resolveTag(input: ExportInput, id: string): ExportTag {
  const known = input.tags.find((t) => t.id === id);
  if (known) return { ...known, known: true };
  return { id, label: id, color: FALLBACK_COLOR, definition: '', known: false };
}

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/** Tag ids sorted by their place in the codebook; ids it does not know keep their order, after the known ones. */
function inCodebookOrder(input: ExportInput, ids: string[]): string[] {
  const rank = new Map(input.tags.map((t, i) => [t.id, i]));
  return unique(ids)
    .map((id, i) => ({ id, key: rank.get(id) ?? input.tags.length + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.id);
}

/**
 * The tags an excerpt is listed under: those of its tags that were requested, or all of its tags
 * when none were requested or when it carries none of the requested ones (so it is never dropped).
 * Empty for an untagged excerpt.
 */
export function placementTags(excerpt: Excerpt, filterTags: readonly string[]): string[] {
  const own = unique(excerpt.tags);
  if (filterTags.length === 0) return own;
  const requested = own.filter((t) => filterTags.includes(t));
  return requested.length > 0 ? requested : own;
}

/** Every tag the export refers to (requested or carried by an excerpt), codebook order first. */
export function referencedTags(input: ExportInput): ExportTag[] {
  const ids = [...input.filterTags, ...input.excerpts.flatMap((e) => e.tags)];
  return inCodebookOrder(input, ids).map((id) => resolveTag(input, id));
}

/** One group of a digest: a tag and its excerpts, or (tag undefined) the untagged excerpts. */
export interface TagGroup {
  tag: ExportTag | undefined;
  excerpts: Excerpt[];
}

/**
 * Excerpts grouped by tag, in codebook order, then unknown tags, then "Untagged". A requested tag
 * gets a group even when nothing carries it, so the reader sees that it was looked for.
 */
export function groupByTag(input: ExportInput): TagGroup[] {
  const placed = input.excerpts.map((e) => ({ excerpt: e, tags: placementTags(e, input.filterTags) }));
  const ids = inCodebookOrder(input, [...input.filterTags, ...placed.flatMap((p) => p.tags)]);
  const groups: TagGroup[] = ids.map((id) => ({
    tag: resolveTag(input, id),
    excerpts: placed.filter((p) => p.tags.includes(id)).map((p) => p.excerpt),
  }));
  const untagged = placed.filter((p) => p.tags.length === 0).map((p) => p.excerpt);
  if (untagged.length > 0) groups.push({ tag: undefined, excerpts: untagged });
  return groups;
}

/** Excerpts of one essay, split by section in order of first appearance. */
export interface DocumentGroup {
  document: string;
  sections: { section: string[]; excerpts: Excerpt[] }[];
}

/** Excerpts grouped by essay, then by section, keeping the input's order. */
export function groupByDocument(excerpts: Excerpt[]): DocumentGroup[] {
  const docs = new Map<string, Map<string, { section: string[]; excerpts: Excerpt[] }>>();
  for (const e of excerpts) {
    let sections = docs.get(e.document);
    if (!sections) docs.set(e.document, (sections = new Map()));
    // JSON of the title list: titles may contain any separator.
    const key = JSON.stringify(e.section);
    let group = sections.get(key);
    if (!group) sections.set(key, (group = { section: e.section, excerpts: [] }));
    group.excerpts.push(e);
  }
  return [...docs].map(([document, sections]) => ({ document, sections: [...sections.values()] }));
}

/** Number of distinct essays among the excerpts. */
export function documentCount(excerpts: Excerpt[]): number {
  return new Set(excerpts.map((e) => e.document)).size;
}

/** A POSIX path with `.` segments, empty segments and resolvable `..` segments removed. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/** The directory part of a POSIX path (`''` for a file at the root). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The POSIX path of `to` relative to the folder `fromDir`; both are relative to the same root. */
export function relativePath(fromDir: string, to: string): string {
  const from = normalizePath(fromDir).split('/').filter(Boolean);
  const target = normalizePath(to).split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length - 1 && from[common] === target[common]) common++;
  return [...from.slice(common).map(() => '..'), ...target.slice(common)].join('/');
}

/**
 * Percent-encodes one path segment or fragment for a URL or IRI. Parentheses and the other
 * characters `encodeURIComponent` leaves alone are encoded too: unbalanced parentheses end a
 * Markdown link destination.
 */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A relative POSIX path as a percent-encoded relative URL (`..` segments kept). */
export function encodePath(path: string): string {
  return path.split('/').map((s) => (s === '..' || s === '.' ? s : encodeSegment(s))).join('/');
}

/** The 1-based first and last line a passage covers, or undefined when detached. */
export function lineSpan(excerpt: Excerpt): { first: number; last: number } | undefined {
  const { start, end } = excerpt;
  if (!start) return undefined;
  let last = end?.line ?? start.line;
  // A passage that ends right after a line break does not cover the next line.
  if (end && end.column === 1 && last > start.line) last--;
  return { first: start.line, last: Math.max(last, start.line) };
}

/** `line 12` or `lines 12–14`; undefined when detached. */
export function lineLabel(excerpt: Excerpt): string | undefined {
  const span = lineSpan(excerpt);
  if (!span) return undefined;
  return span.first === span.last ? `line ${span.first}` : `lines ${span.first}–${span.last}`;
}

/** A link from a file in `fromDir` to the passage's essay and lines (`../essays/x.md#L12`, `#L12-L14`). */
export function essayLink(excerpt: Excerpt, fromDir: string): string {
  const url = encodePath(relativePath(fromDir, excerpt.document));
  const span = lineSpan(excerpt);
  if (!span) return url;
  return span.first === span.last ? `${url}#L${span.first}` : `${url}#L${span.first}-L${span.last}`;
}

/** Where a relation points: the target claim's essay (workspace-relative) and claim id. */
export function relationTarget(excerpt: Excerpt, relation: ExcerptRelation): { document: string; id: string } {
  const hash = relation.target.lastIndexOf('#');
  if (hash < 0) return { document: excerpt.document, id: relation.target };
  const path = relation.target.slice(0, hash);
  const id = relation.target.slice(hash + 1);
  if (path === '') return { document: excerpt.document, id };
  const base = dirname(excerpt.document);
  return { document: normalizePath(base ? `${base}/${path}` : path), id };
}

/** A link from a file in `fromDir` to a relation's target claim (`../essays/x.md#claim-id`). */
export function relationLink(excerpt: Excerpt, relation: ExcerptRelation, fromDir: string): string {
  const { document, id } = relationTarget(excerpt, relation);
  return `${encodePath(relativePath(fromDir, document))}#${encodeSegment(id)}`;
}

/** The text's lines; `\r\n`, `\n` and a lone `\r` each end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** `1 excerpt`, `2 excerpts`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
