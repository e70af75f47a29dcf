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

/**
 * Composes the edits of several change events into one edit against the text before the first:
 * everything before the earliest change and after the latest stays, the middle is replaced.
 */
export function composeEdits(oldLength: number, newText: string, events: readonly (readonly TextEdit[])[]): TextEdit | undefined {
  let prefix = Infinity;
  let suffix = Infinity;
  let length = oldLength;
  for (const edits of events) {
    for (const e of edits) {
      prefix = Math.min(prefix, e.start);
      suffix = Math.min(suffix, length - e.end);
    }
    // The text before an edit is untouched by it, and so is the text after it counted from the
    // end; what no event touched stays untouched, so both bounds compose by taking the minimum.
    length += edits.reduce((d, e) => d + e.text.length - (e.end - e.start), 0);
  }
  if (prefix === Infinity) return undefined;
  prefix = Math.min(prefix, oldLength - suffix, newText.length - suffix);
  return { start: prefix, end: oldLength - suffix, text: newText.slice(prefix, newText.length - suffix) };
}
