// Stored positions count code points; the text is indexed in UTF-16 units. CodePointIndex walks
// the text in JavaScript, which for a 2 MB essay costs more than re-anchoring most targets; the
// regular-expression engine finds the few astral characters far faster.

const PAIR = /[\uD800-\uDBFF](?=[\uDC00-\uDFFF])/g;

/** Converts code-point offsets of a text to UTF-16 offsets. */
export class CodePointOffsets {
  /** UTF-16 offsets of the high surrogate of each well-formed pair, ascending. */
  private readonly pairs: number[] = [];

  constructor(readonly text: string) {
    PAIR.lastIndex = 0;
    for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) this.pairs.push(m.index);
  }

  /**
   * The UTF-16 offset of a code-point offset. Offsets past the end are extrapolated, not clamped:
   * the shift between old and new positions stays meaningful near the end of a shortened text.
   */
  toUtf16(codePoint: number): number {
    if (codePoint <= 0) return 0;
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pairs[mid] - mid < codePoint) lo = mid + 1;
      else hi = mid;
    }
    return codePoint + lo;
  }
}
