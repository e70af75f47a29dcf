// The workspace's claim graph, rebuilt lazily after annotations change.
import * as vscode from 'vscode';
import { ClaimGraph } from '../core/graph';
import type { Essay } from './essays';
import type { Services } from './services';

export class GraphService implements vscode.Disposable {
  private graph: ClaimGraph | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly services: Pick<Services, 'store'>) {
    this.subscription = services.store.onDidChange(() => (this.graph = undefined));
  }

  /** The graph of every known essay's claims. Headings are included for essays whose outline is built. */
  get(): ClaimGraph {
    if (!this.graph) {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.path);
      this.graph = new ClaimGraph(this.services.store.all().map((e) => ({
        path: e.uri.path,
        annotations: e.annotations.list().map((a) => a.data),
        headings: e.hasOutline() ? e.outline().headings.map((h) => h.slug) : undefined,
      })), roots.length > 0 ? roots : ['/']);
    }
    return this.graph;
  }

  /** The essay a graph path names. */
  essay(path: string): Essay | undefined {
    return this.services.store.all().find((e) => e.uri.path === path);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
