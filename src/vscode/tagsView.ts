// The Tags view: each tag with its passages across the workspace, and a count.
import * as vscode from 'vscode';
import type { TagDefinition } from '../core/codebook';
import type { Services } from './services';
import { ViewRefresher } from './viewRefresh';

type TagsNode =
  | { type: 'tag'; id: string; tag: TagDefinition; count: number }
  | { type: 'passage'; id: string; tag: string; essay: string; annotation: string; label: string; where: string; detached: boolean; parent: TagsNode };


export class TagsView implements vscode.TreeDataProvider<TagsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TagsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TagsNode>;
  private roots: TagsNode[] | undefined;
  private children = new Map<string, TagsNode[]>();
  private readonly refresher: ViewRefresher;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.view = vscode.window.createTreeView('cruxmark.tags', { treeDataProvider: this, showCollapseAll: true });
    this.refresher = new ViewRefresher(this.view, () => this.changed.fire(undefined));
    this.disposables.push(
      this.view,
      this.changed,
      this.refresher,
      services.store.onDidChange(() => this.schedule()),
      services.codebook.onDidChange(() => this.schedule()),
    );
  }

  private schedule(): void {
    this.roots = undefined;
    this.refresher.schedule();
  }

  private build(): TagsNode[] {
    this.children.clear();
    const known = new Map(this.services.codebook.tags.map((t) => [t.id, t]));
    const byTag = new Map<string, TagsNode[]>();
    const roots: TagsNode[] = [];
    const root = (id: string): TagsNode => {
      let node = roots.find((r) => r.id === `tag:${id}`);
      if (!node) {
        node = { type: 'tag', id: `tag:${id}`, tag: known.get(id) ?? this.services.codebook.tag(id), count: 0 };
        roots.push(node);
      }
      return node;
    };
    for (const t of known.values()) root(t.id);
    for (const essay of this.services.store.all()) {
      const name = vscode.workspace.asRelativePath(essay.uri);
      for (const a of essay.annotations.list()) {
        for (const tag of a.data.tags) {
          const parent = root(tag);
          if (parent.type === 'tag') parent.count++;
          const text = (a.data.title ?? a.data.target.quote.exact).replace(/\s+/g, ' ').trim();
          const line = a.range && essay.document ? essay.document.positionAt(a.range.start).line + 1 : undefined;
          const list = byTag.get(tag) ?? [];
          list.push({
            type: 'passage', id: `tag:${tag}>${essay.uri.toString()}#${a.data.id}`, tag, essay: essay.uri.toString(), annotation: a.data.id,
            label: text.length > 70 ? `${text.slice(0, 69)}…` : text, where: line ? `${name}:${line}` : name, detached: !a.range, parent,
          });
          byTag.set(tag, list);
        }
      }
    }
    for (const [tag, list] of byTag) this.children.set(`tag:${tag}`, list);
    return roots;
  }

  getChildren(node?: TagsNode): TagsNode[] {
    if (!this.roots) this.roots = this.build();
    if (!node) return this.roots;
    return node.type === 'tag' ? this.children.get(node.id) ?? [] : [];
  }

  getParent(node: TagsNode): TagsNode | undefined {
    return node.type === 'passage' ? node.parent : undefined;
  }

  getTreeItem(node: TagsNode): vscode.TreeItem {
    if (node.type === 'tag') {
      const item = new vscode.TreeItem(`${node.tag.label} (${node.count})`, node.count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('tag');
      item.tooltip = node.tag.definition;
      item.contextValue = 'tag';
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.detached ? `${node.where} · detached` : node.where;
    item.iconPath = new vscode.ThemeIcon(node.detached ? 'debug-disconnect' : 'quote');
    item.contextValue = 'passage';
    item.command = { command: 'cruxmark.revealAnnotation', title: 'Reveal', arguments: [{ uri: node.essay, annotation: node.annotation }] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
