// Sidecar I/O on a local disk: atomic replacement (temporary file, fsync, rename), guarded by a
// lock file so that Cruxmark's own writers (the extension and the CLI) take turns, and by a
// compare-before-rename so that a change made by anyone else is never written over.
import { randomBytes } from 'crypto';
import { linkSync, promises as fs, renameSync, statSync, type BigIntStats } from 'fs';
import * as path from 'path';
import type { FileAccess } from '../core/store';

/** How long a lock may be held before it is treated as left behind by a crashed writer. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 15_000;

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files (`.<name>.<pid>.<hex>.tmp`) and lock claims (`….lock.tmp`) that writers put beside `file`. */
function ownPattern(file: string): RegExp {
  const name = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${name}\\.(\\d+)\\.[0-9a-f]+(?:\\.lock)?\\.tmp$`);
}

function tempName(file: string, suffix = ''): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${suffix}.tmp`);
}

/** Errors of file systems that have no hard links (FAT, exFAT, some network shares). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL']);

/**
 * Creates the lock file holding our pid, atomically: the pid is written to a file of our own,
 * which is then hard-linked as the lock (a link fails if the lock exists). A writer killed at any
 * moment so never leaves a lock that names no one, which the next writer could not tell from a
 * live one. Resolves false when the lock is taken.
 */
async function createLock(lockPath: string, claim: string): Promise<boolean> {
  try {
    // The lock's age is its file's mtime: make it now, not when we started waiting.
    const now = new Date();
    await fs.utimes(claim, now, now);
    await fs.link(claim, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_LINKS.has(code)) throw e;
  }
  // Without hard links: create, then write (a writer killed in between leaves an empty lock, broken after STALE_LOCK_MS).
  let handle;
  try {
    handle = await fs.open(lockPath, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(String(process.pid));
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(lockPath, { force: true });
    throw e;
  }
  return true;
}

/** Takes `<file>.lock`, waiting for another writer, and breaking a lock left by a dead process. */
async function lock(file: string): Promise<() => Promise<void>> {
  const lockPath = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  const claim = tempName(file, '.lock');
  try {
    await fs.writeFile(claim, String(process.pid), { flag: 'wx' });
  } catch (e) {
    await fs.rm(claim, { force: true });
    throw e;
  }
  try {
    for (;;) {
      if (await createLock(lockPath, claim)) {
        await removeOrphans(file);
        return async () => {
          await fs.rm(lockPath, { force: true });
        };
      }
      try {
        const [owner, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
        const pid = Number(owner);
        if ((Number.isInteger(pid) && pid > 0 && !isAlive(pid)) || Date.now() - stat.mtimeMs > STALE_LOCK_MS) {
          await fs.rm(lockPath, { force: true });
          continue;
        }
      } catch {
        // The lock vanished between our attempts: try again at once.
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} is locked by another Cruxmark process (${lockPath})`);
      await sleep(5 + Math.random() * 20);
    }
  } finally {
    await fs.rm(claim, { force: true });
  }
}

/**
 * Removes temp files and lock claims that writers which have since died left beside `file`
 * (a crash between writing a temp file and renaming it). Called with the lock held.
 */
async function removeOrphans(file: string): Promise<void> {
  const pattern = ownPattern(file);
  let names: string[];
  try {
    names = await fs.readdir(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) {
      // Best effort: a file that cannot be removed must not stop the save (or keep the lock).
      await fs.rm(path.join(path.dirname(file), name), { force: true }).catch(() => undefined);
    }
  }
}

/** Writes `text` to a temporary file beside `file`, flushes it to disk, and returns its path. */
async function writeTemp(file: string, text: string): Promise<string> {
  const tmp = tempName(file);
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (e) {
    // A full disk fails here: leave no half-written temp file behind.
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  return tmp;
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; not every platform can open a folder for this.
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/** The file's text, and the identity of what was read; undefined when it does not exist. */
async function readForCompare(file: string): Promise<{ text: string; stat: BigIntStats } | undefined> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    return { text: await handle.readFile('utf8'), stat };
  } finally {
    await handle.close();
  }
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** Links `tmp` as `file`, which must not exist: false if it has appeared, undefined without hard links. */
function linkNew(tmp: string, file: string): boolean | undefined {
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (NO_LINKS.has(code)) return undefined;
    throw e;
  }
}

/** FileAccess on the local file system. */
export const nodeFileAccess: FileAccess = {
  read: readOrUndefined,
  async replace(file, text, expected) {
    const unlock = await lock(file);
    let tmp: string | undefined;
    try {
      tmp = await writeTemp(file, text);
      const current = await readForCompare(file);
      if (current?.text !== expected) return false;
      // From here to the swap, no await: a program that does not take our lock (git, another
      // editor) can then slip a write in only during these few system calls, not across turns of
      // the event loop (where racing writes were lost about once in a hundred).
      const now = statSync(file, { bigint: true, throwIfNoEntry: false });
      if (current === undefined) {
        if (now !== undefined) return false;
        // A new file: a hard link fails if the file has appeared since, so nothing is overwritten.
        const linked = linkNew(tmp, file);
        if (linked === false) return false;
        if (linked === undefined) {
          renameSync(tmp, file);
          tmp = undefined;
        }
      } else {
        if (now === undefined || !sameFile(current.stat, now)) return false;
        renameSync(tmp, file);
        tmp = undefined;
      }
      await syncDir(path.dirname(file));
      return true;
    } finally {
      if (tmp) await fs.rm(tmp, { force: true });
      await unlock();
    }
  },
};
