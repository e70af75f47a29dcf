import type { Target } from '../model';
import { CodePointIndex, type Range } from '../text';

/** Characters of context kept on each side of a quote, as Hypothesis and the W3C examples do. */
export const CONTEXT_LENGTH = 32;

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Builds a target for `[start, end)` (UTF-16 offsets) of a text. The prefix and suffix hold about
 * 32 characters of context, cut at `bounds` (the enclosing Markdown block) so that moving a block
 * does not change its annotations' context. Positions are in code points.
 */
export function describeTarget(text: string, start: number, end: number, bounds?: Range, codePoints?: CodePointIndex): Target {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  const lo = Math.max(0, Math.min(bounds?.start ?? 0, s));
  const hi = Math.min(text.length, Math.max(bounds?.end ?? text.length, e));
  let prefixStart = Math.max(lo, s - CONTEXT_LENGTH);
  // Never keep half of a surrogate pair at the outer edge of the context.
  if (prefixStart > lo && isLowSurrogate(text.charCodeAt(prefixStart)) && isHighSurrogate(text.charCodeAt(prefixStart - 1))) prefixStart++;
  let suffixEnd = Math.min(hi, e + CONTEXT_LENGTH);
  if (suffixEnd < hi && isHighSurrogate(text.charCodeAt(suffixEnd - 1)) && isLowSurrogate(text.charCodeAt(suffixEnd))) suffixEnd--;
  const cp = codePoints ?? new CodePointIndex(text);
  return {
    quote: { exact: text.slice(s, e), prefix: text.slice(prefixStart, s), suffix: text.slice(e, suffixEnd) },
    position: { start: cp.toCodePoint(s), end: cp.toCodePoint(e) },
  };
}
