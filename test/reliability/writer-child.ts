// A writer process for the reliability tests: the parent spawns it, races it against others, and
// kills it with SIGKILL. It goes through the same code the CLI uses (saveSidecar on nodeFileAccess).
//
//   alternate <file> <a.json> <b.json>     save A, B, A, B… forever; prints "ready" after the first save
//   (every mode but save-once prints "loaded" and waits for "go" on stdin, so that racers start together)
//   add <file> <prefix> <count> [<stop>]   add <count> annotations of its own, one save each, editing
//                                          the previous one's note each time; prints "saved <id>" after
//                                          each save and a JSON summary at the end.
//                                          With <stop>: go on until that file exists, then save twice more
//   checkout <file> <count> <gapMs>        replace the file wholesale <count> times, the way git does
//                                          (unlink, create, write), each time with one more annotation of
//                                          its own and none of anyone else's; before each, checks that what
//                                          the earlier ones wrote is still there; prints a JSON summary
//   save-once <file> <sidecar.json>        one saveSidecar; prints {"ok":…,"error":…} (used for
//                                          read-only folders, where it runs as an unprivileged user)
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import type { Sidecar } from '../../src/core/model';
import { parseSidecar, stringifySidecar } from '../../src/core/sidecar';
import { saveSidecar, UnreadableSidecarError } from '../../src/core/store';
import { nodeFileAccess } from '../../src/node/fileAccess';
import { passage } from '../fixtures/sidecars/build';

const [mode, file, ...rest] = process.argv.slice(2);


function readJson(p: string): Sidecar {
  return JSON.parse(readFileSync(p, 'utf8')) as Sidecar;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits for a "go" line on stdin, so that the parent can start processes ahead of time. */
function go(): Promise<void> {
  // From now on the parent holds our stdin: when it ends (the parent died or gave up), so do we.
  process.stdin.on('end', () => process.exit(4));
  process.stdout.write('loaded\n');
  return new Promise((resolve) => {
    let input = '';
    process.stdin.on('data', (d) => {
      input += d;
      if (input.includes('go\n')) resolve();
    });
  });
}

async function alternate(a: Sidecar, b: Sidecar): Promise<void> {
  const textA = stringifySidecar(a);
  await go();
  let first = true;
  for (;;) {
    const disk = await nodeFileAccess.read(file);
    await saveSidecar(nodeFileAccess, file, disk, disk === textA ? b : a);
    if (first) {
      first = false;
      process.stdout.write('ready\n');
    }
  }
}

/** Loads the sidecar as the extension does when an essay opens; a missing file is empty. */
async function load(): Promise<{ sidecar: Sidecar; text: string | undefined }> {
  for (;;) {
    const text = await nodeFileAccess.read(file);
    if (text === undefined) return { sidecar: { version: 1, document: 'essay.md', annotations: [] }, text };
    const r = parseSidecar(text, file);
    if (r.ok) return { sidecar: r.sidecar, text };
    // Caught mid-way through someone else's non-atomic write: look again.
    await sleep(1);
  }
}

async function add(prefix: string, count: number, stop: string | undefined): Promise<void> {
  await go();
  let { sidecar: ours, text: base } = await load();
  let saves = 0;
  let merged = 0;
  let gaveUp = 0;
  let unreadable = 0;
  // With a stop file: go on until it appears, then save twice more.
  let last = stop !== undefined ? Infinity : count;
  for (let i = 0; i < last; i++) {
    if (last === Infinity && existsSync(stop!)) last = i + 2;
    const annotations = ours.annotations.map((a) => (a.id === `${prefix}-${i - 1}` ? { ...a, note: `${prefix} ${i - 1} edited` } : a));
    annotations.push(passage(`${prefix}-${i}`, i * 10 + prefix.length, { note: `${prefix} ${i}` }));
    const next: Sidecar = { ...ours, annotations };
    for (;;) {
      try {
        const r = await saveSidecar(nodeFileAccess, file, base, next);
        process.stdout.write(`saved ${prefix}-${i}\n`);
        saves++;
        if (r.merged) merged++;
        ours = r.sidecar;
        base = r.text;
        break;
      } catch (e) {
        // The editor shows these and the user saves again; the test counts them.
        if (e instanceof UnreadableSidecarError) unreadable++;
        else if (/kept changing/.test((e as Error).message)) gaveUp++;
        else throw e;
        await sleep(Math.random() * 5);
      }
    }
    await sleep(Math.random() * 3);
  }
  process.stdout.write(JSON.stringify({ saves, merged, gaveUp, unreadable, count: last }) + '\n');
}

async function checkout(count: number, gapMs: number): Promise<void> {
  await go();
  const annotations = [];
  // Checked before each new checkout: what the previous checkouts wrote must still be in the file
  // (the writer's atomic saves mean it is never read half-written).
  const lost: string[] = [];
  for (let j = 0; j < count; j++) {
    await sleep(Math.random() * gapMs);
    if (j > 0) {
      const now = parseSidecar(readFileSync(file, 'utf8'), file);
      const ids = new Set(now.ok ? now.sidecar.annotations.map((a) => a.id) : []);
      for (const a of annotations) if (!ids.has(a.id) && !lost.includes(a.id)) lost.push(a.id);
    }
    annotations.push(passage(`checkout-${j}`, 5 + j * 10, { note: `from the other branch, ${j}` }));
    const text = stringifySidecar({ version: 1, document: 'essay.md', annotations });
    // What git does when it checks a file out: remove it, create it anew, write it.
    try {
      unlinkSync(file);
    } catch {
      /* not there */
    }
    writeFileSync(file, text, { flag: 'w' });
  }
  process.stdout.write(JSON.stringify({ checkouts: count, lost }) + '\n');
}

async function saveOnce(sidecar: Sidecar): Promise<void> {
  // Under `ulimit -f`, a write past the limit fails with EFBIG instead of killing the process.
  process.on('SIGXFSZ', () => undefined);
  try {
    const base = await nodeFileAccess.read(file);
    await saveSidecar(nodeFileAccess, file, base, sidecar);
    process.stdout.write(JSON.stringify({ ok: true }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: (e as Error).message, code: (e as NodeJS.ErrnoException).code }) + '\n');
  }
}

async function main(): Promise<void> {
  switch (mode) {
    case 'alternate':
      return alternate(readJson(rest[0]), readJson(rest[1]));
    case 'add':
      return add(rest[0], Number(rest[1]), rest[2]);
    case 'checkout':
      return checkout(Number(rest[0]), Number(rest[1]));
    case 'save-once':
      return saveOnce(readJson(rest[0]));
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

// Exit explicitly: stdin, held open by the parent, would keep the process alive.
main().then(() => process.stdout.write('', () => process.exit(0)), (e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(3);
});
