// The annotation model, as stored in a sidecar (`essay.md.cruxmark.json`, version 1).

/** What an annotation marks: a tagged passage, a claim, or a crux (a claim the argument turns on). */
export type AnnotationKind = 'passage' | 'claim' | 'crux';

export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['passage', 'claim', 'crux'];

/** A typed relation from one claim to another. */
export type Relation = 'supports' | 'opposes' | 'responds-to' | 'crux-of';

export const RELATIONS: readonly Relation[] = ['supports', 'opposes', 'responds-to', 'crux-of'];

/** How each relation reads in a sentence: "A supports B". */
export const RELATION_LABELS: Readonly<Record<Relation, string>> = {
  'supports': 'supports',
  'opposes': 'opposes',
  'responds-to': 'responds to',
  'crux-of': 'crux of',
};

/**
 * A link from a claim to another claim. `target` is a claim id in the same essay (`parallel-depth-bias`)
 * or, for a claim in another essay, that essay's path relative to this one, then `#`, then the id
 * (`../replies/pope.md#parallel-depth-bias`).
 */
export interface ClaimLink {
  relation: Relation;
  target: string;
}

/** W3C TextQuoteSelector: the passage and a little context on each side. */
export interface TextQuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
}

/** W3C TextPositionSelector: Unicode code-point offsets into the essay as saved. */
export interface TextPositionSelector {
  start: number;
  end: number;
}

/** Where an annotation sits in its essay. */
export interface Target {
  quote: TextQuoteSelector;
  position: TextPositionSelector;
}

/** One annotation of a sidecar. */
export interface Annotation {
  /** Stable id. For claims and cruxes it is the claim's slug, unique in the workspace. */
  id: string;
  kind: AnnotationKind;
  /** Tag ids from the codebook. */
  tags: string[];
  /** The claim's title (claims and cruxes). */
  title?: string;
  note?: string;
  links?: ClaimLink[];
  target: Target;
  /** Set when the passage could not be found in the essay as saved; `target` then keeps the last known text. */
  detached?: boolean;
  /** ISO 8601 times. */
  created: string;
  updated: string;
}

/** The whole sidecar file. */
export interface Sidecar {
  version: 1;
  /** The essay's file name, relative to the sidecar's folder. */
  document: string;
  annotations: Annotation[];
}

export const SIDECAR_VERSION = 1;

/** The suffix that turns an essay's path into its sidecar's path. */
export const SIDECAR_SUFFIX = '.cruxmark.json';

/** The sidecar path of an essay path (any path syntax: only the suffix is added). */
export function sidecarPathOf(essayPath: string): string {
  return essayPath + SIDECAR_SUFFIX;
}

/** The essay path of a sidecar path, or undefined when the path is not a sidecar's. */
export function essayPathOf(sidecarPath: string): string | undefined {
  return sidecarPath.endsWith('.md' + SIDECAR_SUFFIX) ? sidecarPath.slice(0, -SIDECAR_SUFFIX.length) : undefined;
}

/** Where an annotation was placed in the current text, in UTF-16 offsets. */
export type AnchorStatus = 'anchored' | 'fuzzy' | 'detached';
