// The integration suite's entry, loaded by VS Code's extension host (desktop through
// @vscode/test-electron, or code-server through scripts/run-integration.mjs).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/** Runs every compiled `*.test.js` beside this file; rejects when any test fails. */
export async function run(): Promise<void> {
  // CRUXMARK_TEST_GREP runs only the tests whose titles match it, when chasing one failure.
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, slow: 5_000, grep: process.env.CRUXMARK_TEST_GREP || undefined });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const file of files) {
    mocha.addFile(path.join(__dirname, file));
  }
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats ?? { passes: 0, failures: 1 } as Mocha.Stats));
  });
  const resultsFile = process.env.CRUXMARK_TEST_RESULTS;
  if (resultsFile) {
    fs.writeFileSync(resultsFile, JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending, tests: stats.tests }));
  }
  if (stats.failures > 0 || stats.passes === 0) {
    throw new Error(`${stats.failures} of ${stats.tests} integration tests failed`);
  }
}
