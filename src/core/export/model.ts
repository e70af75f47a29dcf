// What every export format is rendered from: excerpts already gathered from essays and sidecars.
import type { AnnotationKind, AnchorStatus, Relation } from '../model';
import type { TagDefinition } from '../codebook';

/** A place in an essay. */
export interface ExcerptPosition {
  /** Unicode code points into the essay text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in code points. */
  column: number;
}

/** A typed link from an exported claim to another claim. */
export interface ExcerptRelation {
  relation: Relation;
  /** A claim id in the same essay, or another essay's path relative to this one, `#`, and a claim id. */
  target: string;
  targetTitle?: string;
}

/** One annotated passage, ready to export. */
export interface Excerpt {
  /** The annotation id (for claims, the claim's slug). */
  id: string;
  /** Workspace-relative POSIX path of the essay, e.g. `essays/deceptive-alignment.md`. */
  document: string;
  /** Heading titles, outermost first; empty before the first heading. */
  section: string[];
  kind: AnnotationKind;
  /** All the annotation's tag ids. */
  tags: string[];
  /** Claim or crux title. */
  title?: string;
  note?: string;
  relations: ExcerptRelation[];
  status: AnchorStatus;
  /** The passage as it is now (the last known quote when detached). */
  text: string;
  prefix: string;
  suffix: string;
  /** The enclosing paragraph's text around the passage, for showing it in context. */
  context?: { before: string; after: string };
  /** Null when detached. */
  start: ExcerptPosition | null;
  end: ExcerptPosition | null;
  /** ISO 8601. */
  created: string;
  updated: string;
}

/** Everything an export is rendered from. */
export interface ExportInput {
  /** For example `Cruxmark excerpts: essays/deceptive-alignment.md`. */
  title: string;
  /** ISO time, passed in so that output is deterministic. */
  generated: string;
  /** The codebook, in display order. */
  tags: TagDefinition[];
  /** Tags requested; empty means all. */
  filterTags: string[];
  /** Already filtered by the caller, in document order. */
  excerpts: Excerpt[];
  /** Workspace-relative POSIX folder the file will be written to (`''` = root), for relative links back to essays. */
  outputDir: string;
}

/** The export formats. */
export type ExportFormat = 'md' | 'csv' | 'json' | 'w3c' | 'html';
