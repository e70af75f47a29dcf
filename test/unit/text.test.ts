import * as assert from 'assert';
import fc from 'fast-check';
import { CodePointIndex, LineIndex, stripBom } from '../../src/core/text';
import { mapRange, applyEdits, composeEdits } from '../../src/core/track';

/** Checks every code-point offset of `text` both ways against the string iterator's code points. */
function assertRoundTrips(text: string): void {
  const cp = new CodePointIndex(text);
  const points = [...text];
  assert.strictEqual(cp.length, points.length);
  let utf16 = 0;
  for (let i = 0; i <= points.length; i++) {
    assert.strictEqual(cp.toUtf16(i), utf16);
    assert.strictEqual(cp.toCodePoint(utf16), i);
    utf16 += points[i]?.length ?? 0;
  }
}

suite('text: code points', () => {
  test('converts around astral characters', () => {
    const text = 'a😀b𝔸c';
    const cp = new CodePointIndex(text);
    assert.strictEqual(cp.length, 5);
    assert.deepStrictEqual([0, 1, 3, 4, 6, 7].map((u) => cp.toCodePoint(u)), [0, 1, 2, 3, 4, 5]);
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5].map((c) => cp.toUtf16(c)), [0, 1, 3, 4, 6, 7]);
  });

  test('round-trips every code-point offset of random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), assertRoundTrips));
  });

  test('a lone surrogate counts as one code point', () => {
    const text = 'a\ud800b';
    assert.strictEqual(new CodePointIndex(text).length, [...text].length);
  });

  test('counts as the string iterator does, whatever the surrogates', () => {
    // High and low surrogates, alone, paired and reversed, among ordinary characters.
    const unit = fc.constantFrom('a', ' ', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00', 'é', '\ue000', '\ud7ff');
    fc.assert(fc.property(fc.array(unit, { maxLength: 40 }).map((units) => units.join('')), assertRoundTrips));
  });

  test('strips one BOM', () => {
    assert.strictEqual(stripBom('\ufeff# T'), '# T');
    assert.strictEqual(stripBom('# T'), '# T');
  });
});

suite('text: lines', () => {
  test('counts LF, CRLF and lone CR line ends', () => {
    const text = 'a\nb\r\nc\rd';
    const lines = new LineIndex(text);
    assert.strictEqual(lines.lineCount, 4);
    assert.deepStrictEqual(lines.positionAt(text.indexOf('c')), { line: 2, character: 0 });
    assert.deepStrictEqual(lines.positionAt(text.indexOf('d')), { line: 3, character: 0 });
    assert.strictEqual(lines.offsetAt({ line: 1, character: 99 }), text.indexOf('\r\n'));
    assert.strictEqual(lines.offsetAt({ line: 3, character: 1 }), text.length);
  });
});

suite('track: mapRange', () => {
  const range = { start: 10, end: 20 };
  test('insertions at the boundaries stay outside', () => {
    assert.deepStrictEqual(mapRange(range, { start: 10, end: 10, text: 'xx' }), { start: 12, end: 22 });
    assert.deepStrictEqual(mapRange(range, { start: 20, end: 20, text: 'xx' }), { start: 10, end: 20 });
  });
  test('insertions inside grow, deletions inside shrink', () => {
    assert.deepStrictEqual(mapRange(range, { start: 15, end: 15, text: 'xyz' }), { start: 10, end: 23 });
    assert.deepStrictEqual(mapRange(range, { start: 12, end: 18, text: '' }), { start: 10, end: 14 });
  });
  test('deleting the whole passage detaches it', () => {
    assert.strictEqual(mapRange(range, { start: 5, end: 25, text: 'new' }), undefined);
    assert.strictEqual(mapRange(range, { start: 10, end: 20, text: '' }), undefined);
  });
  test('a mapped range covers exactly the surviving text', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 30, maxLength: 60 }), fc.nat(29), fc.nat(29), fc.nat(60), fc.nat(60), fc.string({ maxLength: 5 }),
      (text, a, b, c, d, ins) => {
        const r = { start: Math.min(a, b), end: Math.max(a, b) + 1 };
        const e = { start: Math.min(c, d, text.length), end: Math.min(Math.max(c, d), text.length), text: ins };
        const mapped = mapRange(r, e);
        // Mark the range's characters, apply the edit to the marks, and compare.
        const marks = [...text].map((_, i) => (i >= r.start && i < r.end ? '1' : '0')).join('');
        const after = applyEdits(marks, [{ ...e, text: '0'.repeat(ins.length) }]);
        const first = after.indexOf('1');
        if (first < 0) {
          assert.strictEqual(mapped, undefined);
        } else {
          assert.deepStrictEqual(mapped, { start: first, end: after.lastIndexOf('1') + 1 });
        }
      }));
  });
});

suite('track: composeEdits', () => {
  test('several change events compose into one edit of the original text', () => {
    const edit = fc.record({ at: fc.nat(), del: fc.nat(4), text: fc.string({ maxLength: 4 }) });
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (original, events) => {
      let text = original;
      const applied: { start: number; end: number; text: string }[][] = [];
      for (const raw of events) {
        // Non-overlapping edits of the current text, as one change event reports them.
        const edits: { start: number; end: number; text: string }[] = [];
        let floor = 0;
        for (const r of [...raw].sort((a, b) => a.at - b.at)) {
          const start = Math.max(floor, r.at % (text.length + 1));
          if (start > text.length) break;
          const end = Math.min(text.length, start + r.del);
          edits.push({ start, end, text: r.text });
          floor = end + 1;
        }
        text = applyEdits(text, edits);
        applied.push(edits);
      }
      const composed = composeEdits(original.length, text, applied);
      assert.ok(composed);
      assert.strictEqual(applyEdits(original, [composed]), text);
    }));
  });
});
