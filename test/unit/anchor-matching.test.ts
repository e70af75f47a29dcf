import * as assert from 'assert';
import approxSearch from 'approx-string-match';
import fc from 'fast-check';
import { KGramIndex, Probe, occurrencesWithin } from '../../src/core/anchor/kgrams';
import { CharFrequency, Needle } from '../../src/core/anchor/rare';
import { Pattern, alignBackward, alignForward, search, searchEnds } from '../../src/core/anchor/myers';
import { normalize } from '../../src/core/anchor/normalize';

/**
 * The last row of the edit-distance table of a against b. Anchored, row[j] = distance(a, b[0, j));
 * with a free start, row[j] is the fewest errors of a match of a ending at offset j of b.
 */
function dpRow(a: string, b: string, freeStart: boolean): number[] {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => (freeStart ? 0 : j));
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
    }
    prev = cur;
  }
  return prev;
}

const lastRow = (a: string, b: string): number[] => dpRow(a, b, false);
const searchRow = (a: string, b: string): number[] => dpRow(a, b, true);

const reverse = (s: string): string => [...s].reverse().join('');
// A small alphabet makes matches and near matches common; é and “ exercise the non-ASCII path.
const letters = fc.constantFrom('a', 'b', 'c', ' ', 'é', '“');
const word = (max: number) => fc.array(letters, { minLength: 0, maxLength: max }).map((a) => a.join(''));

suite('anchor: bit-parallel alignment', () => {
  test('an anchored alignment finds the best free end, as the dynamic programme does', () => {
    fc.assert(fc.property(word(32), word(50), fc.nat(60), (p, t, limit) => {
      const row = lastRow(p, t.slice(0, limit));
      const best = Math.min(...row);
      const forward = alignForward(new Pattern(p), t, 0, limit);
      assert.strictEqual(forward.errors, best);
      assert.strictEqual(row[forward.length], best);
      const backward = alignBackward(new Pattern(p, true), t, t.length, limit);
      const reversedRow = lastRow(reverse(p), reverse(t).slice(0, limit));
      assert.strictEqual(backward.errors, Math.min(...reversedRow));
      assert.strictEqual(reversedRow[backward.length], backward.errors);
    }), { numRuns: 500 });
  });

  test('a search reports the lowest point of every valley under the threshold', () => {
    fc.assert(fc.property(word(32).filter((p) => p.length > 0), word(60), fc.nat(6), (p, t, k) => {
      const row = searchRow(p, t);
      const ends = searchEnds(new Pattern(p), t, 0, t.length, k);
      // Every reported end carries its true error count, under the threshold.
      for (const e of ends) {
        assert.strictEqual(e.errors, row[e.end]);
        assert.ok(e.errors <= k);
      }
      // Every end under the threshold lies in the run of one reported end, which is no worse.
      for (let j = 1; j <= t.length; j++) {
        if (row[j] > k) continue;
        let lo = j;
        while (lo > 1 && row[lo - 1] <= k) lo--;
        let hi = j;
        while (hi < t.length && row[hi + 1] <= k) hi++;
        const inRun = ends.filter((e) => e.end >= lo && e.end <= hi);
        assert.strictEqual(inRun.length, 1, `one end reported for the run ${lo}..${hi}`);
        assert.strictEqual(inRun[0].errors, Math.min(...row.slice(lo, hi + 1)));
      }
    }), { numRuns: 500 });
  });
});

/** Normalisation spelled out character by character, to check the fast one against. */
function reference(s: string, lo: number, hi: number): { text: string; map: number[] } {
  const space = (c: number) => /\s/.test(String.fromCharCode(c)) && c !== 0xfeff && c !== 0x85;
  const lineBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
  const fold = (c: number) => (c >= 0x201c && c <= 0x201f ? 0x22 : c >= 0x2018 && c <= 0x201b ? 0x27 : c);
  let text = '';
  const map: number[] = [];
  let i = lo;
  while (i < hi) {
    const c = s.charCodeAt(i);
    if (!space(c) && !(i === lo && c === 0x3e)) {
      text += String.fromCharCode(fold(c));
      map.push(i++);
      continue;
    }
    text += ' ';
    map.push(i);
    let afterBreak = i === lo;
    for (; i < hi; i++) {
      const d = s.charCodeAt(i);
      if (space(d)) afterBreak ||= lineBreak(d);
      else if (!(d === 0x3e && afterBreak)) break;
    }
  }
  map.push(hi);
  return { text, map };
}

suite('anchor: normalisation', () => {
  test('collapses whitespace, drops blockquote markers after line breaks, straightens quotes', () => {
    assert.strictEqual(normalize('a  b\r\n\r\n> c “d” ‘e’\n>> f > g').text, 'a b c "d" \'e\' f > g');
    assert.strictEqual(normalize('> quoted\n> on').text, ' quoted on');
  });

  test('agrees with a character-by-character reference on any slice', () => {
    const chars = fc.constantFrom('a', 'b', ' ', '  ', '\n', '\r\n', '\t', '>', '“', '’', '\u00a0', '\u2028', '😀', 'x');
    fc.assert(fc.property(fc.array(chars, { maxLength: 60 }), fc.nat(80), fc.nat(80), (parts, a, b) => {
      const s = parts.join('');
      const lo = Math.min(a, b, s.length);
      const hi = Math.min(Math.max(a, b), s.length);
      const ours = normalize(s, lo, hi);
      const ref = reference(s, lo, hi);
      assert.strictEqual(ours.text, ref.text);
      assert.deepStrictEqual([...ours.map], ref.map);
    }), { numRuns: 2000 });
  });
});

suite('anchor: k-gram index', () => {
  test('finds exactly the occurrences a scan of the normalised text finds', () => {
    // Pieces that repeat, with whitespace that varies between copies.
    const piece = fc.constantFrom('the model ', 'the\nmodel ', 'reward  is ', 'reward is\n', 'prior, ', '“quoted” ', '"quoted" ', 'x');
    fc.assert(fc.property(fc.array(piece, { minLength: 10, maxLength: 120 }), fc.nat(1000), fc.integer({ min: 2, max: 14 }), (parts, from, count) => {
      const text = parts.join('');
      const start = from % parts.length;
      const raw = parts.slice(start, start + count).join('');
      const probe = Probe.of(raw);
      fc.pre(probe.pattern.length > 0);
      const found = new KGramIndex(text).occurrences(probe, 1000);
      // The scan: every place where the normalised text holds the pattern, mapped back.
      const whole = normalize(text);
      const real: Array<{ start: number; end: number }> = [];
      for (let i = whole.text.indexOf(probe.pattern); i >= 0; i = whole.text.indexOf(probe.pattern, i + 1)) {
        real.push({ start: whole.map[i], end: whole.map[i + probe.pattern.length] });
      }
      assert.deepStrictEqual(found, real);
    }), { numRuns: 200 });
  });

  test('without the index, finds exactly the occurrences that start inside the ranges read', () => {
    const piece = fc.constantFrom('the model ', 'the\nmodel ', 'reward  is ', 'reward is\n', 'prior, ', '“quoted” ', '"quoted" ', 'x');
    const range = fc.tuple(fc.nat(1500), fc.nat(600));
    fc.assert(fc.property(fc.array(piece, { minLength: 10, maxLength: 120 }), fc.nat(1000), fc.integer({ min: 2, max: 14 }), fc.array(range, { minLength: 1, maxLength: 3 }), (parts, from, count, spans) => {
      const text = parts.join('');
      const start = from % parts.length;
      const probe = Probe.of(parts.slice(start, start + count).join(''));
      fc.pre(/[a-z]/.test(probe.pattern));
      // Disjoint, ascending ranges, as the anchorer's windows are.
      const ranges: Array<[number, number]> = [];
      let at = 0;
      for (const [gap, length] of spans) {
        const lo = Math.min(text.length, at + gap);
        const hi = Math.min(text.length, lo + length);
        ranges.push([lo, hi]);
        at = hi + 1;
      }
      const whole = normalize(text);
      const real: Array<{ start: number; end: number }> = [];
      for (let i = whole.text.indexOf(probe.pattern); i >= 0; i = whole.text.indexOf(probe.pattern, i + 1)) {
        const occurrence = { start: whole.map[i], end: whole.map[i + probe.pattern.length] };
        if (ranges.some(([lo, hi]) => occurrence.start >= lo && occurrence.start <= hi)) real.push(occurrence);
      }
      assert.deepStrictEqual(occurrencesWithin(text, probe, ranges, 1000), real);
      // Found from the word with the text's rarest character, and from that character on.
      assert.deepStrictEqual(occurrencesWithin(text, probe, ranges, 1000, new CharFrequency(text)), real);
    }), { numRuns: 300 });
  });

  test('a needle is found where indexOf finds it, from whichever of its characters', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', 'ba', 'Q', ' ', '\n', 'é', '😀');
    const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(fc.property(text, text, fc.nat(), fc.integer({ min: -3, max: 70 }), (hay, sought, at, from) => {
      fc.pre(sought.length > 0);
      const needle = new Needle(sought, at % sought.length);
      const found: number[] = [];
      const real: number[] = [];
      for (let i = needle.in(hay, from); i >= 0; i = needle.in(hay, i + 1)) found.push(i);
      for (let i = hay.indexOf(sought, from); i >= 0; i = hay.indexOf(sought, i + 1)) real.push(i);
      assert.deepStrictEqual(found, real);
    }), { numRuns: 500 });
  });
});

suite('anchor: whole-pattern search against approx-string-match', () => {
  // approx-string-match is the Myers search Hypothesis uses; ours must find the same matches.
  test('the same best matches, starts and errors, for short and long patterns', () => {
    const letter = fc.constantFrom('a', 'b', 'c', ' ', '\n', 'é', '😀');
    const text = fc.array(letter, { maxLength: 160 }).map((a) => a.join(''));
    const pattern = fc.array(letter, { minLength: 1, maxLength: 80 }).map((a) => a.join(''));
    fc.assert(fc.property(text, pattern, fc.nat(12), (t, p, k) => {
      assert.deepStrictEqual(search(t, p, k), approxSearch(t, p, k));
    }), { numRuns: 2000 });
  });

  test('a quote cut from prose and edited is found where approx-string-match finds it', () => {
    const words = fc.constantFrom('reward ', 'is ', 'not ', 'the ', 'optimization ', 'target ', 'simplicity ', 'prior ', 'counting ', 'argument ');
    fc.assert(fc.property(fc.array(words, { minLength: 20, maxLength: 200 }), fc.nat(), fc.integer({ min: 5, max: 120 }), fc.nat(6), (parts, at, length, k) => {
      const t = parts.join('');
      const start = at % Math.max(1, t.length - length);
      const p = t.slice(start, start + length).replace(/o/, '0');
      fc.pre(p.length > 0);
      assert.deepStrictEqual(search(t, p, k), approxSearch(t, p, k));
    }), { numRuns: 500 });
  });
});
