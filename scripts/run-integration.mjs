#!/usr/bin/env node
// Runs a mocha suite (an @vscode/test-electron style `run()` entry) inside a real VS Code:
// code-server's extension host, with the workbench open in headless Chromium.
//
//   node scripts/run-integration.mjs --suite out/test/integration/index.js --workspace test/fixtures/workspace \
//       [--vsix dist/cruxmark.vsix | --extension <folder>] [--timeout <seconds>] [--untrusted]
//
// With --vsix the extension is installed from the package, so a file missing from it fails the run;
// the suite is then loaded from a development folder that holds only the tests.
import { cpSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { ensureHost, newRunDir, installVsix, startCodeServer, launchBrowser, workbenchUrl, ROOT } from './host.mjs';

// Offline code-server logs its failures to reach online services, and its connection chatter.
const NOISE = [/marketplace/i, /github\.com/i, /Failed to fetch/i, /ENOTFOUND/, /ERR_NAME_NOT_RESOLVED/, /getaddrinfo/,
  /\bchat\b/i, /copilot/i, /^Resolv(ing|ed) connection token/, /^Creating a socket/, /reconnection-grace-time/,
  /Updating additional builtin/, /\[Service Worker\]/, /\[AgentHost/, /\[AccountPolicyGate\]/,
  /authentication provider/, /static\/out\/vs\/code\/browser\/workbench/];

function parseArgs(argv) {
  const opts = { timeout: 900 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === '--suite') opts.suite = resolve(value);
    else if (key === '--workspace') opts.workspace = resolve(value);
    else if (key === '--vsix') opts.vsix = resolve(value);
    else if (key === '--extension') opts.extension = resolve(value);
    else if (key === '--timeout') opts.timeout = Number(value);
    else if (key === '--untrusted') { opts.untrusted = true; continue; }
    else throw new Error(`unknown argument ${key}`);
    i++;
  }
  if (!opts.suite || !opts.workspace) throw new Error('usage: run-integration.mjs --suite <compiled suite index> --workspace <folder> [--vsix <file> | --extension <folder>] [--timeout <seconds>]');
  if (!existsSync(opts.suite)) throw new Error(`suite not found: ${opts.suite}`);
  if (!existsSync(opts.workspace)) throw new Error(`workspace not found: ${opts.workspace}`);
  return opts;
}

/** Runs one suite and resolves with `{ code, stats }`; code 0 means every test passed. */
export async function runSuite(opts) {
  const host = ensureHost();
  console.log(`VS Code: code-server ${host.version}`);
  const runDir = newRunDir('integration');
  let devPath = opts.extension ?? ROOT;
  if (opts.vsix) {
    installVsix(host, runDir, opts.vsix);
    // The suite needs an extension development folder; this one contributes nothing, so the
    // extension under test is the one installed from the package.
    devPath = join(runDir, 'tests-extension');
    mkdirSync(devPath, { recursive: true });
    writeFileSync(join(devPath, 'package.json'), JSON.stringify({
      name: 'cruxmark-integration-tests', publisher: 'cruxmark', version: '0.0.0', engines: { vscode: '*' },
    }));
  }
  // Every run starts from a fresh copy of the fixture workspace.
  const workspace = join(runDir, 'workspace');
  cpSync(opts.workspace, workspace, { recursive: true });
  const resultsFile = join(runDir, 'results.json');
  const server = await startCodeServer(host, runDir, {
    smokeTestDriver: true,
    env: { CRUXMARK_TEST_RESULTS: resultsFile, CRUXMARK_TEST_FIXTURES: join(ROOT, 'test/fixtures') },
    untrusted: opts.untrusted === true,
  });
  const browser = await launchBrowser(host, runDir);
  let code;
  try {
    const page = await browser.newPage();
    let finish;
    const exited = new Promise((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...args);
      if (!NOISE.some((re) => re.test(line))) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (exitCode) => finish(exitCode));
    const authority = server.base.host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${devPath}`],
      ['extensionTestsPath', `vscode-remote://${authority}${opts.suite}`],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const response = await page.goto(workbenchUrl(server.base, workspace, payload));
    if (!response || response.status() >= 400) {
      throw new Error(`the workbench page answered HTTP ${response?.status()}; see ${join(runDir, 'code-server.log')}`);
    }
    code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r('timeout'), opts.timeout * 1000)),
    ]);
    if (code === 'timeout') {
      console.error(`The extension host never reported within ${opts.timeout} s. Logs: ${runDir}`);
      code = 3;
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
  const stats = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  if (!stats && code === 0) {
    console.error('The suite reported success but wrote no results: treating it as a failure.');
    code = 3;
  }
  if (code !== 0) console.error(`Logs of this run: ${runDir}`);
  return { code, stats };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { code, stats } = await runSuite(parseArgs(process.argv.slice(2)));
    if (stats) console.log(`${stats.passes} passed, ${stats.failures} failed`);
    process.exit(code);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(4);
  }
}
