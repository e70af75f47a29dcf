// A full disk and a read-only folder, made real where this machine allows it:
// - disk full: a 512 KB tmpfs mounted for the test (needs root and mount rights); elsewhere the save
//   runs in a child process whose file-size limit (`ulimit -f`) makes the write fail with EFBIG,
//   which takes the same path through the code as ENOSPC;
// - read-only: root ignores permission bits, so as root the save runs in a child process as the
//   unprivileged uid 65534 on a 0555 folder (EACCES), and a tmpfs is also remounted read-only
//   (EROFS) for an in-process save; as any other user, the 0555 folder is used in-process.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { promises as fs, statfsSync } from 'fs';
import * as path from 'path';
import type { Sidecar } from '../../src/core/model';
import { stringifySidecar } from '../../src/core/sidecar';
import { saveSidecar, type FileAccess } from '../../src/core/store';
import { nodeFileAccess } from '../../src/node/fileAccess';
import { bigSidecar } from '../fixtures/sidecars/build';
import { CHILD, litter, SIDECAR, tally, tempDir, Writer } from './scenarios';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Mounts a tmpfs of `kb` KB on a new folder, or returns undefined when this machine does not allow it. */
async function mountTmpfs(kb: number): Promise<string | undefined> {
  // CRUXMARK_TEST_NO_MOUNT=1 runs the fallbacks on a machine that could mount, to check them.
  if (process.platform !== 'linux' || !isRoot || process.env.CRUXMARK_TEST_NO_MOUNT) return undefined;
  const dir = await tempDir('tmpfs');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k,mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    await fs.rm(dir, { recursive: true, force: true });
    return undefined;
  }
  return dir;
}

async function unmount(dir: string): Promise<void> {
  // A file left open (a bug under test) keeps the mount busy: detach it lazily then.
  if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
  await fs.rm(dir, { recursive: true, force: true });
}

/** Fills a file system, leaving `leave` bytes free. */
async function fill(dir: string, leave: number): Promise<void> {
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  await fs.writeFile(path.join(dir, 'filler'), Buffer.alloc(Math.max(0, free - leave)));
}

const OLD = bigSidecar('old', 40, 400);
const NEW = bigSidecar('new', 200, 400);

/** Checks the aftermath of a failed save: the old text byte for byte, and no temp file or lock. */
async function unchanged(dir: string, before: Buffer): Promise<void> {
  assert.ok((await fs.readFile(path.join(dir, SIDECAR))).equals(before), 'the old file changed');
  const left = await litter(dir);
  assert.deepStrictEqual(left, { temps: [], lock: undefined });
}

/** Runs one save in a child process (to change user or limits) and returns what it printed. */
async function saveInChild(file: string, sidecar: Sidecar, options: { uid?: number; gid?: number; fileSizeBlocks?: number } = {}): Promise<{ ok: boolean; error?: string; code?: string }> {
  const json = path.join(path.dirname(path.dirname(file)), `${path.basename(path.dirname(file))}-new.json`);
  await fs.writeFile(json, JSON.stringify(sidecar));
  await fs.chmod(json, 0o644);
  try {
    if (options.fileSizeBlocks !== undefined) {
      // `ulimit -f` counts 512-byte blocks in sh; the child ignores SIGXFSZ so the write fails with EFBIG.
      const r = spawnSync('sh', ['-c', `ulimit -f ${options.fileSizeBlocks} && exec "$0" "$@"`, process.execPath, CHILD, 'save-once', file, json], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`save-once failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!);
    }
    return await new Writer(['save-once', file, json], { uid: options.uid, gid: options.gid }).summary();
  } finally {
    await fs.rm(json, { force: true });
  }
}

suite('reliability: a full disk', () => {
  for (const [what, leave, blocks] of [['no space at all', 0, 0], ['room for the lock, not for the file', 16 * 1024, 40]] as const) {
    test(`${what}: the save fails, the old file is unchanged, nothing is left behind, and a later save works`, async function () {
      this.timeout(60_000);
      const mounted = await mountTmpfs(512);
      const dir = mounted ?? (await tempDir('full'));
      try {
        const file = path.join(dir, SIDECAR);
        await fs.writeFile(file, stringifySidecar(OLD));
        const before = await fs.readFile(file);
        let error: string | undefined;
        let code: string | undefined;
        if (mounted) {
          await fill(dir, leave);
          await assert.rejects(saveSidecar(nodeFileAccess, file, before.toString('utf8'), NEW), (e: NodeJS.ErrnoException) => {
            error = e.message;
            code = e.code;
            return true;
          });
        } else {
          const r = await saveInChild(file, NEW, { fileSizeBlocks: blocks });
          assert.strictEqual(r.ok, false);
          ({ error, code } = r);
        }
        console.log(`      (${mounted ? 'tmpfs of 512 KB' : 'ulimit -f'}: ${code}: ${error})`);
        assert.ok(mounted ? code === 'ENOSPC' : code === 'EFBIG' || code === 'ENOSPC', `${code}: ${error}`);
        // The OS's message; the CLI and the extension put the sidecar's name in front of it.
        assert.match(error!, /no space left on device|file too large/);
        await unchanged(dir, before);
        tally({ faults: 1 }, 'reliability');
        // Once there is room again, the same save goes through.
        await fs.rm(path.join(dir, 'filler'), { force: true });
        if (mounted) {
          await saveSidecar(nodeFileAccess, file, before.toString('utf8'), NEW);
          assert.strictEqual(await fs.readFile(file, 'utf8'), stringifySidecar(NEW));
        }
      } finally {
        if (mounted) await unmount(dir);
        else await fs.rm(dir, { recursive: true, force: true });
      }
    });
  }

  test('injected: a write that fails with ENOSPC inside the I/O layer is reported and nothing is written', async () => {
    const files = new Map<string, string>([['f', stringifySidecar(OLD)]]);
    const full: FileAccess = {
      read: async (p) => files.get(p),
      replace: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    await assert.rejects(saveSidecar(full, 'f', files.get('f'), NEW), /ENOSPC/);
    assert.strictEqual(files.get('f'), stringifySidecar(OLD));
    tally({ faults: 1 }, 'reliability');
  });
});

suite('reliability: a read-only folder', () => {
  test(`a 0555 folder${isRoot ? ' (the save runs as uid 65534: root ignores permissions)' : ''}: EACCES, the old file is unchanged, nothing is left behind`, async function () {
    this.timeout(60_000);
    const dir = await tempDir('readonly');
    try {
      const file = path.join(dir, SIDECAR);
      await fs.writeFile(file, stringifySidecar(OLD));
      await fs.chmod(file, 0o644);
      await fs.chmod(dir, 0o555);
      const before = await fs.readFile(file);
      let r: { ok: boolean; error?: string; code?: string };
      if (isRoot) {
        r = await saveInChild(file, NEW, { uid: NOBODY, gid: NOBODY });
      } else {
        r = await saveSidecar(nodeFileAccess, file, before.toString('utf8'), NEW).then(() => ({ ok: true }), (e: NodeJS.ErrnoException) => ({ ok: false, error: e.message, code: e.code }));
      }
      console.log(`      (${r.code}: ${r.error})`);
      assert.strictEqual(r.ok, false, 'the save into a read-only folder succeeded');
      assert.strictEqual(r.code, 'EACCES');
      assert.ok(r.error!.includes(dir), `the error does not name the file: ${r.error}`);
      await unchanged(dir, before);
      tally({ faults: 1 }, 'reliability');
    } finally {
      await fs.chmod(dir, 0o755);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('a read-only file system (tmpfs remounted read-only, or a 0555 folder where that is not allowed): the save fails cleanly', async function () {
    this.timeout(60_000);
    const mounted = await mountTmpfs(1024);
    const dir = mounted ?? (await tempDir('readonly'));
    try {
      const file = path.join(dir, SIDECAR);
      await fs.writeFile(file, stringifySidecar(OLD));
      const before = await fs.readFile(file);
      if (mounted) {
        const r = spawnSync('mount', ['-o', 'remount,ro', dir]);
        assert.strictEqual(r.status, 0, 'remount read-only failed');
      } else {
        await fs.chmod(dir, 0o555);
      }
      const failed = await saveSidecar(nodeFileAccess, file, before.toString('utf8'), NEW).then(() => undefined, (e: NodeJS.ErrnoException) => e);
      if (mounted || !isRoot) {
        assert.ok(failed, 'the save succeeded');
        assert.ok(failed.code === 'EROFS' || failed.code === 'EACCES', failed.message);
        assert.ok(failed.message.includes(dir), failed.message);
        await unchanged(dir, before);
        tally({ faults: 1 }, 'reliability');
      } else {
        // Root without mount rights: nothing here can make a folder read-only to this process; the
        // uid 65534 test above covers the case. What must still hold is that nothing is left behind.
        assert.deepStrictEqual(await litter(dir), { temps: [], lock: undefined });
      }
    } finally {
      if (mounted) await unmount(dir);
      else {
        await fs.chmod(dir, 0o755);
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
  });
});
