// CSV for spreadsheets: RFC 4180, one row per excerpt and tag, fixed columns, formula cells neutralised.
import { lineSpan, placementTags } from './common';
import type { Excerpt, ExportInput } from './model';

/** The columns, in order. Part of the documented format: add new ones only at the end. */
export const CSV_COLUMNS = [
  'id',
  'document',
  'section',
  'tag',
  'kind',
  'claim_title',
  'start_line',
  'end_line',
  'start_offset',
  'end_offset',
  'text',
  'note',
  'relations',
  'status',
] as const;

/** One CSV column name. */
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * A UTF-8 byte-order mark opens the file: without it Excel reads a CSV as the system's legacy code
 * page and garbles every non-ASCII character. LibreOffice, Google Sheets and most CSV libraries
 * skip it (Python: `encoding="utf-8-sig"`).
 */
export const CSV_BOM = '\ufeff';

/** Joins section titles in the `section` column. */
export const CSV_SECTION_SEPARATOR = ' > ';

/**
 * Cells that spreadsheets would run as a formula (OWASP "CSV injection"): they start with `=`,
 * `+`, `-`, `@`, a tab or a carriage return. Leading apostrophes are included so that the guard
 * can be undone exactly: a cell that already starts with `'` before one of those gets one more.
 */
const FORMULA = /^'*[=+\-@\t\r]/;

/** The cell with a leading `'` if a spreadsheet would otherwise treat it as a formula. */
export function guardFormula(cell: string): string {
  return FORMULA.test(cell) ? `'${cell}` : cell;
}

/** Undoes {@link guardFormula}: the original value of an exported cell. */
export function unguardFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA.test(cell) ? cell.slice(1) : cell;
}

/** One field, quoted when it contains a comma, a quote, CR or LF (RFC 4180), quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `supports: other-claim; opposes: x.md#y` (relation ids, targets as written in the sidecar). */
export function relationsCell(excerpt: Excerpt): string {
  return excerpt.relations.map((r) => `${r.relation}: ${r.target}`).join('; ');
}

/** The cell values of one row, before the formula guard and quoting. */
export function csvRow(excerpt: Excerpt, tag: string): Record<CsvColumn, string> {
  const n = (x: number | undefined) => (x === undefined ? '' : String(x));
  // Lines are the ones the passage covers; offsets are the code-point range [start, end).
  const span = lineSpan(excerpt);
  return {
    id: excerpt.id,
    document: excerpt.document,
    section: excerpt.section.join(CSV_SECTION_SEPARATOR),
    tag,
    kind: excerpt.kind,
    claim_title: excerpt.title ?? '',
    start_line: n(span?.first),
    end_line: n(span?.last),
    start_offset: n(excerpt.start?.offset),
    end_offset: n(excerpt.end?.offset),
    text: excerpt.text,
    note: excerpt.note ?? '',
    relations: relationsCell(excerpt),
    status: excerpt.status,
  };
}

/** The rows of an export: each excerpt once per tag it is listed under, once with an empty tag if it has none. */
export function csvRows(input: ExportInput): Record<CsvColumn, string>[] {
  return input.excerpts.flatMap((e) => {
    const tags = placementTags(e, input.filterTags);
    return (tags.length > 0 ? tags : ['']).map((t) => csvRow(e, t));
  });
}

/** The CSV file: BOM, header row, then rows, each line ended by CRLF. */
export function renderCsv(input: ExportInput): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of csvRows(input)) {
    lines.push(CSV_COLUMNS.map((c) => field(guardFormula(row[c]))).join(','));
  }
  return CSV_BOM + lines.map((l) => l + '\r\n').join('');
}
