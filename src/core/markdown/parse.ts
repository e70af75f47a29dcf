// One remark parse of a slice of the text, turned into top-level block records whose inner offsets
// are relative to the block's start, so that moving a block after an edit is one addition.
import { unified, type Data } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import type { Nodes, Root, RootContent } from 'mdast';
import type { BlockKind } from './types';
import { findDeepNesting, MAX_NESTING, normalizeLabel } from './scan';

/** A block nested in a top-level block; offsets are relative to the top-level block's start. */
export interface RelBlock {
  readonly kind: BlockKind;
  readonly start: number;
  readonly end: number;
  readonly children: readonly RelBlock[];
}

/** A heading; offsets relative to its top-level block. */
export interface RelHeading {
  readonly depth: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A link; offsets relative to its top-level block. Exactly one of url and ref is set. */
export interface RelLink {
  readonly start: number;
  readonly end: number;
  /** The destination of an inline link. */
  readonly url?: string;
  /** The identifier of a reference link, resolved against the whole document's definitions. */
  readonly ref?: string;
  readonly text: string;
}

/** A link reference definition: mdast identifier and destination. */
export interface LinkDefinition {
  readonly identifier: string;
  readonly url: string;
}

/** One top-level block and everything the outline needs from inside it. */
export interface TopBlock {
  /** Absolute offsets, moved eagerly by edits before the block. */
  start: number;
  end: number;
  readonly kind: BlockKind;
  readonly children: readonly RelBlock[];
  readonly headings: readonly RelHeading[];
  readonly links: readonly RelLink[];
  readonly definitions: readonly LinkDefinition[];
  /** Labels of the link reference definitions inside, as the parser normalises them. */
  readonly definedIds: readonly string[];
  /** Labels of the footnote definitions inside, as the parser normalises them. */
  readonly footnoteIds: readonly string[];
  /** Set on a block kept opaque because it could not be parsed. */
  readonly problem?: string;
  /** A chunk may start at this block: see isChunkStart. */
  safe: boolean;
  /** Cached bracketWords of the block's text. */
  words?: Set<string>;
}

/** Labels defined elsewhere in the document, which a parse of a slice must treat as defined. */
export interface Injection {
  readonly defined: readonly string[];
  readonly footnotes: readonly string[];
}

export const NO_INJECTION: Injection = { defined: [], footnotes: [] };

const NONE: readonly never[] = Object.freeze([]);

/** The part of micromark's parse context this module touches. */
interface ParseContext {
  defined: string[];
  gfmFootnotes?: string[];
}

// micromark decides whether `[x]` is a reference (and `[^x]` a footnote call) by looking the label up
// in lists of definitions it fills while parsing the flow, before it parses any inline text. A slice
// of the document does not contain the definitions of the rest of it, so a construct that never
// matches, tried first thing on the first line, adds them to those lists.
let pending: Injection = NO_INJECTION;
let injectedInto: ParseContext | undefined;

function injectDefinitions(this: { parser: ParseContext }, _effects: unknown, _ok: unknown, nok: unknown): unknown {
  const parser = this.parser;
  if (parser !== injectedInto) {
    injectedInto = parser;
    for (const id of pending.defined) parser.defined.push(id);
    if (pending.footnotes.length > 0) parser.gfmFootnotes = [...(parser.gfmFootnotes ?? []), ...pending.footnotes];
  }
  return nok;
}

type MicromarkExtension = NonNullable<Data['micromarkExtensions']>[number];

const injectionExtension = { document: { null: [{ tokenize: injectDefinitions }] } } as unknown as MicromarkExtension;

function remarkInjectDefinitions(this: { data(): Data }): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(injectionExtension);
}

type MdastExtension = NonNullable<Data['fromMarkdownExtensions']>[number];

function withoutTransforms(extension: MdastExtension): MdastExtension {
  if (Array.isArray(extension)) return extension.map((e) => withoutTransforms(e) as (typeof extension)[number]);
  return extension.transforms ? { ...extension, transforms: [] } : extension;
}

/**
 * Drops the tree transforms of the mdast extensions. GFM's one finds autolink literals in text
 * nodes and splits them into text and links, keeping the characters; every such link's URL has a
 * scheme (http:, mailto:, xmpp:), which the outline leaves out. It takes about 8% of a parse.
 */
function remarkSkipTransforms(this: { data(): Data }): void {
  const data = this.data();
  if (data.fromMarkdownExtensions) data.fromMarkdownExtensions = data.fromMarkdownExtensions.map(withoutTransforms);
}

type MicromarkConstruct = { name?: string };

function withoutEmailAutolinks(extension: MicromarkExtension): MicromarkExtension {
  const text = extension.text as Record<string, MicromarkConstruct | MicromarkConstruct[]> | undefined;
  if (!text) return extension;
  const kept: Record<string, MicromarkConstruct[]> = {};
  for (const [code, constructs] of Object.entries(text)) {
    const rest = (Array.isArray(constructs) ? constructs : [constructs]).filter((c) => c.name !== 'emailAutolink');
    if (rest.length > 0) kept[code] = rest;
  }
  return { ...extension, text: kept } as MicromarkExtension;
}

/**
 * Drops GFM's email autolink literal construct, for text without an `@`, where it can never match.
 * micromark tries it at the start of every word, reading the word twice; a failed try leaves no
 * trace, so the tree is the same, and the parse about a fifth faster.
 */
function remarkSkipEmailAutolinks(this: { data(): Data }): void {
  const data = this.data();
  if (data.micromarkExtensions) data.micromarkExtensions = data.micromarkExtensions.map(withoutEmailAutolinks);
}

/** A processor for a slice: front matter only at the start of the text, email autolinks only where there is an `@`. */
export function makeProcessor(frontMatter: boolean, emails: boolean) {
  const processor = unified().use(remarkParse).use(remarkGfm);
  if (frontMatter) processor.use(remarkFrontmatter, ['yaml', 'toml']);
  if (!emails) processor.use(remarkSkipEmailAutolinks);
  return processor.use(remarkInjectDefinitions).use(remarkSkipTransforms).freeze();
}

const processors: (ReturnType<typeof makeProcessor> | undefined)[] = [];

/** The outcome of parsing a slice: its top-level blocks, or why it could not be parsed. */
export type PieceResult = { ok: true; tops: TopBlock[] } | { ok: false; problem: string };

/**
 * Parses text[from, to) as a document of its own, with `injection` taken as defined. Only a slice
 * starting at 0 may hold front matter; a leading BOM is skipped there.
 */
export function parsePiece(text: string, from: number, to: number, injection: Injection): PieceResult {
  const atStart = from === 0;
  const begin = atStart && text.charCodeAt(0) === 0xfeff ? 1 : from;
  if (findDeepNesting(text, begin, to) >= 0) {
    return { ok: false, problem: `nested more than ${MAX_NESTING} levels deep` };
  }
  const at = text.indexOf('@', begin);
  const emails = at >= 0 && at < to;
  const processor = (processors[(atStart ? 2 : 0) + (emails ? 1 : 0)] ??= makeProcessor(atStart, emails));
  let tree: Root;
  let own: readonly string[] = NONE;
  pending = injection;
  injectedInto = undefined;
  try {
    tree = processor.parse(text.slice(begin, to));
    if (injectedInto) own = (injectedInto as ParseContext).defined.slice(injection.defined.length);
  } catch (error) {
    return { ok: false, problem: error instanceof RangeError ? 'too deeply nested to parse' : `not parsed: ${String(error)}` };
  } finally {
    pending = NO_INJECTION;
    injectedInto = undefined;
  }
  const tops: TopBlock[] = [];
  for (const node of tree.children) tops.push(convertTop(node, begin, text, tops.length > 0 ? tops[tops.length - 1].end : -1));
  assignDefinedIds(tops, own);
  return { ok: true, tops };
}

/** A block kept whole because it could not be parsed. */
export function opaqueBlock(text: string, from: number, to: number, problem: string): TopBlock | undefined {
  let start = from;
  let end = to;
  while (start < end && /[\s\ufeff]/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (start === end) return undefined;
  return {
    start,
    end,
    kind: text[start] === '>' ? 'blockquote' : 'paragraph',
    children: NONE,
    headings: NONE,
    links: NONE,
    definitions: NONE,
    definedIds: NONE,
    footnoteIds: NONE,
    problem,
    safe: false,
  };
}

const FLOW_KIND: Readonly<Record<string, BlockKind>> = {
  paragraph: 'paragraph',
  heading: 'heading',
  list: 'list',
  listItem: 'listItem',
  blockquote: 'blockquote',
  table: 'table',
  code: 'code',
  html: 'html',
  thematicBreak: 'thematicBreak',
  footnoteDefinition: 'footnoteDefinition',
  definition: 'definition',
  yaml: 'frontmatter',
  toml: 'frontmatter',
};

/** Nodes whose children are flow blocks; elsewhere an `html` node is inline HTML. */
const FLOW_CONTAINERS = new Set(['root', 'blockquote', 'list', 'listItem', 'footnoteDefinition']);

function startOf(node: Nodes): number {
  return node.position?.start.offset ?? 0;
}

function endOf(node: Nodes): number {
  return node.position?.end.offset ?? 0;
}

/**
 * Where a block starts, given where its previous sibling ends. mdast starts a setext heading that
 * follows link definitions in the same paragraph at the first definition, overlapping them; such a
 * heading starts at its content instead.
 */
function blockStart(node: Nodes, previousEnd: number): number {
  const start = startOf(node);
  if (node.type !== 'heading' || start >= previousEnd || node.children.length === 0) return start;
  return startOf(node.children[0]);
}

interface MutableBlock {
  kind: BlockKind;
  start: number;
  end: number;
  children: MutableBlock[];
}

/** Walks one top-level mdast node without recursion: hostile input nests thousands deep. */
function convertTop(node: RootContent, base: number, text: string, previousEnd: number): TopBlock {
  const start = base + blockStart(node, previousEnd - base);
  const end = base + endOf(node);
  const children: MutableBlock[] = [];
  const headings: RelHeading[] = [];
  const links: RelLink[] = [];
  const definitions: LinkDefinition[] = [];
  const footnoteIds: string[] = [];
  // Each entry: a node, whether its parent holds flow content, and where its flow children go.
  const stack: [Nodes, boolean, MutableBlock[] | undefined][] = [[node, true, undefined]];
  while (stack.length > 0) {
    const [current, inFlow, siblings] = stack.pop()!;
    const previous = siblings && siblings.length > 0 ? siblings[siblings.length - 1].end + start - base : -1;
    const rel = current === node ? 0 : base + blockStart(current, previous) - start;
    let childTarget: MutableBlock[] | undefined;
    if (inFlow && FLOW_KIND[current.type]) {
      if (current === node) {
        childTarget = children;
      } else {
        const block: MutableBlock = { kind: FLOW_KIND[current.type], start: rel, end: base + endOf(current) - start, children: [] };
        siblings?.push(block);
        childTarget = block.children;
      }
    }
    switch (current.type) {
      case 'heading':
        headings.push({ depth: current.depth, text: plainText(current), start: rel, end: base + endOf(current) - start });
        break;
      case 'link':
        if (!hasScheme(current.url)) links.push({ start: rel, end: base + endOf(current) - start, url: current.url, text: plainText(current) });
        continue;
      case 'linkReference':
        links.push({ start: rel, end: base + endOf(current) - start, ref: current.identifier, text: plainText(current) });
        continue;
      case 'definition':
        definitions.push({ identifier: current.identifier, url: current.url });
        break;
      case 'footnoteDefinition':
        footnoteIds.push(footnoteId(text, base + startOf(current), current.identifier));
        break;
      case 'image':
      case 'imageReference':
        continue;
      default:
        break;
    }
    if ('children' in current) {
      const flow = FLOW_CONTAINERS.has(current.type);
      const kids = current.children as Nodes[];
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], flow, flow ? childTarget : undefined]);
    }
  }
  return {
    start,
    end,
    kind: FLOW_KIND[node.type] ?? 'paragraph',
    children: children.length > 0 ? children : NONE,
    headings: headings.length > 0 ? headings : NONE,
    links: links.length > 0 ? links : NONE,
    definitions: definitions.length > 0 ? definitions : NONE,
    definedIds: NONE,
    footnoteIds: footnoteIds.length > 0 ? footnoteIds : NONE,
    safe: false,
  };
}

/**
 * Gives each block the parser's own normalised labels of its definitions, which it recorded in
 * document order. mdast keeps only a lower-cased form, which is not always the same label again.
 */
function assignDefinedIds(tops: TopBlock[], own: readonly string[]): void {
  let count = 0;
  for (const top of tops) count += top.definitions.length;
  let next = 0;
  for (let i = 0; i < tops.length; i++) {
    const top = tops[i];
    if (top.definitions.length === 0) continue;
    const ids = count === own.length
      ? own.slice(next, next + top.definitions.length)
      : top.definitions.map((d) => d.identifier.toUpperCase());
    next += top.definitions.length;
    tops[i] = { ...top, definedIds: ids };
  }
}

/** The parser's normalised label of a footnote definition, read from its `[^label]` in the source. */
function footnoteId(text: string, at: number, identifier: string): string {
  if (text.charCodeAt(at) !== 91 || text.charCodeAt(at + 1) !== 94) return identifier.toUpperCase();
  let i = at + 2;
  let raw = '';
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 93) return normalizeLabel(raw.replace(/\0/g, '\uFFFD'));
    if (c === 92 && /[[\\\]]/.test(text[i + 1] ?? '')) {
      raw += text.slice(i, i + 2);
      i += 2;
    } else {
      raw += text[i];
      i++;
    }
  }
  return identifier.toUpperCase();
}

/** Text and code of a node's content, without markup, images or inline HTML. */
function plainText(node: Nodes): string {
  let out = '';
  const stack: Nodes[] = [];
  const push = (n: Nodes): void => {
    if ('children' in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as Nodes);
  };
  push(node);
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'text' || current.type === 'inlineCode') out += current.value;
    else if (current.type === 'break') out += '\n';
    else if (current.type !== 'html' && current.type !== 'image' && current.type !== 'imageReference') push(current);
  }
  return out;
}

/** True for a URL that names a scheme (`http:`, `mailto:`, `command:`) or a host (`//host`). */
export function hasScheme(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//');
}
