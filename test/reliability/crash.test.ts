import * as assert from 'assert';
import { crashRun, n, tally } from './scenarios';

suite('reliability: a writer killed during saves', () => {
  test('SIGKILL at random moments: never a torn or empty file, never a lock that blocks the next writer', async function () {
    this.timeout(300_000);
    const s = await crashRun(Number(process.env.KILLS ?? 200));
    console.log(`      reliability: ${n(s.kills)} writers killed while saving ${n(s.bytes[0])}- and ${n(s.bytes[1])}-byte versions in turn (${n(s.insideReplace)} inside the atomic replace, ${n(s.tempLeft)} leaving a temp file), ${n(s.torn)} torn files, ${n(s.anonymousLocks)} locks naming no one, slowest restart ${n(s.slowestRestart)} ms, ${n(s.orphans)} temp files left after the next save`);
    tally({ faults: s.kills, interrupted: s.kills, torn: s.torn }, 'reliability');
    assert.deepStrictEqual(s.samples, []);
    assert.strictEqual(s.torn, 0);
    assert.strictEqual(s.anonymousLocks, 0);
    // A stale lock is broken because its pid is dead, not after the 10 s timeout.
    assert.ok(s.slowestRestart < 5000, `a writer started after a kill waited ${s.slowestRestart} ms`);
    assert.strictEqual(s.orphans, 0, 'temp files of killed writers were not cleared');
    // The kills must land inside the replace often enough for the test to mean something.
    assert.ok(s.insideReplace >= s.kills / 10, `only ${s.insideReplace} of ${s.kills} kills landed inside the replace`);
    assert.ok(s.tempLeft > 0, 'no kill landed between writing the temp file and renaming it');
  });
});
