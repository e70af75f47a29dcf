#!/usr/bin/env node
// Bundles the extension, the CLI, and (with --tests / --bench) the test suites and the benchmark.
// remark and unified are ESM-only: bundling them into CommonJS is what lets VS Code's extension
// host, the CLI and mocha all load the same code.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const argv = process.argv.slice(2);
const args = new Set(argv);
// --only=<text>: build just the test files whose path contains <text>.
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const production = args.has('--production');
const root = new URL('..', import.meta.url).pathname;

/** All files under dir whose name ends with suffix. */
function walk(dir, suffix) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(...walk(p, suffix));
    } else if (name.endsWith(suffix)) {
      out.push(p);
    }
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  absWorkingDir: root,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * The worker that parses parts of a long essay's first index (src/node/outlineThreads.ts). It is
 * found next to the bundle that starts it, so it is written into each folder that holds one.
 */
function outlineWorker(outdir) {
  return esbuild.build({
    ...common,
    entryPoints: { outlineWorker: 'src/node/outlineWorker.ts' },
    outdir,
    minify: production,
    sourcemap: production ? false : 'linked',
  });
}

const builds = [
  esbuild.build({
    ...common,
    entryPoints: { extension: 'src/extension.ts', cli: 'src/cli.ts' },
    outdir: 'dist',
    external: ['vscode'],
    minify: production,
    sourcemap: production ? false : 'linked',
    metafile: true,
  }),
  outlineWorker('dist'),
];

if (args.has('--tests') || only) {
  if (args.has('--clean')) rmSync(join(root, 'out/test'), { recursive: true, force: true });
  const suites = ['unit', 'browser', 'reliability', 'stress', 'ui', 'integration', 'untrusted'].flatMap((dir) => walk(join(root, 'test', dir), '.ts'));
  const all = [...suites, join(root, 'test/run-electron.ts')];
  const entries = only ? all.filter((e) => e.includes(only)) : all;
  builds.push(esbuild.build({
    ...common,
    entryPoints: entries.map((e) => ({ in: e, out: relative(join(root, 'test'), e).replace(/\.ts$/, '') })),
    outdir: 'out/test',
    external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'],
    sourcemap: 'inline',
  }));
  if (entries.some((e) => e.startsWith(join(root, 'test/unit/')))) builds.push(outlineWorker('out/test/unit'));
}

if (args.has('--bench')) {
  builds.push(esbuild.build({
    ...common,
    entryPoints: { bench: 'bench/bench.ts' },
    outdir: 'out/bench',
    sourcemap: 'linked',
  }), outlineWorker('out/bench'));
}

const [ext] = await Promise.all(builds);
if (args.has('--metafile')) {
  console.log(await esbuild.analyzeMetafile(ext.metafile));
}
