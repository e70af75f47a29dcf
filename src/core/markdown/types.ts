// The outline of a Markdown essay: its blocks, headings, sections and relative links. Every offset
// is a UTF-16 index into the text as given (a leading BOM included), half-open [start, end).

/** The kinds of block the outline keeps, one per mdast flow node type (`yaml`/`toml` are `frontmatter`). */
export type BlockKind =
  | 'paragraph'
  | 'heading'
  | 'list'
  | 'listItem'
  | 'blockquote'
  | 'table'
  | 'code'
  | 'html'
  | 'thematicBreak'
  | 'footnoteDefinition'
  | 'definition'
  | 'frontmatter';

/** One block and the blocks nested in it (list items, the content of quotes, items and footnotes). */
export interface OutlineBlock {
  kind: BlockKind;
  start: number;
  end: number;
  children: readonly OutlineBlock[];
}

/** A heading anywhere in the essay, with the anchor GitHub and VS Code give it. */
export interface Heading {
  depth: number;
  /** Plain text of the heading: its text and code, without markup or inline HTML. */
  text: string;
  /** github-slugger slug, made unique in document order (`intro`, `intro-1`, …). */
  slug: string;
  start: number;
  end: number;
}

/** A heading and the text it governs, up to the next heading of the same or a higher level. */
export interface Section {
  /** Undefined for the preamble before the first heading. */
  heading?: Heading;
  /** The heading's depth; 0 for the preamble. */
  depth: number;
  start: number;
  end: number;
  children: readonly Section[];
}

/** A link to a place in this essay or in another file: an inline link or a resolved reference. */
export interface MarkdownLink {
  /** The whole link node, text and destination. */
  start: number;
  end: number;
  /** The destination as written, character references and escapes decoded. */
  url: string;
  /** Percent-decoded part before `#`; '' for a link within the same document. */
  path: string;
  /** Percent-decoded part after `#`, when there is one. */
  fragment?: string;
  /** Plain text of the link. */
  text: string;
}

/** The parsed outline of one text. */
export interface Outline {
  readonly text: string;
  /** Top-level blocks, each with its nested blocks. */
  readonly blocks: readonly OutlineBlock[];
  readonly headings: readonly Heading[];
  /** Root-level sections, the preamble first when a block other than front matter precedes the first heading. */
  readonly sections: readonly Section[];
  readonly links: readonly MarkdownLink[];
  /** What could not be parsed faithfully (for example nesting too deep), described, never thrown. */
  readonly problems: readonly string[];
  /**
   * The innermost passage block at an offset: paragraph, heading, listItem, blockquote, table, code
   * or footnoteDefinition. A block's end counts as inside it, so that a cursor at the end of a line
   * still finds its block.
   */
  blockAt(offset: number): OutlineBlock | undefined;
  /** Sections containing the offset, outermost first. */
  sectionPath(offset: number): readonly Section[];
}
