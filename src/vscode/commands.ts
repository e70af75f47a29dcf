// Tagging commands. They act on the active editor's selections; an empty selection acts on the
// Markdown block under the cursor. Commands that ask also take the answer as an argument object,
// so keybindings, scripts and tests can run them without a prompt.
import * as vscode from 'vscode';
import { trimRange, type LiveAnnotation } from '../core/essay';
import type { Range } from '../core/text';
import { toOffsets } from './convert';
import type { Essay } from './essays';
import type { Services } from './services';

/** The built-in tag commands and the tag each toggles. */
export const TAG_COMMANDS: Readonly<Record<string, string>> = {
  'cruxmark.tagCountingArgument': 'counting-argument',
  'cruxmark.tagSimplicityPrior': 'simplicity-prior',
  'cruxmark.tagRewardAsUpdateStrength': 'reward-as-update-strength',
};

/** The editor and essay a command acts on, or a message saying why there is none. */
export async function activeEssay(services: Services): Promise<{ editor: vscode.TextEditor; essay: Essay } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showInformationMessage('Cruxmark: open a Markdown essay and select a passage first.');
    return undefined;
  }
  const essay = await services.store.forDocument(editor.document);
  // Commands find the block under the cursor, so a long essay's first index must be done.
  if (essay) await essay.outlineReady();
  return essay ? { editor, essay } : undefined;
}

/** The passages the selections designate: trimmed selections, or the block under an empty one. */
export function selectedPassages(editor: vscode.TextEditor, essay: Essay): Range[] {
  const out: Range[] = [];
  for (const selection of editor.selections) {
    let range = toOffsets(editor.document, selection);
    if (range.start === range.end) {
      const block = essay.outline().blockAt(range.start);
      if (!block) continue;
      range = { start: block.start, end: block.end };
    }
    range = trimRange(essay.text, range);
    if (range.end > range.start && !out.some((r) => r.start === range.start && r.end === range.end)) out.push(range);
  }
  return out;
}

/** The active essay and the passages a tag command acts on, or a hint when there are none. */
async function passagesToTag(services: Services): Promise<{ essay: Essay; passages: Range[] } | undefined> {
  const target = await activeEssay(services);
  if (!target) return undefined;
  const passages = selectedPassages(target.editor, target.essay);
  if (passages.length === 0) {
    void vscode.window.showInformationMessage('Cruxmark: select the passage to tag, or put the cursor in a paragraph.');
    return undefined;
  }
  return { essay: target.essay, passages };
}

function tagLabel(services: Services, id: string): string {
  return services.codebook.tag(id).label;
}

/** Toggles one tag on every selected passage. */
async function toggleTag(services: Services, tag: string): Promise<void> {
  const target = await passagesToTag(services);
  if (!target) return;
  const { essay, passages } = target;
  const results = passages.map((range) => essay.annotations.toggleTag(range, tag));
  const label = tagLabel(services, tag);
  const added = results.filter((r) => r.action === 'added').length;
  const removed = results.length - added;
  vscode.window.setStatusBarMessage(added >= removed ? `$(tag) Tagged as ${label}` : `$(tag) Removed ${label}`, 3000);
  services.store.annotationsChanged(essay);
}

interface TagPassageArgs {
  tags?: string[];
}

/** Quick pick of the codebook with definitions; several tags at once. Checked tags are added, unchecked ones removed. */
async function tagPassage(services: Services, args?: TagPassageArgs): Promise<void> {
  const target = await passagesToTag(services);
  if (!target) return;
  const { essay, passages } = target;
  let chosen = args?.tags;
  let current = new Set<string>();
  if (!chosen) {
    const existing = passages.map((r) => essay.annotations.exactly(r));
    current = new Set(existing.flatMap((a) => a?.data.tags ?? []));
    const items = services.codebook.tags.map((t) => ({
      label: t.label,
      description: t.id,
      detail: t.definition,
      picked: current.has(t.id),
      id: t.id,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: 'Tag Passage',
      placeHolder: 'Choose the kinds of argument this passage makes',
      matchOnDetail: true,
    });
    if (!picked) return;
    chosen = picked.map((p) => p.id);
  }
  const unknown = chosen.filter((t) => !services.codebook.tags.some((d) => d.id === t));
  if (unknown.length > 0 && args?.tags) {
    void vscode.window.showWarningMessage(`Cruxmark: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the codebook; tagged anyway. Add ${unknown.length === 1 ? 'it' : 'them'} to cruxmark.tags to give ${unknown.length === 1 ? 'it' : 'them'} a label and colour.`);
  }
  for (const range of passages) {
    if (chosen.length > 0) essay.annotations.addTags(range, chosen);
    for (const tag of current) {
      const item = essay.annotations.exactly(range);
      if (item && !chosen.includes(tag)) essay.annotations.removeTag(item.data.id, tag);
    }
  }
  services.store.annotationsChanged(essay);
}

interface RemoveTagArgs {
  uri?: string;
  annotation?: string;
  tag?: string;
}

/** Removes a tag from the passage under the cursor (or the one given). */
async function removeTag(services: Services, args?: RemoveTagArgs): Promise<void> {
  let essay: Essay | undefined;
  let candidates: LiveAnnotation[] = [];
  if (args?.uri) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    essay = await services.store.forDocument(doc);
  } else {
    const target = await activeEssay(services);
    essay = target?.essay;
    if (target && !args?.annotation) {
      const sel = toOffsets(target.editor.document, target.editor.selection);
      candidates = essay!.annotations.list().filter((a) => a.range && a.range.start <= sel.end && sel.start <= a.range.end && a.data.tags.length > 0);
    }
  }
  if (!essay) return;
  if (args?.annotation) {
    const item = essay.annotations.find(args.annotation);
    if (!item) {
      void vscode.window.showWarningMessage(`Cruxmark: no annotation "${args.annotation}" in ${essay.fileName}.`);
      return;
    }
    candidates = [item];
  }
  const pairs = candidates.flatMap((a) => a.data.tags.filter((t) => !args?.tag || t === args.tag).map((tag) => ({ a, tag })));
  if (pairs.length === 0) {
    void vscode.window.showInformationMessage('Cruxmark: there is no tag here to remove.');
    return;
  }
  let chosen = pairs;
  if (pairs.length > 1 && !args?.tag) {
    const picked = await vscode.window.showQuickPick(pairs.map((p) => ({
      label: tagLabel(services, p.tag),
      description: p.a.data.title ?? excerpt(p.a.data.target.quote.exact),
      pair: p,
    })), { canPickMany: true, title: 'Remove Tag', placeHolder: 'Choose the tags to remove' });
    if (!picked || picked.length === 0) return;
    chosen = picked.map((p) => p.pair);
  }
  for (const { a, tag } of chosen) essay.annotations.removeTag(a.data.id, tag);
  services.store.annotationsChanged(essay);
}

/** A one-line preview of a passage. */
export function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Registers the tagging commands. */
export function registerTagCommands(services: Services): vscode.Disposable[] {
  return [
    ...Object.entries(TAG_COMMANDS).map(([command, tag]) => vscode.commands.registerCommand(command, () => toggleTag(services, tag))),
    vscode.commands.registerCommand('cruxmark.tagPassage', (args?: TagPassageArgs) => tagPassage(services, args)),
    vscode.commands.registerCommand('cruxmark.removeTag', (args?: RemoveTagArgs) => removeTag(services, args)),
  ];
}
