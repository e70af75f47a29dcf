// The outline of a document being edited. The first index parses the text in independent chunks;
// an edit re-parses the top-level blocks around it, from a chunk start before it to a chunk start
// after it, and moves the blocks after it. Inner offsets are relative to their top-level block, so
// moving a block is one addition.
//
// Why the result equals a full parse: a chunk start (scan.ts) is a place where the full parse starts
// a new top-level block with nothing open, so the blocks before and after it do not depend on each
// other except through definitions. The window's start is a chunk start that the edit leaves
// standing (checked again in the new text); its end is a chunk start of the old text that is still
// one in the new text, and the window's last block must not run into it (openEnd), else the window
// grows. Link and footnote definitions are the one thing that reaches across chunks: each parse is
// told the labels defined elsewhere, and when the set of labels changes, the blocks that may refer
// to a changed label are parsed again. Front matter can only be in the first chunk.
//
// A long text's first index can also be shared with helper threads that the host provides
// (parts.ts).
import { buildOutline } from './outline';
import { NO_INJECTION, parsePiece, type Injection, type TopBlock } from './parse';
import { bracketWords, frontMatterLimit, guessDefinitions, isChunkStart } from './scan';
import {
  DefinitionCounts,
  drain,
  fixChunks,
  markSafe,
  mayReference,
  parseSpan,
  spliceInto,
  type Changes,
  type SpanPlan,
  type SpanResult,
} from './chunks';
import { joinParts, PartClaims, partBounds, parsePart, type ParallelParse, type ParallelRun, type PartResult, type PartsJob } from './parts';
import type { Outline } from './types';

/** One replacement in a change event: [start, end) of the text before the event becomes `text`. */
export interface OutlineEdit {
  start: number;
  end: number;
  text: string;
}

/** How OutlineIndex.build shares the thread. */
export interface BuildOptions {
  /** Longest stretch of work between two yields, where the input allows; default 50. */
  sliceMs?: number;
  /** Called between slices; defaults to setImmediate, or a zero-delay timer where there is none. */
  yieldFn?: () => Promise<void>;
  /** Checked after every yield; when set, build rejects with OutlineCancelledError. */
  signal?: { cancelled: boolean };
  /**
   * Starts helper threads that parse parts of the text while this thread parses the rest. Used
   * for texts of at least parallelMinChars; without it, or when no helper starts, one thread
   * parses everything.
   */
  parallel?: ParallelParse;
  /** Shortest text worth starting helpers for; default 1 MiB. */
  parallelMinChars?: number;
  /** Preferred length of a part shared out among threads; default a 64th of the text, 16 to 64 KiB. */
  partChars?: number;
}

/** Options of an OutlineIndex. */
export interface IndexOptions {
  /** Preferred length of an independently parsed chunk; 0 cuts at every chunk start (tests). */
  chunkChars?: number;
}

/** Thrown by OutlineIndex.build when its signal is cancelled. */
export class OutlineCancelledError extends Error {
  constructor() {
    super('Building the Markdown outline was cancelled.');
    this.name = 'OutlineCancelledError';
  }
}

/** Measured on a 2 MB essay: smaller chunks add per-parse overhead, larger ones superlinear cost. */
const DEFAULT_CHUNK_CHARS = 8192;

/**
 * Part of a slice that build plans to use. Steps vary (a chunk's parse took up to 16 ms on 2 cores),
 * a full garbage collection (up to about 25 ms) can land in one, and a helper's part is copied in
 * before the next timer runs. Planning 7.5 of 50 ms cost no measurable time: in 16 builds of a 2 MB
 * essay no gap passed 21 ms, where planning 12.5 ms left gaps of up to 33 ms.
 */
const SLICE_MARGIN = 0.15;

/** A change event with more edits than this is re-parsed as one edit spanning them all. */
const SEQUENTIAL_EDITS = 8;

/**
 * Below this, a helper costs more than it saves: besides starting (about 50 ms), a new thread runs
 * the parser cold, and compiling it takes about a second of CPU, measured on 2 cores.
 */
const PARALLEL_MIN_CHARS = 1024 * 1024;

/**
 * Parts are claimed one at a time, so the last one a helper takes is what the calling thread may
 * wait for at the end; many parts keep that short, and few keep each part's own overhead small.
 */
const PARTS_PER_TEXT = 64;
const MIN_PART_CHARS = 16 * 1024;
const MAX_PART_CHARS = 64 * 1024;

/**
 * Chunk length of the parts the calling thread parses while helpers run: they compete for cores,
 * and a step must stay well inside a slice even when it takes several times longer than usual.
 */
const CALLER_CHUNK_CHARS = 2048;

interface State {
  readonly text: string;
  readonly tops: TopBlock[];
  readonly limit: number;
  readonly counts: DefinitionCounts;
  /** Number of opaque blocks: an edit whose window reaches one makes a re-index. */
  readonly opaque: number;
  readonly parsedChars: number;
  /** Of those, the characters helper threads parsed. */
  readonly helperChars: number;
}

/** How the first index shares out its parts: see BuildOptions. */
interface Sharing {
  parallel: ParallelParse;
  partChars: number;
}

/**
 * A step of indexing: nothing (the caller may yield to the event loop before the next), or a
 * promise to wait for (parts that helper threads are parsing).
 */
type Step = Promise<void> | void;

function* indexText(text: string, chunkChars: number, sharing?: Sharing): Generator<Step, State> {
  const limit = frontMatterLimit(text);
  const counts = new DefinitionCounts();
  if (text.length === 0) return { text, tops: [], limit, counts, opaque: 0, parsedChars: 0, helperChars: 0 };
  // Parse with the labels the text seems to define, then parse again the chunks the guess misled.
  const guess = guessDefinitions(text);
  yield;
  const plan: SpanPlan = {
    text,
    limit,
    chunkChars,
    injection: guess,
    minEnd: text.length,
    nextStop: () => text.length,
    onFailure: 'split',
  };
  const shared = sharing ? yield* parseShared(plan, sharing) : undefined;
  const span = shared ?? (yield* parseSpan(plan, 0));
  const tops = span?.tops ?? [];
  markSafe(text, tops, limit);
  counts.add(tops, 1);
  const fixed = span ? yield* fixChunks(text, tops, 0, span.chunks, guess, counts.injection(), limit) : 0;
  let opaque = 0;
  for (const top of tops) if (top.problem) opaque++;
  const helperChars = shared?.helperChars ?? 0;
  return { text, tops, limit, counts, opaque, parsedChars: (span?.parsedChars ?? 0) + fixed, helperChars };
}

/**
 * Parses the whole text in parts, this thread taking them from the front while helpers take them
 * from the back. Undefined when there is only one part or no helper starts. Parts a helper claimed
 * and did not deliver (it failed) are parsed here after all.
 */
function* parseShared(plan: SpanPlan, sharing: Sharing): Generator<Step, (SpanResult & { helperChars: number }) | undefined> {
  const { text } = plan;
  const bounds = partBounds(text, plan.limit, sharing.partChars);
  const count = bounds.length - 1;
  if (count < 2) return undefined;
  const job: PartsJob = {
    text,
    limit: plan.limit,
    chunkChars: plan.chunkChars,
    injection: plan.injection,
    bounds,
    claims: PartClaims.create(count).buffer,
  };
  const results: (PartResult | undefined)[] = new Array<PartResult | undefined>(count).fill(undefined);
  let helperChars = 0;
  let accepting = true;
  let settled = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  let run: ParallelRun | undefined;
  try {
    run = sharing.parallel(job, (result) => {
      if (!accepting || results[result.part]) return;
      results[result.part] = result;
      helperChars += result.parsedChars;
      notify();
    });
  } catch {
    run = undefined;
  }
  if (!run) return undefined;
  const stop = (): void => {
    settled = true;
    notify();
  };
  run.done.then(stop, stop);
  const claims = new PartClaims(job.claims);
  const chunkChars = Math.min(plan.chunkChars, CALLER_CHUNK_CHARS);
  try {
    // Starting a helper copies the text: a step of its own.
    yield;
    for (let part = claims.front(); part >= 0; part = claims.front()) results[part] = yield* parsePart(job, part, chunkChars);
    while (!settled && results.includes(undefined)) yield new Promise<void>((resolve) => (wake = resolve));
  } finally {
    accepting = false;
    run.stop();
  }
  for (let part = 0; part < count; part++) results[part] ??= yield* parsePart(job, part, chunkChars);
  const joined = yield* joinParts(job, results as PartResult[]);
  return { ...joined, helperChars };
}

function now(): number {
  return globalThis.performance.now();
}

/** Yields to the event loop: setImmediate where there is one (Node clamps timers to 1 ms), else a timer. */
function defaultYield(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** Index of the last block starting at or before `offset`, or -1. */
function lastStartingAtOrBefore(tops: readonly TopBlock[], offset: number): number {
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tops[mid].start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** True when the edits, sorted, fit the old text and produce a text of the new length with their texts in place. */
function fits(old: string, next: string, edits: readonly OutlineEdit[]): boolean {
  let delta = 0;
  let previousEnd = 0;
  for (const edit of edits) {
    const { start, end } = edit;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < previousEnd || end < start || end > old.length) return false;
    if (next.slice(start + delta, start + delta + edit.text.length) !== edit.text) return false;
    delta += edit.text.length - (end - start);
    previousEnd = end;
  }
  return old.length + delta === next.length;
}

/** The candidate labels whose presence differs between `wasDefined` and the counts now. */
function presenceChanges(candidates: Changes, wasDefined: Changes, counts: DefinitionCounts): Changes {
  const changed: Changes = { defined: new Set(), footnotes: new Set() };
  for (const id of candidates.defined) if (wasDefined.defined.has(id) !== counts.defined.has(id)) changed.defined.add(id);
  for (const id of candidates.footnotes) if (wasDefined.footnotes.has(id) !== counts.footnotes.has(id)) changed.footnotes.add(id);
  return changed;
}

/** The outline of a text kept up to date through edits, re-parsing only around them. */
export class OutlineIndex {
  private state: State;
  private cached: Outline | undefined;
  private lastReparsedChars = 0;
  private fullParses = 0;
  private helperChars = 0;
  private readonly chunkChars: number;

  /** Parses the whole text, in chunks. */
  constructor(text: string, options: IndexOptions = {}) {
    this.chunkChars = Math.max(0, options.chunkChars ?? DEFAULT_CHUNK_CHARS);
    this.state = drain(indexText(text, this.chunkChars));
    this.fullParses = 1;
    this.lastReparsedChars = this.state.parsedChars;
  }

  /**
   * Builds the first index in slices that yield, none longer than sliceMs where the input allows,
   * sharing the parsing with helper threads when options.parallel provides them.
   */
  static async build(text: string, options: BuildOptions & IndexOptions = {}): Promise<OutlineIndex> {
    const index = new OutlineIndex('', options);
    const sliceMs = options.sliceMs ?? 50;
    const yieldFn = options.yieldFn ?? defaultYield;
    const sharing = options.parallel && typeof SharedArrayBuffer === 'function' && text.length >= (options.parallelMinChars ?? PARALLEL_MIN_CHARS)
      ? { parallel: options.parallel, partChars: options.partChars ?? Math.min(MAX_PART_CHARS, Math.max(MIN_PART_CHARS, Math.round(text.length / PARTS_PER_TEXT))) }
      : undefined;
    const steps = indexText(text, index.chunkChars, sharing);
    try {
      let sliceStart = now();
      let stepStart = sliceStart;
      for (;;) {
        if (options.signal?.cancelled) throw new OutlineCancelledError();
        const step = steps.next();
        if (step.done) {
          index.state = step.value;
          break;
        }
        if (step.value) {
          // Helpers are parsing what is left; this thread is free until one delivers.
          await step.value;
          sliceStart = stepStart = now();
          continue;
        }
        const time = now();
        const last = time - stepStart;
        stepStart = time;
        // Yield early enough that a step twice as long as the last would still fit, with a margin.
        if (time - sliceStart + 2 * last >= SLICE_MARGIN * sliceMs) {
          await yieldFn();
          if (options.signal?.cancelled) throw new OutlineCancelledError();
          sliceStart = stepStart = now();
        }
      }
    } finally {
      // A build given up half-way stops its helpers.
      steps.return(index.state);
    }
    index.lastReparsedChars = index.state.parsedChars;
    index.helperChars = index.state.helperChars;
    return index;
  }

  /** The outline of the current text, built on first use after a change. */
  get outline(): Outline {
    this.cached ??= buildOutline(this.state.text, this.state.tops);
    return this.cached;
  }

  /** The current text. */
  get text(): string {
    return this.state.text;
  }

  /**
   * Characters parsed by the last update (or the first index), how many whole-text indexes were
   * made, and how many characters of the first index helper threads parsed.
   */
  get stats(): { lastReparsedChars: number; fullParses: number; helperChars: number } {
    return { lastReparsedChars: this.lastReparsedChars, fullParses: this.fullParses, helperChars: this.helperChars };
  }

  /**
   * Applies one change event: edits' offsets refer to the old text and do not overlap; newText is
   * the whole text after. Edits that do not fit the old and new text make a full re-index.
   */
  update(newText: string, edits: readonly OutlineEdit[]): void {
    this.cached = undefined;
    const old = this.state.text;
    const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
    if (!fits(old, newText, sorted) || (sorted.length === 0 && newText !== old)) {
      this.reindex(newText);
      return;
    }
    if (sorted.length === 0) {
      this.lastReparsedChars = 0;
      return;
    }
    let parsed = 0;
    if (sorted.length === 1) {
      parsed = this.applyOne(newText, sorted[0]);
    } else if (sorted.length <= SEQUENTIAL_EDITS) {
      // From the last edit back, every edit's offsets stay valid in the text made so far.
      let text = old;
      for (let i = sorted.length - 1; i >= 0 && parsed >= 0; i--) {
        const edit = sorted[i];
        const next = i === 0 ? newText : text.slice(0, edit.start) + edit.text + text.slice(edit.end);
        const step = this.applyOne(next, edit);
        parsed = step < 0 ? -1 : parsed + step;
        text = next;
      }
    } else {
      const first = sorted[0];
      const last = sorted[sorted.length - 1];
      const end = last.end + newText.length - old.length;
      parsed = this.applyOne(newText, { start: first.start, end: last.end, text: newText.slice(first.start, end) });
    }
    if (parsed < 0) this.reindex(newText);
    else this.lastReparsedChars = parsed;
  }

  private reindex(text: string): void {
    this.state = drain(indexText(text, this.chunkChars));
    this.fullParses++;
    this.lastReparsedChars = this.state.parsedChars;
    this.cached = undefined;
  }

  /** Applies one edit; returns the number of characters parsed, or -1 when a re-index is needed. */
  private applyOne(next: string, edit: OutlineEdit): number {
    const { text: old, tops, counts } = this.state;
    const delta = next.length - old.length;
    const limit = frontMatterLimit(next);
    // The window starts at the last chunk start at or before the edit that the edit left standing.
    let first = 0;
    let from = 0;
    if (limit === this.state.limit) {
      for (let j = lastStartingAtOrBefore(tops, edit.start); j >= 0; j--) {
        const top = tops[j];
        if (top.safe && top.start > limit && isChunkStart(next, top.start)) {
          first = j;
          from = top.start;
          break;
        }
      }
    }
    // It ends at an old chunk start after the edit that is still one, once its last block is closed.
    const firstAfter = lastStartingAtOrBefore(tops, edit.end - 1) + 1;
    let stopIndex = firstAfter;
    const nextStop = (pos: number): number => {
      for (; stopIndex < tops.length; stopIndex++) {
        const at = tops[stopIndex].start + delta;
        if (at >= pos && tops[stopIndex].safe && at > limit && isChunkStart(next, at)) return at;
      }
      return next.length;
    };
    const injection = counts.injectionWithout(tops, first, firstAfter);
    const span = drain(parseSpan({
      text: next,
      limit,
      chunkChars: this.chunkChars,
      injection,
      minEnd: edit.start + edit.text.length,
      nextStop,
      onFailure: 'abort',
    }, from));
    if (!span) return -1;
    const last = span.end >= next.length ? tops.length : stopIndex;
    markSafe(next, span.tops, limit, tops[first - 1]);

    const removed = tops.slice(first, last);
    const candidates = new DefinitionCounts();
    candidates.add(removed, 1);
    candidates.add(span.tops, 1);
    const before: Changes = { defined: new Set(), footnotes: new Set() };
    for (const id of candidates.defined.keys()) if (counts.defined.has(id)) before.defined.add(id);
    for (const id of candidates.footnotes.keys()) if (counts.footnotes.has(id)) before.footnotes.add(id);
    counts.add(removed, -1);
    counts.add(span.tops, 1);
    const changed = presenceChanges({ defined: new Set(candidates.defined.keys()), footnotes: new Set(candidates.footnotes.keys()) }, before, counts);

    spliceInto(tops, first, last - first, span.tops);
    for (let i = first + span.tops.length; i < tops.length; i++) {
      tops[i].start += delta;
      tops[i].end += delta;
    }
    let opaque = this.state.opaque;
    for (const top of removed) if (top.problem) opaque--;
    this.state = { text: next, tops, limit, counts, opaque, parsedChars: 0, helperChars: 0 };

    const actual = counts.injection();
    let parsed = span.parsedChars + drain(fixChunks(next, tops, first, span.chunks, injection, actual, limit));
    if (changed.defined.size > 0 || changed.footnotes.size > 0) {
      parsed += this.refresh(changed, first, first + span.tops.length, actual);
    }
    return parsed;
  }

  /**
   * Parses again, with the document's labels, the blocks outside tops[skipFrom, skipTo) that may
   * refer to a label whose definition appeared or went away.
   */
  private refresh(changed: Changes, skipFrom: number, skipTo: number, actual: Injection): number {
    const { text, tops, limit } = this.state;
    const windows: [number, number][] = [];
    for (let i = 0; i < tops.length; i++) {
      if (i === skipFrom && skipTo > skipFrom) {
        i = skipTo - 1;
        continue;
      }
      const top = tops[i];
      top.words ??= bracketWords(text, top.start, top.end);
      if (!mayReference(top.words, changed)) continue;
      if (windows.length > 0 && i < windows[windows.length - 1][1]) continue;
      let a = i;
      while (a > 0 && !tops[a].safe) a--;
      let b = i + 1;
      while (b < tops.length && !tops[b].safe) b++;
      windows.push([a, b]);
    }
    let parsed = 0;
    for (let w = windows.length - 1; w >= 0; w--) {
      const [a, b] = windows[w];
      const from = tops[a].safe ? tops[a].start : 0;
      const to = b < tops.length ? tops[b].start : text.length;
      // The window's text is unchanged, so it ends as before; opaque passages in it stay opaque.
      const span = drain(parseSpan({
        text,
        limit,
        chunkChars: this.chunkChars,
        injection: actual,
        minEnd: to,
        nextStop: () => to,
        onFailure: 'split',
        hardEnd: to,
      }, from));
      if (!span) continue;
      parsed += span.parsedChars;
      markSafe(text, span.tops, limit, tops[a - 1]);
      spliceInto(tops, a, b - a, span.tops);
    }
    return parsed;
  }
}

/**
 * Parses a whole text in one pass. OutlineIndex gives the same outline faster on long texts (it
 * parses in chunks); this is the reference it is tested against. Input too deeply nested for one
 * pass is parsed as OutlineIndex does, with the deep passages kept opaque.
 */
export function parseOutline(text: string): Outline {
  const whole = parsePiece(text, 0, text.length, NO_INJECTION);
  return whole.ok ? buildOutline(text, whole.tops) : new OutlineIndex(text).outline;
}
