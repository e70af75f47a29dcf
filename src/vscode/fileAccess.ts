// Sidecar I/O for a URI. On a local disk Node's fs gives what VS Code's file system API cannot:
// fsync and an exclusive lock file, for writes that survive crashes and never interleave with the
// CLI. Other schemes (virtual workspaces) go through vscode.workspace.fs.
import * as vscode from 'vscode';
import type { FileAccess } from '../core/store';
import { nodeFileAccess } from '../node/fileAccess';

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

async function readUri(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch (e) {
    if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return undefined;
    throw e;
  }
}

/** FileAccess over vscode.workspace.fs; paths are URI strings. */
const workspaceFileAccess: FileAccess = {
  read: (path) => readUri(vscode.Uri.parse(path)),
  async replace(path, text, expected) {
    const target = vscode.Uri.parse(path);
    const tmp = target.with({ path: `${target.path}.${Date.now().toString(36)}.tmp` });
    await vscode.workspace.fs.writeFile(tmp, encoder.encode(text));
    try {
      if ((await readUri(target)) !== expected) return false;
      await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
      return true;
    } finally {
      await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    }
  },
};

/** The I/O and the path string to use for a file. */
export function fileAccessFor(uri: vscode.Uri): { io: FileAccess; path: string } {
  return uri.scheme === 'file' ? { io: nodeFileAccess, path: uri.fsPath } : { io: workspaceFileAccess, path: uri.toString() };
}

/** Reads any file as text, or undefined when missing. */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const { io, path } = fileAccessFor(uri);
  return io.read(path);
}
