// A text that takes edits without copying itself: it is held as pieces of a few thousand
// characters, and an edit copies only the pieces it touches. Keystrokes in a 2 MB essay would
// otherwise copy 2 MB each (a new string per edit), and the garbage of those copies would stall
// the extension host. The whole string is joined once, when something asks for it.
import type { TextEdit } from './text';

/** Pieces are cut to this length; an edited run is cut again once it reaches twice that. */
const PIECE = 4096;

/**
 * Appends `text` to `pieces` in parts of PIECE. With `keepTail`, the last part, shorter than two
 * pieces, is returned instead, for more text to join it.
 */
function cut(pieces: string[], text: string, keepTail: boolean): string {
  let i = 0;
  while (text.length - i >= 2 * PIECE) {
    pieces.push(text.slice(i, i + PIECE));
    i += PIECE;
  }
  const rest = i === 0 ? text : text.slice(i);
  if (keepTail) return rest;
  if (rest.length > 0) pieces.push(rest);
  return '';
}

/** An immutable text; `edit` returns a new one that shares the untouched pieces. */
export class PieceText {
  /** Where each piece starts; one more entry than pieces, the last being the length. */
  private readonly starts: number[];
  private whole: string | undefined;

  private constructor(private readonly pieces: readonly string[], whole?: string) {
    const starts = [0];
    let total = 0;
    for (const p of pieces) starts.push((total += p.length));
    this.starts = starts;
    this.whole = whole;
  }

  static of(text: string): PieceText {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += PIECE) pieces.push(text.slice(i, i + PIECE));
    return new PieceText(pieces, text);
  }

  get length(): number {
    return this.starts[this.starts.length - 1];
  }

  /** The whole text, joined on first need and kept. */
  toString(): string {
    return (this.whole ??= this.pieces.join(''));
  }

  /** `[start, end)` of the text, read from the pieces that hold it. */
  slice(start: number, end = this.length): string {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    if (this.whole !== undefined) return this.whole.slice(from, to);
    let out = '';
    for (let i = this.pieceAt(from), at = from; at < to; i++) {
      const s = this.starts[i];
      const part = this.pieces[i].slice(at - s, to - s);
      out += part;
      at += part.length;
    }
    return out;
  }

  /** Whether `text` occurs at `offset`. */
  startsWith(text: string, offset: number): boolean {
    return offset >= 0 && offset + text.length <= this.length && this.slice(offset, offset + text.length) === text;
  }

  /**
   * The text after edits whose offsets refer to this text and do not overlap. Pieces no edit
   * touches are shared; only the touched ones are copied (an edit as long as the text makes new
   * pieces throughout).
   */
  edit(edits: readonly TextEdit[]): PieceText {
    if (edits.length === 0) return this;
    const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
    const out: string[] = [];
    // New text not yet cut into pieces; it ends where the old text has been read up to, `at`,
    // which lies in piece `i`.
    let pending = '';
    let at = 0;
    let i = 0;
    const copyTo = (to: number): void => {
      while (at < to) {
        const s = this.starts[i];
        const e = this.starts[i + 1];
        if (pending === '' && at === s && e <= to) {
          out.push(this.pieces[i]);
        } else {
          const take = Math.min(e, to);
          pending += this.pieces[i].slice(at - s, take - s);
          if (take < e) {
            at = take;
            return;
          }
          // At a piece's end, a long enough run becomes pieces; a short one joins the next piece.
          if (pending.length >= PIECE >> 1) pending = cut(out, pending, false);
        }
        at = e;
        i++;
      }
    };
    for (const edit of sorted) {
      const start = Math.max(at, Math.min(edit.start, this.length));
      const end = Math.max(start, Math.min(edit.end, this.length));
      copyTo(start);
      pending += edit.text;
      // Skip the replaced text.
      while (i < this.pieces.length && this.starts[i + 1] <= end) i++;
      at = end;
      if (pending.length >= 2 * PIECE) pending = cut(out, pending, true);
    }
    copyTo(this.length);
    cut(out, pending, false);
    return new PieceText(out);
  }

  /** The index of the piece that holds `offset` (the last one for the end of the text). */
  private pieceAt(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
