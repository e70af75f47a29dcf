import * as assert from 'assert';
import Ajv from 'ajv';
import fc from 'fast-check';
import type { Annotation, Sidecar } from '../../src/core/model';
import schema from '../../schemas/sidecar.schema.json';
import {
  compareAnnotations, emptySidecar, formatProblem, MAX_SIDECAR_BYTES, orderedAnnotation, parseSidecar, stringifySidecar,
  type ParseResult, type SidecarProblem,
} from '../../src/core/sidecar';
import { passage, sidecarArb } from '../fixtures/sidecars/arbitraries';

const FILE = 'essay.md.cruxmark.json';

function problems(r: ParseResult): SidecarProblem[] {
  assert.strictEqual(r.ok, false, 'expected the sidecar to be refused');
  return (r as { problems: SidecarProblem[] }).problems;
}

function sidecarOf(r: ParseResult): Sidecar {
  if (!r.ok) assert.fail(`refused: ${r.problems.map(formatProblem).join('; ')}`);
  return r.sidecar;
}

/** A small valid sidecar as a user might have it on disk, pretty-printed. */
function fileText(annotations: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 1, document: 'essay.md', annotations, ...extra }, null, 2);
}

/** 1-based line and column of a UTF-16 index, counted as an editor shows them (no BOM column). */
function placeAt(text: string, at: number): { line: number; column: number } {
  const lines = text.slice(0, at).replace(/^\uFEFF/, '').split(/\r\n|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** The place of the first occurrence of `needle` at or after `from`. */
function placeOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  assert.ok(at >= 0, `${needle} not in text`);
  return placeAt(text, at);
}

/** What a sidecar reads back as: sorted by position, keys in file order, empty optional fields gone. */
function canonical(s: Sidecar): Sidecar {
  return { version: 1, document: s.document, annotations: [...s.annotations].sort(compareAnnotations).map(orderedAnnotation) };
}

suite('sidecar: reading', () => {
  test('a valid file reads back with its annotations', () => {
    const a = passage('p-1', 10, { note: 'why' });
    const s = sidecarOf(parseSidecar(fileText([a]), FILE));
    assert.deepStrictEqual(s.annotations, [a]);
    assert.strictEqual(s.document, 'essay.md');
  });

  test('bad JSON: one problem at the right line and column', () => {
    const text = '{\n  "version": 1,\n  "document": "essay.md"\n  "annotations": []\n}\n';
    const [p, ...rest] = problems(parseSidecar(text, FILE));
    assert.deepStrictEqual(rest, []);
    assert.match(p.message, /invalid JSON: comma expected/);
    assert.deepStrictEqual({ line: p.line, column: p.column }, placeOf(text, '"annotations"'));
    assert.strictEqual(formatProblem(p), `${FILE}:4:3: invalid JSON: comma expected`);
  });

  test('bad JSON with CRLF line ends: lines count CRLF once', () => {
    const text = '{\r\n  "version": 1,\r\n  "document": "essay.md",\r\n  "annotations": [,]\r\n}\r\n';
    const [p, ...rest] = problems(parseSidecar(text, FILE));
    assert.deepStrictEqual(rest, []);
    assert.deepStrictEqual({ line: p.line, column: p.column }, { line: 4, column: 19 });
  });

  test('bad JSON after a byte order mark: the mark is not a column', () => {
    // Editors hide the BOM, so column 1 is the first visible character.
    const text = '\uFEFF{"version": 1, "document": "essay.md", "annotations": [} ';
    const [p, ...rest] = problems(parseSidecar(text, FILE));
    assert.deepStrictEqual(rest, []);
    assert.deepStrictEqual({ line: p.line, column: p.column }, placeOf(text, '} '));
    assert.strictEqual(p.column, text.indexOf('} '));
  });

  test('BOM and CRLF together, error on a later line', () => {
    const text = '\uFEFF{\r\n  "version": 1,\r\n  "document": "essay.md",\r\n  "annotations": [] x\r\n}';
    const [p] = problems(parseSidecar(text, FILE));
    assert.deepStrictEqual({ line: p.line, column: p.column }, { line: 4, column: 21 });
    assert.deepStrictEqual({ line: p.line, column: p.column }, placeOf(text, 'x'));
  });

  test('a file with a BOM but good JSON reads', () => {
    sidecarOf(parseSidecar('\uFEFF' + fileText([passage('p-1', 0)]), FILE));
  });

  test('empty and blank files are refused as invalid JSON, not crashed on', () => {
    // The place is where a value was expected: the end of the file.
    for (const [text, line, column] of [['', 1, 1], ['\uFEFF', 1, 1], ['   \n', 2, 1], ['\r\n\t', 2, 2]] as const) {
      const [p, ...rest] = problems(parseSidecar(text, FILE));
      assert.deepStrictEqual(rest, []);
      assert.match(p.message, /invalid JSON: value expected/);
      assert.deepStrictEqual({ line: p.line, column: p.column }, { line, column }, JSON.stringify(text));
    }
  });

  test('JSON that is not an object is refused', () => {
    for (const text of ['[]', '42', 'null', '"x"']) {
      const [p] = problems(parseSidecar(text, FILE));
      assert.match(p.message, /must be a JSON object/);
    }
  });

  test('comments and trailing commas are invalid JSON (the file is plain JSON)', () => {
    assert.match(problems(parseSidecar('{"version": 1, // x\n"document": "a.md", "annotations": []}', FILE))[0].message, /invalid JSON/);
    assert.match(problems(parseSidecar('{"version": 1, "document": "a.md", "annotations": [],}', FILE))[0].message, /invalid JSON/);
  });

  test('schema errors name the JSON path and its place', () => {
    const bad = passage('p-2', 20);
    (bad.target.position as unknown as { start: unknown }).start = -4;
    const text = fileText([passage('p-1', 0), bad]);
    const ps = problems(parseSidecar(text, FILE));
    const p = ps.find((x) => x.path === 'annotations[1].target.position.start');
    assert.ok(p, `no problem at annotations[1].target.position.start: ${ps.map(formatProblem).join('; ')}`);
    assert.match(p.message, />= 0/);
    // The place is the value's, in the second annotation.
    assert.deepStrictEqual({ line: p.line, column: p.column }, placeOf(text, '-4', text.indexOf('"p-2"')));
  });

  test('schema errors: unknown property, bad kind, bad tag, bad time', () => {
    const a = { ...passage('p-1', 0), colour: 'red', kind: 'thesis', tags: ['Not A Slug'], created: 'yesterday' };
    const ps = problems(parseSidecar(fileText([a]), FILE));
    const byPath = (path: string, re: RegExp): void => {
      assert.ok(ps.some((p) => p.path === path && re.test(p.message) && p.line !== undefined), `${path} ${re}: ${ps.map(formatProblem).join('; ')}`);
    };
    byPath('annotations[0]', /unknown property "colour"/);
    byPath('annotations[0].kind', /must be one of "passage", "claim", "crux"/);
    byPath('annotations[0].tags[0]', /^must be a lowercase slug such as "counting-argument"$/);
    byPath('annotations[0].created', /date-time/);
  });

  test('a claim without a title is refused at its annotation', () => {
    const claim = { ...passage('some-claim', 0), kind: 'claim' };
    const ps = problems(parseSidecar(fileText([claim]), FILE));
    // One problem that says what is missing, not also the schema's internal "must match then".
    assert.deepStrictEqual(ps.map((p) => [p.path, p.message]), [['annotations[0]', 'missing required property "title"']]);
  });

  test('a claim id must be a slug; a passage id need not be', () => {
    const claim = { ...passage('Some_Claim', 0), kind: 'crux', title: 'T' };
    assert.ok(problems(parseSidecar(fileText([claim]), FILE)).some((p) => p.path === 'annotations[0].id' && /lowercase slug/.test(p.message)));
    const bad = passage('-starts-with-dash', 0);
    assert.ok(problems(parseSidecar(fileText([bad]), FILE)).some((p) => p.path === 'annotations[0].id' && /starting with a letter or digit/.test(p.message)));
    sidecarOf(parseSidecar(fileText([passage('Some_Passage', 0)]), FILE));
  });

  test('a missing version is reported as not a sidecar', () => {
    const ps = problems(parseSidecar(JSON.stringify({ document: 'essay.md', annotations: [] }), FILE));
    assert.strictEqual(ps.length, 1);
    assert.match(ps[0].message, /has no "version"/);
  });

  test('a newer version asks for a newer Cruxmark, at the version field', () => {
    const text = '{\n  "version": 2,\n  "document": "essay.md",\n  "annotations": []\n}';
    const [p, ...rest] = problems(parseSidecar(text, FILE));
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(p.path, 'version');
    assert.match(p.message, /version 2 was written by a newer Cruxmark/);
    assert.deepStrictEqual({ line: p.line, column: p.column }, { line: 2, column: 14 });
  });

  test('nonsense versions are unknown', () => {
    for (const v of ['"1"', '0', '-1', '1.5', 'null', 'true']) {
      const [p] = problems(parseSidecar(`{"version": ${v}, "document": "essay.md", "annotations": []}`, FILE));
      assert.match(p.message, /unknown version|must be 1/, v);
      assert.strictEqual(p.path, 'version', v);
    }
  });

  test('duplicate ids are refused, naming both', () => {
    const text = fileText([passage('p-1', 0), passage('p-2', 5), passage('p-1', 9)]);
    const ps = problems(parseSidecar(text, FILE));
    assert.strictEqual(ps.length, 1);
    assert.strictEqual(ps[0].path, 'annotations[2].id');
    assert.match(ps[0].message, /duplicate id "p-1" \(also annotations\[0\]\)/);
    assert.deepStrictEqual({ line: ps[0].line, column: ps[0].column }, placeAt(text, text.lastIndexOf('"p-1"')));
  });

  test('start after end is refused', () => {
    const bad = passage('p-1', 0);
    bad.target.position = { start: 30, end: 12 };
    const ps = problems(parseSidecar(fileText([bad]), FILE));
    assert.strictEqual(ps.length, 1);
    assert.strictEqual(ps[0].path, 'annotations[0].target.position');
    assert.match(ps[0].message, /start 30 is after end 12/);
    assert.ok(ps[0].line !== undefined && ps[0].line > 1);
  });

  test('a document field that leaves the folder is refused', () => {
    for (const doc of ['../../../etc/passwd', '..', '.', 'sub/essay.md', 'a\\b.md']) {
      const ps = problems(parseSidecar(fileText([], { document: doc }), FILE));
      // Said in words, not as the schema's regular expression.
      assert.deepStrictEqual(ps.map((p) => [p.path, p.message, p.line]), [['document', 'must be the essay\'s file name, in the same folder as the sidecar (no "/", "\\" or "..")', 3]], doc);
    }
    assert.ok(problems(parseSidecar(fileText([], { document: '' }), FILE)).some((p) => p.path === 'document'));
  });

  test('a text over the size limit is refused with a message, before parsing', () => {
    const big = '{"version": 1, "document": "essay.md", "annotations": [' + ' '.repeat(17 * 1024 * 1024) + ']}';
    const started = Date.now();
    const [p, ...rest] = problems(parseSidecar(big, FILE));
    assert.deepStrictEqual(rest, []);
    assert.match(p.message, /is 17\.0 MB; Cruxmark reads sidecars up to 16 MB/);
    assert.ok(Date.now() - started < 500, 'the refusal should not parse the text');
    assert.strictEqual(MAX_SIDECAR_BYTES, 16 * 1024 * 1024);
    // A large but legal file still reads: 2,000 annotations with long notes, about 2 MB.
    const many = Array.from({ length: 2000 }, (_, i) => passage(`p-${i}`, i, { note: 'n'.repeat(900) }));
    assert.strictEqual(sidecarOf(parseSidecar(fileText(many), FILE)).annotations.length, 2000);
  });

  test('problems are capped and each formats as one line', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...passage(`p-${i}`, i), kind: 'nope' }));
    const ps = problems(parseSidecar(fileText(many), FILE));
    assert.ok(ps.length > 1 && ps.length <= 20, String(ps.length));
    for (const p of ps) assert.ok(!formatProblem(p).includes('\n'));
  });
});

suite('sidecar: writing', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('date-time', true);
  const validSchema = ajv.compile(schema);

  test('fixed key order, sorted annotations, two-space indent, one trailing newline', () => {
    const a = passage('b', 50, { note: 'n', links: [{ target: 'x', relation: 'supports' }] as never, title: 'T', detached: true });
    const b = passage('a', 50);
    const c = passage('c', 3);
    const text = stringifySidecar({ version: 1, document: 'essay.md', annotations: [a, b, c] });
    assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'));
    assert.ok(text.startsWith('{\n  "version": 1,\n  "document": "essay.md",\n  "annotations": [\n    {\n      "id": "c",'));
    const ids = [...text.matchAll(/^ {6}"id": "([^"]+)"/gm)].map((m) => m[1]);
    assert.deepStrictEqual(ids, ['c', 'a', 'b']);
    const keys = [...text.slice(text.lastIndexOf('\n', text.indexOf('"id": "b"'))).matchAll(/^ {6}"(\w+)":/gm)].map((m) => m[1]);
    assert.deepStrictEqual(keys, ['id', 'kind', 'tags', 'title', 'note', 'links', 'target', 'detached', 'created', 'updated']);
    assert.ok(text.includes('"relation": "supports",\n          "target": "x"'));
  });

  test('empty optional fields are left out', () => {
    const text = stringifySidecar({ version: 1, document: 'essay.md', annotations: [passage('a', 0, { note: '', links: [], detached: false })] });
    assert.ok(!/"note"|"links"|"detached"/.test(text), text);
  });

  test('an empty sidecar', () => {
    assert.strictEqual(stringifySidecar(emptySidecar('essay.md')), '{\n  "version": 1,\n  "document": "essay.md",\n  "annotations": []\n}\n');
  });

  test('property: what is written reads back as the same sidecar, and writing is idempotent', () => {
    fc.assert(fc.property(sidecarArb, (s) => {
      const text = stringifySidecar(s);
      assert.ok(validSchema(JSON.parse(text)), JSON.stringify(validSchema.errors));
      const back = sidecarOf(parseSidecar(text, FILE));
      assert.deepStrictEqual(back, canonical(s));
      assert.strictEqual(stringifySidecar(back), text);
      assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
    }), { numRuns: 300 });
  });

  test('property: the text does not depend on the order annotations are held in', () => {
    fc.assert(fc.property(sidecarArb, fc.infiniteStream(fc.nat()), (s, seeds) => {
      const shuffled = [...s.annotations].map((a) => ({ a, k: seeds.next().value })).sort((x, y) => x.k - y.k).map(({ a }) => a);
      assert.strictEqual(stringifySidecar({ ...s, annotations: shuffled }), stringifySidecar(s));
    }), { numRuns: 200 });
  });

  test('property: written annotations are in position order', () => {
    fc.assert(fc.property(sidecarArb, (s) => {
      const back = sidecarOf(parseSidecar(stringifySidecar(s), FILE)).annotations;
      for (let i = 1; i < back.length; i++) assert.ok(compareAnnotations(back[i - 1], back[i]) < 0);
    }), { numRuns: 200 });
  });

  test('stringify does not change the sidecar it is given', () => {
    const a: Annotation = passage('b', 50, { tags: ['z', 'a'] });
    const s: Sidecar = { version: 1, document: 'essay.md', annotations: [a, passage('a', 1)] };
    const before = JSON.stringify(s);
    stringifySidecar(s);
    assert.strictEqual(JSON.stringify(s), before);
  });
});
