// Properties of re-anchoring under random and adversarial edit sequences. The truth for each
// annotation is its range tracked through the very edits that were made (mapRange); an
// annotation must end up on that text (overlapping it by at least half) or detached, never
// elsewhere.
//
// Some edit sequences make the question unanswerable from the target alone, for any matcher,
// and the generators avoid them on purpose:
// - deleting or moving one of two verbatim copies of a paragraph: the survivor carries the same
//   quote and context as the annotated copy (the essays of the first two properties have no
//   repeated paragraphs; the third never deletes or moves a block, keeps its copies thousands of
//   characters apart, and annotates passages long enough that no single edit rewrites most of one);
// - a near copy of an annotated passage put where the passage was expected: indistinguishable
//   from the passage itself, edited in place (near copies go to the end of the essay, far from
//   every annotation, and no two of them imply the same jump);
// - a near copy holding two annotations far enough apart to vouch for each other: exactly what
//   their passage would look like had it been moved and edited (no such copy is made);
// - near duplicates arising by chance, such as two headings alike but for their number: a deleted
//   one is indistinguishable from the other renumbered (the essays are built without the stock
//   phrases that make such coincidences common, so that only the planted copies are near).
import * as assert from 'assert';
import fc from 'fast-check';
import { generateEssay, judge, makeAnnotations, splitBlocks, type BenchAnnotation } from '../../bench/anchor';
import { random } from '../../bench/essay';
import { Anchorer } from '../../src/core/anchor';
import type { Range, TextEdit } from '../../src/core/text';
import { applyEdits, mapRange, mapRangeThroughEdits } from '../../src/core/track';

interface State {
  text: string;
  ranges: Array<Range | undefined>;
}

function apply(state: State, edits: TextEdit[]): State {
  return { text: applyEdits(state.text, edits), ranges: state.ranges.map((r) => r && mapRangeThroughEdits(r, edits)) };
}

/** The block holding an offset, and where the next one starts (its blank line included). */
function blockAround(text: string, index: number): { block: Range; next: number } | undefined {
  const blocks = splitBlocks(text);
  if (blocks.length < 3) return undefined;
  const i = 1 + (index % (blocks.length - 2));
  return { block: blocks[i], next: blocks[i + 1].start };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz     ';

/**
 * New paragraphs that are not copies of the essay's: every generated essay opens with the same
 * heading and, for the same seed, the same paragraphs, so both are avoided.
 */
function freshText(bytes: number, seed: number): string {
  return generateEssay(bytes, 2_000_000 + seed, 0, false).text.split('\n\n').slice(1).join('\n\n').trim();
}

/** Random one-character insertions, deletions and substitutions, none touching another. */
function chars(state: State, count: number, seed: number): State {
  const rng = random(seed);
  const edits: TextEdit[] = [];
  const used = new Set<number>();
  for (let k = 0; k < count && state.text.length > 2; k++) {
    const p = Math.floor(rng() * (state.text.length - 1));
    if (used.has(p) || used.has(p + 1) || used.has(p - 1) || /[\udc00-\udfff]/.test(state.text[p] + state.text[p + 1])) continue;
    used.add(p);
    const letter = LETTERS[Math.floor(rng() * LETTERS.length)];
    const r = rng();
    edits.push(r < 0.4 ? { start: p, end: p + 1, text: letter } : r < 0.7 ? { start: p, end: p, text: letter } : { start: p, end: p + 1, text: '' });
  }
  return apply(state, edits);
}

type Op =
  | { kind: 'chars'; count: number; seed: number }
  | { kind: 'word'; at: number; seed: number }
  | { kind: 'deletePassage'; at: number; length: number }
  | { kind: 'deleteBlock'; at: number }
  | { kind: 'moveBlock'; at: number; to: number }
  | { kind: 'insertBlock'; at: number; seed: number }
  | { kind: 'insertSentence'; at: number; seed: number }
  | { kind: 'reflow'; at: number; seed: number }
  | { kind: 'quotes'; at: number }
  | { kind: 'crlf' };

const nat = fc.nat(1_000_000);
const small = {
  chars: fc.record({ kind: fc.constant('chars' as const), count: fc.integer({ min: 1, max: 40 }), seed: nat }),
  word: fc.record({ kind: fc.constant('word' as const), at: nat, seed: nat }),
  insertSentence: fc.record({ kind: fc.constant('insertSentence' as const), at: nat, seed: nat }),
  reflow: fc.record({ kind: fc.constant('reflow' as const), at: nat, seed: nat }),
  quotes: fc.record({ kind: fc.constant('quotes' as const), at: nat }),
  crlf: fc.record({ kind: fc.constant('crlf' as const) }),
};
const structural = {
  deletePassage: fc.record({ kind: fc.constant('deletePassage' as const), at: nat, length: fc.integer({ min: 10, max: 300 }) }),
  deleteBlock: fc.record({ kind: fc.constant('deleteBlock' as const), at: nat }),
  moveBlock: fc.record({ kind: fc.constant('moveBlock' as const), at: nat, to: nat }),
  insertBlock: fc.record({ kind: fc.constant('insertBlock' as const), at: nat, seed: nat }),
};

function run(state: State, op: Op): State {
  const { text } = state;
  switch (op.kind) {
    case 'chars':
      return chars(state, op.count, op.seed);
    case 'word': {
      const words = [...text.matchAll(/[A-Za-z]{3,}/g)];
      if (words.length === 0) return state;
      const w = words[op.at % words.length];
      const replacement = freshText(200, op.seed).split(/\s+/)[3] ?? 'word';
      return apply(state, [{ start: w.index, end: w.index + w[0].length, text: replacement.replace(/[^A-Za-z]/g, '') || 'word' }]);
    }
    case 'insertSentence': {
      const p = op.at % (text.length + 1);
      const at = text.lastIndexOf(' ', p) + 1;
      return apply(state, [{ start: at, end: at, text: `Inserted ${op.seed % 97} words here. ` }]);
    }
    case 'reflow': {
      const found = blockAround(text, op.at);
      if (!found) return state;
      const rng = random(op.seed);
      const edits: TextEdit[] = [];
      for (let i = found.block.start + 1; i < found.block.end - 1; i++) {
        const c = text[i];
        const lone = !/\s/.test(text[i - 1]) && !/\s/.test(text[i + 1]);
        if (c === '\n' && lone) edits.push({ start: i, end: i + 1, text: ' ' });
        else if (c === ' ' && lone && rng() < 0.1) edits.push({ start: i, end: i + 1, text: '\n' });
      }
      return apply(state, edits);
    }
    case 'quotes': {
      const found = blockAround(text, op.at);
      if (!found) return state;
      const edits: TextEdit[] = [];
      let open = true;
      for (let i = found.block.start; i < found.block.end; i++) {
        const c = text[i];
        const swap = c === '"' ? (open ? '“' : '”') : c === '“' || c === '”' ? '"' : c === "'" ? '’' : c === '’' ? "'" : undefined;
        if (c === '"' || c === '“' || c === '”') open = !open;
        if (swap) edits.push({ start: i, end: i + 1, text: swap });
      }
      return apply(state, edits);
    }
    case 'crlf':
      // A carriage return inserted before each line feed, as a conversion to CRLF does.
      return text.includes('\r\n') ? state : apply(state, [...text.matchAll(/\n/g)].map((m) => ({ start: m.index, end: m.index, text: '\r' })));
    case 'deletePassage': {
      const start = op.at % Math.max(1, text.length);
      const end = Math.min(text.length, start + op.length);
      if (/[\udc00-\udfff]/.test(text[start] + (text[end] ?? ''))) return state;
      return apply(state, [{ start, end, text: '' }]);
    }
    case 'deleteBlock': {
      const found = blockAround(text, op.at);
      return found ? apply(state, [{ start: found.block.start, end: found.next, text: '' }]) : state;
    }
    case 'insertBlock': {
      const found = blockAround(text, op.at);
      return found ? apply(state, [{ start: found.next, end: found.next, text: `${freshText(300, op.seed)}\n\n` }]) : state;
    }
    case 'moveBlock': {
      const found = blockAround(text, op.at);
      if (!found) return state;
      const { block, next } = found;
      // A range straddling the block's edge would be half moved: no such move is made.
      if (state.ranges.some((r) => r && r.start < next && r.end > block.start && !(r.start >= block.start && r.end <= block.end))) return state;
      const moved = text.slice(block.start, next);
      const del: TextEdit = { start: block.start, end: next, text: '' };
      const rest = applyEdits(text, [del]);
      const target = blockAround(rest, op.to);
      if (!target) return state;
      const ins: TextEdit = { start: target.block.start, end: target.block.start, text: moved };
      return {
        text: applyEdits(rest, [ins]),
        ranges: state.ranges.map((r) => {
          if (!r) return r;
          // The moved text carries its ranges along: a move is a deletion and an insertion to mapRange.
          if (r.start >= block.start && r.end <= block.end) return { start: ins.start + r.start - block.start, end: ins.start + r.end - block.start };
          const gone = mapRange(r, del);
          return gone && mapRange(gone, ins);
        }),
      };
    }
  }
}

function check(state: State, annotations: readonly BenchAnnotation[]): void {
  const results = new Anchorer(state.text).anchorAll(annotations.map((a) => a.target));
  results.forEach((r, i) => {
    const verdict = judge(r, state.ranges[i]);
    if (verdict === 'wrong') {
      const truth = state.ranges[i];
      assert.fail(`annotation ${i} ${JSON.stringify(annotations[i].target.quote)} was placed on ${JSON.stringify(state.text.slice(r.start, r.end))} at ${r.start}; `
        + `its text is ${truth ? JSON.stringify(state.text.slice(truth.start, truth.end)) + ` at ${truth.start}` : 'gone'}`);
    }
  });
}

const essayArb = (repeats: number) => fc.record({
  bytes: fc.integer({ min: 4_000, max: 16_000 }),
  seed: nat,
  count: fc.integer({ min: 2, max: 25 }),
  minLength: fc.constantFrom(2, 5, 20),
}).map(({ bytes, seed, count, minLength }) => {
  const essay = generateEssay(bytes, seed, repeats, false);
  return { essay, annotations: makeAnnotations(essay, count, seed + 1, minLength, 200) };
});

suite('anchor: properties', () => {
  test('random and structural edits leave every annotation on its text or detached', () => {
    const op = fc.oneof(...Object.values(small), ...Object.values(structural)) as fc.Arbitrary<Op>;
    fc.assert(fc.property(essayArb(0), fc.array(op, { minLength: 1, maxLength: 8 }), ({ essay, annotations }, ops) => {
      let state: State = { text: essay.text, ranges: annotations.map((a) => a.range) };
      for (const o of ops) state = run(state, o);
      check(state, annotations);
    }), { numRuns: 150 });
  });

  test('near copies of annotated passages never attract them, whether or not the passages were deleted', () => {
    const plan = fc.record({
      copies: fc.array(fc.record({ which: nat, phase: fc.nat(9), deleteOriginal: fc.boolean(), deleteBlock: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      noise: fc.option(small.chars),
    });
    fc.assert(fc.property(essayArb(0), plan, ({ essay, annotations }, { copies, noise }) => {
      let state: State = { text: essay.text, ranges: annotations.map((a) => a.range) };
      const appended: string[] = [];
      const jumps: number[] = [];
      for (const c of copies) {
        const i = c.which % annotations.length;
        const r = state.ranges[i];
        if (!r) continue;
        // The passage and its context, with about one character in ten changed.
        const from = Math.max(0, r.start - 32);
        const to = Math.min(state.text.length, r.end + 32);
        // Two annotations far enough apart inside one copy would make it look like their passage
        // moved (and was edited), which is what anchorAll should then believe.
        const inside = state.ranges.filter((x): x is Range => !!x && x.start < to && x.end > from);
        if (inside.some((a) => inside.some((b) => b.start >= a.end + 64))) continue;
        const window = state.text.slice(from, to);
        // Each change falls on the first letter at or after every tenth character, so that no
        // ten characters of the copy are left as they were.
        const chars = [...window];
        let due = c.phase % 10;
        for (let k = 0; k < chars.length; k++) {
          if (k < due || !/[a-z]/i.test(chars[k])) continue;
          chars[k] = chars[k] === 'q' ? 'z' : 'q';
          due = k + 10;
        }
        const near = chars.join('');
        // Far from every annotation, with a filler before it so that no two copies imply the same jump.
        const filler = freshText(2_500 + 700 * appended.length, c.which);
        const at = state.text.length + appended.join('').length + filler.length + 4;
        if (jumps.some((j) => Math.abs(j - (at - r.start)) < 1024)) continue;
        jumps.push(at - r.start);
        appended.push(`\n\n${filler}\n\n${near}`);
        if (c.deleteOriginal) {
          const block = splitBlocks(state.text).find((b) => b.start <= r.start && r.end <= b.end);
          state = apply(state, [c.deleteBlock && block ? { start: block.start, end: block.end, text: '' } : { start: r.start, end: r.end, text: '' }]);
        }
      }
      if (noise) state = run(state, noise);
      state = apply(state, [{ start: state.text.length, end: state.text.length, text: appended.join('') + '\n' }]);
      check(state, annotations);
    }), { numRuns: 120 });
  });

  test('blocks moved and lightly edited: every annotation on its text or detached; a long passage with one letter changed follows its block', () => {
    const plan = fc.record({
      moves: fc.array(fc.record({ which: nat, to: nat, offset: nat, reflow: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      noise: fc.option(small.chars),
    });
    fc.assert(fc.property(essayArb(0), plan, ({ essay, annotations }, { moves, noise }) => {
      let state: State = { text: essay.text, ranges: annotations.map((a) => a.range) };
      const edited = new Set<number>();
      for (const move of moves) {
        const i = move.which % annotations.length;
        const r = state.ranges[i];
        if (!r || edited.has(i)) continue;
        edited.add(i);
        // One letter of the passage changed, or one of its spaces turned into a line break, at
        // least eight characters from either end; then its block moved somewhere else.
        const inner = state.text.slice(r.start + 8, r.end - 8);
        const offsets = [...inner.matchAll(move.reflow ? / (?=\S)/g : /[a-z]/g)].map((m) => r.start + 8 + m.index);
        if (offsets.length > 0) {
          const at = offsets[move.offset % offsets.length];
          const replacement = move.reflow ? '\n' : state.text[at] === 'q' ? 'z' : 'q';
          state = apply(state, [{ start: at, end: at + 1, text: replacement }]);
        }
        const blocks = splitBlocks(state.text);
        const b = blocks.findIndex((x) => x.start <= r.start && r.end <= x.end);
        if (b >= 1 && b <= blocks.length - 2) state = run(state, { kind: 'moveBlock', at: b - 1, to: move.to });
      }
      if (noise) state = run(state, noise);
      check(state, annotations);
      if (noise) return;
      // With nothing else touched, a passage long enough to tell, its context intact, is found.
      const results = new Anchorer(state.text).anchorAll(annotations.map((a) => a.target));
      for (const i of edited) {
        const { exact, prefix, suffix } = annotations[i].target.quote;
        const truth = state.ranges[i];
        if (!truth || exact.length < 48 || prefix.length + suffix.length < 32) continue;
        const r = results[i];
        assert.notStrictEqual(r.status, 'detached', `annotation ${i} ${JSON.stringify(exact)} should follow its block`);
        assert.strictEqual(judge(r, truth), 'correct');
      }
    }), { numRuns: 120 });
  });

  test('repeated paragraphs: an annotation on one copy stays on that copy', () => {
    const op = fc.oneof(...Object.values(small)) as fc.Arbitrary<Op>;
    const repeated = fc.record({
      bytes: fc.integer({ min: 8_000, max: 16_000 }),
      seed: nat,
      copies: fc.array(fc.tuple(nat, nat), { minLength: 1, maxLength: 4 }),
      count: fc.integer({ min: 2, max: 25 }),
    }).map(({ bytes, seed, copies, count }) => {
      // Paragraphs quoted twice, the copies far enough apart for drift not to confuse them.
      let text = generateEssay(bytes, seed, 0, false).text;
      for (const [from, to] of copies) {
        const blocks = splitBlocks(text);
        const block = blocks[1 + (from % (blocks.length - 2))];
        const copy = text.slice(block.start, block.end);
        const present: number[] = [];
        for (let i = text.indexOf(copy); i >= 0; i = text.indexOf(copy, i + 1)) present.push(i);
        const far = blocks.filter((b) => present.every((p) => Math.abs(b.start - p) >= 3_000));
        if (far.length === 0) continue;
        const at = far[to % far.length].start;
        text = `${text.slice(0, at)}${copy}\n\n${text.slice(at)}`;
      }
      const essay = { text, blocks: splitBlocks(text) };
      // Passages of at least 80 characters: on a shorter one, one of these edits (an inserted
      // sentence, a replaced word) changes a third or more, and a copy so changed is the deleted
      // copy again.
      return { essay, annotations: makeAnnotations(essay, count, seed + 1, 80, 300) };
    });
    fc.assert(fc.property(repeated, fc.array(op, { minLength: 0, maxLength: 6 }), ({ essay, annotations }, ops) => {
      let state: State = { text: essay.text, ranges: annotations.map((a) => a.range) };
      for (const o of ops) state = run(state, o);
      check(state, annotations);
    }), { numRuns: 120 });
  });
});
