// The reliability scenarios, shared by `npm test` (small runs, test/reliability) and
// `npm run test:stress` (large runs, test/stress). Each runs real processes on a real disk and
// returns counts; the tests assert on them and print them.
import { spawn, type ChildProcess } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Sidecar } from '../../src/core/model';
import { parseSidecar, stringifySidecar } from '../../src/core/sidecar';
import { bigSidecar } from '../fixtures/sidecars/build';

/** The compiled writer process, beside the compiled test (test/reliability and test/stress both build one). */
export const CHILD = path.resolve(__dirname, 'writer-child.js');

export const SIDECAR = 'essay.md.cruxmark.json';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function tempDir(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `cruxmark-${name}-`));
}

/** Thousands separators, for the figures the runs print. */
export function n(x: number): string {
  return x.toLocaleString('en-US');
}

/** Figures of a whole run, summed over the test files of one mocha process and printed once at the end. */
export interface Tally {
  faults: number;
  interrupted: number;
  torn: number;
  annotations: number;
  lost: number;
}

const TALLY_KEY = Symbol.for('cruxmark.reliability.tally');

/** Adds to the run's figures; the first call registers the closing line. */
export function tally(add: Partial<Tally>, label: string): void {
  const g = globalThis as unknown as Record<symbol, Tally | undefined>;
  if (!g[TALLY_KEY]) {
    const t: Tally = { faults: 0, interrupted: 0, torn: 0, annotations: 0, lost: 0 };
    g[TALLY_KEY] = t;
    // A root-level hook: runs once, after every suite of the run.
    suiteTeardown(() => {
      console.log(`\n  ${label}: ${n(t.faults)} faults injected, ${n(t.interrupted)} writes interrupted, ${n(t.torn)} torn files, ${n(t.lost)} annotations lost of ${n(t.annotations)}`);
    });
  }
  const t = g[TALLY_KEY]!;
  for (const [k, v] of Object.entries(add)) t[k as keyof Tally] += v ?? 0;
}

/** A writer process and every line it has printed so far. */
export class Writer {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private ended: string | undefined;
  private waiters: (() => void)[] = [];

  /** Writers still running, so that a failed test does not leave them behind. */
  static readonly live = new Set<Writer>();

  /** Ends every writer still running. */
  static async killAll(): Promise<void> {
    const live = [...Writer.live];
    for (const w of live) w.child.kill('SIGKILL');
    await Promise.all(live.map((w) => w.done));
  }

  constructor(args: string[], options: { uid?: number; gid?: number } = {}) {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: build the tests first (node scripts/build.mjs --tests)`);
    this.child = spawn(process.execPath, [CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    let partial = '';
    this.child.stdout!.on('data', (d) => {
      partial += d;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    // A killed writer's stdin may be closed already; the parent does not care.
    this.child.stdin!.on('error', () => undefined);
    Writer.live.add(this);
    this.done = new Promise((resolve) => this.child.on('close', (code, signal) => {
      Writer.live.delete(this);
      this.ended = `exit ${code ?? signal}`;
      this.wake();
      resolve({ code, signal });
    }));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves when the process has printed `line`; rejects if it ends first or takes longer than `ms`. */
  async waitFor(line: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.lines.includes(line)) {
      if (this.ended) throw new Error(`writer ended (${this.ended}) before "${line}": ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${line}" within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** The process's summary (the last line it printed, as JSON), once it has ended successfully. */
  async summary<T>(): Promise<T> {
    const end = await this.done;
    if (end.code !== 0) throw new Error(`a writer failed (${end.code ?? end.signal}): ${this.stderr}`);
    return JSON.parse(this.lines[this.lines.length - 1]) as T;
  }
}

/** Lets writers go at the same moment, once all have loaded. */
async function startTogether(writers: Writer[]): Promise<void> {
  await Promise.all(writers.map((w) => w.waitFor('loaded', 30_000)));
  for (const w of writers) w.send('go');
}

/** Files beside the sidecar that a writer leaves while it works: temp files and the lock. */
export async function litter(dir: string): Promise<{ temps: string[]; lock: string | undefined }> {
  const names = await fs.readdir(dir);
  const temps = names.filter((f) => f.endsWith('.tmp'));
  let lock: string | undefined;
  try {
    lock = await fs.readFile(path.join(dir, `${SIDECAR}.lock`), 'utf8');
  } catch {
    lock = undefined;
  }
  return { temps, lock };
}

export interface CrashStats {
  kills: number;
  /** Kills that found the writer inside the atomic replace (holding the lock). */
  insideReplace: number;
  /** Kills that left the killed writer's temp file behind (written, not yet renamed). */
  tempLeft: number;
  /** Files that were neither the old nor the new version after a kill. */
  torn: number;
  /** Locks left by a killed writer that did not name it (and so could not be seen to be stale). */
  anonymousLocks: number;
  /** The slowest first save of a writer started right after a kill, in ms. */
  slowestRestart: number;
  /** Temp files still there after the last writer's save. */
  orphans: number;
  /** Size of the two versions. */
  bytes: number[];
  annotations: number;
  samples: string[];
}

/**
 * Writers that save two large versions of a sidecar in turn, killed with SIGKILL at random
 * moments, `kills` times, in `lanes` folders at once. After each kill the file must be exactly
 * the old or the new version, and the next writer must start at once.
 */
export async function crashRun(kills: number, lanes = 1, size = { annotations: 150, note: 1500 }): Promise<CrashStats> {
  const stats: CrashStats = { kills: 0, insideReplace: 0, tempLeft: 0, torn: 0, anonymousLocks: 0, slowestRestart: 0, orphans: 0, bytes: [], annotations: 0, samples: [] };
  const old = bigSidecar('p', size.annotations, size.note);
  // The new version edits every note and adds annotations, so the two differ throughout the file.
  const next: Sidecar = {
    ...old,
    annotations: [
      ...old.annotations.map((a) => ({ ...a, note: `${a.note} (revised)`, updated: '2025-03-04T05:06:07.000Z' })),
      ...bigSidecar('q', size.annotations / 10, size.note).annotations,
    ],
  };
  const texts = [stringifySidecar(old), stringifySidecar(next)];
  stats.bytes = texts.map((t) => Buffer.byteLength(t));
  stats.annotations = next.annotations.length;
  const lane = async (perLane: number): Promise<void> => {
    const dir = await tempDir('crash');
    try {
      const file = path.join(dir, SIDECAR);
      const [a, b] = [path.join(dir, 'a.json'), path.join(dir, 'b.json')];
      await fs.writeFile(a, JSON.stringify(old));
      await fs.writeFile(b, JSON.stringify(next));
      await fs.writeFile(file, texts[0]);
      // Each writer is started while the one before it runs, so that Node's start-up is not the bottleneck.
      let ahead = new Writer(['alternate', file, a, b]);
      for (let k = 0; k < perLane; k++) {
        const w = ahead;
        await w.waitFor('loaded', 30_000);
        ahead = new Writer(['alternate', file, a, b]);
        const started = Date.now();
        w.send('go');
        await w.waitFor('ready', 30_000);
        stats.slowestRestart = Math.max(stats.slowestRestart, Date.now() - started);
        await sleep(Math.random() * 25);
        w.child.kill('SIGKILL');
        const end = await w.done;
        if (end.signal !== 'SIGKILL') throw new Error(`the writer ended by itself (${end.code}): ${w.stderr}`);
        stats.kills++;
        const left = await litter(dir);
        if (left.lock !== undefined) {
          stats.insideReplace++;
          if (left.lock !== String(w.pid)) {
            stats.anonymousLocks++;
            stats.samples.push(`lock ${JSON.stringify(left.lock)} left by pid ${w.pid}`);
          }
        }
        if (left.temps.some((t) => t.includes(`.${w.pid}.`) && !t.endsWith('.lock.tmp'))) stats.tempLeft++;
        const disk = await fs.readFile(file, 'utf8');
        if (disk !== texts[0] && disk !== texts[1]) {
          stats.torn++;
          stats.samples.push(`torn: ${disk.length} chars, parses: ${parseSidecar(disk, file).ok}`);
        }
      }
      // One more writer, left to finish a save: it must clear what the killed ones left.
      await ahead.waitFor('loaded', 30_000);
      ahead.send('go');
      await ahead.waitFor('ready', 30_000);
      ahead.child.kill('SIGTERM');
      await ahead.done;
      stats.orphans += (await litter(dir)).temps.length;
    } finally {
      await Writer.killAll();
      await fs.rm(dir, { recursive: true, force: true });
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(Math.floor(kills / lanes) + (i < kills % lanes ? 1 : 0))));
  return stats;
}

interface AddSummary {
  saves: number;
  merged: number;
  gaveUp: number;
  unreadable: number;
}

export interface ConcurrentStats {
  annotations: number;
  lost: number;
  editsLost: number;
  saves: number;
  merged: number;
  gaveUp: number;
  problems: string[];
}

/** What must be in the final file: each writer's annotations, each but the last with its edited note. */
function checkWriters(sidecar: Sidecar, writers: string[], each: number, stats: ConcurrentStats): void {
  const byId = new Map(sidecar.annotations.map((a) => [a.id, a]));
  for (const w of writers) {
    for (let i = 0; i < each; i++) {
      const a = byId.get(`${w}-${i}`);
      if (!a) {
        stats.lost++;
        stats.problems.push(`${w}-${i} lost`);
      } else if (a.note !== (i === each - 1 ? `${w} ${i}` : `${w} ${i} edited`)) {
        stats.editsLost++;
        stats.problems.push(`${w}-${i}: note ${JSON.stringify(a.note)}`);
      }
    }
  }
}

async function readFinal(file: string): Promise<Sidecar> {
  const parsed = parseSidecar(await fs.readFile(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`the final file does not read: ${JSON.stringify(parsed.problems)}`);
  return parsed.sidecar;
}

/** `writers` processes at once, each adding `each` annotations of its own to one sidecar. */
export async function concurrentRun(writers: number, each: number): Promise<ConcurrentStats> {
  const dir = await tempDir('concurrent');
  try {
    const file = path.join(dir, SIDECAR);
    const names = Array.from({ length: writers }, (_, w) => `w${w}`);
    const children = names.map((w) => new Writer(['add', file, w, String(each)]));
    await startTogether(children);
    const summaries = await Promise.all(children.map((c) => c.summary<AddSummary>()));
    const stats: ConcurrentStats = { annotations: writers * each, lost: 0, editsLost: 0, saves: 0, merged: 0, gaveUp: 0, problems: [] };
    for (const s of summaries) {
      stats.saves += s.saves;
      stats.merged += s.merged;
      stats.gaveUp += s.gaveUp;
    }
    const final = await readFinal(file);
    checkWriters(final, names, each, stats);
    if (final.annotations.length !== writers * each) stats.problems.push(`${final.annotations.length} annotations in the file`);
    const left = await litter(dir);
    if (left.temps.length > 0 || left.lock !== undefined) stats.problems.push(`left behind: ${left.temps.join(', ')} ${left.lock ?? ''}`);
    return stats;
  } finally {
    await Writer.killAll();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface CheckoutStats {
  checkouts: number;
  writerSaves: number;
  merged: number;
  unreadable: number;
  /** Annotations the checkouts wrote that are not in the final file. */
  checkoutLost: number;
  /** The writer's annotations added after the last checkout that are not in the final file. */
  writerLost: number;
  annotations: number;
  problems: string[];
}

/**
 * A writer adding annotations while another process replaces the file wholesale, as git does on
 * checkout (unlink, create, write), `checkouts` times, each time with one more annotation of its
 * own and none of the writer's. Before each checkout, the checkout process checks that what the
 * earlier ones wrote is still in the file. When the checkouts stop, the writer saves twice more.
 * The final file must hold every checkout annotation and the writer's last ones: annotations the
 * checkout removed stay removed (that is what a checkout means), but nothing it wrote is lost.
 */
export async function checkoutRace(checkouts: number, gapMs: number): Promise<CheckoutStats> {
  const dir = await tempDir('checkout');
  try {
    const file = path.join(dir, SIDECAR);
    const stop = path.join(dir, 'stop');
    const w = new Writer(['add', file, 'w', '0', stop]);
    const git = new Writer(['checkout', file, String(checkouts), String(gapMs)]);
    await startTogether([w, git]);
    const g = await git.summary<{ lost: string[] }>();
    await fs.writeFile(stop, '');
    const s = await w.summary<AddSummary & { count: number }>();
    const final = await readFinal(file);
    const ids = new Set(final.annotations.map((a) => a.id));
    const stats: CheckoutStats = { checkouts, writerSaves: s.saves, merged: s.merged, unreadable: s.unreadable, checkoutLost: 0, writerLost: 0, annotations: checkouts + 2, problems: [] };
    // Lost at any time between two checkouts (seen by the checkout process), or at the end.
    const lost = new Set(g.lost);
    for (let j = 0; j < checkouts; j++) if (!ids.has(`checkout-${j}`)) lost.add(`checkout-${j}`);
    stats.checkoutLost = lost.size;
    for (const id of lost) stats.problems.push(`${id} lost`);
    for (const i of [s.count - 2, s.count - 1]) {
      if (!ids.has(`w-${i}`)) {
        stats.writerLost++;
        stats.problems.push(`w-${i} lost`);
      }
    }
    return stats;
  } finally {
    await Writer.killAll();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface KillRaceStats {
  kills: number;
  saved: number;
  lost: number;
  problems: string[];
  /** The slowest save of the writer started after the last kill, in ms. */
  lastSaveMs: number;
}

/**
 * `writers` processes adding annotations to one sidecar, one of them SIGKILLed at random every
 * 20–120 ms and replaced by a fresh one, for `durationMs`. Every annotation a writer reported as
 * saved must be in the final file: a kill must never let another writer's save be lost (for
 * example through a stale lock broken twice, or a compare made against the wrong file).
 */
export async function killWhileRacing(writers: number, durationMs: number): Promise<KillRaceStats> {
  const dir = await tempDir('killrace');
  try {
    const file = path.join(dir, SIDECAR);
    let generation = 0;
    const saved = new Set<string>();
    const collect = (w: Writer): void => {
      for (const line of w.lines) if (line.startsWith('saved ')) saved.add(line.slice(6));
    };
    const spawnOne = (): Writer => new Writer(['add', file, `g${generation++}`, '1000000']);
    const slots = Array.from({ length: writers }, spawnOne);
    await startTogether(slots);
    const stats: KillRaceStats = { kills: 0, saved: 0, lost: 0, problems: [], lastSaveMs: 0 };
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      await sleep(20 + Math.random() * 100);
      const i = Math.floor(Math.random() * slots.length);
      const victim = slots[i];
      victim.child.kill('SIGKILL');
      await victim.done;
      collect(victim);
      stats.kills++;
      slots[i] = spawnOne();
      await startTogether([slots[i]]);
    }
    for (const w of slots) w.child.kill('SIGKILL');
    await Promise.all(slots.map((w) => w.done));
    slots.forEach(collect);
    // One last writer, run to the end: it must get past whatever the killed ones left.
    const started = Date.now();
    const last = new Writer(['add', file, 'last', '1']);
    await startTogether([last]);
    await last.summary();
    stats.lastSaveMs = Date.now() - started;
    collect(last);
    const final = await readFinal(file);
    const ids = new Set(final.annotations.map((a) => a.id));
    stats.saved = saved.size;
    for (const id of saved) {
      if (!ids.has(id)) {
        stats.lost++;
        stats.problems.push(`${id} lost`);
      }
    }
    const left = await litter(dir);
    if (left.temps.length > 0 || left.lock !== undefined) stats.problems.push(`left behind: ${left.temps.join(', ')} ${left.lock ?? ''}`);
    return stats;
  } finally {
    await Writer.killAll();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
