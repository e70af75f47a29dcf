// Editing prose changes characters that carry no meaning: lines are rewrapped, CRLF becomes LF,
// an editor turns straight quotes into curly ones. Matching runs on a normalised copy of the text
// in which those differences vanish, with a map back to the original offsets.
import { int32 } from './slab';

/** A normalised text and, for each of its characters, where it starts in the original. */
export interface NormalizedText {
  text: string;
  /** `map[i]` is the original offset of normalised character `i`; `map[text.length]` is the original length. */
  map: Int32Array;
}

const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
/** `>`, the blockquote marker. */
export const GREATER_THAN = 0x3e;

/** Whitespace, which normalisation collapses. */
export function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** A line break, after which blockquote markers are layout. */
export function isLineBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/** Curly double and single quotes become straight ones; everything else is kept. */
export function foldQuote(c: number): number {
  if (c === 0x201c || c === 0x201d || c === 0x201e || c === 0x201f) return DOUBLE_QUOTE;
  if (c === 0x2018 || c === 0x2019 || c === 0x201a || c === 0x201b) return SINGLE_QUOTE;
  return c;
}

/**
 * Normalises `source[from, to)`: each run of whitespace becomes one space, and so do the
 * blockquote markers (`>`) at the start of a line, since rewrapping a quoted paragraph moves them;
 * curly quotes become straight ones. The map holds offsets into `source`.
 */
export function normalize(source: string, from = 0, to = source.length): NormalizedText {
  const lo = Math.max(0, from);
  const n = Math.min(source.length, to);
  const map = int32(Math.max(0, n - lo) + 1);
  // Most characters stay as they are: the output is built from slices of the source between the
  // few that change, which a regular expression finds faster than a loop could.
  let out = '';
  let length = 0;
  let i = lo;
  if (i < n && source.charCodeAt(i) === GREATER_THAN) {
    // The start of the slice counts as a line start: a blockquote marker there is layout.
    out = ' ';
    map[length++] = i;
    i = skipRun(source, i, n, true);
  }
  // Searching the slice, not the source, keeps a text without line breaks from being read to its end.
  const part = source.slice(lo, n);
  SPECIAL.lastIndex = i - lo;
  while (i < n) {
    // Every match is one character long: test() finds where, without allocating a match.
    const stop = SPECIAL.test(part) ? lo + SPECIAL.lastIndex - 1 : n;
    if (stop > i) {
      out += source.slice(i, stop);
      for (let k = i; k < stop; k++) map[length++] = k;
      i = stop;
    }
    if (i >= n) break;
    const c = source.charCodeAt(i);
    map[length++] = i;
    if (isSpace(c)) {
      out += ' ';
      i = skipRun(source, i, n, i === lo);
    } else {
      out += String.fromCharCode(foldQuote(c));
      i++;
    }
    SPECIAL.lastIndex = i - lo;
  }
  map[length] = n;
  return { text: out, map: map.subarray(0, length + 1) };
}

/** Characters that normalisation changes: whitespace other than a lone space, and curly quotes. */
const SPECIAL = /[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u2018-\u201f]| (?=[\s>])/g;

/** The end of the whitespace run at `i`: blockquote markers after a line break belong to it. */
export function skipRun(source: string, i: number, n: number, lineStart: boolean): number {
  while (i < n) {
    const d = source.charCodeAt(i);
    if (isSpace(d)) {
      if (isLineBreak(d)) lineStart = true;
    } else if (!(d === GREATER_THAN && lineStart)) {
      break;
    }
    i++;
  }
  return i;
}

/** The normalised form of a short string (a quote or its context). */
export function normalizeString(source: string): string {
  return normalize(source).text;
}

/** The normalised offset of an original offset: the normalised character whose span contains it (clamped to the slice). */
export function toNormalized(norm: NormalizedText, offset: number): number {
  const { map } = norm;
  let lo = 0;
  let hi = map.length - 1;
  if (offset >= map[hi]) return hi;
  if (offset <= map[0]) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (map[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
