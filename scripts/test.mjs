#!/usr/bin/env node
// `npm test`: type-check and lint, unit tests of the core, then everything that needs a real
// browser or a real VS Code (fetched on first use and cached under .cache/), then a tiny run of
// the benchmark so that it cannot rot. Prints each suite's counts and one closing total.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHost, ROOT } from './host.mjs';
import { runSuite } from './run-integration.mjs';

const results = [];
const started = Date.now();

/** Runs a command, streaming its output; resolves with its exit code and what it printed. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function heading(text) {
  console.log(`\n=== ${text} ===`);
}

/** Runs compiled mocha files in Node and records the suite's counts. */
async function mochaSuite(name, pattern, extra = []) {
  heading(name);
  const { code, out } = await run(process.execPath, ['node_modules/mocha/bin/mocha.js', '--no-config', '--ui', 'tdd', '--timeout', '120000', '--enable-source-maps', ...extra, pattern]);
  const passed = Number(out.match(/(\d+) passing/)?.[1] ?? 0);
  const failed = Number(out.match(/(\d+) failing/)?.[1] ?? 0);
  results.push({ name, passed, failed: code !== 0 && failed === 0 ? 1 : failed });
}

async function step(name, cmd, args) {
  heading(name);
  const { code } = await run(cmd, args);
  if (code !== 0) {
    results.push({ name, passed: 0, failed: 1 });
    return false;
  }
  return true;
}

/** A step whose last line is `N passed, M failed`: its counts join the summary. */
async function gradedStep(name, cmd, args) {
  heading(name);
  const { code, out } = await run(cmd, args);
  const m = out.match(/(\d+) passed, (\d+) failed\s*$/);
  results.push({ name, passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0) || (code !== 0 ? 1 : 0) });
}

function hasTests(dir) {
  const full = join(ROOT, 'out/test', dir);
  return existsSync(full) && readdirSync(full).some((f) => f.endsWith('.test.js'));
}

async function main() {
  const npx = join(ROOT, 'node_modules/.bin');
  const ok = await step('build', process.execPath, ['scripts/build.mjs', '--tests', '--clean', '--bench'])
    && await step('type-check', join(npx, 'tsc'), ['--noEmit', '-p', '.'])
    && await step('lint', join(npx, 'eslint'), ['.']);
  if (!ok) return;
  await mochaSuite('unit tests (core)', 'out/test/unit/**/*.test.js');

  heading('test host: VS Code (code-server), Node.js 24, Chromium');
  const host = ensureHost();
  console.log(`VS Code: code-server ${host.version}`);
  console.log(`Chromium: ${host.chromium}`);

  await gradedStep('grammar tests (TextMate)', process.execPath, ['scripts/test-grammar.mjs']);
  if (hasTests('browser')) await mochaSuite('browser tests (Chromium)', 'out/test/browser/**/*.test.js');
  if (hasTests('reliability')) await mochaSuite('reliability tests', 'out/test/reliability/**/*.test.js');

  if (!await step('package (.vsix)', process.execPath, ['scripts/package.mjs'])) return;
  heading('integration tests (inside VS Code)');
  const integration = await runSuite({
    suite: join(ROOT, 'out/test/integration/index.js'),
    workspace: join(ROOT, 'test/fixtures/workspace'),
    vsix: join(ROOT, 'dist/cruxmark.vsix'),
    timeout: 1200,
  });
  const stats = integration.stats ?? { passes: 0, failures: 0 };
  results.push({ name: 'integration tests (VS Code)', passed: stats.passes, failed: integration.code !== 0 && stats.failures === 0 ? 1 : stats.failures });

  heading('integration tests in an untrusted workspace (Restricted Mode)');
  const untrusted = await runSuite({
    suite: join(ROOT, 'out/test/untrusted/index.js'),
    workspace: join(ROOT, 'test/fixtures/workspace'),
    vsix: join(ROOT, 'dist/cruxmark.vsix'),
    timeout: 300,
    untrusted: true,
  });
  const u = untrusted.stats ?? { passes: 0, failures: 0 };
  results.push({ name: 'untrusted workspace tests (VS Code)', passed: u.passes, failed: untrusted.code !== 0 && u.failures === 0 ? 1 : u.failures });

  if (hasTests('ui')) await mochaSuite('UI tests (Playwright in code-server)', 'out/test/ui/**/*.test.js');
  // On the extension host's Node.js, as `npm run bench` runs it.
  if (!await step('benchmark (tiny run)', host.node24, ['out/bench/bench.js', '--tiny'])) return;
}

try {
  await main();
} catch (e) {
  console.error(e instanceof Error ? e.stack : e);
  results.push({ name: 'test runner', passed: 0, failed: 1 });
}
heading('summary');
for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
