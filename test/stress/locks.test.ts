// Lock timing that needs more than the 10 s staleness limit, too slow for `npm test`.
import * as assert from 'assert';
import { promises as fs, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { stringifySidecar } from '../../src/core/sidecar';
import { bigSidecar } from '../fixtures/sidecars/build';
import { SIDECAR, sleep, tempDir, Writer } from '../reliability/scenarios';

suite('stress: locks', () => {
  test('a writer that waited longer than the staleness limit takes a fresh lock, which others must respect', async function () {
    this.timeout(120_000);
    const dir = await tempDir('lockwait');
    try {
      const file = path.join(dir, SIDECAR);
      const lock = `${file}.lock`;
      await fs.writeFile(file, stringifySidecar(bigSidecar('old', 10, 100)));
      // A large sidecar, so that the writer holds the lock long enough to be seen holding it.
      const json = path.join(dir, 'new.json');
      await fs.writeFile(json, JSON.stringify(bigSidecar('new', 3000, 1500)));
      // Held by a live process (this one) for 12 s in all, longer than STALE_LOCK_MS (10 s), but
      // renewed after 6 s (as a queue of writers would), so it is never stale itself.
      await fs.writeFile(lock, String(process.pid));
      const w = new Writer(['save-once', file, json]);
      await sleep(6_000);
      await fs.writeFile(`${lock}.renew`, String(process.pid));
      await fs.rename(`${lock}.renew`, lock);
      await sleep(6_000);
      await fs.rm(lock);
      let seen: { owner: string; ageMs: number } | undefined;
      const until = Date.now() + 10_000;
      while (!seen && Date.now() < until) {
        try {
          const st = statSync(lock);
          const owner = readFileSync(lock, 'utf8');
          if (owner === String(w.pid)) seen = { owner, ageMs: Date.now() - st.mtimeMs };
        } catch {
          // Not taken yet, or already released.
        }
      }
      const r = await w.summary<{ ok: boolean; error?: string }>();
      assert.ok(r.ok, r.error);
      assert.ok(seen, 'never saw the writer holding the lock');
      // An old mtime would let any other waiter break the lock as stale while it is held.
      assert.ok(seen.ageMs < 2000, `the writer's lock looked ${seen.ageMs} ms old`);
    } finally {
      await Writer.killAll();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
