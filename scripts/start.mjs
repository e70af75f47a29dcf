#!/usr/bin/env node
// `npm start`: builds Cruxmark and serves a real VS Code (code-server) with it installed, opened
// on examples/. Prints the local URL and runs until Ctrl+C. Set PORT to choose the port.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHost, newRunDir, startCodeServer, workbenchUrl, ROOT } from './host.mjs';

execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const host = ensureHost();
const runDir = newRunDir('start');
// The repository itself is the installed extension, so `npm run build` and a window reload pick up changes.
mkdirSync(join(runDir, 'ext'), { recursive: true });
const pkg = JSON.parse((await import('node:fs')).readFileSync(join(ROOT, 'package.json'), 'utf8'));
symlinkSync(ROOT, join(runDir, 'ext', `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');

const server = await startCodeServer(host, runDir, { port: Number(process.env.PORT ?? 0), settings: { 'workbench.colorTheme': 'Default Light Modern' } });
const url = workbenchUrl(server.base, join(ROOT, 'examples'));
console.log(`\nCruxmark in VS Code (code-server ${host.version.split(' ')[0]}):\n\n  ${url}\n\nOpen it in a browser. Press Ctrl+C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.once('exit', (code) => {
  if (!stopping) {
    console.error(`code-server stopped (exit ${code}); its log is in ${join(runDir, 'code-server.log')}`);
    process.exit(1);
  }
});
