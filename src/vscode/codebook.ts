// The codebook in effect: built-in tags, then `.cruxmark/tags.json`, then the `cruxmark.tags` setting.
import * as vscode from 'vscode';
import { buildCodebook, tagById, type Codebook, type TagDefinition } from '../core/codebook';
import type { Logger } from '../core/log';
import { affectsCruxmark, settings } from './config';
import { readText } from './fileAccess';

export class CodebookService implements vscode.Disposable {
  private current: Codebook = buildCodebook([]);
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Logger) {}

  async start(): Promise<void> {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.cruxmark/tags.json');
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => void this.reload()),
      watcher.onDidCreate(() => void this.reload()),
      watcher.onDidDelete(() => void this.reload()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsCruxmark(e, 'tags')) void this.reload();
      }),
    );
    await this.reload();
  }

  get codebook(): Codebook {
    return this.current;
  }

  get tags(): readonly TagDefinition[] {
    return this.current.tags;
  }

  tag(id: string): TagDefinition {
    return tagById(this.current, id);
  }

  private async reload(): Promise<void> {
    const sources: { name: string; entries: unknown }[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = vscode.Uri.joinPath(folder.uri, '.cruxmark', 'tags.json');
      const text = await readText(uri).catch(() => undefined);
      if (text === undefined) continue;
      const name = vscode.workspace.asRelativePath(uri);
      try {
        const parsed: unknown = JSON.parse(text);
        sources.push({ name, entries: Array.isArray(parsed) ? parsed : (parsed as { tags?: unknown })?.tags });
      } catch (e) {
        this.log.warn(`${name}: invalid JSON (${(e as Error).message}); its tags are ignored until it is fixed`);
        void vscode.window.showWarningMessage(`Cruxmark: ${name} is not valid JSON, so its tags are not loaded: ${(e as Error).message}`);
      }
    }
    sources.push({ name: 'cruxmark.tags', entries: settings().tags });
    this.current = buildCodebook(sources);
    for (const p of this.current.problems) this.log.warn(`Codebook: ${p.path}: ${p.message}`);
    if (this.current.problems.length > 0) {
      void vscode.window.showWarningMessage(`Cruxmark: ${this.current.problems.length} problem(s) in your tags: ${this.current.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
