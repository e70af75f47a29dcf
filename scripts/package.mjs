#!/usr/bin/env node
// Builds the production bundle and packages dist/cruxmark.vsix with @vscode/vsce.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './host.mjs';

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
// Dependencies are bundled by esbuild, so none are packaged.
execFileSync(process.execPath, [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', 'dist/cruxmark.vsix'], { cwd: ROOT, stdio: 'inherit' });
