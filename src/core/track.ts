// Live tracking: moves annotation ranges through edits without looking at the text.
import type { Range, TextEdit } from './text';

/**
 * Maps a range through one edit. Text inserted at either boundary stays outside the range; text
 * inserted strictly inside grows it. Returns undefined when the edit removed all of the range's
 * text (the annotation is then detached, not moved).
 */
export function mapRange(range: Range, edit: TextEdit): Range | undefined {
  const delta = edit.text.length - (edit.end - edit.start);
  // The start is the first character of the range, the end is one past its last; a character
  // that the edit removes is not in the mapped range, and neither is the text the edit inserts.
  const mapStart = (p: number): number => {
    if (p < edit.start) return p;
    if (p >= edit.end) return p + delta;
    return edit.start + edit.text.length;
  };
  const mapEnd = (p: number): number => {
    if (p <= edit.start) return p;
    if (p > edit.end) return p + delta;
    return edit.start;
  };
  const start = mapStart(range.start);
  const end = mapEnd(range.end);
  if (end <= start && range.end > range.start) return undefined;
  return { start, end: Math.max(start, end) };
}

/**
 * Maps a range through edits given as VS Code reports one change event: each edit's offsets refer
 * to the text before the event, and edits do not overlap. They are applied from the last to the
 * first so that earlier offsets stay valid.
 */
export function mapRangeThroughEdits(range: Range, edits: readonly TextEdit[]): Range | undefined {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let current: Range | undefined = range;
  for (const edit of sorted) {
    if (!current) return undefined;
    current = mapRange(current, edit);
  }
  return current;
}

/** Applies non-overlapping edits (offsets into `text`) and returns the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}
