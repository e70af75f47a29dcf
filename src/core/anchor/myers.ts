// Bit-parallel edit distance for patterns of at most 32 UTF-16 units (Myers 1999, with Hyyrö's
// formulation): one text character costs a handful of integer operations for the whole pattern.
// Long quotes are aligned as a chain of such pieces, each anchored where the previous one ended,
// which keeps the work proportional to the quote instead of quote times window. Whole long
// patterns are searched block by block (Myers' Fig. 9) where a chain could derail.
import { int32 } from './slab';

/** Longest pattern one machine word holds. */
export const WORD = 32;

const NO_MASKS = new Int32Array(0);

/** A pattern of at most 32 units prepared for alignment, forwards or reversed. */
export class Pattern {
  readonly length: number;
  /** Non-ASCII characters of the pattern and their masks: few, so a scan beats a map. */
  private readonly otherChars: Int32Array;
  private readonly otherMasks: Int32Array;
  private readonly others: number;

  /** `table` holds 128 masks from `base` for the ASCII characters; patterns may share one. */
  constructor(text: string, reversed = false, readonly table = int32(128), readonly base = 0) {
    const m = Math.min(text.length, WORD);
    this.length = m;
    let chars: Int32Array = NO_MASKS;
    let masks: Int32Array = NO_MASKS;
    let used = 0;
    for (let i = 0; i < m; i++) {
      const c = text.charCodeAt(reversed ? m - 1 - i : i);
      if (c < 128) {
        table[base + c] |= 1 << i;
        continue;
      }
      // Room for every unit of the pattern, set aside at the first that is not ASCII.
      if (chars === NO_MASKS) {
        chars = int32(m);
        masks = int32(m);
      }
      let k = 0;
      while (k < used && chars[k] !== c) k++;
      if (k === used) chars[used++] = c;
      masks[k] |= 1 << i;
    }
    this.otherChars = chars;
    this.otherMasks = masks;
    this.others = used;
  }

  /** Bits of the pattern positions holding character `c`. */
  eq(c: number): number {
    if (c < 128) return this.table[this.base + c];
    const chars = this.otherChars;
    for (let k = 0; k < this.others; k++) if (chars[k] === c) return this.otherMasks[k];
    return 0;
  }
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
  const { table, base } = p;
  const high = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  let bestEnd = -1;
  let bestErrors = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    const eq = c < 128 ? table[base + c] : p.eq(c);
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
      if (bestEnd < 0 || score < bestErrors) {
        bestEnd = j + 1;
        bestErrors = score;
      }
    } else if (bestEnd >= 0) {
      out.push({ end: bestEnd, errors: bestErrors });
      bestEnd = -1;
    }
  }
  if (bestEnd >= 0) out.push({ end: bestEnd, errors: bestErrors });
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
  return align(p, text, start, 1, n);
}

/** Aligns all of the reversed pattern `p` with the text ending exactly at `end`, its start free. */
export function alignBackward(p: Pattern, text: string, end: number, limit: number): Span {
  const n = Math.max(0, Math.min(limit, end));
  return align(p, text, end - 1, -1, n);
}

/** Reads `n` units of the text from `first`, one `step` (1 or -1) at a time. */
function align(p: Pattern, text: string, first: number, step: number, n: number): Span {
  const m = p.length;
  if (m === 0) return { errors: 0, length: 0 };
  const { table, base } = p;
  const high = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  let bestErrors = m;
  let bestLength = 0;
  for (let j = 0, at = first; j < n; j++, at += step) {
    const c = text.charCodeAt(at);
    const eq = c < 128 ? table[base + c] : p.eq(c);
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
    if (score < bestErrors || (score === bestErrors && Math.abs(j + 1 - m) < Math.abs(bestLength - m))) {
      bestErrors = score;
      bestLength = j + 1;
    }
    // Past the pattern's length, every extra unit costs at least one more error.
    if (j + 1 - m > bestErrors) break;
  }
  return { errors: bestErrors, length: bestLength };
}

/** A match of a whole pattern: `[start, end)` of the text and its errors. */
export interface Match {
  start: number;
  end: number;
  errors: number;
}

/**
 * A pattern of any length, searched block by block: each block of 32 pattern units is one
 * machine word, and a text unit advances every block.
 */
export class LongPattern {
  readonly length: number;
  private readonly blocks: number;
  /** Masks of the ASCII characters, `blocks` per character. */
  private readonly ascii: Int32Array;
  private readonly otherChars: number[] = [];
  private readonly otherMasks: Int32Array[] = [];
  private readonly none: Int32Array;
  private readonly pv: Int32Array;
  private readonly mv: Int32Array;

  constructor(text: string, reversed = false) {
    const m = text.length;
    this.length = m;
    const blocks = Math.max(1, Math.ceil(m / WORD));
    this.blocks = blocks;
    this.ascii = new Int32Array(128 * blocks);
    this.none = new Int32Array(blocks);
    this.pv = new Int32Array(blocks);
    this.mv = new Int32Array(blocks);
    for (let i = 0; i < m; i++) {
      const c = text.charCodeAt(reversed ? m - 1 - i : i);
      const b = (i / WORD) | 0;
      const bit = 1 << (i % WORD);
      if (c < 128) {
        this.ascii[c * blocks + b] |= bit;
        continue;
      }
      let k = this.otherChars.indexOf(c);
      if (k < 0) {
        k = this.otherChars.length;
        this.otherChars.push(c);
        this.otherMasks.push(new Int32Array(blocks));
      }
      this.otherMasks[k][b] |= bit;
    }
  }

  /**
   * The error count of the best match (start free) ending after each of `n` text units read from
   * `first` by `step`: `scores[j]` after reading `j + 1` units.
   */
  private run(text: string, first: number, step: number, n: number): Int32Array {
    const m = this.length;
    const blocks = this.blocks;
    const { pv, mv, ascii } = this;
    pv.fill(-1);
    mv.fill(0);
    if (scratch.length < n) scratch = new Int32Array(Math.max(n, 2 * scratch.length));
    const scores = scratch;
    const lastBit = 1 << ((m - 1) % WORD);
    let score = m;
    for (let j = 0, at = first; j < n; j++, at += step) {
      const c = text.charCodeAt(at);
      let masks = this.none;
      let offset = 0;
      if (c < 128) {
        masks = ascii;
        offset = c * blocks;
      } else {
        const k = this.otherChars.indexOf(c);
        if (k >= 0) masks = this.otherMasks[k];
      }
      // The horizontal delta entering the top block is 0: a free start.
      let hp = 0;
      let hm = 0;
      for (let b = 0; b < blocks; b++) {
        const eq = masks[offset + b] | hm;
        const p = pv[b];
        const mm = mv[b];
        const xv = eq | mm;
        const xh = ((((eq & p) + p) ^ p) | eq);
        let ph = mm | ~(xh | p);
        let mh = p & xh;
        const top = b === blocks - 1 ? lastBit : 0x80000000 | 0;
        const outP = ph & top ? 1 : 0;
        const outM = mh & top ? 1 : 0;
        ph = (ph << 1) | hp;
        mh = (mh << 1) | hm;
        pv[b] = mh | ~(xv | ph);
        mv[b] = ph & xv;
        hp = outP;
        hm = outM;
      }
      score += hp - hm;
      scores[j] = score;
    }
    return scores;
  }

  /**
   * The matches with the fewest errors (at most `maxErrors`) in `text[from, to)`, as
   * approx-string-match reports them: every end with that count, each with the earliest start
   * that a reversed search of the stretch before it finds with the same count.
   */
  best(text: string, from: number, to: number, maxErrors: number, reversed: LongPattern): Match[] {
    const m = this.length;
    if (m === 0) return [];
    const n = Math.max(0, to - from);
    let limit = Math.min(maxErrors, m);
    const scores = this.run(text, from, 1, n);
    let ends: number[] = [];
    for (let j = 0; j < n; j++) {
      const errors = scores[j];
      if (errors > limit) continue;
      if (errors < limit) ends = [];
      ends.push(from + j + 1);
      limit = errors;
    }
    return ends.map((end) => {
      const stretch = end - Math.max(from, end - m - limit);
      const back = reversed.run(text, end - 1, -1, stretch);
      let furthest = 0;
      let least = limit;
      for (let j = 0; j < stretch; j++) {
        const errors = back[j];
        if (errors > least) continue;
        least = errors;
        furthest = j + 1;
      }
      return { start: end - furthest, end, errors: limit };
    });
  }

  /**
   * Ends of approximate occurrences inside `text[from, to)`: for each valley of the error curve
   * at or under `maxErrors`, its lowest point.
   */
  valleys(text: string, from: number, to: number, maxErrors: number): End[] {
    const out: End[] = [];
    const n = Math.max(0, to - from);
    const scores = this.run(text, from, 1, n);
    let bestEnd = -1;
    let bestErrors = 0;
    for (let j = 0; j < n; j++) {
      const errors = scores[j];
      if (errors <= maxErrors) {
        if (bestEnd < 0 || errors < bestErrors) {
          bestEnd = from + j + 1;
          bestErrors = errors;
        }
      } else if (bestEnd >= 0) {
        out.push({ end: bestEnd, errors: bestErrors });
        bestEnd = -1;
      }
    }
    if (bestEnd >= 0) out.push({ end: bestEnd, errors: bestErrors });
    return out;
  }
}

/** Scores of the last run, reused: one search at a time. */
let scratch = new Int32Array(1024);

/**
 * The matches of `pattern` with the fewest errors (at most `maxErrors`) in `text`, with the same
 * results as approx-string-match's `search`.
 */
export function search(text: string, pattern: string, maxErrors: number): Match[] {
  if (pattern.length === 0) return [];
  return new LongPattern(pattern).best(text, 0, text.length, maxErrors, new LongPattern(pattern, true));
}
