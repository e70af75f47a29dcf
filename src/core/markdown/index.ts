// The Markdown outline of an essay: blocks, headings with their anchors, sections and relative
// links, parsed once in chunks and kept up to date through edits.
export type { BlockKind, Heading, MarkdownLink, Outline, OutlineBlock, Section } from './types';
export { OutlineCancelledError, OutlineIndex, parseOutline } from './outline-index';
export type { BuildOptions, IndexOptions, OutlineEdit } from './outline-index';
export type { ParallelParse, ParallelRun, PartResult, PartsJob } from './parts';
