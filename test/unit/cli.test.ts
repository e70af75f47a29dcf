import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli';

/** Runs the CLI in-process and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const ESSAY = `# Deceptive alignment

The counting argument says that there are many more deceptive models than aligned ones, so training should expect to find one of them.

## The argument

Among all the goals a model could have, almost all would lead it to play along during training. Only a thin sliver of goals are the ones we wanted.

> Inner misalignment is the default because misaligned goals vastly outnumber aligned ones.

## Simplicity

A simplicity prior favours short descriptions, and a "deceptive" model may be simpler than an aligned one because its goal can be anything.

Only a thin sliver of goals are the ones we wanted.

## Reward

Reward is not the optimization target: it is how strongly an update reinforces the computations that produced the behaviour.

A paragraph that will be deleted entirely, with its annotation.
`;

interface CheckJson {
  document: string;
  annotations: { id: string; tags: string[]; kind: string; status: string; start: number | null; end: number | null; text: string | null }[];
}

suite('cli', () => {
  let dir: string;
  let essay: string;
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cruxmark-cli-'));
    essay = path.join(dir, 'essay.md');
    fs.writeFileSync(essay, ESSAY);
  });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('tag then check --json after the edits a draft goes through: every passage on its text or detached, none misplaced', async () => {
    const passages: [string, string, number?][] = [
      ['there are many more deceptive models than aligned ones', 'counting-argument'],
      ['almost all would lead it to play along during training', 'counting-argument'],
      ['Only a thin sliver of goals are the ones we wanted.', 'simplicity-prior', 2],
      ['a "deceptive" model may be simpler than an aligned one', 'simplicity-prior'],
      ['Reward is not the optimization target', 'reward-as-update-strength'],
      ['A paragraph that will be deleted entirely, with its annotation.', 'counting-argument'],
      ['Inner misalignment is the default', 'counting-argument'],
    ];
    const ids: string[] = [];
    for (const [quote, tag, occurrence] of passages) {
      const r = await cli('tag', essay, '--tag', tag, '--quote', quote, ...(occurrence ? ['--occurrence', String(occurrence)] : []));
      assert.strictEqual(r.code, 0, r.stderr);
      ids.push(r.stdout.trim());
    }
    const before = await cli('check', essay, '--json');
    assert.strictEqual(before.code, 0);
    const first = JSON.parse(before.stdout) as CheckJson;
    assert.ok(first.annotations.every((a) => a.status === 'anchored'));
    // The second copy of the repeated sentence was tagged, and stays the second copy.
    const secondCopy = ESSAY.indexOf('Only a thin sliver', ESSAY.indexOf('Only a thin sliver') + 1);
    assert.strictEqual(first.annotations.find((a) => a.id === ids[2])!.start, secondCopy);

    // Edits: reflow, CRLF, smart quotes, a changed word, moved sections, a deleted paragraph.
    let text = ESSAY
      .replace('almost all would lead it to play along during training', 'almost all would lead it to\nplay along during training')
      .replace('a "deceptive" model', 'a \u201cdeceptive\u201d model')
      .replace('Reward is not the optimization target', 'Reward is not the optimisation target')
      .replace('A paragraph that will be deleted entirely, with its annotation.\n', '');
    const [head, ...sections] = text.split('\n## ');
    text = [head, sections[2], sections[0], sections[1]].join('\n## ').replace(/\n/g, '\r\n');
    fs.writeFileSync(essay, text);

    const after = await cli('check', essay, '--json');
    assert.strictEqual(after.code, 1, 'a detached annotation makes check exit 1');
    const result = JSON.parse(after.stdout) as CheckJson;
    const cps = [...text];
    const expected: Record<string, string | null> = {
      [ids[0]]: 'there are many more deceptive models than aligned ones',
      [ids[1]]: 'almost all would lead it to\r\nplay along during training',
      [ids[2]]: 'Only a thin sliver of goals are the ones we wanted.',
      [ids[3]]: 'a \u201cdeceptive\u201d model may be simpler than an aligned one',
      [ids[4]]: 'Reward is not the optimisation target',
      [ids[5]]: null,
      [ids[6]]: 'Inner misalignment is the default',
    };
    for (const a of result.annotations) {
      const want = expected[a.id];
      if (want === null) {
        assert.strictEqual(a.status, 'detached', `${a.id} lost its text and must be detached`);
        assert.strictEqual(a.start, null);
        continue;
      }
      assert.notStrictEqual(a.status, 'detached', `${a.id} should be found: ${want}`);
      assert.strictEqual(a.text, want, `${a.id} placed on the wrong text`);
      assert.strictEqual(cps.slice(a.start!, a.end!).join(''), a.text, 'start and end are code points into the current text');
    }
    // The repeated sentence: the second copy is still the one, after the sections moved.
    const moved = result.annotations.find((a) => a.id === ids[2])!;
    const copies = [...text.matchAll(/Only a thin sliver/g)].map((m) => [...text.slice(0, m.index)].length);
    assert.strictEqual(copies.length, 2);
    assert.strictEqual(moved.start, copies[1], 'the annotation stays on the second copy');
  });

  test('a corrupt sidecar makes check exit 2 with one clear line, and the file is unchanged', async () => {
    assert.strictEqual((await cli('tag', essay, '--tag', 'counting-argument', '--quote', 'counting argument')).code, 0);
    const sidecar = `${essay}.cruxmark.json`;
    const corrupt = fs.readFileSync(sidecar, 'utf8').replace('"tags": [', '"tags": [,');
    fs.writeFileSync(sidecar, corrupt);
    for (const args of [['check', essay], ['check', essay, '--write'], ['tag', essay, '--tag', 'simplicity-prior', '--quote', 'aligned ones']]) {
      const r = await cli(...args);
      assert.strictEqual(r.code, 2, args.join(' '));
      const lines = r.stderr.trimEnd().split('\n');
      assert.strictEqual(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`${sidecar.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid JSON`));
      assert.strictEqual(fs.readFileSync(sidecar, 'utf8'), corrupt);
    }
  });

  test('bad usage and unreadable input exit 2 and write nothing', async () => {
    const cases: string[][] = [
      [],
      ['frobnicate'],
      ['tag', essay],
      ['tag', essay, '--tag', 'counting-argument'],
      ['tag', essay, '--tag', 'Not A Slug', '--quote', 'counting'],
      ['tag', essay, '--tag', 'counting-argument', '--quote', 'not in the essay at all'],
      ['tag', essay, '--tag', 'counting-argument', '--range', '5:1'],
      ['tag', essay, '--tag', 'counting-argument', '--range', '0:999999'],
      ['tag', essay, '--kind', 'crux', '--quote', 'counting'],
      ['check', path.join(dir, 'missing.md')],
      ['export', essay, '--format', 'pdf'],
      ['claims', path.join(dir, 'nowhere')],
    ];
    for (const args of cases) {
      const r = await cli(...args);
      assert.strictEqual(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.strictEqual(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    }
    assert.ok(!fs.existsSync(`${essay}.cruxmark.json`), 'nothing was written');
    fs.writeFileSync(path.join(dir, 'binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]));
    const bin = await cli('check', path.join(dir, 'binary.md'));
    assert.strictEqual(bin.code, 2);
    assert.match(bin.stderr, /binary\.md: is a binary file/);
  });

  test('--range counts code points, and claims get unique slug ids', async () => {
    fs.writeFileSync(essay, '# T\n\n🧠 Brains 🤖 and models.\n');
    // '# T\n\n' is five code points; the brain emoji is one code point and two UTF-16 units.
    const r = await cli('tag', essay, '--tag', 'simplicity-prior', '--range', '5:13', '--json');
    assert.strictEqual(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const check = JSON.parse((await cli('check', essay, '--json')).stdout) as CheckJson;
    assert.strictEqual(check.annotations[0].text, '🧠 Brains');
    assert.deepStrictEqual([out.start, out.end, check.annotations[0].start, check.annotations[0].end], [5, 13, 5, 13]);
    const a = await cli('tag', essay, '--kind', 'claim', '--title', 'Brains!', '--quote', 'Brains');
    const b = await cli('tag', essay, '--kind', 'crux', '--title', 'Brains', '--quote', 'models');
    assert.deepStrictEqual([a.stdout.trim(), b.stdout.trim()], ['brains', 'brains-2']);
    const claims = JSON.parse((await cli('claims', essay, '--json')).stdout);
    assert.deepStrictEqual(claims.claims.map((c: { id: string; kind: string }) => `${c.kind}:${c.id}`), ['claim:brains', 'crux:brains-2']);
  });

  test('export writes every format for a folder', async () => {
    await cli('tag', essay, '--tag', 'counting-argument', '--quote', 'many more deceptive models', '--note', '=HYPERLINK("x")');
    for (const format of ['md', 'csv', 'json', 'w3c', 'html']) {
      const out = path.join(dir, `out.${format}`);
      const r = await cli('export', dir, '--format', format, '--out', out);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.ok(fs.readFileSync(out, 'utf8').includes('many more deceptive models'), format);
    }
    const csv = fs.readFileSync(path.join(dir, 'out.csv'), 'utf8');
    assert.ok(csv.includes('\'=HYPERLINK'), 'formula neutralised');
  });
});
