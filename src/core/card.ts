// The crux hover card, as Markdown. Every piece of user text (notes, titles, tag labels and
// definitions, link targets) is escaped; the only links are command links built here, to
// Cruxmark's own commands, with JSON arguments encoded in the URI.
import type { TagDefinition } from './codebook';
import type { AnnotationKind, Relation } from './model';
import { RELATION_LABELS } from './model';

/** The commands a card may link to. The hover trusts exactly these, and nothing else. */
export const CARD_COMMANDS = ['cruxmark.goToLinkedClaim', 'cruxmark.removeTag', 'cruxmark.editNote', 'cruxmark.revealAnnotation'] as const;
export type CardCommand = (typeof CARD_COMMANDS)[number];

/** Escapes text so Markdown shows it literally: no links, no HTML, no emphasis, no icons. */
export function escapeMarkdown(text: string): string {
  return text
    // Spaces and tabs at the start of a line would start an indented code block (which shows the
    // escapes as backslashes), and a line of nothing but spaces would end the paragraph.
    .replace(/[ \t]*(?:\r\n?|\n)[ \t]*/g, '\n')
    .replace(/^[ \t]+|[ \t]+$/g, '')
    // GFM links web and e-mail addresses found in the text after escapes are undone (cmark-gfm,
    // remark-gfm): an invisible word joiner after `www`, `:` before `//`, and `@` breaks them.
    .replace(/www(?=\.)|:(?=\/\/)|@/gi, (m) => `${m}\u2060`)
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&:"'=$%,;?@^/]/g, (c) => `\\${c}`)
    // Keep the card's layout: user line breaks become hard breaks inside the same paragraph.
    .replace(/\r\n?|\n/g, '  \n')
    .replace(/( {2}\n){2,}/g, '  \n');
}

/** A command link to one of Cruxmark's own commands, with its arguments encoded. */
export function commandLink(label: string, command: CardCommand, args: unknown): string {
  if (!(CARD_COMMANDS as readonly string[]).includes(command)) throw new Error(`not a card command: ${command}`);
  // encodeURIComponent leaves ( ) ' ! * as they are, and a `)` would end the Markdown link early.
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${escapeMarkdown(label)}](command:${command}?${query})`;
}

/** The codebook's colour forms: #rgb, #rrggbb and #rrggbbaa (VS Code's hover allows any hex colour in a span's style). */
const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** A coloured chip for a tag; the colour is used only when it is a plain hex colour. */
function chip(tag: TagDefinition): string {
  const colour = HEX.test(tag.color) ? tag.color : '#6b7280';
  return `<span style="color:#ffffff;background-color:${colour};">&nbsp;${escapeMarkdown(tag.label)}&nbsp;</span>`;
}

/** A linked claim as a card shows it. */
export interface CardLink {
  relation: Relation;
  /** `incoming`: the other claim points at this one. */
  direction: 'outgoing' | 'incoming';
  /** The other claim's title, when it exists. */
  title?: string;
  /** What the link names: `id` or `other.md#id`. */
  target: string;
  /** Arguments for cruxmark.goToLinkedClaim, when the claim exists. */
  jump?: unknown;
}

/** Everything a card shows about one annotation. */
export interface CardModel {
  id: string;
  kind: AnnotationKind;
  title?: string;
  tags: TagDefinition[];
  note?: string;
  links: CardLink[];
  status: 'anchored' | 'fuzzy' | 'detached';
  /** Arguments that identify the annotation to the action commands. */
  ref: { uri: string; annotation: string };
}

/** The card's Markdown. Render it with HTML support limited to the chips and commands limited to CARD_COMMANDS. */
export function buildCard(m: CardModel): string {
  const lines: string[] = [];
  const badge = m.kind === 'crux' ? '**◆ Crux**' : m.kind === 'claim' ? '**○ Claim**' : '**Passage**';
  const title = m.title ? ` · ${escapeMarkdown(m.title)}` : '';
  const id = m.kind !== 'passage' ? ` \`${m.id.replace(/`/g, '')}\`` : '';
  lines.push(`${badge}${title}${id}${m.status === 'fuzzy' ? ' · _found approximately_' : ''}`);
  if (m.tags.length > 0) {
    lines.push('', m.tags.map(chip).join(' '));
    for (const t of m.tags) {
      lines.push('', `**${escapeMarkdown(t.label)}**: ${escapeMarkdown(t.definition || 'No definition.')}`);
    }
  }
  if (m.note) {
    lines.push('', '---', '', escapeMarkdown(m.note));
  }
  if (m.links.length > 0) {
    lines.push('', '---', '');
    for (const l of m.links) {
      const rel = RELATION_LABELS[l.relation];
      const name = l.title ?? l.target;
      const shown = l.jump !== undefined ? commandLink(name, 'cruxmark.goToLinkedClaim', l.jump) : `${escapeMarkdown(name)} _(not found)_`;
      lines.push(l.direction === 'outgoing' ? `- ${escapeMarkdown(rel)} → ${shown}` : `- ← ${shown} ${escapeMarkdown(rel)} this`);
    }
  }
  const actions: string[] = [];
  for (const t of m.tags) actions.push(commandLink(`Remove ${t.label}`, 'cruxmark.removeTag', { ...m.ref, tag: t.id }));
  actions.push(commandLink(m.note ? 'Edit note' : 'Add note', 'cruxmark.editNote', m.ref));
  lines.push('', '---', '', actions.join(' · '));
  return lines.join('\n');
}
