import * as assert from 'assert';
import { renderJson } from '../../src/core/export/json';
import { fixtureInput, HOSTILE_TAG } from '../fixtures/export/input';
import { errorsOf, exportValidator } from '../fixtures/export/schemas';

suite('export: JSON', () => {
  const input = fixtureInput();
  const text = renderJson(input);
  const doc = JSON.parse(text) as Record<string, unknown> & { excerpts: Record<string, unknown>[]; tags: Record<string, unknown>[] };
  const validate = exportValidator();

  test('validates against schemas/export.schema.json', () => {
    assert.ok(validate(doc), errorsOf(validate));
  });

  test('header fields and every excerpt, unchanged, in order', () => {
    assert.deepStrictEqual(
      { format: doc.format, version: doc.version, title: doc.title, generated: doc.generated, filterTags: doc.filterTags },
      { format: 'cruxmark-export', version: 1, title: input.title, generated: input.generated, filterTags: [] },
    );
    // JSON round trip of the input drops undefined fields, as the export does.
    assert.deepStrictEqual(doc.excerpts, JSON.parse(JSON.stringify(input.excerpts)));
    const detached = doc.excerpts.find((e) => e.id === 'detached-1')!;
    assert.deepStrictEqual([detached.status, detached.start, detached.end], ['detached', null, null]);
  });

  test('lists the tags it refers to, unknown ones with their id as label', () => {
    assert.deepStrictEqual(doc.tags.map((t) => [t.id, t.label, t.inCodebook, t.builtin]), [
      ['counting-argument', 'Counting argument', true, true],
      ['simplicity-prior', 'Simplicity prior', true, true],
      ['reward-as-update-strength', 'Reward as update strength', true, true],
      ['mesa-optimizer', HOSTILE_TAG.label, true, false],
      ['no-such-tag', 'no-such-tag', false, false],
    ]);
  });

  test('pretty-printed, stable, ends with a newline; non-BMP text stays readable', () => {
    assert.ok(text.endsWith('}\n'));
    assert.strictEqual(renderJson(fixtureInput()), text);
    assert.ok(text.includes('"note": "Non-BMP: 𝔸🧠 and 👩🏽‍🔬"'));
    assert.ok(text.startsWith('{\n  "format": "cruxmark-export",\n  "version": 1,'));
  });

  test('the schema rejects what it must (so the validation above can fail)', () => {
    const bad: [string, (d: typeof doc) => void][] = [
      ['wrong format', (d) => (d.format = 'other')],
      ['future version', (d) => (d.version = 2)],
      ['detached with a position', (d) => (d.excerpts.find((e) => e.id === 'detached-1')!.start = { offset: 0, line: 1, column: 1 })],
      ['anchored without a position', (d) => (d.excerpts[0].start = null)],
      ['0-based line', (d) => ((d.excerpts[0].start as { line: number }).line = 0)],
      ['unknown kind', (d) => (d.excerpts[0].kind = 'quote')],
      ['unknown relation', (d) => ((d.excerpts[1].relations as { relation: string }[])[0].relation = 'refutes')],
      ['unknown field', (d) => (d.excerpts[0].colour = 'red')],
      ['missing text', (d) => delete d.excerpts[0].text],
      ['bad time', (d) => (d.excerpts[0].created = 'yesterday')],
      ['absolute document path', (d) => (d.excerpts[0].document = '/home/me/essay.md')],
    ];
    for (const [name, mutate] of bad) {
      const copy = JSON.parse(text) as typeof doc;
      mutate(copy);
      assert.strictEqual(validate(copy), false, `accepted: ${name}`);
    }
  });

  test('an empty export is valid', () => {
    const empty = JSON.parse(renderJson(fixtureInput({ excerpts: [] }))) as { excerpts: unknown[]; tags: unknown[] };
    assert.ok(validate(empty), errorsOf(validate));
    assert.deepStrictEqual(empty.excerpts, []);
    assert.deepStrictEqual(empty.tags, []);
  });
});
