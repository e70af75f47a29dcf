import * as assert from 'assert';
import fc from 'fast-check';
import { BUILTIN_TAGS, buildCodebook, tagById, type Codebook } from '../../src/core/codebook';
import { isSlug } from '../../src/core/slug';

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

function byId(c: Codebook, id: string) {
  return c.tags.find((t) => t.id === id);
}

suite('codebook', () => {
  test('the three built-in tags of the product, with colours and definitions', () => {
    const c = buildCodebook([]);
    assert.deepStrictEqual(c.problems, []);
    assert.deepStrictEqual(c.tags.map((t) => [t.id, t.label, t.builtin]), [
      ['counting-argument', 'Counting argument', true],
      ['simplicity-prior', 'Simplicity prior', true],
      ['reward-as-update-strength', 'Reward as update strength', true],
    ]);
    for (const t of c.tags) {
      assert.match(t.color, COLOR);
      assert.ok(t.definition.length > 20, t.id);
    }
    assert.match(byId(c, 'counting-argument')!.definition, /many more deceptive models than aligned ones/);
  });

  test('building does not change BUILTIN_TAGS', () => {
    const before = JSON.stringify(BUILTIN_TAGS);
    buildCodebook([{ name: 's', entries: [{ id: 'counting-argument', label: 'Changed' }] }]);
    assert.strictEqual(JSON.stringify(BUILTIN_TAGS), before);
  });

  test('user entries extend the codebook', () => {
    const c = buildCodebook([{ name: 'cruxmark.tags', entries: [{ id: 'mesa-optimizer', label: 'Mesa-optimizer', color: '#a855f7', definition: 'A learned optimizer.' }] }]);
    assert.deepStrictEqual(c.problems, []);
    assert.deepStrictEqual(byId(c, 'mesa-optimizer'), { id: 'mesa-optimizer', label: 'Mesa-optimizer', color: '#a855f7', definition: 'A learned optimizer.' });
    assert.strictEqual(c.tags.length, 4);
  });

  test('a user entry with a built-in id overrides only what it gives', () => {
    const c = buildCodebook([{ name: 'cruxmark.tags', entries: [{ id: 'simplicity-prior', label: 'Simplicity bias' }, { id: 'counting-argument', color: '#000000cc' }] }]);
    const s = byId(c, 'simplicity-prior')!;
    assert.deepStrictEqual([s.label, s.color, s.definition, s.builtin], ['Simplicity bias', BUILTIN_TAGS[1].color, BUILTIN_TAGS[1].definition, true]);
    const k = byId(c, 'counting-argument')!;
    assert.deepStrictEqual([k.label, k.color], ['Counting argument', '#000000cc']);
  });

  test('later sources win: .cruxmark/tags.json after the setting', () => {
    const c = buildCodebook([
      { name: 'cruxmark.tags', entries: [{ id: 'x', label: 'From the setting', color: '#111111' }] },
      { name: '.cruxmark/tags.json', entries: [{ id: 'x', label: 'From the file' }] },
    ]);
    assert.strictEqual(byId(c, 'x')!.label, 'From the file');
    assert.strictEqual(c.tags.filter((t) => t.id === 'x').length, 1);
  });

  test('a user tag without a colour gets a stable one from the palette; without a label, its id', () => {
    const one = byId(buildCodebook([{ name: 's', entries: [{ id: 'deception' }] }]), 'deception')!;
    const two = byId(buildCodebook([{ name: 't', entries: [{ id: 'deception' }] }]), 'deception')!;
    assert.match(one.color, COLOR);
    assert.strictEqual(one.color, two.color);
    assert.strictEqual(one.label, 'deception');
    assert.strictEqual(byId(buildCodebook([{ name: 's', entries: [{ id: 'y', label: '   ' }] }]), 'y')!.label, 'y');
  });

  test('bad entries are reported with their paths, skipped or repaired, never thrown', () => {
    const c = buildCodebook([
      { name: 'cruxmark.tags', entries: [
        { id: 'ok', label: 'OK' },
        'a string',
        null,
        { label: 'no id' },
        { id: 'Not A Slug' },
        { id: 'bad-colour', color: 'purple' },
        { id: 'bad-types', label: 3, definition: ['x'] },
        [],
      ] },
      { name: '.cruxmark/tags.json', entries: { id: 'not-a-list' } },
      { name: 'unset', entries: undefined },
    ]);
    assert.deepStrictEqual(c.problems.map((p) => p.path), [
      'cruxmark.tags[1]',
      'cruxmark.tags[2]',
      'cruxmark.tags[3].id',
      'cruxmark.tags[4].id',
      'cruxmark.tags[5].color',
      'cruxmark.tags[6].label',
      'cruxmark.tags[6].definition',
      'cruxmark.tags[7].id',
      '.cruxmark/tags.json',
    ]);
    for (const p of c.problems) assert.ok(p.message.length > 0);
    assert.match(c.problems.find((p) => p.path.endsWith('.color'))!.message, /hex colour/);
    // Skipped: entries without a usable id. Repaired: a bad colour or bad text falls back.
    assert.deepStrictEqual(c.tags.map((t) => t.id), ['counting-argument', 'simplicity-prior', 'reward-as-update-strength', 'ok', 'bad-colour', 'bad-types']);
    assert.match(byId(c, 'bad-colour')!.color, COLOR);
    assert.deepStrictEqual([byId(c, 'bad-types')!.label, byId(c, 'bad-types')!.definition], ['bad-types', '']);
  });

  test('property: any JSON in any source builds a codebook (built-ins kept, ids unique, colours hex) and never throws', () => {
    const entry = fc.oneof(
      fc.jsonValue(),
      fc.record({ id: fc.oneof(fc.string(), fc.constantFrom('counting-argument', 'x', 'mesa-optimizer')), label: fc.jsonValue(), color: fc.oneof(fc.string(), fc.constantFrom('#abc', '#a855f7', '#a855f7cc')), definition: fc.jsonValue() }, { requiredKeys: [] }),
    );
    const sources = fc.array(fc.record({ name: fc.constantFrom('cruxmark.tags', '.cruxmark/tags.json'), entries: fc.oneof(fc.array(entry, { maxLength: 6 }), fc.jsonValue()) }), { maxLength: 3 });
    fc.assert(fc.property(sources, (s) => {
      const c = buildCodebook(s);
      const ids = c.tags.map((t) => t.id);
      assert.strictEqual(new Set(ids).size, ids.length);
      for (const b of BUILTIN_TAGS) assert.ok(ids.includes(b.id), b.id);
      for (const t of c.tags) {
        assert.ok(isSlug(t.id), t.id);
        assert.match(t.color, COLOR);
        assert.strictEqual(typeof t.label, 'string');
        assert.ok(t.label.trim().length > 0);
        assert.strictEqual(typeof t.definition, 'string');
      }
      for (const p of c.problems) assert.ok(s.some((src) => p.path.startsWith(src.name)), p.path);
    }), { numRuns: 500 });
  });

  test('tagById: a tag the codebook does not know gets a placeholder, never dropped', () => {
    const c = buildCodebook([]);
    assert.strictEqual(tagById(c, 'simplicity-prior').label, 'Simplicity prior');
    const unknown = tagById(c, 'gone-tag');
    assert.deepStrictEqual([unknown.id, unknown.label], ['gone-tag', 'gone-tag']);
    assert.match(unknown.color, COLOR);
  });
});
