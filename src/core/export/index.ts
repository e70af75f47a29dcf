// The export formats behind one entry point: pick a format, get the file's text.
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './md';
import type { ExportFormat, ExportInput } from './model';
import { renderW3c } from './w3c';

export type { Excerpt, ExcerptPosition, ExcerptRelation, ExportFormat, ExportInput } from './model';
export { quoteWithCitation } from './md';

/** Every export format, in the order a picker shows them. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['md', 'csv', 'json', 'w3c', 'html'];

/** A short description of each format, for quick picks and help text. */
export const EXPORT_FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  md: 'Markdown digest',
  csv: 'CSV (spreadsheet)',
  json: 'JSON (Cruxmark export format)',
  w3c: 'W3C Web Annotation (JSON-LD)',
  html: 'HTML report',
};

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  md: 'md',
  csv: 'csv',
  json: 'json',
  w3c: 'jsonld',
  html: 'html',
};

const MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json',
  w3c: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
  html: 'text/html; charset=utf-8',
};

/** True when the value names an export format (for parsing command arguments and CLI flags). */
export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** The file extension for a format, without the dot (`w3c` → `jsonld`). */
export function fileExtension(format: ExportFormat): string {
  return EXTENSIONS[format];
}

/** The media type of a format's output. */
export function mediaType(format: ExportFormat): string {
  return MEDIA_TYPES[format];
}

/**
 * Renders an export. The result is the whole file as a string, to be written as UTF-8; the CSV
 * starts with a byte-order mark (see csv.ts). Deterministic: the same input gives the same text.
 */
export function renderExport(format: ExportFormat, input: ExportInput): string {
  switch (format) {
    case 'md':
      return renderMarkdown(input);
    case 'csv':
      return renderCsv(input);
    case 'json':
      return renderJson(input);
    case 'w3c':
      return renderW3c(input);
    case 'html':
      return renderHtml(input);
  }
  throw new Error(`Unknown export format: ${String(format)}`);
}
