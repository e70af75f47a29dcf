// `npm run test:electron`: the same integration suite in desktop VS Code, through
// @vscode/test-electron, for machines that can download VS Code. As with code-server, the
// extension is installed from its .vsix and the suite runs from a folder that holds only tests.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/package.mjs')], { cwd: root, stdio: 'inherit' });
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'cruxmark-electron-'));
  const extensionsDir = path.join(run, 'ext');
  const workspace = path.join(run, 'workspace');
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  const devPath = path.join(run, 'tests-extension');
  fs.mkdirSync(devPath);
  fs.writeFileSync(path.join(devPath, 'package.json'), JSON.stringify({ name: 'cruxmark-integration-tests', publisher: 'cruxmark', version: '0.0.0', engines: { vscode: '*' } }));

  const vscodeExecutablePath = await downloadAndUnzipVSCode('stable');
  const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
  execFileSync(cli, [...cliArgs, '--extensions-dir', extensionsDir, '--install-extension', path.join(root, 'dist/cruxmark.vsix'), '--force'], { stdio: 'inherit', shell: process.platform === 'win32' });

  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: devPath,
    extensionTestsPath: path.join(__dirname, 'integration/index.js'),
    launchArgs: [workspace, '--extensions-dir', extensionsDir, '--disable-workspace-trust'],
    extensionTestsEnv: { CRUXMARK_TEST_FIXTURES: path.join(root, 'test/fixtures'), CRUXMARK_TEST_RESULTS: path.join(run, 'results.json') },
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
