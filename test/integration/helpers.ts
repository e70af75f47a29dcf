// Shared steps of the integration tests: a fresh copy of a fixture essay per test, waiting on
// conditions instead of sleeping, and reading what Cruxmark wrote to disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CruxmarkApi } from '../../src/extension';

export const EXTENSION_ID = 'cruxmark.cruxmark';

/** The running extension's API, activating it if needed. */
export async function api(): Promise<CruxmarkApi> {
  const ext = vscode.extensions.getExtension<CruxmarkApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder');
  return folder.uri.fsPath;
}

function fixtures(): string {
  const dir = process.env.CRUXMARK_TEST_FIXTURES;
  assert.ok(dir, 'CRUXMARK_TEST_FIXTURES is not set');
  return dir;
}

let counter = 0;

/** Copies fixture essays (and their sidecars) into a new folder of the workspace. */
export function freshCopy(...names: string[]): { dir: string; uri(name: string): vscode.Uri; file(name: string): string } {
  const dir = path.join(workspaceRoot(), `t${++counter}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of names) {
    for (const file of [name, `${name}.cruxmark.json`]) {
      const src = path.join(fixtures(), 'essays', file);
      if (fs.existsSync(src)) fs.copyFileSync(src, path.join(dir, file));
    }
  }
  return { dir, uri: (n) => vscode.Uri.file(path.join(dir, n)), file: (n) => path.join(dir, n) };
}

/** Polls a condition until it holds, failing with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The sidecar's parsed content, or undefined while it does not exist. */
export function readSidecar(essayFile: string): SidecarJson | undefined {
  const file = `${essayFile}.cruxmark.json`;
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SidecarJson;
}

export interface SidecarJson {
  version: number;
  document: string;
  annotations: {
    id: string; kind: string; tags: string[]; title?: string; note?: string; links?: { relation: string; target: string }[];
    target: { quote: { exact: string; prefix: string; suffix: string }; position: { start: number; end: number } };
    detached?: boolean; created: string; updated: string;
  }[];
}

/** Opens an essay in an editor and waits until Cruxmark has loaded it. */
export async function openEssay(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const cruxmark = await api();
  await waitFor('the essay to be loaded', () => cruxmark.annotations(uri) !== undefined);
  return editor;
}

/** Selects the n-th occurrence (0-based) of `text` in the editor. */
export function select(editor: vscode.TextEditor, text: string, occurrence = 0): vscode.Selection {
  const all = editor.document.getText();
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = all.indexOf(text, at + 1);
  assert.ok(at >= 0, `"${text}" is not in ${editor.document.fileName}`);
  const sel = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + text.length));
  editor.selection = sel;
  return sel;
}

/** Code-point length of a string, as sidecar positions count. */
export function codePoints(s: string): number {
  return [...s].length;
}

/** Closes every editor, without saving. */
export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The text of every hover at a position, as plain strings. */
export async function hoverTexts(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')));
}

/** The MarkdownStrings of every hover at a position. */
export async function hoverMarkdown(uri: vscode.Uri, position: vscode.Position): Promise<vscode.MarkdownString[]> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers.flatMap((h) => h.contents.filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString));
}
