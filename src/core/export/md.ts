// The Markdown digest: excerpts grouped by tag, then essay and section, each as a blockquote with
// its claim, note, relations and a relative link back to the essay. Meant to be pasted into a
// forum post or a review, so user text outside the quotes is escaped and the quotes cannot leak
// out of their blockquotes.
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import { visit } from 'unist-util-visit';
import { RELATION_LABELS } from '../model';
import {
  documentCount,
  essayLink,
  groupByTag,
  groupByDocument,
  lineLabel,
  plural,
  relationLink,
  resolveTag,
  splitLines,
  type ExportTag,
} from './common';
import type { Excerpt, ExportInput } from './model';

/**
 * Escapes user text (titles, notes, labels, paths) so that it renders as the same literal text
 * and cannot open a heading, list, quote, code block, table, HTML or link, wherever a line starts.
 */
export function escapeMarkdown(text: string): string {
  return splitLines(text)
    .map((line) =>
      line
        .replace(/[\\`*_[\]<>#|~&$:@]/g, '\\$&')
        // GFM autolink literals keep backslashes verbatim: `:`, `@` and `www\.` stop the parser from
        // seeing one, and GFM then links the unescaped text, with clean text and URL.
        .replace(/(www)\./gi, '$1\\.')
        // Block starts that only count at the beginning of a line: list items, setext underlines.
        .replace(/^(\s*)([-+=])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

/** User text on one line (headings, link text): line breaks become spaces. */
function inline(text: string): string {
  return escapeMarkdown(text.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ').trim());
}

/**
 * User text as the lines of one paragraph: line breaks become hard breaks (a trailing backslash)
 * and blank lines are dropped, because a blank line would end the paragraph and let the next
 * line start a new block.
 */
function paragraphLines(text: string): string[] {
  return splitLines(text)
    .filter((l) => l.trim() !== '')
    .map((l) => escapeMarkdown(l.trim()));
}

/**
 * Neutralises raw HTML in a quoted passage: its `<` becomes `&lt;`, which renders as the same
 * character. Raw HTML such as `</blockquote>` would otherwise close the quote in the rendered
 * page. The passage's other Markdown (emphasis, links, code) is kept as written.
 */
function neutraliseHtml(text: string): string {
  const tree = unified().use(remarkParse).parse(text);
  const ranges: [number, number][] = [];
  visit(tree, 'html', (node) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start !== undefined && end !== undefined) ranges.push([start, end]);
  });
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    out += text.slice(at, start) + text.slice(start, end).replace(/</g, '&lt;');
    at = end;
  }
  return out + text.slice(at);
}

/** The passage as blockquote lines: every line, blank ones included, stays inside the quote. */
function blockquote(text: string): string[] {
  return splitLines(neutraliseHtml(text)).map((line) => (line === '' ? '>' : `> ${line}`));
}

/** The section titles, escaped, joined with ` › `; a label when the passage is before any heading. */
function sectionLabel(section: string[]): string {
  return section.length > 0 ? section.map(inline).join(' › ') : 'Before the first heading';
}

/** `[essays/x.md, line 12](../essays/x.md#L12)`, without the line when detached. */
function citationLink(excerpt: Excerpt, fromDir: string): string {
  const lines = lineLabel(excerpt);
  const text = inline(excerpt.document) + (lines ? `, ${lines}` : '');
  return `[${text}](${essayLink(excerpt, fromDir)})`;
}

const STATUS_NOTES: Record<Excerpt['status'], string | undefined> = {
  anchored: undefined,
  fuzzy: '**Moved:** found by approximate match; the text may have changed since it was annotated.',
  detached: '**Detached:** not found in the current text; this is the last known quote.',
};

/**
 * One passage as a Markdown blockquote followed by a citation line (essay, section, line), for
 * "copy as quote". Links are relative to `fromDir`, the workspace-relative folder of the file the
 * quote will be pasted into.
 */
export function quoteWithCitation(excerpt: Excerpt, fromDir: string): string {
  const where = [citationLink(excerpt, fromDir)];
  if (excerpt.section.length > 0) where.push(sectionLabel(excerpt.section));
  if (excerpt.status === 'detached') where.push('detached: not found in the current text');
  // The citation sits after the quote, not inside it: an unclosed code fence in the passage
  // would swallow it, while the end of the blockquote closes any such block.
  return [...blockquote(excerpt.text), '', `— ${where.join(' · ')}`, ''].join('\n');
}

function renderExcerpt(input: ExportInput, excerpt: Excerpt, group: ExportTag | undefined): string[] {
  const out = [...blockquote(excerpt.text), ''];
  const lines = [citationLink(excerpt, input.outputDir)];
  if (excerpt.kind !== 'passage') {
    const badge = excerpt.kind === 'crux' ? 'Crux' : 'Claim';
    lines.push(excerpt.title?.trim() ? `**${badge}:** ${inline(excerpt.title)}` : `**${badge}**`);
  }
  const others = excerpt.tags.filter((t) => t !== group?.id);
  if (others.length > 0) {
    lines.push(`**${group ? 'Also tagged' : 'Tags'}:** ${others.map((t) => inline(resolveTag(input, t).label)).join(', ')}`);
  }
  const note = excerpt.note ? paragraphLines(excerpt.note) : [];
  if (note.length > 0) lines.push(`**Note:** ${note[0]}`, ...note.slice(1));
  const status = STATUS_NOTES[excerpt.status];
  if (status) lines.push(status);
  // A trailing backslash is a hard line break: the lines stay one paragraph.
  out.push(lines.join('\\\n'), '');
  if (excerpt.relations.length > 0) {
    for (const r of excerpt.relations) {
      const text = inline(r.targetTitle?.trim() ? r.targetTitle : r.target);
      out.push(`- ${RELATION_LABELS[r.relation] ?? inline(r.relation)} [${text}](${relationLink(excerpt, r, input.outputDir)})`);
    }
    out.push('');
  }
  return out;
}

/** The Markdown digest of an export. */
export function renderMarkdown(input: ExportInput): string {
  const groups = groupByTag(input);
  const out = [`# ${inline(input.title)}`, ''];
  const summary = [
    `Generated ${inline(input.generated)}`,
    `${plural(input.excerpts.length, 'excerpt')} from ${plural(documentCount(input.excerpts), 'essay')}`,
  ];
  if (input.filterTags.length > 0) {
    summary.push(`tags: ${input.filterTags.map((t) => inline(resolveTag(input, t).label)).join(', ')}`);
  }
  out.push(summary.join(' · '), '');
  if (groups.length === 0) out.push('_No excerpts._', '');
  for (const group of groups) {
    out.push(`## ${group.tag ? inline(group.tag.label) : 'Untagged'}`, '');
    if (group.tag && !group.tag.known) out.push('_This tag is not in the codebook._', '');
    else if (group.tag?.definition.trim()) out.push(`_${paragraphLines(group.tag.definition).join(' ')}_`, '');
    if (group.excerpts.length === 0) out.push('_No excerpts carry this tag._', '');
    for (const doc of groupByDocument(group.excerpts)) {
      out.push(`### ${inline(doc.document)}`, '');
      for (const section of doc.sections) {
        out.push(`#### ${sectionLabel(section.section)}`, '');
        for (const excerpt of section.excerpts) out.push(...renderExcerpt(input, excerpt, group.tag));
      }
    }
  }
  return out.join('\n').replace(/\n+$/, '\n');
}
