// Sidecars that cannot be read: each is reported with a clear message that names the file and the
// place, and no save (through the store, or through the `cruxmark` CLI) changes a byte of it.
import * as assert from 'assert';
import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import { main } from '../../src/cli';
import { EssayAnnotations } from '../../src/core/essay';
import { parseSidecar, stringifySidecar } from '../../src/core/sidecar';
import { loadSidecar, saveSidecar, UnreadableSidecarError } from '../../src/core/store';
import { nodeFileAccess } from '../../src/node/fileAccess';
import { passage } from '../fixtures/sidecars/build';
import { litter, SIDECAR, tally, tempDir } from './scenarios';

/** The repository's test/fixtures/sidecars, found from the compiled test's folder. */
function fixtures(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, 'test', 'fixtures', 'sidecars');
}

/** Each bad fixture and the one line that must describe it (after `<file>:`). */
const EXPECTED: Record<string, string> = {
  'invalid-json': '4:3: invalid JSON: comma expected',
  'invalid-json-crlf-bom': '4:3: invalid JSON: comma expected',
  'truncated': '14:8: invalid JSON: property name expected',
  'newer-version': '2:14: version: version 2 was written by a newer Cruxmark; this one reads version 1. Update Cruxmark to read it.',
  'no-version': '1:1: has no "version": this is not a Cruxmark sidecar, or it is damaged',
  'start-after-end': '37:21: annotations[1].target.position: start 90 is after end 40',
  'duplicate-ids': '46:13: annotations[2].id: duplicate id "p-1" (also annotations[0])',
  'document-escape': '3:15: document: must be the essay\'s file name, in the same folder as the sidecar (no "/", "\\" or "..")',
  'claim-without-title': '5:5: annotations[0]: missing required property "title"',
};

const ESSAY = 'The counting argument says there are many more deceptive models than aligned ones.\n';

/** Captures what the CLI prints. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

suite('reliability: sidecars that cannot be read', () => {
  let dir: string;
  let file: string;
  let essay: string;

  setup(async () => {
    dir = await tempDir('bad');
    essay = path.join(dir, 'essay.md');
    file = path.join(dir, SIDECAR);
    await fs.writeFile(essay, ESSAY);
  });

  teardown(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('every bad fixture has its expected message', async () => {
    const names = (await fs.readdir(path.join(fixtures(), 'bad'))).map((f) => f.replace(/\.md\.cruxmark\.json$/, '')).sort();
    assert.deepStrictEqual(names, Object.keys(EXPECTED).sort());
  });

  for (const [name, line] of Object.entries(EXPECTED)) {
    test(`${name}: one clear line, and neither a save nor the CLI changes the file`, async () => {
      const bytes = await fs.readFile(path.join(fixtures(), 'bad', `${name}.md.cruxmark.json`));
      await fs.writeFile(file, bytes);
      const loaded = await loadSidecar(nodeFileAccess, file);
      assert.strictEqual(loaded.status, 'unreadable');

      // The editor's save path.
      await assert.rejects(saveSidecar(nodeFileAccess, file, undefined, { version: 1, document: 'essay.md', annotations: [passage('mine', 4)] }), (e: unknown) => {
        assert.ok(e instanceof UnreadableSidecarError);
        assert.strictEqual(e.message.split('\n')[0], `${file}:${line}`);
        return true;
      });

      // The command line: exit 2, one line on stderr naming the file, nothing written.
      for (const args of [['check', essay, '--write'], ['tag', essay, '--tag', 'counting-argument', '--quote', 'many more deceptive models']]) {
        const r = await cli(args);
        assert.strictEqual(r.code, 2, `${args[0]}: ${r.stderr}`);
        assert.strictEqual(r.stderr, `cruxmark: ${file}:${line}\n`, args[0]);
      }

      assert.ok((await fs.readFile(file)).equals(bytes), 'the file changed');
      assert.deepStrictEqual(await litter(dir), { temps: [], lock: undefined });
      tally({ faults: 1 }, 'reliability');
    });
  }

  test('a 50 MB sidecar is refused at once, without being parsed, and left as it is', async function () {
    this.timeout(30_000);
    // Valid JSON throughout, so that only the size can be the reason.
    const one = JSON.stringify(passage('p-0', 0, { note: 'x'.repeat(10_000) }));
    const count = Math.ceil((50 * 1024 * 1024) / one.length);
    const text = `{"version": 1, "document": "essay.md", "annotations": [${Array.from({ length: count }, (_, i) => one.replace('"p-0"', `"p-${i}"`)).join(',')}]}`;
    await fs.writeFile(file, text);
    const before = await fs.stat(file);
    const started = Date.now();
    await assert.rejects(saveSidecar(nodeFileAccess, file, undefined, { version: 1, document: 'essay.md', annotations: [] }), (e: unknown) => {
      assert.ok(e instanceof UnreadableSidecarError);
      assert.match(e.message, /^.*essay\.md\.cruxmark\.json: is 50\.\d MB; Cruxmark reads sidecars up to 16 MB$/);
      return true;
    });
    const took = Date.now() - started;
    console.log(`      (refused in ${took} ms)`);
    assert.ok(took < 3000, `took ${took} ms`);
    const r = await cli(['check', essay, '--write']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^cruxmark: .*essay\.md\.cruxmark\.json: is 50\.\d MB; Cruxmark reads sidecars up to 16 MB\n$/);
    const after = await fs.stat(file);
    assert.deepStrictEqual([after.size, after.mtimeMs], [before.size, before.mtimeMs]);
    tally({ faults: 1 }, 'reliability');
  });

  test('positions beyond the end of the essay: the passage is found by its quote or detached, never placed out of the text, and kept on save', async () => {
    const text = await fs.readFile(path.join(fixtures(), 'beyond-essay.md'), 'utf8');
    const sidecarText = await fs.readFile(path.join(fixtures(), 'beyond-essay.md.cruxmark.json'), 'utf8');
    const parsed = parseSidecar(sidecarText, 'beyond-essay.md.cruxmark.json');
    assert.ok(parsed.ok, 'the file is valid: only the essay can tell that its offsets are wrong');
    const live = new EssayAnnotations(text);
    live.load(parsed.sidecar);
    const found = live.find('p-found')!;
    assert.ok(found.range, 'the passage whose quote is in the essay was not found');
    assert.strictEqual(text.slice(found.range.start, found.range.end), 'many more deceptive models');
    const gone = live.find('p-gone')!;
    assert.strictEqual(gone.status, 'detached');
    assert.strictEqual(gone.range, undefined);
    for (const a of live.list()) if (a.range) assert.ok(a.range.end <= text.length);

    // Saved: both are still there; the detached one keeps its last known target.
    await fs.writeFile(path.join(dir, 'beyond-essay.md'), text);
    const target = path.join(dir, 'beyond-essay.md.cruxmark.json');
    await fs.writeFile(target, sidecarText);
    await saveSidecar(nodeFileAccess, target, sidecarText, live.toSidecar('beyond-essay.md'));
    const saved = parseSidecar(await fs.readFile(target, 'utf8'), target);
    assert.ok(saved.ok);
    assert.deepStrictEqual(saved.sidecar.annotations.map((a) => [a.id, a.detached ?? false]).sort(), [['p-found', false], ['p-gone', true]]);
    assert.deepStrictEqual(saved.sidecar.annotations.find((a) => a.id === 'p-gone')!.target, parsed.sidecar.annotations.find((a) => a.id === 'p-gone')!.target);
    // And the CLI reports the detached one with exit code 1 (valid input, something wrong in it).
    const r = await cli(['check', path.join(dir, 'beyond-essay.md'), '--json']);
    assert.strictEqual(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { annotations: { id: string; status: string; start: number | null }[] };
    assert.deepStrictEqual(report.annotations.map((a) => [a.id, a.status]).sort(), [['p-found', 'anchored'], ['p-gone', 'detached']]);
    tally({ faults: 1 }, 'reliability');
  });

  test('a good sidecar next to the bad ones still saves (the checks are not refusing everything)', async () => {
    const text = stringifySidecar({ version: 1, document: 'essay.md', annotations: [passage('p-1', 0)] });
    await fs.writeFile(file, text);
    const r = await cli(['tag', essay, '--tag', 'counting-argument', '--quote', 'many more deceptive models']);
    assert.strictEqual(r.code, 0, r.stderr);
    const after = parseSidecar(await fs.readFile(file, 'utf8'), file);
    assert.ok(after.ok);
    assert.strictEqual(after.sidecar.annotations.length, 2);
  });
});
