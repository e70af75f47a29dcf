// Finding every occurrence of a normalised string in a long text without normalising or scanning
// the text: one k-gram is hashed every STEP characters, once per text, reading the text as
// normalisation would (whitespace runs as one space, curly quotes straight). Any occurrence at
// least MIN_INDEXED long contains a sampled k-gram, so looking up each of the string's k-grams
// finds them all; each hit is then checked against the text.
import { GREATER_THAN, foldQuote, isSpace, normalize, skipRun } from './normalize';
import { CharFrequency, Needle } from './rare';
import { int32 } from './slab';

/** Length of the hashed k-grams, in normalised characters. */
export const K = 8;
/** Distance between sampled offsets: sparse enough to index 2 MB in a few milliseconds. */
export const STEP = 32;
/** Shortest normalised string found through the index; shorter ones are found by a scan. */
export const MIN_INDEXED = STEP + 2 * K;

/** Votes are packed as (start + VOTE_BIAS) * VOTE_SPAN + offset: starts may be slightly negative. */
const VOTE_SPAN = 4096;
const VOTE_BIAS = 1 << 16;
/** How much of a pattern is looked up to find all its exact occurrences (MIN_INDEXED at least). */
const LOOKUP_SPAN = 2 * MIN_INDEXED;
/** Buckets this small are looked up for every k-gram, to find copies whose whitespace changed. */
const RARE = 2;
const BASIS = 0x811c9dc5 | 0;
const SPACE = 0x20;

function mix(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** Murmur's finaliser spreads the bits so that the low ones can pick the bucket; never 0. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

/** A character that starts a normalised character of its own: not whitespace, not a possible blockquote marker. */
function isPlain(c: number): boolean {
  return !isSpace(c) && c !== GREATER_THAN;
}

/**
 * Hash of the K normalised characters read from raw offset `p` (a plain character); 0 if the text
 * ends first. Most k-grams of prose are printable ASCII with single spaces, which normalise to
 * themselves: one test per character lets those through, and only the rest (whitespace runs, line
 * breaks, curly quotes, other non-ASCII) take the branch that reads as normalisation does.
 */
function hashRaw(s: string, p: number): number {
  const n = s.length;
  // Where the k-gram ends if each normalised character left is one raw character; runs push it on.
  let end = p + K;
  if (end > n) return 0;
  let h = BASIS;
  // The last character hashed. Printable characters are at least SPACE, so the sum below is
  // 2 * SPACE for a space after a space: a run, whose first space is already hashed. (After a
  // control character a few others match too, and merely take the longer branch.)
  let prev = SPACE;
  for (let i = p; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= SPACE && c < 0x7f && c + prev !== 2 * SPACE) {
      // Printable ASCII: itself (a `>` here is inside a line; runs swallow the markers).
      h = mix(h, c);
      prev = c;
    } else if (isSpace(c)) {
      // The whole run is one space: hashed here, unless the run began with a space that the
      // test above took for a lone one and hashed already.
      const run = skipRun(s, i, n, false);
      if (prev !== SPACE) {
        h = mix(h, SPACE);
        end--;
      }
      end += run - i;
      if (end > n) return 0;
      i = run - 1;
      prev = SPACE;
    } else {
      prev = foldQuote(c);
      h = mix(h, prev);
    }
  }
  return finish(h);
}

function hashNormalized(s: string, j: number): number {
  let h = BASIS;
  for (let i = j; i < j + K; i++) h = mix(h, s.charCodeAt(i));
  return finish(h);
}

/** A normalised string prepared for lookups, with a raw text that normalises to it. */
export class Probe {
  /** For each offset of `raw`, the pattern offset of its normalised character. */
  readonly toPattern: Int32Array;
  /** For each offset of the pattern, the offset in `raw` where its character starts. */
  readonly fromPattern: Int32Array;
  private readonly hashCache: Int32Array;
  /** How many leading offsets have their hash computed: exact lookups need only the first few. */
  private hashed = 0;

  constructor(readonly pattern: string, readonly raw: string, fromPattern: Int32Array) {
    const m = pattern.length;
    this.fromPattern = fromPattern;
    this.hashCache = int32(m);
    this.toPattern = int32(raw.length);
    for (let j = 0; j < m; j++) {
      const end = j + 1 < m ? fromPattern[j + 1] : raw.length;
      for (let o = fromPattern[j]; o < end; o++) this.toPattern[o] = j;
    }
  }

  /**
   * The hash of the k-gram at each offset of the pattern, computed for the first `count` at
   * least; 0 where none is sampled (a space, or too near the end).
   */
  hashes(count = this.pattern.length): Int32Array {
    const { pattern } = this;
    const to = Math.min(count, pattern.length - K + 1);
    for (let j = this.hashed; j < to; j++) {
      const c = pattern.charCodeAt(j);
      if (c !== SPACE && c !== GREATER_THAN) this.hashCache[j] = hashNormalized(pattern, j);
    }
    this.hashed = Math.max(this.hashed, to);
    return this.hashCache;
  }

  /** A probe for a raw string: its normalised form. */
  static of(raw: string): Probe {
    const norm = normalize(raw);
    return new Probe(norm.text, raw, norm.map.subarray(0, norm.text.length));
  }
}

/** A raw range of the text whose normalised form is the string looked up. */
export interface Occurrence {
  start: number;
  end: number;
}

/** A sparse index of a text's normalised k-grams, for exact lookups of normalised strings. */
export class KGramIndex {
  /** Bucket `b` holds entries `[starts[b], starts[b + 1])` of `entries`, latest sample first. */
  private readonly starts: Int32Array;
  /** Each entry is a sample's raw offset and its hash, side by side: one cache line per lookup. */
  private readonly entries: Int32Array;
  private readonly mask: number;

  constructor(readonly text: string) {
    const n = text.length;
    const samples = Math.ceil(n / STEP);
    let size = 16;
    while (size < samples * 2) size *= 2;
    const mask = size - 1;
    this.mask = mask;
    // The samples taken, in text order.
    const hashes = new Int32Array(samples);
    const positions = new Int32Array(samples);
    let total = 0;
    for (let e = 0; e < samples; e++) {
      let p = e * STEP;
      // Most stretches start with a printable character; only the others need searching.
      const c = text.charCodeAt(p);
      if (!(c > SPACE && c < 0x7f && c !== GREATER_THAN)) {
        const stop = Math.min(n, p + STEP);
        while (p < stop && !isPlain(text.charCodeAt(p))) p++;
        if (p >= stop) continue;
      }
      const h = hashRaw(text, p);
      if (h === 0) continue;
      hashes[total] = h;
      positions[total] = p;
      total++;
    }
    // Counted after the loop, not in it: there the table would compete for the cache with the text.
    const starts = new Int32Array(size + 1);
    for (let k = 0; k < total; k++) starts[hashes[k] & mask]++;
    // Counts become the ends of the buckets; filling each from its end leaves its start behind.
    // A running sum, since adding the previous bucket's end would wait for it to be stored.
    let sum = 0;
    for (let b = 0; b < size; b++) {
      sum += starts[b];
      starts[b] = sum;
    }
    starts[size] = total;
    const entries = new Int32Array(2 * total);
    for (let k = 0; k < total; k++) {
      const h = hashes[k];
      const slot = --starts[h & mask];
      entries[2 * slot] = positions[k];
      entries[2 * slot + 1] = h;
    }
    this.starts = starts;
    this.entries = entries;
  }

  /** How many samples share the bucket of hash `h`. */
  private count(h: number): number {
    const b = h & this.mask;
    return this.starts[b + 1] - this.starts[b];
  }

  /**
   * Every raw range whose normalised form is the probe's pattern, by start; at most `limit`.
   * Copies laid out like the probe's raw text (the usual case: a moved paragraph) are found
   * through one rare k-gram per sampling residue; copies whose whitespace differs, only through
   * k-grams rare enough to look up for every offset.
   */
  occurrences(probe: Probe, limit: number): Occurrence[] {
    const { pattern, raw, toPattern, fromPattern } = probe;
    if (pattern.length === 0) return [];
    if (pattern.length < MIN_INDEXED) return this.scan(pattern, limit);
    const found: Occurrence[] = [];
    // Every occurrence of the whole contains one of its first LOOKUP_SPAN characters: looking
    // those up is enough, and each lookup is a cache miss into the large tables.
    const span = Math.min(pattern.length, LOOKUP_SPAN);
    const hashes = probe.hashes(span);
    // Each k-gram is looked up once, whichever loop asks first.
    const looked = int32(span);
    const rawSpan = span < pattern.length ? fromPattern[span] : raw.length;
    const counts = int32(span).fill(-1);
    // Each k-gram of an occurrence leads back to it: each implied start is checked once.
    const tried: number[] = [];
    const count = (j: number): number => (counts[j] < 0 ? (counts[j] = this.count(hashes[j])) : counts[j]);
    const { starts, entries } = this;
    const lookup = (j: number): void => {
      if (looked[j]) return;
      looked[j] = 1;
      const h = hashes[j];
      const b = h & this.mask;
      for (let e = starts[b], stop = starts[b + 1]; e < stop && found.length < limit; e++) {
        if (entries[2 * e + 1] !== h) continue;
        const p = entries[2 * e];
        const start = p - fromPattern[j];
        if (tried.includes(start)) continue;
        tried.push(start);
        // A copy laid out like the probe's raw text needs no normalising to check.
        const copy = start >= 0 && this.text.charCodeAt(start) === raw.charCodeAt(0) && this.text.startsWith(raw, start);
        const hit = copy ? { start, end: start + raw.length } : verify(this.text, pattern, j, p);
        if (hit && !found.some((f) => f.start === hit.start)) found.push(hit);
      }
    };
    for (let r = 0; r < STEP; r++) {
      // In a copy at s the sample sits at the first plain character from s + r + i * STEP.
      let best = -1;
      for (let g = r; g < rawSpan; g += STEP) {
        let o = g;
        while (o < rawSpan && o < g + STEP && !isPlain(raw.charCodeAt(o))) o++;
        if (o >= g + STEP || o >= rawSpan) continue;
        const j = toPattern[o];
        if (j >= span || hashes[j] === 0) continue;
        if (best < 0 || count(j) < count(best)) best = j;
      }
      if (best >= 0) lookup(best);
    }
    for (let j = 0; j < span && found.length < limit; j++) {
      if (hashes[j] !== 0 && count(j) <= RARE) lookup(j);
    }
    return found.sort((a, b) => a.start - b.start).slice(0, limit);
  }

  /**
   * Where the probe's pattern may lie, approximately: each sampled k-gram of the text that equals
   * one of the pattern's votes for the raw offset at which the pattern would then start. Returns
   * the places that at least `minVotes` different k-grams agree on (within `tolerance`), most
   * votes first. K-grams found in more than `maxBucket` places say nothing and are skipped.
   */
  votes(probe: Probe, maxBucket: number, tolerance: number, minVotes: number): Array<{ start: number; votes: number }> {
    const { fromPattern } = probe;
    const hashes = probe.hashes();
    // Each vote packs its start and the voting offset into one number, so that a typed sort orders them.
    const votes: number[] = [];
    const { starts, entries } = this;
    for (let j = 0; j < hashes.length; j++) {
      const h = hashes[j];
      if (h === 0 || this.count(h) > maxBucket) continue;
      const b = h & this.mask;
      for (let e = starts[b], stop = starts[b + 1]; e < stop; e++) {
        if (entries[2 * e + 1] === h) votes.push((entries[2 * e] - fromPattern[j] + VOTE_BIAS) * VOTE_SPAN + (j % VOTE_SPAN));
      }
    }
    const sorted = Float64Array.from(votes).sort();
    const startOf = (v: number): number => Math.floor(v / VOTE_SPAN) - VOTE_BIAS;
    const out: Array<{ start: number; votes: number }> = [];
    for (let i = 0; i < sorted.length;) {
      let k = i + 1;
      while (k < sorted.length && startOf(sorted[k]) - startOf(sorted[k - 1]) <= tolerance) k++;
      const voters = new Set<number>();
      for (let x = i; x < k; x++) voters.add(sorted[x] % VOTE_SPAN);
      if (voters.size >= minVotes) out.push({ start: startOf(sorted[(i + k) >> 1]), votes: voters.size });
      i = k;
    }
    return out.sort((a, b) => b.votes - a.votes);
  }

  /** Short strings: find their longest plain word verbatim, then check around each hit. */
  private scan(pattern: string, limit: number): Occurrence[] {
    const [best, bestLength] = longestWord(pattern);
    const found = new Map<number, Occurrence>();
    if (bestLength === 0) return [];
    const word = pattern.slice(best, best + bestLength);
    for (let i = this.text.indexOf(word); i >= 0 && found.size < limit; i = this.text.indexOf(word, i + 1)) {
      const hit = verify(this.text, pattern, best, i);
      if (hit) found.set(hit.start, hit);
    }
    return [...found.values()].sort((a, b) => a.start - b.start);
  }
}

/**
 * The occurrences of the probe's pattern in `text` that start inside the raw ranges `[from, to]`,
 * however their whitespace is laid out, by start; at most `limit`. Near a known place, reading
 * the ranges for the pattern's longest word costs less than building an index or looking it up
 * (each lookup a cache miss anywhere in the text). An occurrence whose whitespace runs more than
 * double its length is missed.
 */
export function occurrencesWithin(text: string, probe: Probe, ranges: ReadonlyArray<readonly [number, number]>, limit: number, frequency?: CharFrequency): Occurrence[] {
  const { pattern } = probe;
  const [best, bestLength] = frequency ? rarestWord(pattern, frequency) : longestWord(pattern);
  if (bestLength === 0) return [];
  const word = pattern.slice(best, best + bestLength);
  const needle = frequency ? frequency.needle(word) : new Needle(word, 0);
  const found = new Map<number, Occurrence>();
  for (const [from, to] of ranges) {
    const slice = text.slice(from, Math.min(text.length, to + 2 * probe.raw.length));
    for (let i = needle.in(slice); i >= 0 && found.size < limit; i = needle.in(slice, i + 1)) {
      // A copy laid out like the probe's raw text needs no normalising to check.
      const start = from + i - probe.fromPattern[best];
      const copy = start >= from && start <= to && text.startsWith(probe.raw, start);
      const hit = copy ? { start, end: start + probe.raw.length } : verify(text, pattern, best, from + i);
      if (hit && hit.start >= from && hit.start <= to) found.set(hit.start, hit);
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start);
}

/** Checks that normalised `pattern[j]` can sit at raw offset `p` of `s`, and where the occurrence lies. */
function verify(s: string, pattern: string, j: number, p: number): Occurrence | undefined {
  // Forward: the rest of the pattern, read as normalisation reads the text.
  let i = p;
  for (let k = j; k < pattern.length; k++) {
    if (i >= s.length) return undefined;
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      if (pattern.charCodeAt(k) !== SPACE) return undefined;
      i = skipRun(s, i, s.length, false);
    } else {
      if (foldQuote(c) !== pattern.charCodeAt(k)) return undefined;
      i++;
    }
  }
  const end = i;
  // Backward: normalise a generous stretch before the hit and compare its tail.
  let reach = 2 * j + 64;
  for (;;) {
    const from = Math.max(0, p - reach);
    const norm = normalize(s, from, end);
    const at = norm.text.length - pattern.length;
    if (at >= 1 || from === 0) {
      if (at < 0 || !norm.text.endsWith(pattern)) return undefined;
      return { start: norm.map[at], end };
    }
    reach *= 2;
  }
}

/**
 * The offset and length of the pattern's longest run of characters that read the same in the
 * raw text, to find it by verbatim search.
 */
function longestWord(pattern: string): [number, number] {
  let best = 0;
  let bestLength = 0;
  for (let j = 0; j < pattern.length;) {
    let k = j;
    while (k < pattern.length && isPlain(pattern.charCodeAt(k)) && !isQuoteLike(pattern.charCodeAt(k))) k++;
    if (k - j > bestLength) {
      best = j;
      bestLength = k - j;
    }
    j = Math.max(k, j + 1);
  }
  return [best, bestLength];
}

/**
 * The offset and length of the run of characters that read the same in the raw text with the
 * rarest character in it (the longer of equals): the fastest to find by verbatim search.
 */
function rarestWord(pattern: string, frequency: CharFrequency): [number, number] {
  let best = 0;
  let bestLength = 0;
  let bestCount = Infinity;
  for (let j = 0; j < pattern.length;) {
    let k = j;
    while (k < pattern.length && isPlain(pattern.charCodeAt(k)) && !isQuoteLike(pattern.charCodeAt(k))) k++;
    if (k > j) {
      const count = frequency.countAt(pattern, frequency.rarest(pattern, j, k));
      if (count < bestCount || (count === bestCount && k - j > bestLength)) {
        best = j;
        bestLength = k - j;
        bestCount = count;
      }
    }
    j = Math.max(k, j + 1);
  }
  return [best, bestLength];
}

/** Characters that normalisation may have produced from others (straight quotes): not safe to find verbatim. */
function isQuoteLike(c: number): boolean {
  return c === 0x22 || c === 0x27;
}
