// Re-anchoring benchmark: a generated Markdown essay, annotations on random blocks, and three
// kinds of outside change. The truth for each annotation is its range tracked through the very
// edits that were made (mapRange), so "correct" and "wrong" are facts, not guesses.
import { performance } from 'node:perf_hooks';
import { Anchorer, describeTarget, type AnchorResult } from '../src/core/anchor';
import { KGramIndex, Probe } from '../src/core/anchor/kgrams';
import type { Target } from '../src/core/model';
import { CodePointIndex, type Range, type TextEdit } from '../src/core/text';
import { applyEdits, mapRange } from '../src/core/track';
import { random } from './essay';

/** The three measured situations. */
export type Scenario = '1% edits' | 'moved paragraphs' | '10% edits';

/** One scenario's numbers. `detached` counts all detached results; `missed` those whose text still existed. */
export interface ScenarioResult {
  scenario: Scenario;
  medianMs: number;
  maxMs: number;
  /** The first run of the scenario, before any warm-up: the engine has not yet optimised its code paths. */
  coldMs: number;
  correct: number;
  detached: number;
  missed: number;
  wrong: number;
  total: number;
  /** Annotations whose text the changes deleted (truth undefined). */
  deleted: number;
  /** Annotations whose quote occurs more than once in the original essay, and how many of them were placed correctly. */
  repeated: number;
  repeatedCorrect: number;
}

/** Benchmark parameters; the defaults are the measured configuration. */
export interface BenchOptions {
  bytes?: number;
  annotations?: number;
  seed?: number;
  runs?: number;
  /** Untimed runs of each scenario before the timed ones, after the first (cold) run. */
  warmup?: number;
  scenarios?: readonly Scenario[];
}


const WORDS = (
  'model models training trained reward rewards policy policies gradient gradients descent optimiser objective objectives '
  + 'goal goals agent agents behaviour behaviours alignment aligned misaligned deceptive deception inner outer mesa '
  + 'optimisation optimizer learner inductive bias biases prior priors simplicity complexity description length parameter '
  + 'parameters volume depth speed circuit circuits feature features representation representations network networks weights '
  + 'loss function functions dataset data distribution shift generalisation generalise capability capabilities evaluation '
  + 'oversight supervision human humans feedback preference preferences value values instrumental convergence power seeking '
  + 'corrigibility corrigible interpretability mechanistic probe probes activation activations layer layers token tokens '
  + 'prediction predictions world simulator simulators persona character chain thought reasoning planner planning search '
  + 'heuristic heuristics argument arguments counting claim claims crux cruxes evidence intuition intuitions analogy evolution '
  + 'selection pressure fitness gene genes brain brains reinforcement update updates strength credit assignment schedule '
  + 'sample samples episode episodes environment environments benchmark benchmarks scaling law laws compute budget run runs '
  + 'the the the the a a a an of of of to to to and and and in in is is that that it it for as as on with by this be are '
  + 'not or but which would could should might may will can more most many much fewer less than then there these those '
  + 'what when where why how if because so such some any every each other another same different likely unlikely '
  + 'strong weak simple complex large small early late broad narrow stable unstable robust fragile general specific '
  + 'we they one you our their its his her him them us also only even still just very quite rather perhaps indeed'
).split(' ');

const PHRASES = [
  'the training process', 'inner alignment', 'outer alignment', 'deceptive alignment', 'it is worth noting that',
  'in other words', 'on the other hand', 'for example', 'the counting argument', 'the simplicity prior',
  'reward is not the optimisation target', 'gradient descent', 'the learned policy', 'by default', 'in practice',
  'as argued above', 'this suggests that', 'there are many more', 'than aligned ones', 'the inductive bias',
  'a mesa-optimiser', 'goal misgeneralisation', 'the base objective', 'under distribution shift', 'at the end of training',
  'the strength of the update', 'past behaviour', 'human feedback', 'a reward model', 'the space of possible goals',
];

const EMOJI = ['🤖', '🧠', '📈', '🔍', '⚖️', '🧩'];

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function sentence(rng: () => number, phrases = true): string {
  const parts: string[] = [];
  const length = 6 + Math.floor(rng() * 18);
  while (parts.length < length) {
    const r = rng();
    if (r < 0.12) parts.push(phrases ? pick(rng, PHRASES) : pick(rng, WORDS));
    else if (r < 0.14) parts.push(`“${phrases ? pick(rng, PHRASES) : pick(rng, WORDS)}”`);
    else if (r < 0.145) parts.push(pick(rng, EMOJI));
    else if (r < 0.15) parts.push(`[${phrases ? pick(rng, PHRASES) : pick(rng, WORDS)}](#${pick(rng, WORDS)}-${pick(rng, WORDS)})`);
    else if (r < 0.155) parts.push(`\`${pick(rng, WORDS)}_${pick(rng, WORDS)}\``);
    else parts.push(pick(rng, WORDS));
  }
  const text = parts.join(' ');
  const end = rng() < 0.85 ? '.' : rng() < 0.5 ? '?' : '!';
  return text[0].toUpperCase() + text.slice(1) + end;
}

/** Hard-wraps words at 80 columns, as many Markdown writers do. */
function wrap(text: string, lead = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 + lead.length > 80) {
      lines.push(lead + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(lead + line);
  return lines.join('\n');
}

function paragraph(rng: () => number, phrases: boolean): string {
  const n = 2 + Math.floor(rng() * 5);
  return wrap(Array.from({ length: n }, () => sentence(rng, phrases)).join(' '));
}

/** A generated essay and the ranges of its blocks (found by a blank-line split). */
export interface Essay {
  text: string;
  blocks: Range[];
}

/** Blocks of a Markdown text, found by a blank-line split. */
export function splitBlocks(text: string): Range[] {
  const blocks: Range[] = [];
  const re = /\r?\n[ \t\r]*\n\s*/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > start) blocks.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  const end = text.replace(/\s+$/, '').length;
  if (end > start) blocks.push({ start, end });
  return blocks;
}

/**
 * A deterministic Markdown essay about alignment of about `bytes` characters: headings,
 * hard-wrapped paragraphs, lists, blockquotes, and a share `repeats` of paragraphs repeated
 * verbatim (an author quoting a passage twice). Stock `phrases` recur across the text, as in
 * real prose; without them, passages of a few dozen characters are all but unique.
 */
export function generateEssay(bytes: number, seed: number, repeats = 0.02, phrases = true): Essay {
  const rng = random(seed);
  const blocks: string[] = ['# On counting arguments and the simplicity prior'];
  const paragraphs: string[] = [];
  let size = blocks[0].length;
  let section = 0;
  while (size < bytes) {
    const r = rng();
    let block: string;
    if (r < 0.06) {
      section++;
      block = `## ${section}. ${sentence(rng, phrases).replace(/[.?!]$/, '')}`;
    } else if (r < 0.16) {
      const n = 2 + Math.floor(rng() * 4);
      block = Array.from({ length: n }, () => wrap(sentence(rng, phrases), '  ').replace(/^ {2}/, '- ')).join('\n');
    } else if (r < 0.22) {
      block = wrap(sentence(rng, phrases) + ' ' + sentence(rng, phrases), '> ');
    } else if (r < 0.22 + repeats && paragraphs.length > 10) {
      block = pick(rng, paragraphs);
    } else {
      block = paragraph(rng, phrases);
      paragraphs.push(block);
    }
    blocks.push(block);
    size += block.length + 2;
  }
  const text = blocks.join('\n\n') + '\n';
  return { text, blocks: splitBlocks(text) };
}

function isSurrogateTail(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** An annotation of the bench: its range in the original text and its stored target. */
export interface BenchAnnotation {
  range: Range;
  target: Target;
}

/** Annotations of 20 to 300 characters on random blocks, described with their block as bounds. */
export function makeAnnotations(essay: Essay, count: number, seed: number, minLength = 20, maxLength = 300): BenchAnnotation[] {
  const rng = random(seed);
  const { text, blocks } = essay;
  const codePoints = new CodePointIndex(text);
  const eligible = blocks.filter((b) => b.end - b.start >= minLength);
  const out: BenchAnnotation[] = [];
  while (out.length < count) {
    const block = pick(rng, eligible);
    const size = block.end - block.start;
    const length = minLength + Math.floor(rng() * (Math.min(maxLength, size) - minLength + 1));
    let start = block.start + Math.floor(rng() * (size - length + 1));
    let end = start + length;
    if (isSurrogateTail(text, start)) start++;
    if (isSurrogateTail(text, end)) end++;
    if (end > block.end || end - start < minLength) continue;
    out.push({ range: { start, end }, target: describeTarget(text, start, end, block, codePoints) });
  }
  return out;
}

/** A changed essay and where each annotation's text went (undefined: deleted). */
export interface Changed {
  text: string;
  truth: Array<Range | undefined>;
}

/**
 * Maps ranges through one batch of non-overlapping edits with mapRange. Only the edits touching a
 * range change its shape; those before it shift it, so they are summed instead of replayed.
 */
export function mapThroughBatch(ranges: readonly Range[], edits: readonly TextEdit[]): Array<Range | undefined> {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const shiftBefore = new Float64Array(sorted.length + 1);
  for (let i = 0; i < sorted.length; i++) shiftBefore[i + 1] = shiftBefore[i] + sorted[i].text.length - (sorted[i].end - sorted[i].start);
  return ranges.map((range) => {
    // Edits that end at or before the range's start only shift it (mapRange agrees, boundaries included).
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid].end <= range.start) lo = mid + 1;
      else hi = mid;
    }
    const touching: TextEdit[] = [];
    for (let i = lo; i < sorted.length && sorted[i].start < range.end; i++) touching.push(sorted[i]);
    let current: Range | undefined = range;
    for (let i = touching.length - 1; i >= 0 && current; i--) current = mapRange(current, touching[i]);
    if (!current) return undefined;
    const shift = shiftBefore[lo];
    return { start: current.start + shift, end: current.end + shift };
  });
}

function randomLetter(rng: () => number): string {
  return rng() < 0.15 ? ' ' : String.fromCharCode(97 + Math.floor(rng() * 26));
}

/**
 * Blocks whose text occurs more than once. Deleting or moving one of two verbatim copies leaves
 * a survivor with the very quote and context of the annotated copy: no matcher can tell which
 * copy remains, so the changes below spare them (annotations on them still face everything else).
 */
function repeatedBlocks(text: string, blocks: readonly Range[]): Set<number> {
  const seen = new Map<string, number[]>();
  blocks.forEach((b, i) => {
    const key = text.slice(b.start, b.end);
    seen.set(key, [...(seen.get(key) ?? []), i]);
  });
  return new Set([...seen.values()].filter((ids) => ids.length > 1).flat());
}

/**
 * Random single-character edits (substitutions, insertions, deletions) touching `rate` of the
 * characters, plus the deletion of `blockRate` of the blocks.
 */
export function editEssay(essay: Essay, ranges: readonly Range[], rate: number, blockRate: number, seed: number): Changed {
  const rng = random(seed);
  const { text, blocks } = essay;
  const edits: TextEdit[] = [];
  const taken = new Uint8Array(text.length + 1);
  const deletions = Math.round(blocks.length * blockRate);
  const twins = repeatedBlocks(text, blocks);
  for (let k = 0; k < deletions; k++) {
    const i = 1 + Math.floor(rng() * (blocks.length - 2));
    const start = blocks[i].start;
    const end = blocks[i + 1].start;
    if (taken[start] || taken[end - 1] || twins.has(i)) continue;
    taken.fill(1, start, end);
    edits.push({ start, end, text: '' });
  }
  const count = Math.round(text.length * rate);
  for (let k = 0; k < count; k++) {
    const p = Math.floor(rng() * text.length);
    // One edit per offset, none inside a deleted block, none splitting an emoji.
    if (taken[p] || taken[p + 1] || isSurrogateTail(text, p) || isSurrogateTail(text, p + 1)) continue;
    taken[p] = 1;
    const r = rng();
    if (r < 0.4) edits.push({ start: p, end: p + 1, text: randomLetter(rng) });
    else if (r < 0.7) edits.push({ start: p, end: p, text: randomLetter(rng) });
    else edits.push({ start: p, end: p + 1, text: '' });
  }
  return { text: applyEdits(text, edits), truth: mapThroughBatch(ranges, edits) };
}

/**
 * Moves `moveRate` of the non-heading blocks elsewhere, one after another, and deletes
 * `blockRate` of the blocks (sparing repeated ones, as editEssay does). A range inside a moved block moves with it (tracked explicitly: a
 * move is a deletion plus an insertion to mapRange); every other range goes through mapRange.
 */
export function moveParagraphs(essay: Essay, ranges: readonly Range[], moveRate: number, blockRate: number, seed: number): Changed {
  const rng = random(seed);
  const blocks = essay.blocks.map((b) => essay.text.slice(b.start, b.end));
  const SEP = 2;
  const starts = (): number[] => {
    const out: number[] = [];
    let p = 0;
    for (const b of blocks) {
      out.push(p);
      p += b.length + SEP;
    }
    return out;
  };
  // The generated text is blocks joined by blank lines, so its offsets are the block starts.
  if (blocks.join('\n\n') + '\n' !== essay.text) throw new Error('moveParagraphs needs a generated essay');
  let truth: Array<Range | undefined> = ranges.map((r) => ({ ...r }));
  const moves = Math.round(blocks.length * moveRate);
  const deletions = Math.round(blocks.length * blockRate);
  for (let k = 0; k < moves + deletions; k++) {
    const at = starts();
    // Never the first or last block, so every block moved or deleted has a blank line after it.
    const i = 1 + Math.floor(rng() * (blocks.length - 2));
    if (blocks[i].startsWith('#') || blocks.indexOf(blocks[i]) !== blocks.lastIndexOf(blocks[i])) continue;
    const removed = blocks[i];
    const del: TextEdit = { start: at[i], end: at[i + 1], text: '' };
    blocks.splice(i, 1);
    if (k >= moves) {
      truth = truth.map((r) => r && mapRange(r, del));
      continue;
    }
    const j = 1 + Math.floor(rng() * (blocks.length - 2));
    const after = starts();
    const ins: TextEdit = { start: after[j], end: after[j], text: removed + '\n\n' };
    blocks.splice(j, 0, removed);
    truth = truth.map((r) => {
      if (!r) return r;
      if (r.start >= del.start && r.end <= del.start + removed.length) {
        return { start: ins.start + r.start - del.start, end: ins.start + r.end - del.start };
      }
      const gone = mapRange(r, del);
      return gone && mapRange(gone, ins);
    });
  }
  return { text: blocks.join('\n\n') + '\n', truth };
}

/** How one placement compares with the truth. */
export type Verdict = 'correct' | 'missed' | 'wrong';

/**
 * Correct: detached when the text was deleted, or placed overlapping the truth by at least half
 * of the longer of the two. Missed: detached though the text exists. Wrong: placed anywhere else.
 */
export function judge(result: AnchorResult, truth: Range | undefined): Verdict {
  if (result.status === 'detached') return truth ? 'missed' : 'correct';
  if (!truth) return 'wrong';
  const overlap = Math.min(result.end, truth.end) - Math.max(result.start, truth.start);
  const longer = Math.max(result.end - result.start, truth.end - truth.start);
  return 2 * overlap >= longer ? 'correct' : 'wrong';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Which annotations quote text that occurs more than once in the essay. */
export function repeatedQuotes(text: string, annotations: readonly BenchAnnotation[]): boolean[] {
  const index = new KGramIndex(text);
  return annotations.map((a) => index.occurrences(Probe.of(a.target.quote.exact), 2).length > 1);
}

/** The change of one scenario. */
export function changeFor(scenario: Scenario, essay: Essay, ranges: readonly Range[], seed: number): Changed {
  switch (scenario) {
    case '1% edits': return editEssay(essay, ranges, 0.01, 0.005, seed);
    case '10% edits': return editEssay(essay, ranges, 0.1, 0.005, seed);
    case 'moved paragraphs': return moveParagraphs(essay, ranges, 0.05, 0.005, seed);
  }
}

/**
 * Re-anchors `annotations` targets in an essay of `bytes` characters after each scenario's
 * change. Times the whole anchorAll, index building included: the first run cold, then `runs`
 * runs after `warmup` more, whose median is the scenario's time.
 */
export function benchAnchoring(options: BenchOptions = {}): ScenarioResult[] {
  const bytes = options.bytes ?? 2_000_000;
  const count = options.annotations ?? 1000;
  const seed = options.seed ?? 1;
  const runs = options.runs ?? 9;
  const warmup = options.warmup ?? 4;
  const scenarios = options.scenarios ?? ['1% edits', 'moved paragraphs', '10% edits'];
  const essay = generateEssay(bytes, seed);
  const annotations = makeAnnotations(essay, count, seed + 1);
  const repeated = repeatedQuotes(essay.text, annotations);
  const targets = annotations.map((a) => a.target);
  return scenarios.map((scenario, k) => {
    const changed = changeFor(scenario, essay, annotations.map((a) => a.range), seed + 2 + k);
    const time = (): [number, AnchorResult[]] => {
      const t0 = performance.now();
      const results = new Anchorer(changed.text).anchorAll(targets);
      return [performance.now() - t0, results];
    };
    const [coldMs] = time();
    for (let run = 0; run < warmup; run++) time();
    const times: number[] = [];
    let results: AnchorResult[] = [];
    for (let run = 0; run < runs; run++) {
      const [ms, placed] = time();
      times.push(ms);
      results = placed;
    }
    const out: ScenarioResult = {
      scenario, medianMs: median(times), maxMs: Math.max(...times), coldMs,
      correct: 0, detached: 0, missed: 0, wrong: 0, total: count,
      deleted: 0, repeated: 0, repeatedCorrect: 0,
    };
    results.forEach((r, i) => {
      const verdict = judge(r, changed.truth[i]);
      out[verdict]++;
      if (r.status === 'detached') out.detached++;
      if (!changed.truth[i]) out.deleted++;
      if (repeated[i]) {
        out.repeated++;
        if (verdict === 'correct') out.repeatedCorrect++;
      }
    });
    return out;
  });
}
