// The extension host's work on one keystroke: follow the text (piece by piece, as the extension
// does), move every annotation, plan the decorations and turn their offsets into editor positions. No Markdown parse runs here; the
// outline catches up after typing pauses.
import { planDecorations } from '../src/core/decorate';
import { EssayAnnotations } from '../src/core/essay';
import type { Annotation, Sidecar } from '../src/core/model';
import { LineIndex, type TextEdit } from '../src/core/text';
import { generateEssay, makeAnnotations } from './anchor';

const TAGS = ['counting-argument', 'simplicity-prior', 'reward-as-update-strength'];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface KeystrokeResult {
  /** Median over all keystrokes of all series. */
  medianMs: number;
  /** Median of the series' slowest keystrokes. */
  maxMs: number;
  /** Slowest keystroke of all. */
  slowestMs: number;
  /** Keystrokes per series. */
  keystrokes: number;
  series: number;
  annotations: number;
}

/** How many keystrokes on another essay of the same size come first, untimed, so that the code is compiled. */
const WARM_UP = 200;

/**
 * Types `keystrokes` characters (and some backspaces) at random places of an essay of `bytes`
 * characters carrying `count` annotations, and times each keystroke's work. The same work on
 * another essay of that size comes first, untimed: a cold start measures the JavaScript engine
 * compiling the code once per session, not the work of a keystroke. A small essay does not do:
 * after one, the first keystrokes in the long essay still took up to 4.6 ms, none of them during
 * a garbage collection, where the slowest after them took 1.2 ms.
 *
 * Each keystroke runs in a turn of the event loop of its own, as a change event does in the
 * extension host. Between turns the engine runs the garbage collection it has scheduled; typing
 * everything in one synchronous loop would instead charge that work to whichever keystroke
 * happened to allocate when it fell due.
 *
 * The keystrokes are typed in `series` series, each into an essay of its own. The maximum is the
 * median of the series' slowest keystrokes: a keystroke the code makes slow recurs in every
 * series, while the virtual machine, stalled for a few milliseconds, delays one keystroke of one
 * series (the slowest keystroke of all is reported beside it).
 */
export async function benchKeystrokes(bytes: number, count: number, keystrokes = 400, seed = 7, series = 3): Promise<KeystrokeResult> {
  await type(bytes, count, WARM_UP, seed + 100);
  const all: number[] = [];
  const slowest: number[] = [];
  for (let k = 0; k < series; k++) {
    const times = await type(bytes, count, keystrokes, seed + k);
    all.push(...times);
    slowest.push(Math.max(...times));
  }
  return { medianMs: median(all), maxMs: median(slowest), slowestMs: Math.max(...slowest), keystrokes, series, annotations: count };
}

async function type(bytes: number, count: number, keystrokes: number, seed: number): Promise<number[]> {
  const essay = generateEssay(bytes, seed);
  const marks = makeAnnotations(essay, count, seed + 1);
  const stamp = '2026-01-01T00:00:00.000Z';
  const annotations: Annotation[] = marks.map((m, i) => ({
    id: `p-${i}`, kind: i % 10 === 0 ? 'claim' : 'passage', tags: i % 7 === 0 ? [TAGS[i % 3], TAGS[(i + 1) % 3]] : [TAGS[i % 3]],
    ...(i % 10 === 0 ? { title: `Claim ${i}` } : {}), target: m.target, created: stamp, updated: stamp,
  }));
  const sidecar: Sidecar = { version: 1, document: 'essay.md', annotations };
  const state = new EssayAnnotations(essay.text);
  state.load(sidecar);
  // VS Code keeps its own line index of the document; this stands in for its positionAt.
  const lines = new LineIndex(essay.text);
  let rng = seed;
  const next = (n: number): number => {
    rng = (Math.imul(rng, 1103515245) + 12345) >>> 0;
    return (rng >>> 8) % n;
  };
  const times: number[] = [];
  let sink = 0;
  for (let k = 0; k < keystrokes; k++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const at = next(state.length - 1);
    const edit: TextEdit = next(5) === 0 ? { start: at, end: at + 1, text: '' } : { start: at, end: at, text: 'x' };
    const t0 = performance.now();
    state.edit([edit]);
    const plan = planDecorations(state.list());
    for (const marksOfTag of plan.byTag.values()) {
      for (const m of marksOfTag) sink += lines.positionAt(m.range.start).line + lines.positionAt(m.range.end).character;
    }
    times.push(performance.now() - t0);
  }
  if (sink < 0) throw new Error('unreachable');
  return times;
}
