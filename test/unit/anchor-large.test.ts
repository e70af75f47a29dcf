// Re-anchoring at a realistic size: a 200 KB essay with 200 annotations, after the benchmark's
// three kinds of change. The truth is each annotation's range tracked through the edits made.
import * as assert from 'assert';
import { changeFor, generateEssay, judge, makeAnnotations, repeatedQuotes, type Scenario } from '../../bench/anchor';
import { Anchorer } from '../../src/core/anchor';

const essay = generateEssay(200_000, 11);
const annotations = makeAnnotations(essay, 200, 12);
const targets = annotations.map((a) => a.target);

function run(scenario: Scenario, seed: number): { correct: number; missed: number; wrong: number; deleted: number; ms: number } {
  const changed = changeFor(scenario, essay, annotations.map((a) => a.range), seed);
  const t0 = Date.now();
  const results = new Anchorer(changed.text).anchorAll(targets);
  const ms = Date.now() - t0;
  const tally = { correct: 0, missed: 0, wrong: 0, deleted: 0, ms };
  results.forEach((r, i) => {
    tally[judge(r, changed.truth[i])]++;
    if (!changed.truth[i]) tally.deleted++;
  });
  return tally;
}

suite('anchor: a 200 KB essay', () => {
  test('the essay is real-sized and quotes some of its passages twice', () => {
    assert.ok(essay.text.length >= 200_000);
    assert.ok(repeatedQuotes(essay.text, annotations).some((r) => r), 'some annotated text occurs twice');
  });

  test('unchanged: every annotation exactly where it was', () => {
    const results = new Anchorer(essay.text).anchorAll(targets);
    results.forEach((r, i) => {
      assert.deepStrictEqual({ status: r.status, start: r.start, end: r.end }, { status: 'anchored', ...annotations[i].range });
    });
  });

  test('after 1% random character edits: at least 99% placed correctly, none misplaced', () => {
    const t = run('1% edits', 21);
    assert.strictEqual(t.wrong, 0);
    assert.ok(t.correct >= 0.99 * annotations.length, JSON.stringify(t));
  });

  test('after moved and deleted paragraphs: all placed correctly or, if deleted, detached', () => {
    const t = run('moved paragraphs', 22);
    assert.strictEqual(t.wrong, 0);
    assert.strictEqual(t.correct, annotations.length, JSON.stringify(t));
  });

  test('after 10% random character edits: at least 95% placed correctly, none misplaced', () => {
    const t = run('10% edits', 23);
    assert.strictEqual(t.wrong, 0);
    assert.ok(t.correct >= 0.95 * annotations.length, JSON.stringify(t));
  });
});
