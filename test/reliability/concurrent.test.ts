import * as assert from 'assert';
import { checkoutRace, concurrentRun, n, tally } from './scenarios';

suite('reliability: writers at the same time', () => {
  test('four processes adding and editing their own annotations in one sidecar lose nothing', async function () {
    this.timeout(120_000);
    const s = await concurrentRun(4, Number(process.env.EACH ?? 40));
    console.log(`      reliability: 4 writers, ${n(s.saves)} saves, ${n(s.merged)} merged with another writer's change, ${n(s.gaveUp)} gave up and were retried, ${n(s.lost)} annotations lost of ${n(s.annotations)}, ${n(s.editsLost)} edits lost`);
    tally({ annotations: s.annotations, lost: s.lost + s.editsLost }, 'reliability');
    assert.deepStrictEqual(s.problems, []);
    assert.strictEqual(s.lost, 0);
    assert.strictEqual(s.editsLost, 0);
    assert.ok(s.merged > 0, 'the writers never raced: the test did not test merging');
  });

  test('a writer racing a git-style checkout keeps what the checkout wrote and its own new annotations', async function () {
    this.timeout(120_000);
    const s = await checkoutRace(Number(process.env.CHECKOUTS ?? 40), 40);
    console.log(`      reliability: ${n(s.checkouts)} checkouts during ${n(s.writerSaves)} saves (${n(s.merged)} merged, ${n(s.unreadable)} refused a half-written file), ${n(s.checkoutLost + s.writerLost)} annotations lost of ${n(s.annotations)}`);
    tally({ faults: s.checkouts, annotations: s.annotations, lost: s.checkoutLost + s.writerLost }, 'reliability');
    assert.deepStrictEqual(s.problems, []);
    assert.ok(s.merged > 0, 'no save met a checkout');
  });
});
