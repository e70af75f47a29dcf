// The standalone HTML report for reviewers who do not use VS Code: one file, inline CSS, no
// scripts and nothing loaded from anywhere. A CSP that allows only the report's own style sheet
// (by hash) backs up the escaping of every piece of user text.
import { RELATION_LABELS } from '../model';
import {
  FALLBACK_COLOR,
  documentCount,
  groupByDocument,
  groupByTag,
  lineLabel,
  plural,
  referencedTags,
  relationTarget,
  resolveTag,
  validHexColor,
  type ExportTag,
} from './common';
import type { Excerpt, ExportInput } from './model';
import { sha256, toBase64 } from './sha256';

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const BASE_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --rule: #d1d9e0; --panel: #f6f8fa; --tag: ${FALLBACK_COLOR}; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --rule: #3d444d; --panel: #151b23; }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 52rem; padding: 2rem 1.25rem 4rem; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.75rem 0 .25rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
h4 { font-size: .95rem; margin: 1.25rem 0 .5rem; color: var(--muted); font-weight: 600; overflow-wrap: anywhere; }
.meta, .where, .definition, .empty { color: var(--muted); font-size: .9rem; }
.definition { font-style: italic; }
nav { margin: 1.5rem 0; padding: .75rem 1rem; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; }
nav h2 { margin: 0 0 .5rem; border: 0; font-size: 1rem; }
nav ol { margin: 0; padding-left: 1.25rem; }
nav li { margin: .25rem 0; }
nav a { color: inherit; text-decoration: none; }
.count { color: var(--muted); font-size: .85rem; }
.chip { display: inline-block; padding: 0 .5em; border-radius: 999px; font-size: .85em; font-weight: 600; line-height: 1.6;
  border: 1px solid var(--tag); border-left-width: .45em; color: var(--fg); background: var(--panel);
  background: color-mix(in srgb, var(--tag) 14%, var(--bg)); }
.badge { display: inline-block; padding: 0 .45em; border-radius: 4px; font-size: .75rem; font-weight: 700; letter-spacing: .04em;
  text-transform: uppercase; border: 1px solid var(--rule); color: var(--muted); }
.badge.crux { border-color: #b91c1c; color: #b91c1c; }
.badge.fuzzy { border-color: #b45309; color: #b45309; }
.badge.detached { border-color: #b91c1c; color: #b91c1c; background: color-mix(in srgb, #b91c1c 10%, var(--bg)); }
@media (prefers-color-scheme: dark) {
  .badge.crux, .badge.detached { border-color: #f87171; color: #f87171; }
  .badge.fuzzy { border-color: #fbbf24; color: #fbbf24; }
}
article { margin: 0 0 1.5rem; padding: .75rem 1rem; border: 1px solid var(--rule); border-left: 4px solid var(--tag); border-radius: 6px;
  background: var(--bg); break-inside: avoid; page-break-inside: avoid; }
article > * { margin: .35rem 0; }
.claim-title { font-weight: 600; overflow-wrap: anywhere; }
.passage { margin: .5rem 0; padding: .5rem .75rem; background: var(--panel); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
.passage .context { color: var(--muted); }
mark { color: var(--fg); background: #fde68a; background: color-mix(in srgb, var(--tag) 32%, var(--bg)); border-radius: 2px; padding: 0 .1em;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.note { white-space: pre-wrap; overflow-wrap: anywhere; }
.note .label { font-weight: 600; }
.relations { padding-left: 1.25rem; }
.relations .target-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; color: var(--muted); }
.tags .chip { margin-right: .25rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --rule: #bbbbbb; --panel: #f3f3f3; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { break-after: page; }
  h2, h3, h4 { break-after: avoid; }
  .chip, mark, .badge, article { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** One rule per tag: its validated colour as `--tag`, used by chips, marks and the excerpt's edge. */
function tagRules(tags: ExportTag[]): string {
  return tags.map((t, i) => `.t${i} { --tag: ${validHexColor(t.color) ?? FALLBACK_COLOR}; }`).join('\n');
}

function chip(tag: ExportTag, cls: string): string {
  return `<span class="chip ${cls}">${escapeHtml(tag.label)}</span>`;
}

/** The passage highlighted in its paragraph, or the passage alone when there is no context. */
function passage(e: Excerpt, cls: string): string {
  const before = e.context?.before ? `<span class="context">${escapeHtml(e.context.before)}</span>` : '';
  const after = e.context?.after ? `<span class="context">${escapeHtml(e.context.after)}</span>` : '';
  return `<blockquote class="passage">${before}<mark class="${cls}">${escapeHtml(e.text)}</mark>${after}</blockquote>`;
}

const STATUS_TEXT: Record<Excerpt['status'], string | undefined> = {
  anchored: undefined,
  fuzzy: 'Found by approximate match: the text may have changed since it was annotated.',
  detached: 'Detached: not found in the current text. This is the last known quote.',
};

function sectionText(section: string[]): string {
  return section.length > 0 ? section.join(' › ') : 'Before the first heading';
}

function renderExcerpt(input: ExportInput, e: Excerpt, group: ExportTag | undefined, classOf: (id: string) => string): string {
  const cls = group ? classOf(group.id) : '';
  const out: string[] = [`<article class="excerpt ${cls}">`];
  const badges: string[] = [];
  if (e.kind === 'crux') badges.push('<span class="badge crux">Crux</span>');
  if (e.kind === 'claim') badges.push('<span class="badge claim">Claim</span>');
  if (e.status !== 'anchored') badges.push(`<span class="badge ${e.status}">${e.status === 'fuzzy' ? 'Moved' : 'Detached'}</span>`);
  if (badges.length > 0) out.push(`<p class="badges">${badges.join(' ')}</p>`);
  if (e.title?.trim()) out.push(`<p class="claim-title">${escapeHtml(e.title)}</p>`);
  out.push(passage(e, cls));
  const status = STATUS_TEXT[e.status];
  if (status) out.push(`<p class="status">${escapeHtml(status)}</p>`);
  if (e.tags.length > 0) {
    out.push(`<p class="tags">${[...new Set(e.tags)].map((t) => chip(resolveTag(input, t), classOf(t))).join('')}</p>`);
  }
  if (e.note?.trim()) out.push(`<p class="note"><span class="label">Note:</span> ${escapeHtml(e.note)}</p>`);
  if (e.relations.length > 0) {
    out.push('<ul class="relations">');
    for (const r of e.relations) {
      const target = relationTarget(e, r);
      const where = target.document === e.document ? target.id : `${target.document}#${target.id}`;
      const title = r.targetTitle?.trim() ? `${escapeHtml(r.targetTitle)} ` : '';
      const label = RELATION_LABELS[r.relation] ?? r.relation;
      out.push(`<li>${escapeHtml(label)} ${title}<span class="target-id">${escapeHtml(where)}</span></li>`);
    }
    out.push('</ul>');
  }
  const where = [e.document, sectionText(e.section), lineLabel(e) ?? 'no current position'];
  out.push(`<p class="where">${where.map(escapeHtml).join(' · ')}</p>`, '</article>');
  return out.join('\n');
}

/** The Content-Security-Policy of a report whose only style sheet is `css`. */
export function reportCsp(css: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${toBase64(sha256(css))}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The standalone HTML report of an export. */
export function renderHtml(input: ExportInput): string {
  const tags = referencedTags(input);
  const index = new Map(tags.map((t, i) => [t.id, i]));
  const classOf = (id: string) => `t${index.get(id) ?? 0}`;
  const css = `${BASE_CSS}${tagRules(tags)}\n`;
  const groups = groupByTag(input);
  const groupIds = groups.map((_, i) => `g${i}`);

  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportCsp(css))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="generator" content="Cruxmark">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(input.title)}</h1>`,
    `<p class="meta">Generated <time datetime="${escapeHtml(input.generated)}">${escapeHtml(input.generated)}</time> · ${escapeHtml(
      `${plural(input.excerpts.length, 'excerpt')} from ${plural(documentCount(input.excerpts), 'essay')}`,
    )}</p>`,
    '</header>',
  ];

  out.push('<nav aria-labelledby="toc">', '<h2 id="toc">Contents</h2>', '<ol>');
  groups.forEach((g, i) => {
    const label = g.tag ? chip(g.tag, classOf(g.tag.id)) : '<span class="chip">Untagged</span>';
    out.push(`<li><a href="#${groupIds[i]}">${label}</a> <span class="count">${escapeHtml(plural(g.excerpts.length, 'excerpt'))}</span></li>`);
  });
  out.push('</ol>', '</nav>', '<main>');
  if (groups.length === 0) out.push('<p class="empty">No excerpts.</p>');

  groups.forEach((g, i) => {
    out.push(`<section class="tag-group" id="${groupIds[i]}">`);
    out.push(`<h2>${g.tag ? chip(g.tag, classOf(g.tag.id)) : '<span class="chip">Untagged</span>'}</h2>`);
    if (g.tag && !g.tag.known) out.push('<p class="definition">This tag is not in the codebook.</p>');
    else if (g.tag?.definition.trim()) out.push(`<p class="definition">${escapeHtml(g.tag.definition)}</p>`);
    if (g.excerpts.length === 0) out.push('<p class="empty">No excerpts carry this tag.</p>');
    for (const doc of groupByDocument(g.excerpts)) {
      out.push('<section class="essay">', `<h3>${escapeHtml(doc.document)}</h3>`);
      for (const s of doc.sections) {
        out.push(`<h4>${escapeHtml(sectionText(s.section))}</h4>`);
        for (const e of s.excerpts) out.push(renderExcerpt(input, e, g.tag, classOf));
      }
      out.push('</section>');
    }
    out.push('</section>');
  });

  out.push('</main>', `<footer>${escapeHtml(input.title)} · made with Cruxmark</footer>`, '</body>', '</html>', '');
  return out.join('\n');
}
