// The large runs of the reliability scenarios, for `npm run test:stress`.
import * as assert from 'assert';
import { checkoutRace, concurrentRun, crashRun, killWhileRacing, n, tally } from '../reliability/scenarios';

suite('stress: crashes and races', () => {
  test('2,000 writers SIGKILLed while saving: never a torn file, never a blocking lock', async function () {
    this.timeout(3_600_000);
    const s = await crashRun(Number(process.env.KILLS ?? 2000));
    console.log(`      stress: ${n(s.kills)} writers killed while saving ${n(s.bytes[0])}- and ${n(s.bytes[1])}-byte versions in turn (${n(s.insideReplace)} inside the atomic replace, ${n(s.tempLeft)} leaving a temp file), ${n(s.torn)} torn files, ${n(s.anonymousLocks)} locks naming no one, slowest restart ${n(s.slowestRestart)} ms, ${n(s.orphans)} temp files left after the next save`);
    tally({ faults: s.kills, interrupted: s.kills, torn: s.torn }, 'stress');
    assert.deepStrictEqual(s.samples, []);
    assert.strictEqual(s.torn, 0);
    assert.ok(s.slowestRestart < 5000, `a writer started after a kill waited ${s.slowestRestart} ms`);
    assert.strictEqual(s.orphans, 0);
  });

  test('writers SIGKILLed while others save the same sidecar: nothing a writer saved is lost', async function () {
    this.timeout(600_000);
    const s = await killWhileRacing(4, Number(process.env.RACE_MS ?? 60_000));
    console.log(`      stress: ${n(s.kills)} of 4 racing writers killed, ${n(s.lost)} annotations lost of ${n(s.saved)} saved, last writer finished in ${n(s.lastSaveMs)} ms`);
    tally({ faults: s.kills, interrupted: s.kills, annotations: s.saved, lost: s.lost }, 'stress');
    assert.deepStrictEqual(s.problems, []);
    assert.ok(s.lastSaveMs < 10_000);
  });

  test('4 writers × 200 and 8 writers × 50 annotations at once: none lost', async function () {
    this.timeout(600_000);
    for (const [writers, each] of [[4, 200], [8, 50]]) {
      const s = await concurrentRun(writers, each);
      console.log(`      stress: ${writers} writers, ${n(s.saves)} saves, ${n(s.merged)} merged, ${n(s.gaveUp)} gave up and were retried, ${n(s.lost)} annotations lost of ${n(s.annotations)}, ${n(s.editsLost)} edits lost`);
      tally({ annotations: s.annotations, lost: s.lost + s.editsLost }, 'stress');
      assert.deepStrictEqual(s.problems, []);
    }
  });

  test('2,000 git-style checkouts racing a writer: nothing the checkouts wrote is lost', async function () {
    this.timeout(1_800_000);
    const s = await checkoutRace(Number(process.env.CHECKOUTS ?? 2000), 40);
    console.log(`      stress: ${n(s.checkouts)} checkouts during ${n(s.writerSaves)} saves (${n(s.merged)} merged, ${n(s.unreadable)} refused a half-written file), ${n(s.checkoutLost + s.writerLost)} annotations lost of ${n(s.annotations)}`);
    tally({ faults: s.checkouts, annotations: s.annotations, lost: s.checkoutLost + s.writerLost }, 'stress');
    assert.deepStrictEqual(s.problems, []);
  });
});
