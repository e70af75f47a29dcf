// Bit-parallel edit distance for patterns of at most 32 UTF-16 units (Myers 1999, with Hyyrö's
// formulation): one text character costs a handful of integer operations for the whole pattern.
// Long quotes are aligned as a chain of such pieces, each anchored where the previous one ended,
// which keeps the work proportional to the quote instead of quote times window.

/** Longest pattern one machine word holds. */
export const WORD = 32;

/** A pattern of at most 32 units prepared for alignment, forwards or reversed. */
export class Pattern {
  readonly length: number;
  private other?: Map<number, number>;

  /** `table` holds 128 masks from `base` for the ASCII characters; patterns may share one. */
  constructor(text: string, reversed = false, private readonly table = new Int32Array(128), private readonly base = 0) {
    const m = Math.min(text.length, WORD);
    this.length = m;
    for (let i = 0; i < m; i++) {
      const c = text.charCodeAt(reversed ? m - 1 - i : i);
      if (c < 128) {
        table[base + c] |= 1 << i;
      } else {
        this.other ??= new Map();
        this.other.set(c, (this.other.get(c) ?? 0) | (1 << i));
      }
    }
  }

  /** Bits of the pattern positions holding character `c`. */
  eq(c: number): number {
    if (c < 128) return this.table[this.base + c];
    return this.other?.get(c) ?? 0;
  }
}

/** Patterns for several strings, sharing one table. */
export function patterns(texts: readonly string[], reversed = false): Pattern[] {
  const table = new Int32Array(128 * texts.length);
  return texts.map((t, i) => new Pattern(t, reversed, table, 128 * i));
}

/** A match end and its error count. */
export interface End {
  end: number;
  errors: number;
}

/**
 * Approximate occurrences of `p` ending inside `text[from, to)`: for each valley of the error
 * curve at or under `maxErrors`, its lowest point (the end offset, exclusive).
 */
export function searchEnds(p: Pattern, text: string, from: number, to: number, maxErrors: number): End[] {
  const m = p.length;
  const out: End[] = [];
  if (m === 0) return out;
  const high = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  let best: End | undefined;
  for (let j = from; j < to; j++) {
    const eq = p.eq(text.charCodeAt(j));
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) ^ pv) | eq);
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    // A free start: the top row stays zero, so nothing is shifted in.
    ph <<= 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
    if (score <= maxErrors) {
      if (!best || score < best.errors) best = { end: j + 1, errors: score };
    } else if (best) {
      out.push(best);
      best = undefined;
    }
  }
  if (best) out.push(best);
  return out;
}

/** An alignment anchored on one side: its errors and how many text units it used. */
export interface Span {
  errors: number;
  length: number;
}

/**
 * Aligns all of `p` with the text starting exactly at `start`, its end free within `limit` units.
 * Among equally good ends, the one nearest the pattern's own length wins, so chains stay in step.
 */
export function alignForward(p: Pattern, text: string, start: number, limit: number): Span {
  const n = Math.max(0, Math.min(limit, text.length - start));
  return align(p, n, (j) => text.charCodeAt(start + j));
}

/** Aligns all of the reversed pattern `p` with the text ending exactly at `end`, its start free. */
export function alignBackward(p: Pattern, text: string, end: number, limit: number): Span {
  const n = Math.max(0, Math.min(limit, end));
  return align(p, n, (j) => text.charCodeAt(end - 1 - j));
}

function align(p: Pattern, n: number, at: (j: number) => number): Span {
  const m = p.length;
  if (m === 0) return { errors: 0, length: 0 };
  const high = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  let best: Span = { errors: m, length: 0 };
  for (let j = 0; j < n; j++) {
    const eq = p.eq(at(j));
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) ^ pv) | eq);
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    // An anchored start: the top row grows by one per text unit.
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
    if (score < best.errors || (score === best.errors && Math.abs(j + 1 - m) < Math.abs(best.length - m))) {
      best = { errors: score, length: j + 1 };
    }
    // Past the pattern's length, every extra unit costs at least one more error.
    if (j + 1 - m > best.errors) break;
  }
  return best;
}
