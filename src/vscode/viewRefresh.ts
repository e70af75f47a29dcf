import * as vscode from 'vscode';

/** Rebuilding a view waits for a pause in typing; views are cheap to rebuild, not free. */
export const REFRESH_DEBOUNCE_MS = 200;

/**
 * Tells a tree view that its data changed: after a pause, and only while the view is visible. A
 * change seen while it is hidden is applied when it shows again.
 */
export class ViewRefresher implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stale = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly view: vscode.TreeView<unknown>, private readonly fire: () => void) {
    this.subscription = view.onDidChangeVisibility((e) => {
      if (e.visible && this.stale) this.now();
    });
  }

  /** Something changed: refresh after a pause, or when the view next shows. */
  schedule(): void {
    if (!this.view.visible) {
      this.stale = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.now(), REFRESH_DEBOUNCE_MS);
  }

  /** Refreshes at once. */
  now(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stale = false;
    this.fire();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
  }
}
