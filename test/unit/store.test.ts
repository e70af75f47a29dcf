import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Annotation, Sidecar } from '../../src/core/model';
import { parseSidecar, stringifySidecar } from '../../src/core/sidecar';
import { loadSidecar, saveSidecar, UnreadableSidecarError, type FileAccess } from '../../src/core/store';
import { nodeFileAccess } from '../../src/node/fileAccess';
import { passage } from '../fixtures/sidecars/arbitraries';

function sidecar(...annotations: Annotation[]): Sidecar {
  return { version: 1, document: 'essay.md', annotations };
}

function ids(s: Sidecar | string): string[] {
  const sc = typeof s === 'string' ? parsed(s) : s;
  return sc.annotations.map((a) => a.id).sort();
}

function parsed(text: string): Sidecar {
  const r = parseSidecar(text, 'x');
  if (!r.ok) assert.fail(JSON.stringify(r.problems));
  return r.sidecar;
}

/** Files in memory, with a hook that runs just before each replace (to play another writer). */
class MemoryFiles implements FileAccess {
  readonly files = new Map<string, string>();
  replaces = 0;
  beforeReplace: ((path: string) => void) | undefined;

  async read(p: string): Promise<string | undefined> {
    return this.files.get(p);
  }

  async replace(p: string, text: string, expected: string | undefined): Promise<boolean> {
    this.replaces++;
    this.beforeReplace?.(p);
    if (this.files.get(p) !== expected) return false;
    this.files.set(p, text);
    return true;
  }
}

/** Texts a sidecar on disk may hold that Cruxmark must refuse to read, and so never overwrite. */
const UNREADABLE: Record<string, string> = {
  'bad JSON': '{"version": 1, "document": "essay.md", "annotations": [\n',
  'a newer version': '{"version": 7, "document": "essay.md", "annotations": []}\n',
  'a schema error': JSON.stringify({ version: 1, document: 'essay.md', annotations: [{ ...passage('a', 0), kind: 'thesis' }] }),
  'duplicate ids': JSON.stringify(sidecar(passage('a', 0), passage('a', 4))),
  'start after end': JSON.stringify(sidecar(passage('a', 0, { target: { quote: { exact: 'x', prefix: '', suffix: '' }, position: { start: 9, end: 3 } } }))),
  'a document outside the folder': JSON.stringify({ ...sidecar(), document: '../../../etc/passwd' }),
  'empty': '',
};

const FILE = '/w/essay.md.cruxmark.json';

suite('store: saveSidecar (in memory)', () => {
  test('disk unchanged since the base: ours is written as is', async () => {
    const io = new MemoryFiles();
    const base = stringifySidecar(sidecar(passage('a', 0)));
    io.files.set(FILE, base);
    const ours = sidecar(passage('a', 0), passage('b', 9));
    const r = await saveSidecar(io, FILE, base, ours);
    assert.deepStrictEqual([r.written, r.merged, r.conflicts], [true, false, []]);
    assert.strictEqual(io.files.get(FILE), stringifySidecar(ours));
    assert.strictEqual(r.text, io.files.get(FILE));
  });

  test('no file yet and no base: the file is created', async () => {
    const io = new MemoryFiles();
    const r = await saveSidecar(io, FILE, undefined, sidecar(passage('a', 0)));
    assert.ok(r.written);
    assert.deepStrictEqual(ids(io.files.get(FILE)!), ['a']);
  });

  test('nothing to write when the disk already says the same', async () => {
    const io = new MemoryFiles();
    const text = stringifySidecar(sidecar(passage('a', 0)));
    io.files.set(FILE, text);
    const r = await saveSidecar(io, FILE, text, sidecar(passage('a', 0)));
    assert.strictEqual(r.written, false);
    assert.strictEqual(io.replaces, 0);
  });

  test('disk changed since the base: merged by id, nothing lost', async () => {
    const io = new MemoryFiles();
    const base = stringifySidecar(sidecar(passage('a', 0), passage('gone', 50)));
    // Someone else added b, changed a's note and deleted nothing; we added c and deleted "gone".
    io.files.set(FILE, stringifySidecar(sidecar(passage('a', 0, { note: 'theirs' }), passage('b', 20), passage('gone', 50))));
    const r = await saveSidecar(io, FILE, base, sidecar(passage('a', 0), passage('c', 30)));
    assert.ok(r.written && r.merged);
    const disk = parsed(io.files.get(FILE)!);
    assert.deepStrictEqual(ids(disk), ['a', 'b', 'c']);
    assert.strictEqual(disk.annotations.find((a) => a.id === 'a')!.note, 'theirs');
    assert.strictEqual(r.text, io.files.get(FILE));
  });

  test('the file was deleted since the base: ours is written again', async () => {
    const io = new MemoryFiles();
    const base = stringifySidecar(sidecar(passage('a', 0)));
    const r = await saveSidecar(io, FILE, base, sidecar(passage('a', 0), passage('b', 5)));
    assert.ok(r.written);
    assert.deepStrictEqual(ids(io.files.get(FILE)!), ['a', 'b']);
  });

  for (const [what, text] of Object.entries(UNREADABLE)) {
    test(`disk holds ${what}: UnreadableSidecarError, and the file is left exactly as it was`, async () => {
      const io = new MemoryFiles();
      io.files.set(FILE, text);
      const base = stringifySidecar(sidecar(passage('a', 0)));
      await assert.rejects(saveSidecar(io, FILE, base, sidecar(passage('a', 0), passage('b', 5))), (e: unknown) => {
        assert.ok(e instanceof UnreadableSidecarError, String(e));
        assert.ok(e.problems.length > 0);
        assert.ok(e.message.startsWith(FILE), e.message);
        return true;
      });
      assert.strictEqual(io.files.get(FILE), text);
      assert.strictEqual(io.replaces, 0);
    });
  }

  test('a concurrent change between read and replace: retried, merged, nothing lost', async () => {
    const io = new MemoryFiles();
    const base = stringifySidecar(sidecar(passage('a', 0)));
    io.files.set(FILE, base);
    let races = 0;
    io.beforeReplace = (p) => {
      // Another writer gets in first, twice, each time adding its own annotation.
      if (races < 2) {
        races++;
        const now = parsed(io.files.get(p)!);
        io.files.set(p, stringifySidecar({ ...now, annotations: [...now.annotations, passage(`other-${races}`, 100 + races)] }));
      }
    };
    const r = await saveSidecar(io, FILE, base, sidecar(passage('a', 0), passage('ours', 10)));
    assert.ok(r.written && r.merged);
    assert.strictEqual(io.replaces, 3);
    assert.deepStrictEqual(ids(io.files.get(FILE)!), ['a', 'other-1', 'other-2', 'ours']);
  });

  test('a file that never stops changing: the save gives up and writes nothing of its own', async () => {
    const io = new MemoryFiles();
    const base = stringifySidecar(sidecar(passage('a', 0)));
    io.files.set(FILE, base);
    let n = 0;
    io.beforeReplace = (p) => {
      n++;
      io.files.set(p, stringifySidecar(sidecar(passage('a', 0), passage(`other-${n}`, 100 + n))));
    };
    await assert.rejects(saveSidecar(io, FILE, base, sidecar(passage('ours', 10))), /kept changing/);
    assert.deepStrictEqual(ids(io.files.get(FILE)!), ['a', `other-${n}`]);
  });

  test('the file turns unreadable during a retry: nothing is written', async () => {
    const io = new MemoryFiles();
    const base = stringifySidecar(sidecar(passage('a', 0)));
    io.files.set(FILE, base);
    io.beforeReplace = (p) => io.files.set(p, '{"version": 1, "documen');
    await assert.rejects(saveSidecar(io, FILE, base, sidecar(passage('b', 1))), UnreadableSidecarError);
    assert.strictEqual(io.files.get(FILE), '{"version": 1, "documen');
  });

  test('an unreadable base is treated as unknown: the union is kept', async () => {
    const io = new MemoryFiles();
    io.files.set(FILE, stringifySidecar(sidecar(passage('a', 0), passage('b', 5))));
    const r = await saveSidecar(io, FILE, 'not json', sidecar(passage('c', 9)));
    assert.ok(r.merged);
    assert.deepStrictEqual(ids(io.files.get(FILE)!), ['a', 'b', 'c']);
  });

  test('loadSidecar: missing, ok and unreadable', async () => {
    const io = new MemoryFiles();
    assert.deepStrictEqual(await loadSidecar(io, FILE), { status: 'missing' });
    io.files.set(FILE, stringifySidecar(sidecar(passage('a', 0))));
    const ok = await loadSidecar(io, FILE);
    assert.strictEqual(ok.status, 'ok');
    io.files.set(FILE, '{');
    const bad = await loadSidecar(io, FILE, 'essay.md.cruxmark.json');
    assert.strictEqual(bad.status, 'unreadable');
    assert.strictEqual(bad.status === 'unreadable' && bad.problems[0].file, 'essay.md.cruxmark.json');
  });
});

suite('store: saveSidecar on disk (nodeFileAccess)', () => {
  let dir: string;
  let file: string;

  setup(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cruxmark-store-'));
    file = path.join(dir, 'essay.md.cruxmark.json');
  });

  teardown(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Everything in the folder but the sidecar: temp files and locks must not be left behind. */
  async function litter(): Promise<string[]> {
    return (await fs.readdir(dir)).filter((f) => f !== 'essay.md.cruxmark.json');
  }

  test('creates, then replaces, leaving no temp file or lock', async () => {
    const first = await saveSidecar(nodeFileAccess, file, undefined, sidecar(passage('a', 0)));
    assert.strictEqual(await fs.readFile(file, 'utf8'), first.text);
    const second = await saveSidecar(nodeFileAccess, file, first.text, sidecar(passage('a', 0), passage('b', 4)));
    assert.ok(second.written && !second.merged);
    assert.strictEqual(await fs.readFile(file, 'utf8'), second.text);
    assert.deepStrictEqual(await litter(), []);
  });

  test('a change on disk since the base is merged', async () => {
    const base = (await saveSidecar(nodeFileAccess, file, undefined, sidecar(passage('a', 0)))).text;
    await fs.writeFile(file, stringifySidecar(sidecar(passage('a', 0), passage('theirs', 7))));
    const r = await saveSidecar(nodeFileAccess, file, base, sidecar(passage('a', 0), passage('ours', 3)));
    assert.ok(r.merged);
    assert.deepStrictEqual(ids(await fs.readFile(file, 'utf8')), ['a', 'ours', 'theirs']);
    assert.deepStrictEqual(await litter(), []);
  });

  for (const [what, text] of Object.entries(UNREADABLE)) {
    test(`${what} on disk is left byte for byte`, async () => {
      // A BOM and CRLF line ends too: the bytes, not just the text, must survive.
      const bytes = Buffer.from('\uFEFF' + text.replace(/\n/g, '\r\n'), 'utf8');
      await fs.writeFile(file, bytes);
      await assert.rejects(saveSidecar(nodeFileAccess, file, undefined, sidecar(passage('b', 5))), UnreadableSidecarError);
      assert.ok((await fs.readFile(file)).equals(bytes));
      assert.deepStrictEqual(await litter(), []);
    });
  }

  test('replace refuses (returns false) when the file is not what was expected, and writes nothing', async () => {
    await fs.writeFile(file, 'theirs');
    assert.strictEqual(await nodeFileAccess.replace(file, 'ours', 'something else'), false);
    assert.strictEqual(await nodeFileAccess.replace(file, 'ours', undefined), false);
    assert.strictEqual(await fs.readFile(file, 'utf8'), 'theirs');
    assert.deepStrictEqual(await litter(), []);
    assert.strictEqual(await nodeFileAccess.replace(file, 'ours', 'theirs'), true);
    assert.strictEqual(await fs.readFile(file, 'utf8'), 'ours');
  });

  test('a concurrent writer between read and replace: the real compare-before-rename catches it, and the save merges', async () => {
    await fs.writeFile(file, stringifySidecar(sidecar(passage('a', 0))));
    const base = await fs.readFile(file, 'utf8');
    let raced = false;
    const io: FileAccess = {
      read: nodeFileAccess.read,
      async replace(p, text, expected) {
        if (!raced) {
          raced = true;
          await fs.writeFile(p, stringifySidecar(sidecar(passage('a', 0), passage('theirs', 8))));
        }
        return nodeFileAccess.replace(p, text, expected);
      },
    };
    const r = await saveSidecar(io, file, base, sidecar(passage('a', 0), passage('ours', 2)));
    assert.ok(r.merged && r.written);
    assert.deepStrictEqual(ids(await fs.readFile(file, 'utf8')), ['a', 'ours', 'theirs']);
    assert.deepStrictEqual(await litter(), []);
  });

  test('a lock held by a live process is waited for', async () => {
    await fs.writeFile(`${file}.lock`, String(process.pid));
    const release = setTimeout(() => void fs.rm(`${file}.lock`), 300);
    const started = Date.now();
    assert.ok(await nodeFileAccess.replace(file, 'ours', undefined));
    clearTimeout(release);
    assert.ok(Date.now() - started >= 250, 'replace did not wait for the lock');
    assert.deepStrictEqual(await litter(), []);
  });

  test('a lock left by a dead process is broken at once', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await fs.writeFile(`${file}.lock`, dead.stdout);
    const started = Date.now();
    assert.ok(await nodeFileAccess.replace(file, 'ours', undefined));
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.strictEqual(await fs.readFile(file, 'utf8'), 'ours');
    assert.deepStrictEqual(await litter(), []);
  });

  test('temp files a dead writer left behind are cleared by the next write', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const orphan = path.join(dir, `.essay.md.cruxmark.json.${dead.stdout}.0badf00d.tmp`);
    await fs.writeFile(orphan, 'half a sidecar');
    await fs.writeFile(path.join(dir, 'unrelated.tmp'), 'keep me');
    assert.ok(await nodeFileAccess.replace(file, 'ours', undefined));
    assert.deepStrictEqual((await litter()).sort(), ['unrelated.tmp']);
  });
});
