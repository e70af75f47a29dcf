import * as assert from 'assert';
import fc from 'fast-check';
import { PieceText } from '../../src/core/pieces';
import type { TextEdit } from '../../src/core/text';
import { applyEdits } from '../../src/core/track';

/** Non-overlapping edits of a text of `length` characters, as one change event holds them. */
function editsOf(length: number): fc.Arbitrary<TextEdit[]> {
  const insert = fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }), fc.string({ minLength: 5000, maxLength: 12000 }), fc.constant('😀\r\n'));
  return fc.array(fc.tuple(fc.nat(length), fc.nat(length), insert), { maxLength: 5 }).map((raw) => {
    const spans = raw.map(([a, b, text]) => ({ start: Math.min(a, b), end: Math.max(a, b), text })).sort((x, y) => x.start - y.start);
    const out: TextEdit[] = [];
    let last = -1;
    for (const s of spans) {
      if (s.start <= last) continue;
      out.push(s);
      last = s.end;
    }
    return out;
  });
}

suite('pieces: a text edited without copying itself', () => {
  test('any sequence of edit events gives the same text, slices and length as editing a string', () => {
    const start = fc.oneof(fc.constant(''), fc.string({ maxLength: 100 }), fc.string({ minLength: 9000, maxLength: 30000 }));
    fc.assert(fc.property(start, fc.array(fc.nat(), { maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }), (initial, seeds, cuts) => {
      let expected = initial;
      let pieces = PieceText.of(initial);
      for (const seed of seeds) {
        const edits = fc.sample(editsOf(expected.length), { seed, numRuns: 1 })[0];
        expected = applyEdits(expected, edits);
        pieces = pieces.edit(edits);
        assert.strictEqual(pieces.length, expected.length);
        // Slices are read from the pieces, before anything joins them.
        for (const [a, b] of cuts) {
          const from = a % (expected.length + 1);
          const to = from + (b % 9000);
          assert.strictEqual(pieces.slice(from, to), expected.slice(from, to));
          assert.ok(pieces.startsWith(expected.slice(from, to), from));
        }
      }
      assert.strictEqual(pieces.toString(), expected);
    }), { numRuns: 300 });
  });

  test('an edit in a long text leaves the text it was made from as it was', () => {
    const text = 'abcdefghij'.repeat(100_000);
    const before = PieceText.of(text);
    const after = before.edit([{ start: 500_000, end: 500_001, text: 'XY' }]);
    assert.strictEqual(after.slice(499_998, 500_004), 'ijXYbc');
    assert.strictEqual(after.length, text.length + 1);
    // The old text is unchanged: edits make a new text.
    assert.strictEqual(before.slice(499_998, 500_004), text.slice(499_998, 500_004));
  });

  test('a slice that asks past the end is cut at the end, and an empty text stays empty', () => {
    const t = PieceText.of('').edit([{ start: 0, end: 0, text: 'hello' }]);
    assert.strictEqual(t.slice(3, 99), 'lo');
    assert.strictEqual(t.slice(-4, 2), 'he');
    assert.strictEqual(t.edit([{ start: 0, end: 5, text: '' }]).toString(), '');
    assert.ok(!t.startsWith('lox', 3));
  });
});
