// Parses a span of text as a run of independent chunks whose blocks, put together, are the blocks
// a parse of the whole text gives. Chunks are cut at chunk starts (scan.ts); a chunk whose last
// block is a fence or HTML block still open at its end is cut again before that block, which is then
// parsed with the text after it.
import {
  bracketWords,
  findDeepNesting,
  firstWord,
  isChunkStart,
  lineStart,
  MAX_NESTING,
  nextChunkStart,
  previousChunkStart,
  previousLineStart,
} from './scan';
import { opaqueBlock, parsePiece, type Injection, type TopBlock } from './parse';

/** How a span is parsed. */
export interface SpanPlan {
  readonly text: string;
  /** Front matter limit: no chunk starts at or before it. */
  readonly limit: number;
  /** Preferred chunk length; 0 cuts at every chunk start. */
  readonly chunkChars: number;
  /** Labels taken as defined while parsing; checked afterwards with fixChunks. */
  readonly injection: Injection;
  /** The span goes at least this far. */
  readonly minEnd: number;
  /** The first place at or after `pos` where the span may end, text.length when there is none. */
  nextStop(pos: number): number;
  /** On a chunk that cannot be parsed: give up ('abort') or keep the smallest failing part opaque ('split'). */
  readonly onFailure: 'abort' | 'split';
  /** Where the span ends whatever its last block is: an opaque passage follows. */
  readonly hardEnd?: number;
}

/** One parse of a span: text[from, to) gave tops[first, first + count). */
export interface ChunkRecord {
  from: number;
  to: number;
  first: number;
  count: number;
}

/** The blocks of a span, where it ended, and how it was cut. */
export interface SpanResult {
  tops: TopBlock[];
  end: number;
  chunks: ChunkRecord[];
  parsedChars: number;
}

/** Length of the first chunk of a span; later ones double up to the plan's chunk length. */
const FIRST_CHUNK_CHARS = 1024;

/**
 * True for an indented code block. After one, micromark may still take the next block, across
 * blank lines, as interrupting it, so that for instance `> -` after it is no list; whether it does
 * depends on how the code block began (not after an empty list item), so the block after it must be
 * parsed in the same parse as the text before it.
 */
function isIndentedCode(text: string, top: TopBlock): boolean {
  if (top.kind !== 'code' || top.problem) return false;
  let columns = 0;
  for (let i = lineStart(text, top.start); i < text.length && columns < 4; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) columns++;
    else if (c === 9) columns += 4 - (columns % 4);
    else break;
  }
  return columns >= 4;
}

/**
 * Whether a chunk that ends at `to` can end there: 'closed' when it can; 'block' when its last
 * block, an open fence or HTML block, runs on (parse again from that block); 'chunk' when it ends
 * with indented code (parse the chunk again, further).
 */
export function openEnd(text: string, tops: readonly TopBlock[], to: number): 'closed' | 'block' | 'chunk' {
  if (tops.length === 0 || to >= text.length) return 'closed';
  const last = tops[tops.length - 1];
  if (last.problem) return 'closed';
  // A closed block ends before the line ending of its last line; an open fence or HTML block
  // takes in the blank line (checked against every CommonMark example in the tests).
  if (last.end >= previousLineStart(text, to)) return 'block';
  return isIndentedCode(text, last) ? 'chunk' : 'closed';
}

/** Parses a span starting at `from`, a place where a parse of the whole text has a fresh start. */
export function* parseSpan(plan: SpanPlan, from: number): Generator<void, SpanResult | undefined> {
  const { text } = plan;
  const tops: TopBlock[] = [];
  const chunks: ChunkRecord[] = [];
  let parsedChars = 0;
  let pos = from;
  // Start small and double: the first parses in a process run cold code, several times slower.
  let chunkChars = Math.min(plan.chunkChars, FIRST_CHUNK_CHARS);
  let minSize = chunkChars;
  // After a chunk ended open, the next one must reach past where that one ended.
  let beyond = 0;
  for (;;) {
    const stop = plan.nextStop(Math.max(plan.minEnd, pos + 1, beyond));
    const to = pos + minSize < stop ? Math.min(stop, nextChunkStart(text, pos + Math.max(minSize, 1), plan.limit, stop)) : stop;
    const result = parsePiece(text, pos, to, plan.injection);
    parsedChars += to - pos;
    yield;
    let got: Parsed;
    if (result.ok) {
      got = { tops: result.tops, chunks: [{ from: pos, to, first: 0, count: result.tops.length }], parsedChars: 0 };
    } else if (plan.onFailure === 'abort') {
      return undefined;
    } else {
      got = yield* splitFailed(plan, pos, to);
      parsedChars += got.parsedChars;
    }
    const open = to === plan.hardEnd ? 'closed' : openEnd(text, got.tops, to);
    if (open === 'chunk') {
      minSize = Math.max(chunkChars, 2 * (to - pos));
      beyond = to + 1;
      continue;
    }
    if (open === 'block') {
      const restart = lineStart(text, got.tops[got.tops.length - 1].start);
      got.tops.pop();
      // The chunk that parsed the open block now ends where that block starts.
      const last = got.chunks[got.chunks.length - 1];
      last.count--;
      last.to = restart;
      if (last.count === 0) got.chunks.pop();
      append(tops, chunks, got);
      // Grow geometrically so that a long open block is parsed a bounded number of times.
      minSize = Math.max(chunkChars, 2 * (to - restart));
      beyond = to + 1;
      pos = restart;
      continue;
    }
    append(tops, chunks, got);
    if (to >= stop) return { tops, end: to, chunks, parsedChars };
    pos = to;
    chunkChars = Math.min(plan.chunkChars, 2 * chunkChars);
    minSize = chunkChars;
  }
}

/** Runs a parse to its end at once, without yielding. */
export function drain<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Blocks parsed from part of a span, with the chunks that gave them (`first` relative to `tops`). */
interface Parsed {
  tops: TopBlock[];
  chunks: ChunkRecord[];
  parsedChars: number;
}

function append(tops: TopBlock[], chunks: ChunkRecord[], got: Parsed): void {
  for (const chunk of got.chunks) chunks.push({ ...chunk, first: chunk.first + tops.length });
  for (const top of got.tops) tops.push(top);
}

/**
 * Parses text[from, to), which failed as one piece. Each line nested too deep is kept opaque with
 * the text around it up to the chunk starts before and after it, which depend on nothing else, so
 * that every way of cutting the text keeps the same passage opaque; the text between is parsed as
 * usual, cut off at the opaque passages. A failure without such a line (a stack overflow) is parsed
 * piece by piece between chunk starts instead. The end at `to` is left for the caller to check.
 */
function* splitFailed(plan: SpanPlan, from: number, to: number): Generator<void, Parsed> {
  const { text } = plan;
  const out: Parsed = { tops: [], chunks: [], parsedChars: 0 };
  const regions: [number, number][] = [];
  for (let deep = findDeepNesting(text, from, to); deep >= 0; ) {
    const start = Math.max(from, previousChunkStart(text, deep, plan.limit, from));
    const end = Math.min(to, nextChunkStart(text, deep + 1, plan.limit, to));
    if (regions.length > 0 && start < regions[regions.length - 1][1]) regions[regions.length - 1][1] = end;
    else regions.push([start, end]);
    deep = end < to ? findDeepNesting(text, end, to) : -1;
  }
  if (regions.length === 0) return yield* splitEverywhere(plan, from, to);
  let pos = from;
  const parseUpTo = function* (end: number): Generator<void, void> {
    if (end <= pos) return;
    const span = yield* parseSpan({ ...plan, minEnd: end, nextStop: () => end, hardEnd: end }, pos);
    if (span) {
      append(out.tops, out.chunks, { ...span, parsedChars: 0 });
      out.parsedChars += span.parsedChars;
    }
  };
  for (const [start, end] of regions) {
    yield* parseUpTo(start);
    const opaque = opaqueBlock(text, start, end, `nested more than ${MAX_NESTING} levels deep`);
    if (opaque) out.tops.push(opaque);
    pos = end;
  }
  yield* parseUpTo(to);
  return out;
}

/** Parses text[from, to) piece by piece between every chunk start; a piece that fails is kept opaque. */
function* splitEverywhere(plan: SpanPlan, from: number, to: number): Generator<void, Parsed> {
  const { text } = plan;
  const bounds = [from];
  for (let q = nextChunkStart(text, from + 1, plan.limit, to); q < to; q = nextChunkStart(text, q + 1, plan.limit, to)) bounds.push(q);
  bounds.push(to);
  const out: Parsed = { tops: [], chunks: [], parsedChars: 0 };
  const lastBound = bounds.length - 1;
  let i = 0;
  while (i < lastBound) {
    let j = i + 1;
    for (;;) {
      const result = parsePiece(text, bounds[i], bounds[j], plan.injection);
      out.parsedChars += bounds[j] - bounds[i];
      yield;
      if (!result.ok) {
        const opaque = opaqueBlock(text, bounds[i], bounds[j], result.problem);
        if (opaque) out.tops.push(opaque);
        break;
      }
      if (j < lastBound && openEnd(text, result.tops, bounds[j]) !== 'closed') {
        j = Math.min(lastBound, i + 2 * (j - i));
        continue;
      }
      out.chunks.push({ from: bounds[i], to: bounds[j], first: out.tops.length, count: result.tops.length });
      for (const top of result.tops) out.tops.push(top);
      break;
    }
    i = j;
  }
  return out;
}

/** Sets each block's `safe` flag: whether a later parse may start a chunk at it. `previous` comes before tops[0]. */
export function markSafe(text: string, tops: readonly TopBlock[], limit: number, previous?: TopBlock): void {
  for (let i = 0; i < tops.length; i++) {
    const top = tops[i];
    const before = i > 0 ? tops[i - 1] : previous;
    top.safe = !top.problem && top.start > limit && isChunkStart(text, top.start) && !(before && isIndentedCode(text, before));
  }
}

/** Which labels a set of blocks defines, with how many definitions of each. */
export class DefinitionCounts {
  readonly defined = new Map<string, number>();
  readonly footnotes = new Map<string, number>();

  /** Counts the definitions of `tops` in (1) or out (-1). */
  add(tops: readonly TopBlock[], sign: 1 | -1): void {
    for (const top of tops) {
      for (const id of top.definedIds) bump(this.defined, id, sign);
      for (const id of top.footnoteIds) bump(this.footnotes, id, sign);
    }
  }

  /** The labels defined, for a parse of the whole text. */
  injection(): Injection {
    return { defined: [...this.defined.keys()], footnotes: [...this.footnotes.keys()] };
  }

  /** The labels defined outside tops[from, to), for a parse that replaces those blocks. */
  injectionWithout(tops: readonly TopBlock[], from: number, to: number): Injection {
    const inside = new DefinitionCounts();
    inside.add(tops.slice(from, to), 1);
    const keep = (all: Map<string, number>, minus: Map<string, number>): string[] =>
      [...all].filter(([id, n]) => n > (minus.get(id) ?? 0)).map(([id]) => id);
    return { defined: keep(this.defined, inside.defined), footnotes: keep(this.footnotes, inside.footnotes) };
  }
}

/** Sets of labels: link reference definitions and footnote definitions. */
export interface Changes {
  defined: Set<string>;
  footnotes: Set<string>;
}

function bump(counts: Map<string, number>, id: string, sign: 1 | -1): void {
  const after = (counts.get(id) ?? 0) + sign;
  if (after > 0) counts.set(id, after);
  else counts.delete(id);
}

/** True when a text with these bracketWords may refer to one of the labels or call one of the footnotes. */
export function mayReference(words: Set<string>, changes: Changes): boolean {
  for (const id of changes.defined) if (words.has(firstWord(id))) return true;
  for (const id of changes.footnotes) if (words.has('^' + id)) return true;
  return false;
}

/** Labels in `a` and not in `b`, or in `b` and not in `a`. */
function difference(a: Injection, b: Injection): Changes {
  const diff = (x: readonly string[], y: readonly string[]): Set<string> => {
    const ys = new Set(y);
    const xs = new Set(x);
    const out = new Set<string>();
    for (const id of xs) if (!ys.has(id)) out.add(id);
    for (const id of ys) if (!xs.has(id)) out.add(id);
    return out;
  };
  return { defined: diff(a.defined, b.defined), footnotes: diff(a.footnotes, b.footnotes) };
}

/**
 * Re-parses the chunks of a span whose parse assumed other definitions than the document has and
 * that may refer to one of the difference. `offset` is where the span's blocks sit in `tops`.
 * Returns the number of characters parsed, or -1 when a chunk could not be parsed again.
 */
export function* fixChunks(
  text: string,
  tops: TopBlock[],
  offset: number,
  chunks: readonly ChunkRecord[],
  assumed: Injection,
  actual: Injection,
  limit: number,
): Generator<void, number> {
  const wrong = difference(assumed, actual);
  if (wrong.defined.size === 0 && wrong.footnotes.size === 0) return 0;
  const assumedDefined = new Set(assumed.defined);
  const assumedFootnotes = new Set(assumed.footnotes);
  let parsedChars = 0;
  // From the last chunk back, so that a change in block count cannot move the chunks still to do.
  for (let c = chunks.length - 1; c >= 0; c--) {
    const chunk = chunks[c];
    if (chunk.count === 0) continue;
    const first = offset + chunk.first;
    // The chunk saw the assumed labels and its own definitions.
    const own = new DefinitionCounts();
    own.add(tops.slice(first, first + chunk.count), 1);
    const missed: Changes = {
      defined: new Set([...wrong.defined].filter((id) => assumedDefined.has(id) || !own.defined.has(id))),
      footnotes: new Set([...wrong.footnotes].filter((id) => assumedFootnotes.has(id) || !own.footnotes.has(id))),
    };
    if (missed.defined.size === 0 && missed.footnotes.size === 0) continue;
    if (!mayReference(bracketWords(text, chunk.from, chunk.to), missed)) continue;
    const result = parsePiece(text, chunk.from, chunk.to, actual);
    parsedChars += chunk.to - chunk.from;
    yield;
    if (!result.ok) return -1;
    markSafe(text, result.tops, limit, tops[first - 1]);
    spliceInto(tops, first, chunk.count, result.tops);
  }
  return parsedChars;
}

/** tops.splice(at, count, ...items) without spreading a possibly huge array into arguments. */
export function spliceInto<T>(target: T[], at: number, count: number, items: readonly T[]): void {
  const delta = items.length - count;
  if (delta > 0) {
    target.length += delta;
    for (let i = target.length - 1; i >= at + items.length; i--) target[i] = target[i - delta];
  } else if (delta < 0) {
    for (let i = at + items.length; i < target.length + delta; i++) target[i] = target[i - delta];
    target.length += delta;
  }
  for (let i = 0; i < items.length; i++) target[at + i] = items[i];
}
