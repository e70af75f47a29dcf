// Claims and cruxes: marking them, linking them with typed relations, following links, and
// re-attaching annotations whose text could not be found.
import * as vscode from 'vscode';
import type { ClaimRef } from '../core/graph';
import type { LiveAnnotation } from '../core/essay';
import { RELATION_LABELS, RELATIONS, type Relation } from '../core/model';
import { isSlug, slugify, uniqueSlug } from '../core/slug';
import { revealCommand } from './claimsView';
import { activeEssay, excerpt, selectedPassages } from './commands';
import { toOffsets } from './convert';
import type { Essay } from './essays';
import type { Services } from './services';

interface MarkClaimArgs {
  title?: string;
  id?: string;
}

async function markClaim(services: Services, kind: 'claim' | 'crux', args?: MarkClaimArgs): Promise<void> {
  const target = await activeEssay(services);
  if (!target) return;
  const { editor, essay } = target;
  const [range] = selectedPassages(editor, essay);
  if (!range) {
    void vscode.window.showInformationMessage(`Cruxmark: select the ${kind}'s text, or put the cursor in its paragraph.`);
    return;
  }
  const existing = essay.annotations.exactly(range, ['claim', 'crux']);
  let title = args?.title;
  if (title === undefined) {
    title = await vscode.window.showInputBox({
      title: kind === 'crux' ? 'Mark as Crux' : 'Mark as Claim',
      prompt: 'A short title for the claim; its id is made from it.',
      value: existing?.data.title ?? excerpt(essay.text.slice(range.start, range.end), 50),
      validateInput: (v) => (v.trim() ? undefined : 'A claim needs a title.'),
    });
    if (title === undefined) return;
  }
  title = title.trim();
  if (!title) {
    void vscode.window.showWarningMessage('Cruxmark: a claim needs a title.');
    return;
  }
  const graph = services.graph.get();
  let id = existing?.data.id;
  if (!id) {
    if (args?.id !== undefined) {
      if (!isSlug(args.id)) {
        void vscode.window.showErrorMessage(`Cruxmark: "${args.id}" is not a claim id: use lowercase letters, digits and dashes.`);
        return;
      }
      if (graph.has(args.id) || essay.annotations.find(args.id)) {
        void vscode.window.showErrorMessage(`Cruxmark: the claim id "${args.id}" is already used in this workspace.`);
        return;
      }
      id = args.id;
    } else {
      id = uniqueSlug(slugify(title), (c) => graph.has(c) || !!essay.annotations.find(c));
    }
  }
  essay.annotations.markClaim(range, kind, title, id);
  services.store.annotationsChanged(essay);
  vscode.window.setStatusBarMessage(`$(pass) Marked ${kind} "${title}" (#${id})`, 3000);
}

/** The claim or crux under the cursor (the innermost), if any. */
function claimAtCursor(editor: vscode.TextEditor, essay: Essay): LiveAnnotation | undefined {
  const offset = toOffsets(editor.document, editor.selection).start;
  return essay.annotations.at(offset).find((a) => a.data.kind !== 'passage');
}

interface LinkClaimArgs {
  target?: string;
  relation?: Relation;
  /** The source claim; defaults to the claim under the cursor. */
  uri?: string;
  annotation?: string;
}

function claimItems(services: Services, claims: ClaimRef[]): (vscode.QuickPickItem & { claim: ClaimRef })[] {
  return claims.map((c) => ({
    label: `${c.kind === 'crux' ? '$(debug-breakpoint-data)' : '$(circle-large-outline)'} ${c.title}`,
    description: `#${c.id}`,
    detail: vscode.workspace.asRelativePath(services.graph.essay(c.essay)?.uri ?? vscode.Uri.file(c.essay)),
    claim: c,
  }));
}

async function linkClaim(services: Services, args?: LinkClaimArgs): Promise<void> {
  let essay: Essay | undefined;
  let source: LiveAnnotation | undefined;
  if (args?.uri && args.annotation) {
    essay = await services.store.forDocument(await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)));
    source = essay?.annotations.find(args.annotation);
  } else {
    const t = await activeEssay(services);
    if (!t) return;
    essay = t.essay;
    source = claimAtCursor(t.editor, t.essay);
  }
  if (!essay || !source) {
    void vscode.window.showInformationMessage('Cruxmark: put the cursor in a claim or crux (mark one with "Mark as Claim…") to link it.');
    return;
  }
  const graph = services.graph.get();
  let target: string | undefined = args?.target;
  if (target === undefined) {
    const others = graph.claims().filter((c) => !(c.essay === essay!.uri.path && c.id === source!.data.id));
    if (others.length === 0) {
      void vscode.window.showInformationMessage('Cruxmark: there is no other claim in the workspace to link to yet.');
      return;
    }
    const picked = await vscode.window.showQuickPick(claimItems(services, others), {
      title: `Link "${source.data.title ?? source.data.id}" to…`, placeHolder: 'Search claims by title, id or essay', matchOnDescription: true, matchOnDetail: true,
    });
    if (!picked) return;
    target = graph.linkTarget(essay.uri.path, picked.claim);
  } else {
    const r = graph.resolve(essay.uri.path, target);
    if (r.kind !== 'claim') {
      void vscode.window.showErrorMessage(`Cruxmark: cannot link to "${target}": ${r.kind === 'missing' ? r.reason : 'it names a heading, not a claim'}.`);
      return;
    }
    target = graph.linkTarget(essay.uri.path, r.claim);
  }
  let relation = args?.relation;
  if (relation !== undefined && !RELATIONS.includes(relation)) {
    void vscode.window.showErrorMessage(`Cruxmark: "${relation}" is not a relation; use ${RELATIONS.join(', ')}.`);
    return;
  }
  if (relation === undefined) {
    const picked = await vscode.window.showQuickPick(RELATIONS.map((r) => ({ label: RELATION_LABELS[r], relation: r })), { title: 'Relation', placeHolder: `"${source.data.title ?? source.data.id}" … the other claim` });
    if (!picked) return;
    relation = picked.relation;
  }
  if (essay.annotations.addLink(source.data.id, { relation, target })) services.store.annotationsChanged(essay);
}

interface GoToArgs {
  uri?: string;
  annotation?: string;
  target?: string;
}

async function goToLinkedClaim(services: Services, args?: GoToArgs): Promise<void> {
  if (args?.uri && args.annotation) {
    await revealCommand(services, { uri: args.uri, annotation: args.annotation });
    return;
  }
  const t = await activeEssay(services);
  if (!t) return;
  const graph = services.graph.get();
  if (args?.target) {
    const r = graph.resolve(t.essay.uri.path, args.target);
    const e = r.kind === 'claim' ? services.graph.essay(r.claim.essay) : undefined;
    if (r.kind !== 'claim' || !e) {
      void vscode.window.showWarningMessage(`Cruxmark: no claim "${args.target}".`);
      return;
    }
    await revealCommand(services, { uri: e.uri.toString(), annotation: r.claim.id });
    return;
  }
  const claim = claimAtCursor(t.editor, t.essay);
  if (!claim) {
    void vscode.window.showInformationMessage('Cruxmark: put the cursor in a claim to follow its links.');
    return;
  }
  const items: (vscode.QuickPickItem & { go?: { uri: string; annotation: string } })[] = [];
  for (const l of claim.data.links ?? []) {
    const r = graph.resolve(t.essay.uri.path, l.target);
    const e = r.kind === 'claim' ? services.graph.essay(r.claim.essay) : undefined;
    items.push({
      label: `${RELATION_LABELS[l.relation]} → ${r.kind === 'claim' ? r.claim.title : l.target}`,
      description: r.kind === 'claim' ? `#${r.claim.id}` : 'not found',
      go: r.kind === 'claim' && e ? { uri: e.uri.toString(), annotation: r.claim.id } : undefined,
    });
  }
  for (const b of graph.backlinks(t.essay.uri.path, claim.data.id)) {
    const e = services.graph.essay(b.from.essay);
    items.push({ label: `← ${b.from.title} ${RELATION_LABELS[b.relation]} this`, description: `#${b.from.annotation}`, go: e ? { uri: e.uri.toString(), annotation: b.from.annotation } : undefined });
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Cruxmark: "${claim.data.title ?? claim.data.id}" has no linked claims yet. Add one with "Link Claim to…".`);
    return;
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Claims linked with "${claim.data.title ?? claim.data.id}"` });
  if (picked?.go) await revealCommand(services, picked.go);
}

interface ReattachArgs {
  uri?: string;
  annotation?: string;
  /** UTF-16 offsets to attach to, instead of the selection (quick fixes pass the nearest match). */
  start?: number;
  end?: number;
}

async function reattach(services: Services, args?: ReattachArgs): Promise<void> {
  let essay: Essay | undefined;
  let editor: vscode.TextEditor | undefined;
  if (args?.uri) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    editor = await vscode.window.showTextDocument(doc, { preview: false });
    essay = await services.store.forDocument(doc);
  } else {
    const t = await activeEssay(services);
    editor = t?.editor;
    essay = t?.essay;
  }
  if (!essay || !editor) return;
  let id = args?.annotation;
  if (!id) {
    const detached = essay.annotations.list().filter((a) => !a.range);
    if (detached.length === 0) {
      void vscode.window.showInformationMessage(`Cruxmark: ${essay.fileName} has no detached annotations.`);
      return;
    }
    const picked = detached.length === 1 ? { id: detached[0].data.id } : await vscode.window.showQuickPick(detached.map((a) => ({
      label: a.data.title ?? excerpt(a.data.target.quote.exact), description: a.data.tags.map((t) => services.codebook.tag(t).label).join(', '), id: a.data.id,
    })), { title: 'Re-attach which annotation to the selection?' });
    if (!picked) return;
    id = picked.id;
  }
  let range = args?.start !== undefined && args.end !== undefined ? { start: args.start, end: args.end } : toOffsets(editor.document, editor.selection);
  if (args?.start === undefined) {
    const [passage] = selectedPassages(editor, essay);
    if (!passage || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage('Cruxmark: select the text the annotation belongs to, then run Re-attach again.');
      return;
    }
    range = passage;
  }
  if (!essay.annotations.reattach(id, range)) {
    void vscode.window.showWarningMessage(`Cruxmark: no annotation "${id}" in ${essay.fileName}.`);
    return;
  }
  services.store.annotationsChanged(essay);
}

export function registerClaimCommands(services: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('cruxmark.markClaim', (args?: MarkClaimArgs) => markClaim(services, 'claim', args)),
    vscode.commands.registerCommand('cruxmark.markCrux', (args?: MarkClaimArgs) => markClaim(services, 'crux', args)),
    vscode.commands.registerCommand('cruxmark.linkClaim', (args?: LinkClaimArgs) => linkClaim(services, args)),
    vscode.commands.registerCommand('cruxmark.goToLinkedClaim', (args?: GoToArgs) => goToLinkedClaim(services, args)),
    vscode.commands.registerCommand('cruxmark.reattach', (args?: ReattachArgs) => reattach(services, args)),
  ];
}
