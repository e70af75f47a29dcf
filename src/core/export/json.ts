// Cruxmark's own JSON export, described by schemas/export.schema.json.
import { referencedTags } from './common';
import type { Excerpt, ExcerptPosition, ExportInput } from './model';

/** The value of the `format` field. */
export const JSON_EXPORT_FORMAT = 'cruxmark-export';

/** The version of the JSON export format this code writes. */
export const JSON_EXPORT_VERSION = 1;

/** A tag as listed in the JSON export. */
export interface JsonExportTag {
  id: string;
  label: string;
  color: string;
  definition: string;
  builtin: boolean;
  /** False for a tag id the codebook does not know (its label is then the id). */
  inCodebook: boolean;
}

/** The JSON export document. */
export interface JsonExport {
  format: typeof JSON_EXPORT_FORMAT;
  version: typeof JSON_EXPORT_VERSION;
  title: string;
  generated: string;
  filterTags: string[];
  tags: JsonExportTag[];
  excerpts: Excerpt[];
}

function position(p: ExcerptPosition | null): ExcerptPosition | null {
  return p ? { offset: p.offset, line: p.line, column: p.column } : null;
}

/** Copies an excerpt with a fixed key order and without absent optional fields. */
function excerpt(e: Excerpt): Excerpt {
  return {
    id: e.id,
    document: e.document,
    section: [...e.section],
    kind: e.kind,
    tags: [...e.tags],
    ...(e.title !== undefined ? { title: e.title } : {}),
    ...(e.note !== undefined ? { note: e.note } : {}),
    relations: e.relations.map((r) => ({
      relation: r.relation,
      target: r.target,
      ...(r.targetTitle !== undefined ? { targetTitle: r.targetTitle } : {}),
    })),
    status: e.status,
    text: e.text,
    prefix: e.prefix,
    suffix: e.suffix,
    ...(e.context ? { context: { before: e.context.before, after: e.context.after } } : {}),
    start: position(e.start),
    end: position(e.end),
    created: e.created,
    updated: e.updated,
  };
}

/** The JSON export as an object. */
export function buildJsonExport(input: ExportInput): JsonExport {
  return {
    format: JSON_EXPORT_FORMAT,
    version: JSON_EXPORT_VERSION,
    title: input.title,
    generated: input.generated,
    filterTags: [...input.filterTags],
    tags: referencedTags(input).map((t) => ({
      id: t.id,
      label: t.label,
      color: t.color,
      definition: t.definition,
      builtin: t.builtin === true,
      inCodebook: t.known,
    })),
    excerpts: input.excerpts.map(excerpt),
  };
}

/** The JSON export, pretty-printed with a final newline. */
export function renderJson(input: ExportInput): string {
  return JSON.stringify(buildJsonExport(input), null, 2) + '\n';
}
