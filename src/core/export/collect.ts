// Gathers the excerpts an export shows from essays: each annotation with its section, place,
// current text, context and relations. Detached annotations are included with their status.
import { describeTarget } from '../anchor';
import type { LiveAnnotation } from '../essay';
import type { Outline } from '../markdown';
import { CodePointIndex, LineIndex } from '../text';
import type { Excerpt, ExcerptPosition } from './model';

/** One essay as the collector needs it. */
export interface CollectEssay {
  /** Workspace-relative POSIX path. */
  path: string;
  text: string;
  outline: Outline;
  annotations: readonly LiveAnnotation[];
}

export interface CollectOptions {
  /** Keep only annotations with one of these tags; empty or absent keeps all. */
  tags?: readonly string[];
  /** The title of the claim a link names, when it exists. */
  resolveTitle?: (essayPath: string, target: string) => string | undefined;
}

/** How much of the enclosing block to show around a passage. */
const CONTEXT_CHARS = 280;

/** The excerpts of some essays, in document order. */
export function collectExcerpts(essays: readonly CollectEssay[], options: CollectOptions = {}): Excerpt[] {
  const filter = options.tags && options.tags.length > 0 ? new Set(options.tags) : undefined;
  const out: Excerpt[] = [];
  for (const essay of essays) {
    let lines: LineIndex | undefined;
    let codePoints: CodePointIndex | undefined;
    const position = (offset: number): ExcerptPosition => {
      lines ??= new LineIndex(essay.text);
      codePoints ??= new CodePointIndex(essay.text);
      const lc = lines.positionAt(offset);
      const lineStart = offset - lc.character;
      return {
        offset: codePoints.toCodePoint(offset),
        line: lc.line + 1,
        column: codePoints.toCodePoint(offset) - codePoints.toCodePoint(lineStart) + 1,
      };
    };
    for (const a of essay.annotations) {
      if (filter && !a.data.tags.some((t) => filter.has(t))) continue;
      const relations = (a.data.links ?? []).map((l) => {
        const targetTitle = options.resolveTitle?.(essay.path, l.target);
        return { relation: l.relation, target: l.target, ...(targetTitle !== undefined ? { targetTitle } : {}) };
      });
      const base = {
        id: a.data.id,
        document: essay.path,
        kind: a.data.kind,
        tags: [...a.data.tags],
        ...(a.data.title !== undefined ? { title: a.data.title } : {}),
        ...(a.data.note ? { note: a.data.note } : {}),
        relations,
        created: a.data.created,
        updated: a.data.updated,
      };
      if (!a.range) {
        out.push({
          ...base, section: [], status: 'detached', text: a.data.target.quote.exact,
          prefix: a.data.target.quote.prefix, suffix: a.data.target.quote.suffix, start: null, end: null,
        });
        continue;
      }
      const { start, end } = a.range;
      const block = essay.outline.blockAt(start);
      const bounds = block ? { start: Math.min(block.start, start), end: Math.max(block.end, end) } : undefined;
      const quote = describeTarget(essay.text, start, end, bounds).quote;
      const section = essay.outline.sectionPath(start).flatMap((s) => (s.heading ? [s.heading.text] : []));
      out.push({
        ...base,
        section,
        status: a.status,
        text: essay.text.slice(start, end),
        prefix: quote.prefix,
        suffix: quote.suffix,
        ...(bounds ? { context: {
          before: essay.text.slice(Math.max(bounds.start, start - CONTEXT_CHARS), start),
          after: essay.text.slice(end, Math.min(bounds.end, end + CONTEXT_CHARS)),
        } } : {}),
        start: position(start),
        end: position(end),
      });
    }
  }
  return out;
}
