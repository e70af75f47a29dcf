// `npm run bench`: builds the benchmark and runs it on the Node.js that runs extensions in the
// VS Code the tests use (code-server's extension host: Node.js 24), fetched from the npm registry
// as the tests fetch it. Arguments are passed on (`--tiny` for the small run `npm test` makes).
import { spawnSync } from 'node:child_process';
import { ensureNode24, ROOT } from './host.mjs';

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--bench'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const node = ensureNode24();
const run = spawnSync(node, ['out/bench/bench.js', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(run.status ?? 1);
