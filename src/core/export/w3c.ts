// W3C Web Annotation export: one AnnotationCollection in JSON-LD, one Annotation per excerpt.
// https://www.w3.org/TR/annotation-model/
import {
  encodePath,
  encodeSegment,
  normalizePath,
  relationTarget,
  relativePath,
  resolveTag,
} from './common';
import type { Excerpt, ExportInput } from './model';
import { sha256, toHex } from './sha256';

/** The Web Annotation JSON-LD context. */
export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

/** The motivations the Web Annotation vocabulary defines. */
export type Motivation =
  | 'assessing' | 'bookmarking' | 'classifying' | 'commenting' | 'describing' | 'editing' | 'highlighting'
  | 'identifying' | 'linking' | 'moderating' | 'questioning' | 'replying' | 'tagging';

/** An embedded textual body. */
export interface W3cTextualBody {
  id?: string;
  type: 'TextualBody';
  purpose: Motivation;
  value: string;
  format: 'text/plain';
}

/** A body that points at another resource, here a linked claim. */
export interface W3cSpecificResourceBody {
  type: 'SpecificResource';
  purpose: Motivation;
  /** The relation id (`supports`, `responds-to`…), as an rdfs:label. */
  label: string;
  source: string | { id: string; label: string };
}

/** A text selector of the essay. */
export type W3cSelector =
  | { type: 'TextQuoteSelector'; exact: string; prefix: string; suffix: string }
  | { type: 'TextPositionSelector'; start: number; end: number };

/** One annotation of the collection. */
export interface W3cAnnotation {
  id: string;
  type: 'Annotation';
  motivation: Motivation;
  created?: string;
  modified?: string;
  body?: (W3cTextualBody | W3cSpecificResourceBody)[];
  target: { type: 'SpecificResource'; source: string; selector: W3cSelector[] };
}

/** The exported document. */
export interface W3cAnnotationCollection {
  '@context': typeof ANNO_CONTEXT;
  id: string;
  type: 'AnnotationCollection';
  label: string;
  total: number;
  first?: { id: string; type: 'AnnotationPage'; startIndex: 0; items: W3cAnnotation[] };
  last?: string;
}

/** The IRI of an annotation: `urn:cruxmark:annotation:` + the essay's workspace path + `#` + the annotation id. */
export function annotationIri(document: string, id: string): string {
  return `urn:cruxmark:annotation:${encodePath(normalizePath(document))}#${encodeSegment(id)}`;
}

/** The IRI of a tag: `urn:cruxmark:tag:` + its id. Every tagging body of that tag has it. */
export function tagIri(id: string): string {
  return `urn:cruxmark:tag:${encodeSegment(id)}`;
}

/** The IRI of an annotation kind (`claim`, `crux`). */
export function kindIri(kind: string): string {
  return `urn:cruxmark:kind:${encodeSegment(kind)}`;
}

const UTC_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/**
 * The time as xsd:dateTime in UTC with `Z`, which the model requires for `created` and
 * `modified`; undefined when it cannot be read.
 */
export function utcDateTime(time: string): string | undefined {
  if (UTC_DATE_TIME.test(time)) return time;
  // Date.parse reads an ISO date without an offset as local time; only trust explicit forms.
  if (!/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/.test(time)) return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The annotation's single motivation, from what it carries most specifically. */
function motivationOf(e: Excerpt): Motivation {
  if (e.tags.length > 0) return 'tagging';
  if (e.title?.trim()) return 'describing';
  if (e.kind !== 'passage') return 'classifying';
  if (e.note?.trim()) return 'commenting';
  if (e.relations.length > 0) return 'linking';
  return 'highlighting';
}

function bodies(input: ExportInput, e: Excerpt): (W3cTextualBody | W3cSpecificResourceBody)[] {
  const out: (W3cTextualBody | W3cSpecificResourceBody)[] = [];
  for (const id of new Set(e.tags)) {
    out.push({ id: tagIri(id), type: 'TextualBody', purpose: 'tagging', value: resolveTag(input, id).label, format: 'text/plain' });
  }
  if (e.kind !== 'passage') {
    out.push({ id: kindIri(e.kind), type: 'TextualBody', purpose: 'classifying', value: e.kind, format: 'text/plain' });
  }
  if (e.title !== undefined && e.title !== '') {
    out.push({ type: 'TextualBody', purpose: 'describing', value: e.title, format: 'text/plain' });
  }
  if (e.note !== undefined && e.note !== '') {
    out.push({ type: 'TextualBody', purpose: 'commenting', value: e.note, format: 'text/plain' });
  }
  for (const r of e.relations) {
    const target = relationTarget(e, r);
    const iri = annotationIri(target.document, target.id);
    out.push({
      type: 'SpecificResource',
      purpose: 'linking',
      label: r.relation,
      source: r.targetTitle !== undefined && r.targetTitle !== '' ? { id: iri, label: r.targetTitle } : iri,
    });
  }
  return out;
}

/** One excerpt as a Web Annotation. */
export function toAnnotation(input: ExportInput, e: Excerpt): W3cAnnotation {
  const selector: W3cSelector[] = [{ type: 'TextQuoteSelector', exact: e.text, prefix: e.prefix, suffix: e.suffix }];
  // A detached passage has no place in the current text: only its last known quote is given.
  if (e.status !== 'detached' && e.start && e.end) {
    selector.push({ type: 'TextPositionSelector', start: e.start.offset, end: e.end.offset });
  }
  const created = utcDateTime(e.created);
  const modified = utcDateTime(e.updated);
  const body = bodies(input, e);
  return {
    id: annotationIri(e.document, e.id),
    type: 'Annotation',
    motivation: motivationOf(e),
    ...(created ? { created } : {}),
    ...(modified ? { modified } : {}),
    ...(body.length > 0 ? { body } : {}),
    target: {
      type: 'SpecificResource',
      // Relative to the exported file, so that it resolves to the essay beside the workspace.
      source: encodePath(relativePath(input.outputDir, e.document)),
      selector,
    },
  };
}

/** The collection IRI: a hash of the title, the time and the annotation IRIs, so the same export gets the same id. */
function collectionIri(input: ExportInput, items: W3cAnnotation[]): string {
  const digest = toHex(sha256([input.title, input.generated, ...items.map((a) => a.id)].join('\n')));
  return `urn:cruxmark:export:${digest.slice(0, 32)}`;
}

/** The export as a W3C AnnotationCollection object, with all annotations on one embedded page. */
export function buildW3cCollection(input: ExportInput): W3cAnnotationCollection {
  const items = input.excerpts.map((e) => toAnnotation(input, e));
  const id = collectionIri(input, items);
  const collection: W3cAnnotationCollection = {
    '@context': ANNO_CONTEXT,
    id,
    type: 'AnnotationCollection',
    label: input.title,
    total: items.length,
  };
  // The model requires a first page only when there are annotations, and a page needs at least one.
  if (items.length > 0) {
    const page = `${id}:page:1`;
    collection.first = { id: page, type: 'AnnotationPage', startIndex: 0, items };
    collection.last = page;
  }
  return collection;
}

/** The W3C Web Annotation JSON-LD export, pretty-printed with a final newline. */
export function renderW3c(input: ExportInput): string {
  return JSON.stringify(buildW3cCollection(input), null, 2) + '\n';
}
