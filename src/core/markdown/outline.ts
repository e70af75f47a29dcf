// Builds the public Outline from top-level block records: absolute offsets, slugs in document order,
// sections, and links resolved against the document's definitions.
import GithubSlugger from 'github-slugger';
import type { RelBlock, TopBlock } from './parse';
import { hasScheme } from './parse';
import type { Heading, MarkdownLink, Outline, OutlineBlock, Section } from './types';

/** Kinds that make a passage for blockAt. */
const PASSAGE_KINDS = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'table', 'code', 'footnoteDefinition']);

/** Materialises the outline of `text` from its top-level blocks, in order. */
export function buildOutline(text: string, tops: readonly TopBlock[]): Outline {
  const blocks: OutlineBlock[] = new Array(tops.length);
  const headings: Heading[] = [];
  const links: MarkdownLink[] = [];
  const problems: string[] = [];
  const definitions = new Map<string, string>();
  const slugger = new GithubSlugger();
  for (let i = 0; i < tops.length; i++) {
    const top = tops[i];
    blocks[i] = { kind: top.kind, start: top.start, end: top.end, children: absolute(top.children, top.start) };
    for (const h of top.headings) {
      headings.push({ depth: h.depth, text: h.text, slug: slugger.slug(h.text), start: top.start + h.start, end: top.start + h.end });
    }
    // The first definition of a label wins, wherever the reference is.
    for (const d of top.definitions) if (!definitions.has(d.identifier)) definitions.set(d.identifier, d.url);
    if (top.problem) problems.push(`Offsets ${top.start}-${top.end}: ${top.problem}; kept as one block.`);
  }
  for (const top of tops) {
    for (const link of top.links) {
      const url = link.url ?? (link.ref === undefined ? undefined : definitions.get(link.ref));
      if (url === undefined || hasScheme(url)) continue;
      links.push({ start: top.start + link.start, end: top.start + link.end, url, ...splitUrl(url), text: link.text });
    }
  }
  return new OutlineView(text, blocks, headings, buildSections(text, blocks, headings), links, problems);
}

function absolute(children: readonly RelBlock[], base: number): OutlineBlock[] {
  if (children.length === 0) return [];
  const out: OutlineBlock[] = [];
  // Explicit stack: nesting can be deep.
  const stack: [readonly RelBlock[], OutlineBlock[]][] = [[children, out]];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    for (const child of source) {
      const block: OutlineBlock = { kind: child.kind, start: base + child.start, end: base + child.end, children: [] };
      target.push(block);
      if (child.children.length > 0) stack.push([child.children, block.children as OutlineBlock[]]);
    }
  }
  return out;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function splitUrl(url: string): { path: string; fragment?: string } {
  const hash = url.indexOf('#');
  if (hash < 0) return { path: decode(url) };
  return { path: decode(url.slice(0, hash)), fragment: decode(url.slice(hash + 1)) };
}

interface MutableSection {
  heading?: Heading;
  depth: number;
  start: number;
  end: number;
  children: MutableSection[];
}

/** True when a block other than front matter has content before `offset`. */
function hasContentBefore(blocks: readonly OutlineBlock[], offset: number): boolean {
  const stack = [...blocks];
  while (stack.length > 0) {
    const block = stack.pop()!;
    if (block.start >= offset || block.kind === 'frontmatter') continue;
    if (block.children.length === 0) return true;
    stack.push(...block.children);
  }
  return false;
}

function buildSections(text: string, blocks: readonly OutlineBlock[], headings: readonly Heading[]): Section[] {
  const roots: MutableSection[] = [];
  const firstStart = headings.length > 0 ? headings[0].start : text.length;
  if (hasContentBefore(blocks, firstStart)) {
    roots.push({ depth: 0, start: 0, end: firstStart, children: [] });
  }
  const open: MutableSection[] = [];
  for (const heading of headings) {
    while (open.length > 0 && open[open.length - 1].depth >= heading.depth) open.pop()!.end = heading.start;
    const section: MutableSection = { heading, depth: heading.depth, start: heading.start, end: text.length, children: [] };
    (open.length > 0 ? open[open.length - 1].children : roots).push(section);
    open.push(section);
  }
  return roots;
}

/** The index of the last item whose start is at or before `offset`, or -1. */
function lastStartingAtOrBefore(items: readonly { start: number }[], offset: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

class OutlineView implements Outline {
  constructor(
    readonly text: string,
    readonly blocks: readonly OutlineBlock[],
    readonly headings: readonly Heading[],
    readonly sections: readonly Section[],
    readonly links: readonly MarkdownLink[],
    readonly problems: readonly string[],
  ) {}

  blockAt(offset: number): OutlineBlock | undefined {
    let found: OutlineBlock | undefined;
    let level: readonly OutlineBlock[] = this.blocks;
    for (;;) {
      const i = lastStartingAtOrBefore(level, offset);
      if (i < 0 || level[i].end < offset) return found;
      const block = level[i];
      if (PASSAGE_KINDS.has(block.kind)) found = block;
      level = block.children;
    }
  }

  sectionPath(offset: number): readonly Section[] {
    const path: Section[] = [];
    let level: readonly Section[] = this.sections;
    for (;;) {
      const i = lastStartingAtOrBefore(level, offset);
      if (i < 0) return path;
      const section = level[i];
      const inside = offset < section.end || (offset === section.end && section.end === this.text.length);
      if (!inside) return path;
      path.push(section);
      level = section.children;
    }
  }
}
