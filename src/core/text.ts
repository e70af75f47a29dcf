// Offsets inside the core are UTF-16 code units (JavaScript string indices). The sidecar and the
// CLI speak Unicode code points, as the W3C TextPositionSelector does. These helpers convert
// between the two, and between offsets and lines, without rescanning the text per lookup.

/** A half-open range of UTF-16 offsets into a text. */
export interface Range {
  start: number;
  end: number;
}

/** One replacement in a text: `[start, end)` (UTF-16 offsets into the old text) becomes `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

const BOM = 0xfeff;

/** The text without a leading byte-order mark; VS Code's documents never show one. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** A high surrogate: the start of a surrogate pair when a low one follows. */
const HIGH = /[\uD800-\uDBFF]/g;

/**
 * Converts offsets between UTF-16 code units and Unicode code points for one text.
 * Built in one pass; each conversion is a binary search over the text's astral characters,
 * so a text without emoji or other non-BMP characters converts for free.
 */
export class CodePointIndex {
  /** UTF-16 offsets of the high surrogate of each well-formed surrogate pair, ascending. */
  private readonly pairs: Int32Array;

  constructor(readonly text: string) {
    // The regular-expression engine finds the few astral characters of a long text far faster
    // than a loop over it in JavaScript.
    // The low surrogate is checked by hand: a lookahead in the expression costs a third more.
    const found: number[] = [];
    HIGH.lastIndex = 0;
    while (HIGH.test(text)) {
      const low = text.charCodeAt(HIGH.lastIndex);
      if (low >= 0xdc00 && low <= 0xdfff) found.push(HIGH.lastIndex - 1);
    }
    this.pairs = Int32Array.from(found);
  }

  /** Number of code points in the text. */
  get length(): number {
    return this.text.length - this.pairs.length;
  }

  /** The code-point offset of a UTF-16 offset. An offset inside a pair maps to the pair's start. */
  toCodePoint(utf16: number): number {
    // Pairs whose high surrogate lies before `utf16` each lost one unit.
    return utf16 - this.countPairsBefore(utf16);
  }

  /** The UTF-16 offset of a code-point offset (clamped to the text). */
  toUtf16(codePoint: number): number {
    return Math.min(this.toUtf16Unclamped(codePoint), this.text.length);
  }

  /**
   * The same, with offsets past the end extrapolated rather than clamped: a stored position past
   * the end of a shortened text keeps its distance from the positions before it.
   */
  toUtf16Unclamped(codePoint: number): number {
    if (codePoint <= 0) return 0;
    // The answer u satisfies u - pairsBefore(u) = codePoint; binary search over pair count.
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      // Code-point offset of the mid-th pair's start.
      if (this.pairs[mid] - mid < codePoint) lo = mid + 1;
      else hi = mid;
    }
    return codePoint + lo;
  }

  /** How many pairs start strictly before a UTF-16 offset. */
  private countPairsBefore(utf16: number): number {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pairs[mid] < utf16) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** 0-based line and UTF-16 character of an offset, as editors count them. */
export interface LineCharacter {
  line: number;
  character: number;
}

/** Maps offsets to lines and back. `\r\n`, `\n` and a lone `\r` each end a line. */
export class LineIndex {
  /** Offset at which each line starts. */
  private readonly starts: Int32Array;

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        starts.push(i + 1);
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = Int32Array.from(starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The line and character of an offset. */
  positionAt(offset: number): LineCharacter {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.starts[lo] };
  }

  /** The offset of a line and character (clamped to the line's end). */
  offsetAt(pos: LineCharacter): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line];
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    let lineEnd = next;
    if (pos.line + 1 < this.starts.length) {
      lineEnd--;
      if (this.text.charCodeAt(lineEnd) === 10 && this.text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    }
    return Math.min(start + Math.max(0, pos.character), lineEnd);
  }
}
