// Line-level facts about Markdown text that decide where it can be cut into independently parsed
// chunks. They read a few characters around a position and never parse.
//
// A chunk may begin at a line that follows a blank line, starts in column 1 with something other
// than a list marker, and comes after the front matter. After a blank line no paragraph, table,
// setext underline, lazy continuation or HTML block of kinds 6 and 7 is open, and a line without
// indentation can continue no list item, block quote or footnote definition. A list marker could
// continue the list before it, so such a line never starts a chunk. What can still run across the
// blank line is a fenced code block or an HTML block of kinds 1 to 5 without its end, and, in
// micromark, an indented code block, after which the next block is parsed as if it interrupted
// one; the parsers check that on the parsed chunk (`openEnd`).

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;

function isEol(c: number): boolean {
  return c === LF || c === CR;
}

function isSpaceOrTab(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** The offset where the line containing `pos` starts. */
export function lineStart(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && !isEol(text.charCodeAt(i - 1))) i--;
  return i;
}

/** The offset after the line ending that follows `pos` (text.length on the last line). */
function nextLineStart(text: string, pos: number): number {
  let i = pos;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
    i++;
  }
  return n;
}

/** True when `pos` is the first offset of a line. */
function isLineStart(text: string, pos: number): boolean {
  if (pos <= 0) return true;
  const before = text.charCodeAt(pos - 1);
  if (before === LF) return true;
  return before === CR && text.charCodeAt(pos) !== LF;
}

/** True when a line starting at `pos` begins with a list item marker (`-`, `+`, `*`, `1.`, `1)`). */
function startsWithListMarker(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos);
  let after = pos + 1;
  if (c === 45 || c === 43 || c === 42) {
    // '-', '+', '*'
  } else if (c >= 48 && c <= 57) {
    let digits = 1;
    while (digits < 10 && isDigit(text.charCodeAt(after))) {
      after++;
      digits++;
    }
    if (digits > 9) return false;
    const delimiter = text.charCodeAt(after);
    if (delimiter !== 46 && delimiter !== 41) return false;
    after++;
  } else {
    return false;
  }
  const next = text.charCodeAt(after);
  return Number.isNaN(next) || isSpaceOrTab(next) || isEol(next);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * True when a chunk parsed from `pos` yields the same blocks as a parse of the whole text, provided
 * the text before `pos` does not end inside an open fence or HTML block (see the file comment).
 */
export function isChunkStart(text: string, pos: number): boolean {
  if (pos <= 0 || pos >= text.length || !isLineStart(text, pos)) return false;
  const c = text.charCodeAt(pos);
  // A BOM at the start of a parse would be dropped by the parser, shifting every offset.
  if (isSpaceOrTab(c) || isEol(c) || c === BOM) return false;
  if (startsWithListMarker(text, pos)) return false;
  // The previous line must be blank: only spaces and tabs before its line ending.
  let i = pos - 1;
  if (text.charCodeAt(i) === LF && text.charCodeAt(i - 1) === CR) i--;
  while (i > 0 && isSpaceOrTab(text.charCodeAt(i - 1))) i--;
  return i === 0 || isEol(text.charCodeAt(i - 1));
}

/**
 * The first chunk start at or after `from` and after `limit`, or text.length when there is none
 * before `until`.
 */
export function nextChunkStart(text: string, from: number, limit: number, until = text.length): number {
  let pos = Math.max(from, limit + 1, 1);
  if (!isLineStart(text, pos)) pos = nextLineStart(text, pos);
  const n = Math.min(until, text.length);
  while (pos < n) {
    if (isChunkStart(text, pos)) return pos;
    pos = nextLineStart(text, pos);
  }
  return text.length;
}

/** The last chunk start at or before `pos`, after `limit` and at or after `floor`; `floor` when there is none. */
export function previousChunkStart(text: string, pos: number, limit: number, floor: number): number {
  let p = lineStart(text, Math.min(pos, text.length));
  for (;;) {
    if (p <= floor) return floor;
    if (p > limit && isChunkStart(text, p)) return p;
    p = lineStart(text, p - 1);
  }
}

/** The start of the line before the line that starts at `pos`. */
export function previousLineStart(text: string, pos: number): number {
  let i = pos - 1;
  if (i > 0 && text.charCodeAt(i) === LF && text.charCodeAt(i - 1) === CR) i--;
  return lineStart(text, Math.max(i, 0));
}

const FRONTMATTER_OPEN = /(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)/y;

/**
 * Where front matter can end: the end of the first closing fence line when the text opens with a
 * `---` or `+++` fence, else 0. No chunk may start at or before it: the front matter construct
 * only applies to the first chunk, and it may run to any later fence line. An opening fence that
 * is never closed makes the parser read the whole text without block quotes, lists or footnote
 * definitions (micromark/micromark-extension-frontmatter#5), so the whole text is then one chunk.
 */
export function frontMatterLimit(text: string): number {
  const from = text.charCodeAt(0) === BOM ? 1 : 0;
  FRONTMATTER_OPEN.lastIndex = from;
  const open = FRONTMATTER_OPEN.exec(text);
  if (!open) return 0;
  const fence = open[1] === '---' ? '-{3}' : '\\+{3}';
  const close = new RegExp(`(?:\\r\\n|\\r|\\n)${fence}[ \\t]*(?=\\r|\\n|$)`, 'g');
  // Search from the opening line's own line ending so that an empty front matter is found too.
  close.lastIndex = from + open[0].length - (open[0].endsWith('\r\n') ? 2 : 1);
  const found = close.exec(text);
  return found ? found.index + found[0].length : text.length;
}

/**
 * Estimated container depth of a line: its block quote and list markers, plus half its indentation
 * when it holds any. The parser's cost grows with the square of this depth on every line, and its
 * recursion overflows the stack at a few thousand levels.
 */
function lineDepth(text: string, pos: number, end: number): number {
  let i = pos;
  let markers = 0;
  let columns = 0;
  for (;;) {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === SPACE) columns++;
      else if (c === TAB) columns += 4 - (columns % 4);
      else break;
      i++;
    }
    if (i >= end) break;
    const c = text.charCodeAt(i);
    if (c === 62) {
      // '>'
      markers++;
      columns++;
      i++;
      continue;
    }
    if (startsWithListMarker(text, i)) {
      markers++;
      while (i < end && !isSpaceOrTab(text.charCodeAt(i)) && !isEol(text.charCodeAt(i))) {
        i++;
        columns++;
      }
      continue;
    }
    break;
  }
  return markers === 0 ? 0 : markers + (columns >> 1);
}

/** Container depth beyond which a passage is not parsed but kept as one opaque block. */
export const MAX_NESTING = 64;

/** The offset of the first line in [from, to) nested deeper than MAX_NESTING, or -1. */
export function findDeepNesting(text: string, from: number, to: number): number {
  const eol = /[\r\n]/g;
  let pos = from;
  while (pos < to) {
    eol.lastIndex = pos;
    const m = eol.exec(text);
    const lineEnd = m && m.index < to ? m.index : to;
    if (lineDepth(text, pos, lineEnd) > MAX_NESTING) return pos;
    if (lineEnd >= to) break;
    pos = lineEnd + (text.charCodeAt(lineEnd) === CR && text.charCodeAt(lineEnd + 1) === LF ? 2 : 1);
  }
  return -1;
}

/** micromark's normalisation of a link label: collapsed whitespace, case-folded. */
export function normalizeLabel(label: string): string {
  return label.replace(/[\t\n\r ]+/g, ' ').replace(/^ | $/g, '').toLowerCase().toUpperCase();
}

/** The first word of a normalised label, the part that is sure to appear verbatim after its '['. */
export function firstWord(id: string): string {
  const space = id.indexOf(' ');
  return space < 0 ? id : id.slice(0, space);
}

/**
 * The words that follow a '[' in [from, to), normalised as labels are. A reference or footnote call
 * to label L can only appear where firstWord(L) (or '^' + L) is among them. Block quote markers
 * that a label spans are skipped, and each is also tried as the start of the word.
 */
export function bracketWords(text: string, from: number, to: number): Set<string> {
  const words = new Set<string>();
  let open = text.indexOf('[', from);
  while (open >= 0 && open < to) {
    let i = open + 1;
    for (;;) {
      while (i < to && isLabelSpace(text.charCodeAt(i))) i++;
      if (i < to && text.charCodeAt(i) === 62) {
        addWord(words, text, i, to);
        i++;
        continue;
      }
      break;
    }
    addWord(words, text, i, to);
    open = text.indexOf('[', open + 1);
  }
  return words;
}

function isLabelSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** Labels are at most 999 characters long. */
const MAX_LABEL = 1000;

function addWord(words: Set<string>, text: string, from: number, to: number): void {
  let i = from;
  const end = Math.min(to, from + MAX_LABEL);
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isLabelSpace(c) || c === 93) break;
    i += c === 92 ? 2 : 1;
  }
  if (i > from) words.add(text.slice(from, Math.min(i, end)).replace(/\0/g, '\uFFFD').toLowerCase().toUpperCase());
}

const DEFINITION_LINE = /^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*\[((?:[^\\\]\r\n]|\\.){1,999})\]:/gm;

/**
 * A guess at the labels the text defines, read from lines that look like link reference or
 * footnote definitions. Chunks of a first index are parsed with it so that references to
 * definitions further down usually resolve in one pass; the guess is checked against the parse.
 */
export function guessDefinitions(text: string): { defined: string[]; footnotes: string[] } {
  const defined = new Set<string>();
  const footnotes = new Set<string>();
  DEFINITION_LINE.lastIndex = 0;
  for (let m = DEFINITION_LINE.exec(text); m; m = DEFINITION_LINE.exec(text)) {
    const label = m[1];
    if (label.startsWith('^') && !/[\t ]/.test(label)) footnotes.add(normalizeLabel(label.slice(1)));
    else defined.add(normalizeLabel(label));
  }
  return { defined: [...defined], footnotes: [...footnotes] };
}
