// Saving a sidecar without ever destroying what is on disk. The caller supplies the I/O, so the
// same rules hold for the CLI (Node's fs) and the extension (VS Code's file system).
import type { Sidecar } from './model';
import { mergeSidecars, parseSidecar, stringifySidecar, type MergeConflict, type SidecarProblem } from './sidecar';

/** The I/O a sidecar store needs. Paths are opaque to the store. */
export interface FileAccess {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /**
   * Replaces the file atomically (never torn, never empty) with `text`, but only while its current
   * content is still `expected` (undefined: the file must not exist). Resolves false, writing
   * nothing, when the file changed in the meantime.
   */
  replace(path: string, text: string, expected: string | undefined): Promise<boolean>;
}

/** Thrown when the sidecar on disk cannot be read: it is left exactly as it is. */
export class UnreadableSidecarError extends Error {
  constructor(readonly problems: SidecarProblem[]) {
    super(problems.map((p) => `${p.file}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'UnreadableSidecarError';
  }
}

/** What a save did. */
export interface SaveResult {
  /** What is now on disk (ours, or ours merged with changes made outside). */
  sidecar: Sidecar;
  /** The text written, to be remembered as the next save's base. */
  text: string;
  /** True when the file had been changed by someone else and was merged. */
  merged: boolean;
  conflicts: MergeConflict[];
  /** False when nothing needed writing. */
  written: boolean;
}

/** How many times a save re-reads and re-merges when another writer keeps changing the file. */
const MAX_ATTEMPTS = 8;

/**
 * Writes `ours` to `path`. `base` is the file's text as we last read or wrote it (undefined if we
 * never saw the file). When the file changed since, the change is merged by annotation id before
 * writing; when it cannot be read, nothing is written and UnreadableSidecarError is thrown.
 */
export async function saveSidecar(io: FileAccess, path: string, base: string | undefined, ours: Sidecar): Promise<SaveResult> {
  let lastConflicts: MergeConflict[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const onDisk = await io.read(path);
    let next = ours;
    let merged = false;
    if (onDisk !== undefined && onDisk !== base) {
      const theirs = parseSidecar(onDisk, path);
      if (!theirs.ok) throw new UnreadableSidecarError(theirs.problems);
      const baseSidecar = base !== undefined ? parseSidecar(base, path) : undefined;
      const result = mergeSidecars(baseSidecar?.ok ? baseSidecar.sidecar : undefined, ours, theirs.sidecar);
      next = result.sidecar;
      lastConflicts = result.conflicts;
      merged = true;
    }
    const text = stringifySidecar(next);
    if (text === onDisk) {
      return { sidecar: next, text, merged, conflicts: lastConflicts, written: false };
    }
    if (await io.replace(path, text, onDisk)) {
      return { sidecar: next, text, merged, conflicts: lastConflicts, written: true };
    }
    // Another writer got in between our read and our write. Wait a little, longer each time and
    // by a random amount, so that writers racing for the same file stop colliding.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * 2 ** attempt));
  }
  throw new Error(`${path} kept changing while Cruxmark tried to save it; try again`);
}

/** The outcome of loading a sidecar. */
export type LoadResult =
  | { status: 'missing' }
  | { status: 'ok'; sidecar: Sidecar; text: string }
  | { status: 'unreadable'; problems: SidecarProblem[]; text: string };

/** Reads and parses a sidecar. */
export async function loadSidecar(io: FileAccess, path: string, displayName = path): Promise<LoadResult> {
  const text = await io.read(path);
  if (text === undefined) return { status: 'missing' };
  const parsed = parseSidecar(text, displayName);
  return parsed.ok ? { status: 'ok', sidecar: parsed.sidecar, text } : { status: 'unreadable', problems: parsed.problems, text };
}
