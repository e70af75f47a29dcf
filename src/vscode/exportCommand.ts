// Export Tagged Excerpts: from this essay or the whole workspace, in one of five formats. Asks
// what it is not told; takes `{ format, tags, scope, output }` to run without a prompt.
import * as vscode from 'vscode';
import { collectExcerpts } from '../core/export/collect';
import { EXPORT_FORMAT_LABELS, EXPORT_FORMATS, fileExtension, isExportFormat, quoteWithCitation, renderExport, type ExportFormat } from '../core/export';
import { dirname } from '../core/paths';
import { activeEssay } from './commands';
import { settings } from './config';
import { toOffsets } from './convert';
import type { Essay } from './essays';
import type { Services } from './services';

interface ExportArgs {
  format?: ExportFormat;
  tags?: string[];
  scope?: 'essay' | 'workspace';
  /** Output file: absolute, or relative to the first workspace folder. */
  output?: string;
  /** The essay for scope "essay" (defaults to the active editor's). */
  uri?: string;
  /** Open the written file (default true). */
  open?: boolean;
}

function root(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** A workspace-relative POSIX path, or the absolute path outside the workspace. */
function relative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

async function exportExcerpts(services: Services, args: ExportArgs = {}): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.languageId === 'markdown' ? vscode.window.activeTextEditor.document : undefined;
  let scope = args.scope;
  if (scope && scope !== 'essay' && scope !== 'workspace') {
    void vscode.window.showErrorMessage(`Cruxmark: scope must be "essay" or "workspace", not "${scope}".`);
    return undefined;
  }
  if (!scope) {
    if (!active) scope = 'workspace';
    else {
      const picked = await vscode.window.showQuickPick([
        { label: 'This essay', description: relative(active.uri), scope: 'essay' as const },
        { label: 'The whole workspace', description: `${services.store.all().length} essays`, scope: 'workspace' as const },
      ], { title: 'Export Tagged Excerpts: from where?' });
      if (!picked) return undefined;
      scope = picked.scope;
    }
  }
  let essays: Essay[];
  if (scope === 'essay') {
    const uri = args.uri ? vscode.Uri.parse(args.uri) : active?.uri;
    const essay = uri ? services.store.get(uri) ?? await services.store.forDocument(await vscode.workspace.openTextDocument(uri)) : undefined;
    if (!essay) {
      void vscode.window.showInformationMessage('Cruxmark: open the essay to export, or export the whole workspace.');
      return undefined;
    }
    essays = [essay];
  } else {
    essays = services.store.all().filter((e) => e.annotations.list().length > 0);
  }
  let tags = args.tags;
  if (!tags) {
    const used = new Set(essays.flatMap((e) => e.annotations.list().flatMap((a) => a.data.tags)));
    const items = [...services.codebook.tags.filter((t) => used.has(t.id)), ...[...used].filter((id) => !services.codebook.tags.some((t) => t.id === id)).map((id) => services.codebook.tag(id))]
      .map((t) => ({ label: t.label, description: t.id, detail: t.definition, id: t.id }));
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Export which tags? (none picked: everything)', matchOnDetail: true });
    if (!picked) return undefined;
    tags = picked.map((p) => p.id);
  }
  let format = args.format;
  if (format !== undefined && !isExportFormat(format)) {
    void vscode.window.showErrorMessage(`Cruxmark: format must be one of ${EXPORT_FORMATS.join(', ')}.`);
    return undefined;
  }
  if (!format) {
    const picked = await vscode.window.showQuickPick(EXPORT_FORMATS.map((f) => ({ label: EXPORT_FORMAT_LABELS[f], description: `.${fileExtension(f)}`, format: f })), { title: 'Export format' });
    if (!picked) return undefined;
    format = picked.format;
  }
  const base = root();
  const name = scope === 'essay' ? essays[0].fileName.replace(/\.md$/i, '') : 'workspace';
  let output: vscode.Uri | undefined;
  if (args.output) {
    output = /^\/|^[A-Za-z]:[\\/]/.test(args.output) ? vscode.Uri.file(args.output) : base ? vscode.Uri.joinPath(base, args.output) : undefined;
  } else {
    const suggested = base ? vscode.Uri.joinPath(base, settings(base).exportFolder, `${name}-excerpts.${fileExtension(format)}`) : undefined;
    output = await vscode.window.showSaveDialog({ defaultUri: suggested, title: 'Export Tagged Excerpts', filters: { [EXPORT_FORMAT_LABELS[format]]: [fileExtension(format)] } });
  }
  if (!output) return undefined;
  const graph = services.graph.get();
  const excerpts = collectExcerpts(essays.map((e) => ({ path: relative(e.uri), text: e.text, outline: e.outline(), annotations: e.annotations.list() })), {
    tags,
    resolveTitle: (_path, target) => {
      const essay = essays.find((e) => relative(e.uri) === _path);
      const r = essay ? graph.resolve(essay.uri.path, target) : undefined;
      return r?.kind === 'claim' ? r.claim.title : undefined;
    },
  });
  const text = renderExport(format, {
    title: `Cruxmark excerpts: ${scope === 'essay' ? relative(essays[0].uri) : vscode.workspace.name ?? 'workspace'}`,
    generated: new Date().toISOString(),
    tags: [...services.codebook.tags],
    filterTags: tags,
    excerpts,
    outputDir: dirname(relative(output)) === '.' ? '' : dirname(relative(output)),
  });
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(output, '..'));
  await vscode.workspace.fs.writeFile(output, new TextEncoder().encode(text));
  const detached = excerpts.filter((e) => e.status === 'detached').length;
  void vscode.window.showInformationMessage(`Cruxmark exported ${excerpts.length} excerpt${excerpts.length === 1 ? '' : 's'}${detached ? ` (${detached} detached)` : ''} to ${relative(output)}.`);
  if (args.open !== false) {
    if (format === 'html') await vscode.commands.executeCommand('revealInExplorer', output);
    else await vscode.window.showTextDocument(output, { preview: false });
    if (format === 'md') await vscode.commands.executeCommand('markdown.showPreviewToSide', output);
  }
  return output;
}

/** Copies the passage under the cursor (or the selection) as a Markdown quote with a citation. */
async function copyAsQuote(services: Services): Promise<string | undefined> {
  const t = await activeEssay(services);
  if (!t) return undefined;
  const { editor, essay } = t;
  const sel = toOffsets(editor.document, editor.selection);
  const annotation = essay.annotations.at(sel.start)[0];
  const range = sel.end > sel.start ? sel : annotation?.range ?? (() => {
    const block = essay.outline().blockAt(sel.start);
    return block ? { start: block.start, end: block.end } : undefined;
  })();
  if (!range) return undefined;
  const [excerpt] = collectExcerpts([{
    path: relative(essay.uri), text: essay.text, outline: essay.outline(),
    annotations: [annotation && annotation.range && annotation.range.start === range.start && annotation.range.end === range.end ? annotation : {
      data: { id: 'selection', kind: 'passage', tags: [], target: { quote: { exact: '', prefix: '', suffix: '' }, position: { start: 0, end: 0 } }, created: '', updated: '' },
      range, status: 'anchored',
    }],
  }]);
  const text = quoteWithCitation(excerpt, dirname(relative(essay.uri)) === '.' ? '' : dirname(relative(essay.uri)));
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage('$(copy) Copied the passage as a quote', 3000);
  return text;
}

export function registerExportCommands(services: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('cruxmark.exportExcerpts', (args?: ExportArgs) => exportExcerpts(services, args)),
    vscode.commands.registerCommand('cruxmark.copyAsQuote', () => copyAsQuote(services)),
  ];
}
