// The Claims view: essay → sections → claims and cruxes → passages and links, plus Detached.
import * as vscode from 'vscode';
import { RELATION_LABELS } from '../core/model';
import { buildClaimsTree, nodeAt, walkTree, type ClaimsNode, type EssayNode } from '../core/tree';
import { affectsCruxmark, settings } from './config';
import { toVsRange } from './convert';
import { REFRESH_DEBOUNCE_MS, ViewRefresher } from './viewRefresh';
import type { Services } from './services';

export class ClaimsView implements vscode.TreeDataProvider<ClaimsNode>, vscode.Disposable {
  private tree: EssayNode[] | undefined;
  private filter: string[] = [];
  private readonly refresher: ViewRefresher;
  private readonly changed = new vscode.EventEmitter<ClaimsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<ClaimsNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private followTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly services: Services) {
    this.view = vscode.window.createTreeView('cruxmark.claims', { treeDataProvider: this, showCollapseAll: true });
    this.refresher = new ViewRefresher(this.view, () => {
      this.tree = undefined;
      this.changed.fire(undefined);
    });
    this.disposables.push(
      this.view,
      this.changed,
      this.refresher,
      services.store.onDidChange(() => this.schedule()),
      services.store.onDidChangeOutline(() => this.schedule()),
      services.codebook.onDidChange(() => this.schedule()),
      // Typing moves the cursor too: the view follows it after a pause, so that a keystroke never
      // rebuilds the tree (nor brings the outline up to date).
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.followTimer) clearTimeout(this.followTimer);
        this.followTimer = setTimeout(() => {
          this.followTimer = undefined;
          this.follow(e.textEditor);
        }, REFRESH_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsCruxmark(e, 'claims')) this.schedule();
      }),
      vscode.commands.registerCommand('cruxmark.filterClaimsByTag', (args?: { tags?: string[] }) => this.pickFilter(args)),
      vscode.commands.registerCommand('cruxmark.clearClaimsFilter', () => this.setFilter([])),
    );
    void vscode.commands.executeCommand('setContext', 'cruxmark.claimsFiltered', false);
  }

  private schedule(): void {
    // The next read builds afresh (following the cursor must not find a stale tree); telling
    // the view waits for a pause.
    this.tree = undefined;
    this.refresher.schedule();
  }

  /** The current tree, built on demand. */
  nodes(): EssayNode[] {
    if (!this.tree) {
      const graph = this.services.graph.get();
      const essays = this.services.store.all().filter((e) => e.document || e.annotations.list().length > 0);
      this.tree = buildClaimsTree(essays.map((e) => ({
        key: e.uri.toString(),
        name: vscode.workspace.asRelativePath(e.uri),
        outline: e.outline(),
        annotations: e.annotations.list(),
      })), {
        filterTags: this.filter,
        resolve: (essayKey, target) => {
          const r = graph.resolve(vscode.Uri.parse(essayKey).path, target);
          if (r.kind !== 'claim') return undefined;
          const e = this.services.graph.essay(r.claim.essay);
          return e ? { essay: e.uri.toString(), annotation: r.claim.id, title: r.claim.title } : undefined;
        },
        backlinks: (essayKey, id) => graph.backlinks(vscode.Uri.parse(essayKey).path, id).flatMap((b) => {
          const e = this.services.graph.essay(b.from.essay);
          return e ? [{ essay: e.uri.toString(), annotation: b.from.annotation, title: b.from.title, relation: b.relation }] : [];
        }),
      });
      void vscode.commands.executeCommand('setContext', 'cruxmark.hasClaims', this.tree.some((e) => e.children.length > 0));
      this.view.message = this.filter.length > 0 ? `Showing ${this.filter.map((t) => this.services.codebook.tag(t).label).join(', ')}` : undefined;
    }
    return this.tree;
  }

  getChildren(node?: ClaimsNode): ClaimsNode[] {
    return node ? node.children : this.nodes();
  }

  getParent(node: ClaimsNode): ClaimsNode | undefined {
    return node.parent;
  }

  getTreeItem(node: ClaimsNode): vscode.TreeItem {
    const collapsible = node.children.length === 0 ? vscode.TreeItemCollapsibleState.None
      : node.type === 'essay' || node.type === 'section' || node.type === 'detached' ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.type) {
      case 'essay': {
        const item = new vscode.TreeItem(node.label, collapsible);
        item.id = node.id;
        item.resourceUri = vscode.Uri.parse(node.essay);
        item.iconPath = vscode.ThemeIcon.File;
        item.description = node.annotations > 0 ? `${node.annotations} annotation${node.annotations === 1 ? '' : 's'}` : 'no annotations';
        item.contextValue = 'essay';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.parse(node.essay)] };
        return item;
      }
      case 'section': {
        const item = new vscode.TreeItem(node.label, collapsible);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'section';
        item.command = { command: 'cruxmark.revealAnnotation', title: 'Reveal', arguments: [{ uri: node.essay, start: node.range.start, end: node.range.start }] };
        return item;
      }
      case 'annotation': {
        const item = new vscode.TreeItem(node.label, collapsible);
        item.id = node.id;
        const icon = node.kind === 'crux' ? 'debug-breakpoint-data' : node.kind === 'claim' ? 'circle-large-outline' : 'tag';
        item.iconPath = new vscode.ThemeIcon(node.status === 'detached' ? 'debug-disconnect' : icon);
        const tags = node.tags.map((t) => this.services.codebook.tag(t).label).join(', ');
        item.description = [node.kind === 'passage' ? '' : node.kind === 'crux' ? 'crux' : 'claim', tags, node.status === 'fuzzy' ? 'moved' : ''].filter(Boolean).join(' · ');
        item.contextValue = `annotation.${node.kind}${node.status === 'detached' ? '.detached' : ''}`;
        item.command = { command: 'cruxmark.revealAnnotation', title: 'Reveal', arguments: [{ uri: node.essay, annotation: node.annotation }] };
        return item;
      }
      case 'link': {
        const name = node.resolved?.title ?? node.target;
        const rel = RELATION_LABELS[node.relation];
        const item = new vscode.TreeItem(node.direction === 'outgoing' ? `${rel} → ${name}` : `← ${name} ${rel} this`, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.resolved ? 'link' : 'warning');
        item.description = node.resolved ? undefined : 'not found';
        item.contextValue = 'link';
        if (node.resolved) item.command = { command: 'cruxmark.revealAnnotation', title: 'Go to Claim', arguments: [{ uri: node.resolved.essay, annotation: node.resolved.annotation }] };
        return item;
      }
      case 'detached': {
        const item = new vscode.TreeItem('Detached', collapsible);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('debug-disconnect');
        item.description = `${node.children.length} not found in the text`;
        item.tooltip = 'These annotations could not be placed in the essay as it is now. Select their text and run "Cruxmark: Re-attach Annotation to Selection".';
        item.contextValue = 'detached';
        return item;
      }
    }
  }

  resolveTreeItem(item: vscode.TreeItem, node: ClaimsNode): vscode.TreeItem {
    if (node.type === 'annotation') {
      const essay = this.services.store.get(vscode.Uri.parse(node.essay));
      const a = essay?.annotations.find(node.annotation);
      if (a) {
        const md = new vscode.MarkdownString();
        if (a.data.title) md.appendMarkdown('**').appendText(a.data.title).appendMarkdown('**\n\n');
        md.appendText(a.data.target.quote.exact.slice(0, 500));
        if (a.data.note) md.appendMarkdown('\n\n---\n\n').appendText(a.data.note);
        item.tooltip = md;
      }
    }
    return item;
  }

  /** Selects the node under the cursor, when the view is visible and following is on. */
  private follow(editor: vscode.TextEditor): void {
    if (editor.document.isClosed || !this.view.visible || editor.document.languageId !== 'markdown' || !settings(editor.document.uri).followCursor) return;
    const node = nodeAt(this.nodes(), editor.document.uri.toString(), editor.document.offsetAt(editor.selection.active));
    if (node && this.view.selection[0]?.id !== node.id) {
      void this.view.reveal(node, { select: true, focus: false, expand: false }).then(undefined, () => undefined);
    }
  }

  /** Finds the node of an annotation (for tests and reveal). */
  find(essay: string, annotation: string): ClaimsNode | undefined {
    for (const n of walkTree(this.nodes())) if (n.type === 'annotation' && n.essay === essay && n.annotation === annotation) return n;
    return undefined;
  }

  private async pickFilter(args?: { tags?: string[] }): Promise<void> {
    let tags = args?.tags;
    if (!tags) {
      const picked = await vscode.window.showQuickPick(this.services.codebook.tags.map((t) => ({ label: t.label, description: t.id, detail: t.definition, picked: this.filter.includes(t.id), id: t.id })), {
        canPickMany: true, title: 'Show Only Passages Tagged', matchOnDetail: true,
      });
      if (!picked) return;
      tags = picked.map((p) => p.id);
    }
    this.setFilter(tags);
  }

  private setFilter(tags: string[]): void {
    this.filter = tags;
    void vscode.commands.executeCommand('setContext', 'cruxmark.claimsFiltered', tags.length > 0);
    this.refresher.now();
  }

  dispose(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Reveals a passage from tree items and hover links: `{ uri, annotation }` or `{ uri, start, end }`. */
export async function revealCommand(services: Services, args: { uri: string; annotation?: string; start?: number; end?: number }): Promise<void> {
  const uri = vscode.Uri.parse(args.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const essay = await services.store.forDocument(doc);
  let range = args.start !== undefined ? { start: args.start, end: args.end ?? args.start } : undefined;
  if (args.annotation) {
    const a = essay?.annotations.find(args.annotation);
    if (!a) {
      void vscode.window.showWarningMessage(`Cruxmark: no annotation "${args.annotation}" in ${vscode.workspace.asRelativePath(uri)}.`);
      return;
    }
    if (!a.range) {
      void vscode.window.showWarningMessage(`Cruxmark: "${a.data.title ?? a.data.target.quote.exact.slice(0, 40)}" is detached: its text was not found. Select where it belongs and run "Cruxmark: Re-attach Annotation to Selection".`);
      return;
    }
    range = a.range;
  }
  if (range) {
    const r = toVsRange(doc, range);
    editor.selection = new vscode.Selection(r.start, r.end);
    editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
