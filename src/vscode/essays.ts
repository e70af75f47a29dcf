// Every essay Cruxmark knows in the workspace: open ones follow the editor edit by edit, closed
// ones are read from disk. Each holds its annotations and keeps its sidecar in step: loaded when
// the essay is opened or the sidecar changes outside, merged by id, written when the essay is
// saved, never written over when it cannot be read.
import * as vscode from 'vscode';
import { EssayAnnotations } from '../core/essay';
import type { Logger } from '../core/log';
import { OutlineCancelledError, OutlineIndex, type Outline, type ParallelParse } from '../core/markdown';
import type { Sidecar } from '../core/model';
import { essayPathOf, sidecarPathOf } from '../core/model';
import { formatProblem, parseSidecar, mergeSidecars, type SidecarProblem } from '../core/sidecar';
import { saveSidecar, UnreadableSidecarError } from '../core/store';
import { LineIndex, stripBom, type TextEdit } from '../core/text';
import { composeEdits } from '../core/track';
import { outlineThreads } from '../node/outlineThreads';
import { toEdits, toVsRange, toVsRangeInText } from './convert';
import { fileAccessFor, readText } from './fileAccess';

/** Waits this long after the last annotation change before writing, so a burst of commands writes once. */
const SIDECAR_WRITE_DEBOUNCE_MS = 250;
/** Re-parses the outline this long after typing stops: a parse must never run on a keystroke. */
const OUTLINE_DEBOUNCE_MS = 300;
/** Essays up to this length are indexed at once (tens of milliseconds); longer ones in slices. */
const SYNC_INDEX_LIMIT = 64 * 1024;

/** The outline of a long essay whose first index is still being built: no structure yet. */
function emptyOutline(text: string): Outline {
  return { text, blocks: [], headings: [], sections: [], links: [], problems: [], blockAt: () => undefined, sectionPath: () => [] };
}

/** The state of an essay's sidecar file. */
export interface SidecarState {
  status: 'missing' | 'ok' | 'unreadable';
  problems: SidecarProblem[];
}

/** One essay and its annotations. */
export class Essay {
  readonly annotations: EssayAnnotations;
  sidecar: SidecarState = { status: 'missing', problems: [] };
  /** The sidecar's text as last read or written: the base of the next merge. */
  base: string | undefined;
  document: vscode.TextDocument | undefined;
  private index: OutlineIndex | undefined;
  private building: Promise<void> | undefined;
  private buildSignal = { cancelled: false };
  /** Called when a long essay's first index is ready. */
  onIndexed: (() => void) | undefined;
  /** Worker threads that share the first index of a long essay; without them it is built on this thread. */
  outlineHelpers: ParallelParse | undefined;
  private lines: LineIndex | undefined;
  private pending: TextEdit[][] = [];
  private pendingFrom = 0;
  private outlineTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when annotations changed while the essay had unsaved edits: write on the next save. */
  dirtyAnnotations = false;
  /** The document version VS Code last saved. */
  savedVersion: number | undefined;

  constructor(public uri: vscode.Uri, text: string) {
    this.annotations = new EssayAnnotations(text, { boundsAt: (s, e) => this.boundsAt(s, e) });
  }

  get sidecarUri(): vscode.Uri {
    return this.uri.with({ path: sidecarPathOf(this.uri.path) });
  }

  get fileName(): string {
    return this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1);
  }

  get text(): string {
    return this.annotations.text;
  }

  /** The text's length, known without joining it. */
  get length(): number {
    return this.annotations.length;
  }

  /** An editor range for core offsets, whether or not the essay is open. */
  toRange(range: { start: number; end: number }): vscode.Range {
    if (this.document) return toVsRange(this.document, range);
    if (!this.lines || this.lines.text !== this.text) this.lines = new LineIndex(this.text);
    return toVsRangeInText(this.lines, range);
  }

  /** True once the outline has been built (reading it then costs no full parse). */
  hasOutline(): boolean {
    return this.index !== undefined;
  }

  /**
   * The Markdown outline of the current text, brought up to date first if edits are pending.
   * A long essay is first indexed in slices that yield to the extension host; until that is done
   * this returns an empty outline, and onDidChangeOutline fires when the real one is ready.
   */
  outline(): Outline {
    if (!this.index) {
      if (this.length > SYNC_INDEX_LIMIT) {
        void this.outlineReady();
        return emptyOutline(this.text);
      }
      this.index = new OutlineIndex(this.text);
      this.pending = [];
    } else if (this.pending.length > 0) {
      const edit = composeEdits(this.pendingFrom, this.text, this.pending);
      this.pending = [];
      if (edit) this.index.update(this.text, [edit]);
    }
    if (this.outlineTimer) {
      clearTimeout(this.outlineTimer);
      this.outlineTimer = undefined;
    }
    return this.index.outline;
  }

  /** The outline, once the first index of a long essay has been built. */
  async outlineReady(): Promise<Outline> {
    if (this.index) return this.outline();
    if (this.length <= SYNC_INDEX_LIMIT) return this.outline();
    if (!this.building) {
      // Edits made while the index is built are replayed on it afterwards.
      this.pending = [];
      this.pendingFrom = this.length;
      const signal = this.buildSignal;
      this.building = OutlineIndex.build(this.text, { signal, parallel: this.outlineHelpers }).then((index) => {
        this.index = index;
        this.building = undefined;
        this.onIndexed?.();
      }, (e) => {
        this.building = undefined;
        if (!(e instanceof OutlineCancelledError)) throw e;
      });
    }
    await this.building;
    return this.outline();
  }

  /** The block around a passage, so that its quote's context stays inside it. */
  private boundsAt(start: number, end: number): { start: number; end: number } | undefined {
    const outline = this.outline();
    const a = outline.blockAt(start);
    const b = end > start ? outline.blockAt(end - 1) : a;
    if (!a || !b) return undefined;
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  /** Follows one change event of the open document. Returns true when an annotation moved. */
  applyChange(edits: TextEdit[], external: boolean, onOutlineDue: () => void): boolean {
    const before = this.annotations.length;
    if (this.index || this.building) {
      if (this.pending.length === 0 && !this.building) this.pendingFrom = before;
      this.pending.push(edits);
    }
    // The text takes the edits piece by piece: nothing here copies or joins the whole essay.
    let changed = this.annotations.edit(edits);
    if (external) {
      // Replaced from outside (a checkout, another editor): place every annotation again from
      // its stored quote, rather than treating the replaced region as deleted.
      this.annotations.reanchorAll();
      changed = true;
    }
    if (this.index) {
      if (this.outlineTimer) clearTimeout(this.outlineTimer);
      this.outlineTimer = setTimeout(() => {
        this.outlineTimer = undefined;
        this.outline();
        onOutlineDue();
      }, OUTLINE_DEBOUNCE_MS);
    }
    return changed;
  }

  /** Places every annotation again from its stored quote (the text was replaced from outside). */
  reanchor(): void {
    this.annotations.reanchorAll();
  }

  /** Replaces the text wholesale (an essay read again from disk). */
  replaceText(text: string): void {
    this.index = undefined;
    this.buildSignal.cancelled = true;
    this.buildSignal = { cancelled: false };
    this.building = undefined;
    this.pending = [];
    this.annotations.applyEdits(text, [{ start: 0, end: this.length, text }]);
    this.annotations.reanchorAll();
  }

  scheduleSave(save: () => void): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      save();
    }, SIDECAR_WRITE_DEBOUNCE_MS);
  }

  dispose(): void {
    this.buildSignal.cancelled = true;
    if (this.outlineTimer) clearTimeout(this.outlineTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
  }
}

function isMarkdown(document: vscode.TextDocument): boolean {
  return document.languageId === 'markdown';
}

/** Every essay Cruxmark knows, and the events that keep them in step with the editor and the disk. */
export class EssayStore implements vscode.Disposable {
  private readonly essays = new Map<string, Essay>();
  private readonly changed = new vscode.EventEmitter<Essay | undefined>();
  private readonly outlineChanged = new vscode.EventEmitter<Essay>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Saves in flight, so that tests and shutdown can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Fires when an essay's annotations or sidecar state change (undefined: many changed). */
  readonly onDidChange = this.changed.event;
  /** Fires when an essay's outline was brought up to date after edits. */
  readonly onDidChangeOutline = this.outlineChanged.event;

  /** Shared by every essay; a worker that cannot start or fails is reported, and its share parsed here. */
  private readonly outlineHelpers = outlineThreads({
    onError: (e) => this.log.warn(`Indexing a long essay on the extension host's thread alone: ${e.message}`),
  });

  constructor(private readonly log: Logger) {}

  /** Starts following the editor and the disk, and loads the essays that have sidecars. */
  async start(): Promise<void> {
    const ws = vscode.workspace;
    this.disposables.push(
      this.changed,
      this.outlineChanged,
      ws.onDidOpenTextDocument((d) => void this.opened(d)),
      ws.onDidChangeTextDocument((e) => this.edited(e)),
      ws.onDidSaveTextDocument((d) => this.saved(d)),
      ws.onDidCloseTextDocument((d) => this.closed(d)),
      ws.onWillRenameFiles((e) => e.waitUntil(this.renameEdit(e.files))),
      ws.onDidRenameFiles((e) => void this.renamed(e.files)),
      ws.onDidDeleteFiles((e) => void this.deleted(e.files)),
    );
    const watcher = ws.createFileSystemWatcher('**/*.md.cruxmark.json');
    this.disposables.push(
      watcher,
      watcher.onDidChange((u) => void this.sidecarChangedOnDisk(u)),
      watcher.onDidCreate((u) => void this.sidecarChangedOnDisk(u)),
      watcher.onDidDelete((u) => this.sidecarDeletedOnDisk(u)),
    );
    const essayWatcher = ws.createFileSystemWatcher('**/*.md', true, false, true);
    this.disposables.push(essayWatcher, essayWatcher.onDidChange((u) => void this.essayChangedOnDisk(u)));
    await Promise.all(ws.textDocuments.filter(isMarkdown).map((d) => this.opened(d)));
    const sidecars = await ws.findFiles('**/*.md.cruxmark.json', '**/node_modules/**');
    await Promise.all(sidecars.map((u) => this.loadClosed(u)));
  }

  private create(uri: vscode.Uri, text: string): Essay {
    const essay = new Essay(uri, text);
    essay.onIndexed = () => this.outlineChanged.fire(essay);
    essay.outlineHelpers = this.outlineHelpers;
    return essay;
  }

  get(uri: vscode.Uri): Essay | undefined {
    return this.essays.get(uri.toString());
  }

  all(): Essay[] {
    return [...this.essays.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  /** Resolves when every save started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The essay of an open Markdown document, loading it if needed. */
  async forDocument(document: vscode.TextDocument): Promise<Essay | undefined> {
    if (!isMarkdown(document)) return undefined;
    return this.get(document.uri) ?? this.opened(document);
  }

  /** Tells listeners that an essay changed and schedules its sidecar write. */
  annotationsChanged(essay: Essay): void {
    this.changed.fire(essay);
    if (essay.document?.isDirty) {
      essay.dirtyAnnotations = true;
      return;
    }
    essay.scheduleSave(() => void this.track(this.writeSidecar(essay)));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  private async opened(document: vscode.TextDocument): Promise<Essay | undefined> {
    if (!isMarkdown(document) || document.uri.scheme === 'git' || document.uri.scheme === 'output') return undefined;
    const key = document.uri.toString();
    let essay = this.essays.get(key);
    const text = document.getText();
    if (!essay) {
      essay = this.create(document.uri, text);
      void essay.outlineReady();
      essay.document = document;
      this.essays.set(key, essay);
      await this.loadSidecar(essay, false);
    } else {
      essay.document = document;
      if (essay.text !== text) essay.replaceText(text);
    }
    this.changed.fire(essay);
    return essay;
  }

  private closed(document: vscode.TextDocument): void {
    const essay = this.get(document.uri);
    if (!essay || essay.document !== document) return;
    essay.document = undefined;
    // Unsaved edits are gone with the editor: follow the file as it is on disk again.
    void readText(document.uri).then((t) => {
      if (t !== undefined && stripBom(t) !== essay.text) {
        essay.replaceText(stripBom(t));
        this.changed.fire(essay);
      }
    });
  }

  private edited(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const essay = this.get(e.document.uri);
    if (!essay || essay.document !== e.document) return;
    // VS Code reloads a file that changed on disk (a checkout, another editor) by replacing all
    // of its text in one change; so does pasting a new version over everything. Either way the
    // annotations are placed again by their quotes, rather than all detached as deleted text.
    // (The event's isDirty cannot tell a reload from an edit: it is updated after the event.)
    const only = e.contentChanges.length === 1 ? e.contentChanges[0] : undefined;
    const external = e.reason === undefined && only !== undefined && only.rangeOffset === 0
      && only.rangeLength === essay.length && only.rangeLength > 0 && only.text.length > 0;
    const moved = essay.applyChange(toEdits(e.contentChanges), external, () => this.outlineChanged.fire(essay));
    if (moved) this.changed.fire(essay);
    // More often VS Code reloads a file changed on disk by replacing only the lines between the
    // two versions' common start and end, which looks like an edit that deleted every passage in
    // between. A change with no reason to a document that was clean is compared with the file.
    if (!external && e.reason === undefined && !e.document.isDirty) void this.track(this.reloadedFromDisk(essay, e.document, e.document.version));
  }

  /** Places every annotation again when the document's new text is the file's new content on disk. */
  private async reloadedFromDisk(essay: Essay, document: vscode.TextDocument, version: number): Promise<void> {
    const disk = await readText(document.uri);
    // Typing then saving before the file was read also leaves the two equal: VS Code saved it.
    if (disk === undefined || essay.document !== document || document.version !== version || document.isDirty || essay.savedVersion === version) return;
    const text = stripBom(disk);
    // Lengths first: the essay's text is joined from its pieces only when they could be equal.
    if (text.length !== essay.length || text !== essay.text) return;
    essay.reanchor();
    this.changed.fire(essay);
  }

  private saved(document: vscode.TextDocument): void {
    const essay = this.get(document.uri);
    if (essay && essay.document === document) essay.savedVersion = document.version;
    if (!essay || essay.annotations.list().length === 0 && essay.sidecar.status === 'missing') return;
    essay.dirtyAnnotations = false;
    void this.track(this.writeSidecar(essay));
  }

  /** Writes the essay's sidecar, merging changes made on disk since we last read it. */
  async writeSidecar(essay: Essay): Promise<void> {
    if (essay.sidecar.status === 'unreadable') {
      this.log.warn(`Not writing ${essay.sidecarUri.fsPath}: it could not be read (${essay.sidecar.problems.map(formatProblem).join('; ')})`);
      return;
    }
    // Quote context is cut at block boundaries, which needs the outline.
    await essay.outlineReady();
    if (essay.document?.isDirty) {
      essay.dirtyAnnotations = true;
      return;
    }
    const ours = essay.annotations.toSidecar(essay.fileName);
    if (ours.annotations.length === 0 && essay.sidecar.status === 'missing') return;
    const { io, path } = fileAccessFor(essay.sidecarUri);
    try {
      const result = await saveSidecar(io, path, essay.base, ours);
      essay.base = result.text;
      essay.sidecar = { status: 'ok', problems: [] };
      if (result.merged) {
        this.adoptMerged(essay, result.sidecar);
        if (result.conflicts.length > 0) {
          void vscode.window.showWarningMessage(`Cruxmark merged ${essay.fileName}'s annotations with changes made outside VS Code. Both sides changed ${result.conflicts.map((c) => c.id).join(', ')}; the version here was kept, and notes kept both texts.`);
        }
      } else {
        essay.annotations.markSaved(result.sidecar);
      }
      this.changed.fire(essay);
    } catch (e) {
      if (e instanceof UnreadableSidecarError) {
        this.markUnreadable(essay, e.problems);
      } else {
        this.log.error(e as Error);
        void vscode.window.showErrorMessage(`Cruxmark could not write ${vscode.workspace.asRelativePath(essay.sidecarUri)}: ${(e as Error).message}. Your annotations are kept in memory; save again to retry.`);
      }
    }
  }

  /** Makes memory equal to a merged sidecar: new annotations are placed, deleted ones dropped. */
  private adoptMerged(essay: Essay, merged: Sidecar): void {
    const byId = new Map(merged.annotations.map((a) => [a.id, a]));
    for (const item of [...essay.annotations.list()]) {
      if (!byId.has(item.data.id)) essay.annotations.remove(item.data.id);
    }
    const adopt = [];
    for (const a of merged.annotations) {
      const mine = essay.annotations.find(a.id);
      if (!mine || JSON.stringify(mine.data.target) !== JSON.stringify(a.target)) {
        adopt.push(a);
      } else {
        mine.data = { ...a };
      }
    }
    essay.annotations.adopt(adopt);
    essay.annotations.markSaved(essay.annotations.toSidecar(essay.fileName));
  }

  private markUnreadable(essay: Essay, problems: SidecarProblem[]): void {
    const first = essay.sidecar.status !== 'unreadable' || formatProblem(essay.sidecar.problems[0]) !== formatProblem(problems[0]);
    essay.sidecar = { status: 'unreadable', problems };
    this.changed.fire(essay);
    if (first) {
      const p = problems[0];
      const where = p.line !== undefined ? ` (line ${p.line}, column ${p.column ?? 1})` : '';
      void vscode.window.showErrorMessage(
        `Cruxmark cannot read ${vscode.workspace.asRelativePath(essay.sidecarUri)}${where}: ${p.path ? `${p.path}: ` : ''}${p.message}. The file will not be overwritten; annotations made here are kept in memory until it is fixed.`,
        'Open Sidecar',
      ).then((choice) => {
        if (choice) void vscode.window.showTextDocument(essay.sidecarUri, p.line !== undefined ? { selection: new vscode.Range(p.line - 1, (p.column ?? 1) - 1, p.line - 1, (p.column ?? 1) - 1) } : {});
      });
    }
  }

  /** Reads the sidecar and merges it into memory. `merge` keeps what memory has (an outside change); otherwise memory is replaced (first load). */
  private async loadSidecar(essay: Essay, merge: boolean): Promise<void> {
    let text: string | undefined;
    try {
      text = await readText(essay.sidecarUri);
    } catch (e) {
      this.markUnreadable(essay, [{ file: vscode.workspace.asRelativePath(essay.sidecarUri), message: (e as Error).message }]);
      return;
    }
    if (text === undefined) {
      essay.sidecar = { status: 'missing', problems: [] };
      essay.base = undefined;
      return;
    }
    if (text === essay.base && essay.sidecar.status === 'ok') return;
    const parsed = parseSidecar(text, vscode.workspace.asRelativePath(essay.sidecarUri));
    if (!parsed.ok) {
      this.markUnreadable(essay, parsed.problems);
      return;
    }
    const wasUnreadable = essay.sidecar.status === 'unreadable';
    essay.sidecar = { status: 'ok', problems: [] };
    if (!merge) {
      essay.annotations.load(parsed.sidecar);
      essay.base = text;
      return;
    }
    const base = essay.base !== undefined && !wasUnreadable ? parseSidecar(essay.base, '') : undefined;
    const ours: Sidecar = { version: 1, document: essay.fileName, annotations: essay.annotations.list().map((a) => a.data) };
    const merged = mergeSidecars(base?.ok ? base.sidecar : undefined, ours, parsed.sidecar).sidecar;
    essay.base = text;
    this.adoptMerged(essay, merged);
    // Memory may now hold more than the file (annotations made here): write them when we may.
    const theirIds = new Set(parsed.sidecar.annotations.map((a) => a.id));
    if (merged.annotations.some((a) => !theirIds.has(a.id)) || wasUnreadable) this.annotationsChanged(essay);
  }

  private async sidecarChangedOnDisk(uri: vscode.Uri): Promise<void> {
    const essayPath = essayPathOf(uri.path);
    if (!essayPath) return;
    const essayUri = uri.with({ path: essayPath });
    const essay = this.get(essayUri);
    if (!essay) {
      await this.loadClosed(uri);
      return;
    }
    await this.loadSidecar(essay, true);
    this.changed.fire(essay);
  }

  private sidecarDeletedOnDisk(uri: vscode.Uri): void {
    const essayPath = essayPathOf(uri.path);
    const essay = essayPath ? this.get(uri.with({ path: essayPath })) : undefined;
    if (!essay) return;
    // The annotations stay in memory; the next save writes them again.
    essay.base = undefined;
    essay.sidecar = { status: 'missing', problems: [] };
    this.changed.fire(essay);
  }

  private async essayChangedOnDisk(uri: vscode.Uri): Promise<void> {
    const essay = this.get(uri);
    // Open essays follow their document; VS Code reloads it and reports the change.
    if (!essay || essay.document) return;
    const text = await readText(uri);
    if (text === undefined || stripBom(text) === essay.text) return;
    essay.replaceText(stripBom(text));
    this.changed.fire(essay);
  }

  /** Loads an essay that is not open, from its sidecar's location. */
  private async loadClosed(sidecarUri: vscode.Uri): Promise<void> {
    const essayPath = essayPathOf(sidecarUri.path);
    if (!essayPath) return;
    const essayUri = sidecarUri.with({ path: essayPath });
    if (this.get(essayUri)) return;
    let text: string | undefined;
    try {
      text = await readText(essayUri);
    } catch (e) {
      this.log.warn(`Cannot read ${essayUri.toString()}: ${(e as Error).message}`);
      return;
    }
    if (this.get(essayUri)) return;
    const essay = this.create(essayUri, stripBom(text ?? ''));
    this.essays.set(essayUri.toString(), essay);
    await this.loadSidecar(essay, false);
    this.changed.fire(essay);
  }

  /**
   * The sidecar moves with its essay, in the same undoable workspace edit. The essay keeps its
   * annotations under the new name from the start, so the renamed document finds them.
   */
  private async renameEdit(files: readonly { oldUri: vscode.Uri; newUri: vscode.Uri }[]): Promise<vscode.WorkspaceEdit> {
    const edit = new vscode.WorkspaceEdit();
    for (const { oldUri, newUri } of files) {
      if (!/\.md$/i.test(oldUri.path)) continue;
      const essay = this.get(oldUri);
      if (essay) await this.settled();
      const oldSidecar = oldUri.with({ path: sidecarPathOf(oldUri.path) });
      const exists = await vscode.workspace.fs.stat(oldSidecar).then(() => true, () => false);
      if (exists) edit.renameFile(oldSidecar, newUri.with({ path: sidecarPathOf(newUri.path) }), { overwrite: false, ignoreIfExists: false });
      if (essay && /\.md$/i.test(newUri.path)) {
        this.essays.delete(oldUri.toString());
        essay.uri = newUri;
        this.essays.set(newUri.toString(), essay);
      }
    }
    return edit;
  }

  private async renamed(files: readonly { oldUri: vscode.Uri; newUri: vscode.Uri }[]): Promise<void> {
    for (const { newUri } of files) {
      const essay = this.get(newUri);
      if (!essay) continue;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === newUri.toString());
      essay.document = doc;
      await this.loadSidecar(essay, true);
      // The essay's new name goes into its sidecar's "document" field.
      if (essay.sidecar.status === 'ok' && essay.base !== undefined) {
        const parsed = parseSidecar(essay.base, '');
        if (parsed.ok && parsed.sidecar.document !== essay.fileName) {
          if (doc?.isDirty) essay.dirtyAnnotations = true;
          else await this.track(this.writeSidecar(essay));
        }
      }
    }
    this.changed.fire(undefined);
  }

  private async deleted(files: readonly vscode.Uri[]): Promise<void> {
    for (const uri of files) {
      const essay = this.get(uri);
      if (!essay) continue;
      this.essays.delete(uri.toString());
      essay.dispose();
      const exists = await vscode.workspace.fs.stat(essay.sidecarUri).then(() => true, () => false);
      if (exists) {
        const rel = vscode.workspace.asRelativePath(essay.sidecarUri);
        void vscode.window.showInformationMessage(
          `${essay.fileName} was deleted. Its annotations are kept in ${rel}; restore the essay to see them again.`,
          'Delete Annotations Too',
        ).then(async (choice) => {
          if (choice) await vscode.workspace.fs.delete(essay.sidecarUri, { useTrash: true });
        });
      }
    }
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const essay of this.essays.values()) essay.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
