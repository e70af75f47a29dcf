// Benchmarks of the Markdown outline, called by the benchmark driver. Each returns milliseconds and
// prints nothing. Ratios are meaningful only against benchFullParse measured in the same run.
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import { OutlineIndex, parseOutline, type Outline, type ParallelParse } from '../src/core/markdown';
import { outlineThreads } from '../src/node/outlineThreads';

import { generateEssay } from './essay';

export { generateEssay };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A small seeded PRNG, so that runs edit the same places. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
}

/** VS Code's getText() returns a flat string; flattening the one slice-and-concat made keeps that copy out of the timing. */
function flatten(text: string): string {
  /^/.test(text);
  return text;
}

function sameOutline(a: Outline, b: Outline): boolean {
  const plain = (o: Outline): string => JSON.stringify([o.blocks, o.headings, o.sections, o.links, o.problems]);
  return plain(a) === plain(b);
}

/** Median ms of one remark parse (GFM and front matter) of the whole text: the baseline. */
export function benchFullParse(text: string, runs = 3): number {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml', 'toml']).freeze();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    processor.parse(text);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** What benchReindexAfterEdit measured. */
export interface ReindexResult {
  medianMs: number;
  maxMs: number;
  /** Median of the characters each update parsed again. */
  medianReparsedChars: number;
  /** Whether the index after all edits equals parseOutline of the final text. */
  equal: boolean;
}

/**
 * Times OutlineIndex.update after `runs` one-character edits (an insertion or a deletion) at random
 * places in random paragraphs, then compares the index with a full parse of the final text.
 */
export function benchReindexAfterEdit(text: string, runs = 50, seed = 1): ReindexResult {
  const next = random(seed);
  const index = new OutlineIndex(text);
  let current = text;
  const times: number[] = [];
  const reparsed: number[] = [];
  for (let i = 0; i < runs; i++) {
    const paragraphs = index.outline.blocks.filter((b) => b.kind === 'paragraph' && b.end - b.start > 1);
    const p = paragraphs[next(paragraphs.length)];
    const at = p.start + next(p.end - p.start - 1);
    const edit = next(2) === 0 ? { start: at, end: at, text: 'e' } : { start: at, end: at + 1, text: '' };
    current = flatten(current.slice(0, edit.start) + edit.text + current.slice(edit.end));
    const started = performance.now();
    index.update(current, [edit]);
    times.push(performance.now() - started);
    reparsed.push(index.stats.lastReparsedChars);
  }
  return {
    medianMs: median(times),
    maxMs: Math.max(...times),
    medianReparsedChars: median(reparsed),
    equal: sameOutline(index.outline, parseOutline(current)),
  };
}

/** One timed first index. */
export interface FirstIndexRun {
  /** Wall time of OutlineIndex.build: starting helper threads, parsing, joining, yields included. */
  totalMs: number;
  /** The longest time the calling thread's event loop did not run (see benchFirstIndex). */
  longestSliceMs: number;
  /** Slices the build ran on the calling thread. */
  slices: number;
  /** Share of the text that helper threads parsed. */
  helperShare: number;
}

/**
 * What benchFirstIndex measured: the median run's time and slices; as its longest slice, the
 * median of the runs' longest slices.
 */
export interface FirstIndexResult extends FirstIndexRun {
  /** The longest slice of any run. */
  longestOfAllMs: number;
  runs: FirstIndexRun[];
}

/** Options of benchFirstIndex. */
export interface FirstIndexOptions {
  sliceMs?: number;
  /** Index a small essay first, untimed (default true). */
  warmUp?: boolean;
  /** Helper threads; default the extension's (outlineWorker.js next to this bundle), null for none. */
  parallel?: ParallelParse | null;
  /** Timed builds (default 3). */
  runs?: number;
}

/**
 * Times OutlineIndex.build with its default 50 ms slices, yielding with setImmediate, and with
 * helper threads started afresh in every run. Blocking is measured from outside the build: a 1 ms
 * timer chain records the longest gap between its ticks, so that starting workers, receiving their
 * parts and joining count as well as the slices. Unless `warmUp` is false, a small essay is indexed
 * first, untimed: the first parse in a process runs cold code, and its slices can be several times
 * longer. Helper threads always start cold. A slice the code makes long recurs in every run, while
 * the virtual machine, stalled, lengthens one slice of one run: the longest slice is the median of
 * the runs' longest, and the longest of all is reported beside it.
 */
export async function benchFirstIndex(text: string, options: FirstIndexOptions = {}): Promise<FirstIndexResult> {
  const { sliceMs = 50, warmUp = true, parallel = outlineThreads(), runs = 3 } = options;
  if (warmUp) await OutlineIndex.build(generateEssay(20_000, 99));
  const results: FirstIndexRun[] = [];
  for (let run = 0; run < runs; run++) results.push(await timeFirstIndex(text, sliceMs, parallel ?? undefined));
  const byTime = [...results].sort((a, b) => a.totalMs - b.totalMs);
  const longest = results.map((r) => r.longestSliceMs).sort((a, b) => a - b);
  return { ...byTime[byTime.length >> 1], longestSliceMs: longest[longest.length >> 1], longestOfAllMs: longest[longest.length - 1], runs: results };
}

async function timeFirstIndex(text: string, sliceMs: number, parallel: ParallelParse | undefined): Promise<FirstIndexRun> {
  let slices = 0;
  const yieldFn = async (): Promise<void> => {
    slices++;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  let longest = 0;
  let tick = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const probe = (): void => {
    const time = performance.now();
    longest = Math.max(longest, time - tick);
    tick = time;
    timer = setTimeout(probe, 1);
  };
  const started = performance.now();
  probe();
  const index = await OutlineIndex.build(text, { sliceMs, yieldFn, parallel });
  const ended = performance.now();
  clearTimeout(timer);
  longest = Math.max(longest, ended - tick);
  return { totalMs: ended - started, longestSliceMs: longest, slices: slices + 1, helperShare: index.stats.helperChars / text.length };
}
