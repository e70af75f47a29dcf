// Problems in the Problems panel: broken claim links, detached annotations, duplicate claim ids
// and unreadable sidecars, with quick fixes where one makes sense.
import * as vscode from 'vscode';
import { Anchorer } from '../core/anchor';
import type { Services } from './services';
import type { Essay } from './essays';

/** Diagnostics wait for a pause in typing; they need the outline, which is debounced too. */
const DIAGNOSTICS_DEBOUNCE_MS = 400;

export const DIAGNOSTIC_SOURCE = 'cruxmark';

export enum Code {
  BrokenLink = 'broken-claim-link',
  Detached = 'detached-annotation',
  DuplicateId = 'duplicate-claim-id',
  UnreadableSidecar = 'unreadable-sidecar',
}

function diagnostic(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, code: Code, data?: unknown): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = code;
  (d as vscode.Diagnostic & { data?: unknown }).data = data;
  return d;
}

export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cruxmark');
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly services: Services) {
    this.disposables.push(
      services.store.onDidChange(() => this.schedule()),
      services.store.onDidChangeOutline(() => this.schedule()),
      vscode.workspace.onDidCloseTextDocument(() => this.schedule()),
    );
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), DIAGNOSTICS_DEBOUNCE_MS);
  }

  /** Recomputes every essay's problems. */
  update(): void {
    this.timer = undefined;
    this.collection.clear();
    const graph = this.services.graph.get();
    const duplicates = new Map(graph.duplicates().map((refs) => [refs[0].id, refs]));
    for (const essay of this.services.store.all()) {
      const out: vscode.Diagnostic[] = [];
      if (essay.sidecar.status === 'unreadable') {
        this.collection.set(essay.sidecarUri, essay.sidecar.problems.map((p) => {
          const line = Math.max(0, (p.line ?? 1) - 1);
          const col = Math.max(0, (p.column ?? 1) - 1);
          return diagnostic(new vscode.Range(line, col, line, col + 1), `${p.path ? `${p.path}: ` : ''}${p.message}. Cruxmark will not overwrite this file until it is fixed.`, vscode.DiagnosticSeverity.Error, Code.UnreadableSidecar);
        }));
        out.push(diagnostic(new vscode.Range(0, 0, 0, 0), `The annotations file ${essay.fileName}.cruxmark.json cannot be read: ${essay.sidecar.problems[0]?.message}. Annotations made now are kept in memory until it is fixed.`, vscode.DiagnosticSeverity.Error, Code.UnreadableSidecar));
      }
      for (const a of essay.annotations.list()) {
        const label = a.data.title ?? `“${a.data.target.quote.exact.replace(/\s+/g, ' ').slice(0, 60)}${a.data.target.quote.exact.length > 60 ? '…' : ''}”`;
        if (!a.range) {
          out.push(diagnostic(this.lastKnownRange(essay, a.data.target.position.start), `Detached annotation ${label}${a.data.tags.length ? ` (${a.data.tags.map((t) => this.services.codebook.tag(t).label).join(', ')})` : ''}: its text was not found. Select where it belongs and re-attach it.`,
            vscode.DiagnosticSeverity.Warning, Code.Detached, { uri: essay.uri.toString(), annotation: a.data.id }));
        } else if (a.data.kind !== 'passage' && duplicates.has(a.data.id)) {
          const others = duplicates.get(a.data.id)!.filter((r) => r.essay !== essay.uri.path).map((r) => vscode.workspace.asRelativePath(vscode.Uri.file(r.essay)));
          out.push(diagnostic(essay.toRange(a.range), `The claim id "${a.data.id}" is also used in ${others.join(', ') || 'this essay'}: links to it are ambiguous.`, vscode.DiagnosticSeverity.Error, Code.DuplicateId, { id: a.data.id }));
        }
      }
      if (essay.document) {
        for (const link of essay.outline().links) {
          if (!link.fragment || (link.path && !/\.md$/i.test(link.path))) continue;
          const r = graph.resolve(essay.uri.path, link.path ? `${link.path}#${link.fragment}` : link.fragment);
          if (r.kind !== 'missing') continue;
          const near = graph.nearest(link.fragment).map((c) => c.id);
          out.push(diagnostic(essay.toRange(link), `Broken claim link: ${r.reason}.${near.length ? ` Did you mean ${near.map((n) => `#${n}`).join(', ')}?` : ''}`,
            vscode.DiagnosticSeverity.Warning, Code.BrokenLink, { fragment: link.fragment, nearest: near }));
        }
      }
      this.collection.set(essay.uri, out);
    }
  }

  private lastKnownRange(essay: Essay, codePoint: number): vscode.Range {
    const at = Math.min(codePoint, essay.length);
    const r = essay.toRange({ start: at, end: at });
    return new vscode.Range(r.start.line, 0, r.start.line, 0);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Quick fixes for Cruxmark's diagnostics. */
export class QuickFixes implements vscode.CodeActionProvider {

  constructor(private readonly services: Services) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    const essay = await this.services.store.forDocument(document);
    if (!essay) return actions;
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const data = (d as vscode.Diagnostic & { data?: Record<string, unknown> }).data;
      if (d.code === Code.BrokenLink && data) {
        const fragment = data.fragment as string;
        const source = document.getText(d.range);
        const at = source.lastIndexOf(`#${fragment}`);
        if (at < 0) continue;
        const start = document.positionAt(document.offsetAt(d.range.start) + at + 1);
        for (const id of data.nearest as string[]) {
          const fix = new vscode.CodeAction(`Change link to #${id}`, vscode.CodeActionKind.QuickFix);
          fix.edit = new vscode.WorkspaceEdit();
          fix.edit.replace(document.uri, new vscode.Range(start, start.translate(0, fragment.length)), id);
          fix.diagnostics = [d];
          fix.isPreferred = actions.length === 0;
          actions.push(fix);
        }
      }
      if (d.code === Code.Detached && data) {
        const id = data.annotation as string;
        const item = essay.annotations.find(id);
        if (!item) continue;
        const editor = vscode.window.activeTextEditor;
        if (editor && editor.document === document && !editor.selection.isEmpty) {
          const fix = new vscode.CodeAction('Re-attach to the selection', vscode.CodeActionKind.QuickFix);
          fix.command = { command: 'cruxmark.reattach', title: 'Re-attach', arguments: [{ annotation: id }] };
          fix.diagnostics = [d];
          actions.push(fix);
        }
        const nearest = new Anchorer(essay.text).nearest(item.data.target);
        if (nearest) {
          const preview = essay.text.slice(nearest.start, nearest.end).replace(/\s+/g, ' ');
          const fix = new vscode.CodeAction(`Accept nearest match: “${preview.length > 50 ? `${preview.slice(0, 49)}…` : preview}”`, vscode.CodeActionKind.QuickFix);
          fix.command = { command: 'cruxmark.reattach', title: 'Re-attach', arguments: [{ uri: essay.uri.toString(), annotation: id, start: nearest.start, end: nearest.end }] };
          fix.diagnostics = [d];
          actions.push(fix);
        }
      }
    }
    return actions;
  }
}
