// The one place where core offsets (UTF-16, as VS Code counts them) become editor ranges and back.
import * as vscode from 'vscode';
import type { LineIndex, Range, TextEdit } from '../core/text';

/** A core range as an editor range in `document`. */
export function toVsRange(document: vscode.TextDocument, range: Range): vscode.Range {
  return new vscode.Range(document.positionAt(range.start), document.positionAt(range.end));
}

/** An editor range as core offsets. */
export function toOffsets(document: vscode.TextDocument, range: vscode.Range): Range {
  return { start: document.offsetAt(range.start), end: document.offsetAt(range.end) };
}

/** A change event's edits as core edits (offsets into the text before the event). */
export function toEdits(changes: readonly vscode.TextDocumentContentChangeEvent[]): TextEdit[] {
  return changes.map((c) => ({ start: c.rangeOffset, end: c.rangeOffset + c.rangeLength, text: c.text }));
}

/** A core range as an editor range in a text that has no open document (a closed essay). */
export function toVsRangeInText(lines: LineIndex, range: Range): vscode.Range {
  const a = lines.positionAt(range.start);
  const b = lines.positionAt(range.end);
  return new vscode.Range(a.line, a.character, b.line, b.character);
}
