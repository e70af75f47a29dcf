// The first index of a long text, parsed by the calling thread and helper threads at once. The text
// is cut at chunk starts into parts. The calling thread claims parts from the front and helpers
// claim them from the back through one shared counter, so that nobody waits while parts remain and
// a slow helper (cold code, a busy core) simply does fewer. Each part is parsed as a span that ends
// at the part's end whatever its last block is.
//
// Joining checks each boundary as parseSpan checks the end of a chunk. Where the block before it
// runs on (an open fence or HTML block, or indented code), the chunk that parsed that block is
// parsed again and on until the parse ends closed at a chunk start where a later part began one of
// its chunks. Every chunk is parsed on its own from where it begins, so from there on that part's
// blocks are those of the whole text. Definitions are handled as on one thread: every part takes
// the same guess, checked after joining (fixChunks).
import { drain, openEnd, parseSpan, type ChunkRecord, type SpanPlan, type SpanResult } from './chunks';
import type { Injection, TopBlock } from './parse';
import { isChunkStart, nextChunkStart } from './scan';

/** What a helper needs to parse parts of a text; it can be copied to another thread. */
export interface PartsJob {
  readonly text: string;
  /** Front matter limit (frontMatterLimit). */
  readonly limit: number;
  readonly chunkChars: number;
  /** Labels taken as defined, as in a first index on one thread. */
  readonly injection: Injection;
  /** Part i is text[bounds[i], bounds[i + 1]); the first bound is 0 and the last text.length. */
  readonly bounds: readonly number[];
  /** The claim counter every thread shares: see PartClaims. */
  readonly claims: SharedArrayBuffer;
}

/** The blocks of one part and the chunks that gave them (`first` counts from the part's first block). */
export interface PartResult {
  readonly part: number;
  readonly tops: TopBlock[];
  readonly chunks: ChunkRecord[];
  readonly parsedChars: number;
}

/** Helpers at work on a job. */
export interface ParallelRun {
  /** Settles once every helper has stopped; rejects when one failed. */
  readonly done: Promise<void>;
  /** Stops the helpers now; what they claimed and did not deliver is left to the caller. */
  stop(): void;
}

/**
 * Starts helpers (threads) on a job. Each part they parse is passed to `deliver` on the calling
 * thread; `undefined` means that no helper could be started. The host provides this, so that the
 * core stays free of any thread API.
 */
export type ParallelParse = (job: PartsJob, deliver: (result: PartResult) => void) => ParallelRun | undefined;

/** At most this many parts: the claim counter keeps each end of the range in 15 bits. */
const MAX_PARTS = 0x7fff;

/**
 * The parts nobody has claimed yet, shared by every thread: one Int32 holds the next part from
 * the front (low 16 bits) and one past the last from the back (high bits). A claim changes both
 * at once by compare-and-swap, so that no part is ever claimed twice.
 */
export class PartClaims {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  /** Claims over parts 0 to count - 1, none claimed yet. */
  static create(count: number): PartClaims {
    if (!Number.isInteger(count) || count < 0 || count > MAX_PARTS) throw new RangeError(`cannot share ${count} parts`);
    const claims = new PartClaims(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    Atomics.store(claims.cell, 0, count << 16);
    return claims;
  }

  /** Claims the first part left; -1 when none is. */
  front(): number {
    return this.claim(true);
  }

  /** Claims the last part left; -1 when none is. */
  back(): number {
    return this.claim(false);
  }

  private claim(fromFront: boolean): number {
    for (;;) {
      const state = Atomics.load(this.cell, 0);
      const next = state & 0xffff;
      const end = state >>> 16;
      if (next >= end) return -1;
      const claimed = fromFront ? state + 1 : state - 0x10000;
      if (Atomics.compareExchange(this.cell, 0, state, claimed) === state) return fromFront ? next : end - 1;
    }
  }
}

/** Bounds of parts about `partChars` long: 0, the first chunk start after each stretch, text.length. */
export function partBounds(text: string, limit: number, partChars: number): number[] {
  const step = Math.max(1, partChars, Math.ceil(text.length / (MAX_PARTS - 1)));
  const bounds = [0];
  for (;;) {
    const at = nextChunkStart(text, bounds[bounds.length - 1] + step, limit);
    if (at >= text.length) break;
    bounds.push(at);
  }
  bounds.push(text.length);
  return bounds;
}

function planFor(job: PartsJob, end: number, chunkChars = job.chunkChars): SpanPlan {
  return {
    text: job.text,
    limit: job.limit,
    chunkChars,
    injection: job.injection,
    minEnd: end,
    nextStop: () => end,
    onFailure: 'split',
    hardEnd: end,
  };
}

/** Parses one part as a span that ends at the part's end, whatever its last block is. */
export function* parsePart(job: PartsJob, part: number, chunkChars = job.chunkChars): Generator<void, PartResult> {
  const span = yield* parseSpan(planFor(job, job.bounds[part + 1], chunkChars), job.bounds[part]);
  return { part, tops: span?.tops ?? [], chunks: span?.chunks ?? [], parsedChars: span?.parsedChars ?? 0 };
}

/** A helper's work: parses the parts it claims from the back, one after another, until none is left. */
export function helpWithParts(job: PartsJob, deliver: (result: PartResult) => void): void {
  const claims = new PartClaims(job.claims);
  for (let part = claims.back(); part >= 0; part = claims.back()) deliver(drain(parsePart(job, part)));
}

/** Where a later part began a chunk: part index and chunk index. */
interface Resume {
  part: number;
  chunk: number;
}

/**
 * Puts the parts' blocks together into the blocks of the whole text, parsing again across every
 * boundary that a block runs on across. `parsedChars` counts what the parts and the joins parsed.
 */
export function* joinParts(job: PartsJob, results: readonly PartResult[]): Generator<void, SpanResult> {
  const { text, bounds } = job;
  const tops: TopBlock[] = [];
  const chunks: ChunkRecord[] = [];
  let parsedChars = 0;
  for (const result of results) parsedChars += result.parsedChars;
  // The first chunk, at or after `pos`, that a part from `after` on began at a chunk start.
  const resumeAt = (pos: number, after: number): Resume | undefined => {
    let part = after;
    while (part + 1 < results.length && bounds[part + 1] <= pos) part++;
    for (; part < results.length; part++) {
      const records = results[part].chunks;
      for (let chunk = 0; chunk < records.length; chunk++) {
        const from = records[chunk].from;
        if (from >= pos && isChunkStart(text, from)) return { part, chunk };
      }
    }
    return undefined;
  };
  let part = 0;
  let chunk = 0;
  while (part < results.length) {
    take(tops, chunks, results[part], chunk);
    const end = bounds[part + 1];
    part++;
    chunk = 0;
    if (end >= text.length || openEnd(text, tops, end) === 'closed') continue;
    // The chunk holding the last block is parsed again, and on past the boundary. Without one
    // (which parseSpan never leaves), the text is parsed again from its start.
    const redo = chunks.pop() ?? { from: 0, to: 0, first: 0, count: 0 };
    tops.length = redo.first;
    const after = part;
    const span = yield* parseSpan({
      ...planFor(job, text.length),
      minEnd: end + 1,
      nextStop: (pos) => {
        const at = resumeAt(pos, after);
        return at ? results[at.part].chunks[at.chunk].from : text.length;
      },
      hardEnd: undefined,
    }, redo.from);
    if (!span) break;
    parsedChars += span.parsedChars;
    for (const record of span.chunks) chunks.push({ ...record, first: record.first + tops.length });
    for (const top of span.tops) tops.push(top);
    const resume = span.end < text.length ? resumeAt(span.end, after) : undefined;
    if (!resume) break;
    part = resume.part;
    chunk = resume.chunk;
  }
  return { tops, end: text.length, chunks, parsedChars };
}

/** Appends a part's blocks from its chunk `fromChunk` on (from its very first block when 0). */
function take(tops: TopBlock[], chunks: ChunkRecord[], result: PartResult, fromChunk: number): void {
  const skip = fromChunk === 0 ? 0 : result.chunks[fromChunk].first;
  const offset = tops.length - skip;
  for (let c = fromChunk; c < result.chunks.length; c++) {
    const record = result.chunks[c];
    chunks.push({ ...record, first: record.first + offset });
  }
  for (let i = skip; i < result.tops.length; i++) tops.push(result.tops[i]);
}
