// Sidecar I/O on a local disk: atomic replacement (temporary file, fsync, rename), guarded by a
// lock file so that Cruxmark's own writers (the extension and the CLI) take turns, and by a
// compare-before-rename so that a change made by anyone else is never written over.
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
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

/** Takes `<file>.lock`, waiting for another writer, and breaking a lock left by a dead process. */
async function lock(file: string): Promise<() => Promise<void>> {
  const lockPath = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
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
}

/** Writes `text` to a temporary file beside `file`, flushes it to disk, and returns its path. */
async function writeTemp(file: string, text: string): Promise<string> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
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

/** FileAccess on the local file system. */
export const nodeFileAccess: FileAccess = {
  read: readOrUndefined,
  async replace(file, text, expected) {
    const unlock = await lock(file);
    let tmp: string | undefined;
    try {
      tmp = await writeTemp(file, text);
      const current = await readOrUndefined(file);
      if (current !== expected) return false;
      await fs.rename(tmp, file);
      tmp = undefined;
      await syncDir(path.dirname(file));
      return true;
    } finally {
      if (tmp) await fs.rm(tmp, { force: true });
      await unlock();
    }
  },
};
