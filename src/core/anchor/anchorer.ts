// Re-anchoring: finding a stored target in a text that changed in ways we did not see.
//
// Candidates come from widening searches, each tried only when the previous found nothing:
//   1. the quote verbatim, with its context, at an expected position (the stored position, a
//      caller's hint, or where the shift of the previous annotations puts it);
//   2. near: exact and approximate matches of the quote close to the first expected position;
//   3. medium: up to a few thousand characters away, where paragraphs moved or deleted in between
//      put it, at places proposed by pieces of the quote found verbatim;
//   4. local: approximate matches around every expected position;
//   5. far: prefix + quote + suffix verbatim anywhere, through a k-gram index (a moved paragraph);
//   6. wide: approximate matches anywhere, at places proposed by the k-gram index.
// A candidate costs its edit errors in quote and context plus a penalty growing with the log of
// its distance from the expected position. It must pass floors (quote and context mostly intact,
// enough matched characters) and beat every other plausible candidate elsewhere by a margin;
// otherwise the target is detached. An approximate match far from where it was expected is as
// likely someone else's text as an edited copy of ours: it is kept only when another annotation,
// apart from it, makes the same jump (so never by anchor alone). A detached
// annotation can be re-attached; a misplaced one silently lies (Hypothesis has no floor:
// hypothesis/client#258, hypothesis/h#2798).
import type { AnchorStatus, Target } from '../model';
import { CodePointIndex, type Range } from '../text';
import { KGramIndex, MIN_INDEXED, Probe, occurrencesWithin, type Occurrence } from './kgrams';
import { LongPattern, Pattern, WORD, alignBackward, alignForward, searchEnds } from './myers';
import { CharFrequency } from './rare';
import { int32 } from './slab';
import { GREATER_THAN, isLineBreak, isSpace as isSpaceCode, normalize, toNormalized, type NormalizedText } from './normalize';

/** Where a target was placed: UTF-16 offsets into the new text (-1 when detached) and a 0..1 score. */
export interface AnchorResult {
  status: AnchorStatus;
  start: number;
  end: number;
  score: number;
}

/** A possible place for a target, in UTF-16 offsets of the text. */
interface Candidate {
  start: number;
  end: number;
  quoteErrors: number;
  contextErrors: number;
  /** Characters from the nearest expected position. */
  distance: number;
  cost: number;
  /** Whether one side of the context fits well: the passage's own surroundings, not a chance repeat. */
  framed?: boolean;
}

/** Acceptance floors and reach of one search stage. */
interface Rules {
  /** Half-width of the window around each expected position, before adding a quarter of the quote. */
  radius: number;
  /** Most quote errors, as a fraction of the quote's length. */
  quoteRate: number;
  /** Most quote plus context errors, as a fraction of their joint length. */
  totalRate: number;
  /** Most context errors for a quote shorter than LONG_QUOTE, whose context must vouch for it. */
  contextRate: number;
  /** The same for a quote shorter than half of LONG_QUOTE: its context must be nearly intact. */
  shortContextRate: number;
  /** Shorter quotes must match exactly: a few letters resemble too much text. */
  minFuzzyQuote: number;
  /** Fewest matched characters (quote and context) away from the exact expected position. */
  minEvidence: number;
}

type Outcome = { kind: 'none' } | { kind: 'ambiguous' } | { kind: 'found'; best: Candidate };

/**
 * How a target was found: near an expected position; far away but verbatim; or far away and
 * approximately, which only another annotation making the same jump can confirm.
 */
type Via = 'near' | 'far' | 'tentative';
type Located = { kind: 'none' } | { kind: 'ambiguous' } | { kind: 'found'; best: Candidate; via: Via; predictions: readonly number[] };

/** One error costs as much as being 16 times further away (see penalty). */
const ERROR_WEIGHT = 4;
const DISTANCE_UNIT = 8;
/** The winner must cost at least this much less than any plausible candidate elsewhere. */
const MARGIN = 3;
/** Beyond this distance every place is equally unexpected: a far copy is not preferred for being less far. */
const FAR_CAP = 65536;
/** Shortest prefix + quote + suffix looked up anywhere in the text: shorter strings recur by chance. */
const FAR_MIN = 20;
/** A quote this long carries its own evidence; shorter ones need their context. */
const LONG_QUOTE = 32;
/** Exact occurrences evaluated per window: enough for any real repetition, bounded for "a". */
const MAX_EXACT = 64;
/** Far occurrences looked up: a few already make the target ambiguous. */
const FAR_LIMIT = 8;
/** Seed clusters aligned per window: more means repeated text, which the margin settles anyway. */
const MAX_CLUSTERS = 8;
/** Places proposed by the most agreeing pieces or k-grams that are aligned in full. */
const MEDIUM_CLUSTERS = 4;
/** A k-gram found in more places than this says nothing about where a quote went. */
const SEED_BUCKET = 8;
/** Intact k-grams that must agree on a place before the quote is aligned there. */
const SEED_VOTES = 2;
/** Context errors that widening a candidate over an insertion inside the passage must save. */
const REPAIR = 3;
const BLANK_LINE = /\n[ \t\r>]*\n/;
/** Shortest word of a quote looked up verbatim: shorter ones are everywhere... */
const MIN_WORD = 4;
/** ...and words this long are tried first. */
const LONG_WORD = 7;
/** Shortest quote placed far from where it was expected, approximately, with no neighbour to confirm it. */
const DISTANT_QUOTE = 20;
/** Such a quote has at most one error per this many characters... */
const DISTANT_RATE = 24;
/** ...and at least this many characters of quote and context match. */
const DISTANT_EVIDENCE = 48;
/** Nothing else in the text may come within this many more errors of the target. */
const DISTINCT = 2;
/** Words read beyond those needed to prove a match unique, in case some are everywhere. */
const SPARE_WORDS = 8;
/** A word found in more places than this is not read through... */
const WORD_HITS = 512;
/** ...and no more places than this are checked for a rival. */
const CHECKED_PLACES = 2048;
/** Context shorter than this cannot show a few errors' difference. */
const SHORT_CONTEXT = 8;
/** Normalised regions kept, and how much wider than asked they are made. */
const REGIONS = 4;
const REGION_MARGIN = 32;
/**
 * After this many close looks in a row that placed nothing, the close look is tried only for one
 * passage in CLOSE_RETRY, until it places one again. The near search places what it would have.
 */
const CLOSE_MISSES = 4;
const CLOSE_RETRY = 8;
/** How far from the expected position the close look places a passage (distance penalty under 1). */
const CLOSE = 8;
/** Recent shifts tried for the next passage: its own paragraph's, and the ones before a move. */
const MAX_SHIFTS = 3;
/** Far approximate matches awaiting confirmation by a later annotation. */
const MAX_PENDING = 4;
/** A window is searched only if it holds one of the quote's pieces this long, verbatim. */
const PROBE_PIECE = 8;
/** Pieces of the quote looked up verbatim up to MEDIUM_RADIUS away, and the most hits one may have. */
const MAX_PIECES = 6;
const SEED_HITS = 8;
/** How far paragraphs moved or deleted between two annotations may have shifted the second. */
const MEDIUM_RADIUS = 2048;

/** Radius of the first, close look around the most likely position, before allowing for drift. */
const NEAR_RADIUS = 48;
/** Most allowance for drift; beyond it the medium search takes over. */
const MAX_SLACK = 512;

/**
 * How far an expected position may have drifted over `span` characters: edits that add or remove
 * a little everywhere (CRLF adds one per line) shift positions in proportion to the distance.
 */
function drift(span: number): number {
  return Math.min(MAX_SLACK, Math.abs(span) >> 6);
}
// A few letters with their context shifted by a few characters still match most of it: short
// quotes need their context nearly intact.
const MIN_FUZZY = 8;
const LOCAL: Rules = { radius: 128, quoteRate: 0.3, totalRate: 0.3, contextRate: 1 / 4, shortContextRate: 1 / 8, minFuzzyQuote: MIN_FUZZY, minEvidence: 12 };
// Far from any expected position look-alikes abound: stricter floors.
const WIDE: Rules = { radius: 0, quoteRate: 0.25, totalRate: 0.25, contextRate: 1 / 4, shortContextRate: 1 / 8, minFuzzyQuote: 16, minEvidence: 24 };
// Whether a passage is still near, too changed to place: most of a quote long enough to tell.
const EVIDENCE: Rules = { radius: 0, quoteRate: 0.35, totalRate: 1, contextRate: 1, shortContextRate: 1, minFuzzyQuote: 48, minEvidence: 48 };
// For a suggestion shown to the user, not an automatic placement.
const LOOSE: Rules = { radius: 4096, quoteRate: 0.5, totalRate: 0.5, contextRate: 1, shortContextRate: 1, minFuzzyQuote: 4, minEvidence: 4 };

const NONE = { kind: 'none' } as const;
const AMBIGUOUS = { kind: 'ambiguous' } as const;
const DETACHED: AnchorResult = { status: 'detached', start: -1, end: -1, score: 0 };

function penalty(distance: number): number {
  return Math.log2(1 + Math.min(distance, FAR_CAP) / DISTANCE_UNIT);
}

/** A placement awaiting confirmation, or one that may confirm it. */
interface Pending {
  index: number;
  /** The stored position, as an offset of the new text. */
  base: number;
  shift: number;
  result: AnchorResult;
  /** How it was found, to judge it alone if no confirmation comes. */
  q: Query;
  predictions: readonly number[];
  best: Candidate;
}

/**
 * Two placements confirm each other when they made the same jump (within a drift that grows
 * with the distance between them) and neither lies within the other's context.
 */
function agree(a: Pending, b: Pending): boolean {
  const apart = b.result.start >= a.result.end + 2 * WORD || b.result.end <= a.result.start - 2 * WORD;
  return apart && Math.abs(a.shift - b.shift) <= 32 + Math.abs(a.base - b.base) / 64;
}

/** Two candidates are one place when they overlap by at least half of the longer one. */
function samePlace(a: Candidate, b: Candidate): boolean {
  const longer = Math.max(a.end - a.start, b.end - b.start);
  if (longer === 0) return a.start === b.start;
  return 2 * (Math.min(a.end, b.end) - Math.max(a.start, b.start)) >= longer;
}

function isExact(c: Candidate): boolean {
  return c.quoteErrors === 0 && c.contextErrors === 0;
}

/** The target's quote and context, normalised together so that whitespace at their seams agrees with the text's. */
class Query {
  readonly exact: string;
  readonly rawPrefix: string;
  readonly rawSuffix: string;
  readonly quote: string;
  readonly prefix: string;
  readonly suffix: string;
  private readonly joint: NormalizedText;
  private readonly span: [number, number];
  private probeCache?: Probe;
  /** The expected positions that come from the stored position and passages placed nearby, not from guesses. */
  sure: number[] = [];
  /** Whether the medium search ran, and found any piece of the quote close to an expected position. */
  mediumRan = false;
  piecesNear = false;
  /** Where the medium search looked its pieces up. */
  scanned: ReadonlyArray<[number, number]> = [];
  /** Extra reach of the close searches: how far the expected position may have drifted. */
  slack = 0;
  /** Where the quote was seen verbatim, with one side of its context, close to an expected position, plausible or not. */
  readonly seenNear: number[] = [];
  private probeSlices?: string[];
  private pieceCache?: Array<{ text: string; offset: number }>;
  private wordCache?: Array<{ text: string; offset: number }>;
  /** The quote cut into pieces of at most one machine word, and their offsets. */
  readonly chunks: string[] = [];
  readonly offsets: number[] = [];
  private readonly forward: Array<Pattern | undefined> = [];
  private readonly backward: Array<Pattern | undefined> = [];
  private prefixPattern?: Pattern;
  private suffixPattern?: Pattern;
  private framePatterns?: [Pattern, Pattern];
  private wholePatterns?: [LongPattern, LongPattern];

  constructor(target: Target) {
    const { exact, prefix, suffix } = target.quote;
    this.exact = exact;
    this.rawPrefix = prefix;
    this.rawSuffix = suffix;
    const joint = normalize(prefix + exact + suffix);
    // A whitespace run that straddles a seam belongs to the side where it starts.
    const firstAtOrAfter = (offset: number): number => {
      const i = toNormalized(joint, offset);
      return joint.map[i] < offset ? i + 1 : i;
    };
    const quoteStart = firstAtOrAfter(prefix.length);
    const quoteEnd = Math.max(quoteStart, firstAtOrAfter(prefix.length + exact.length));
    // One machine word of context on each side is compared; targets written elsewhere may carry more.
    const from = Math.max(0, quoteStart - WORD);
    const to = Math.min(joint.text.length, quoteEnd + WORD);
    this.prefix = joint.text.slice(from, quoteStart);
    this.quote = joint.text.slice(quoteStart, quoteEnd);
    this.suffix = joint.text.slice(quoteEnd, to);
    this.joint = joint;
    this.span = [from, to];
    const n = Math.ceil(this.quote.length / WORD);
    for (let i = 0; i < n; i++) {
      // Equal pieces: a short last piece would be a weak seed.
      const from = Math.round((i * this.quote.length) / n);
      const to = Math.round(((i + 1) * this.quote.length) / n);
      this.chunks.push(this.quote.slice(from, to));
      this.offsets.push(from);
    }
  }

  /** Pieces of the raw quote, spread along it, to look up verbatim. */
  get pieces(): ReadonlyArray<{ text: string; offset: number }> {
    if (!this.pieceCache) {
      const n = this.exact.length;
      const size = n >= 48 ? 12 : 8;
      const out: Array<{ text: string; offset: number }> = [];
      if (n < 2 * size) {
        if (this.quote.length >= 4) out.push({ text: this.exact, offset: 0 });
      } else {
        const count = Math.min(MAX_PIECES, Math.floor(n / size));
        for (let i = 0; i < count; i++) {
          const offset = Math.round((i * (n - size)) / Math.max(1, count - 1));
          out.push({ text: this.exact.slice(offset, offset + size), offset });
        }
      }
      this.pieceCache = out;
    }
    return this.pieceCache;
  }

  /**
   * The raw quote cut into pieces of PROBE_PIECE characters, end to end, if it is long enough.
   * Some piece survives in any passage edited lightly enough to be placed.
   */
  get probes(): readonly string[] {
    if (!this.probeSlices) {
      this.probeSlices = [];
      const n = this.exact.length;
      // A short quote has too few pieces for one to survive its edits reliably; its windows are small anyway.
      if (n >= 6 * PROBE_PIECE) for (let i = 0; i + PROBE_PIECE <= n; i += PROBE_PIECE) this.probeSlices.push(this.exact.slice(i, i + PROBE_PIECE));
    }
    return this.probeSlices;
  }

  /** How many words `words` holds, counted without building it. */
  get wordCount(): number {
    if (this.wordCache) return this.wordCache.length;
    const quote = this.quote;
    let count = 0;
    for (let i = 0; i < quote.length;) {
      let j = i;
      while (j < quote.length && !isQuoteOrSpace(quote.charCodeAt(j))) j++;
      if (j - i >= MIN_WORD) count++;
      i = j + 1;
    }
    return count;
  }

  /**
   * The words of the quote that read the same in the raw text (no quote marks, which
   * normalisation straightens), the longer (rarer) ones first, with their offsets in the quote.
   */
  get words(): ReadonlyArray<{ text: string; offset: number }> {
    if (!this.wordCache) {
      const long: Array<{ text: string; offset: number }> = [];
      const short: Array<{ text: string; offset: number }> = [];
      const quote = this.quote;
      for (let i = 0; i < quote.length;) {
        let j = i;
        while (j < quote.length && !isQuoteOrSpace(quote.charCodeAt(j))) j++;
        if (j - i >= MIN_WORD) (j - i >= LONG_WORD ? long : short).push({ text: quote.slice(i, j), offset: i });
        i = j + 1;
      }
      this.wordCache = long.concat(short);
    }
    return this.wordCache;
  }

  /** Prefix + quote + suffix, for lookups in the k-gram index. */
  get probe(): Probe {
    if (!this.probeCache) {
      const [from, to] = this.span;
      const rawFrom = this.joint.map[from];
      const raw = (this.rawPrefix + this.exact + this.rawSuffix).slice(rawFrom, this.joint.map[to]);
      const fromPattern = int32(to - from);
      for (let i = from; i < to; i++) fromPattern[i - from] = this.joint.map[i] - rawFrom;
      this.probeCache = new Probe(this.joint.text.slice(from, to), raw, fromPattern);
    }
    return this.probeCache;
  }

  get context(): number {
    return this.prefix.length + this.suffix.length;
  }

  /** Piece `k` of the quote, prepared for alignment on first need. */
  pattern(k: number): Pattern {
    return (this.forward[k] ??= new Pattern(this.chunks[k]));
  }

  /** The whole quote, forwards and reversed, for searches that a chain of pieces could derail. */
  whole(): [LongPattern, LongPattern] {
    return (this.wholePatterns ??= [new LongPattern(this.quote), new LongPattern(this.quote, true)]);
  }

  /** Piece `k` reversed, to align it backwards from where it ends. */
  reversed(k: number): Pattern {
    return (this.backward[k] ??= new Pattern(this.chunks[k], true));
  }

  /** The prefix and the suffix, both forwards, to look for them on their own. */
  frame(): [Pattern, Pattern] {
    if (!this.framePatterns) {
      const table = int32(256);
      this.framePatterns = [new Pattern(this.prefix, false, table, 0), new Pattern(this.suffix, false, table, 128)];
    }
    return this.framePatterns;
  }

  /** The prefix reversed, to align it backwards from where the quote starts. */
  before(): Pattern {
    return (this.prefixPattern ??= new Pattern(this.prefix, true));
  }

  /** The suffix, to align it from where the quote ends. */
  after(): Pattern {
    return (this.suffixPattern ??= new Pattern(this.suffix));
  }
}

function plausible(c: Candidate, q: Query, rules: Rules): boolean {
  const m = q.quote.length;
  // Below half of LONG_QUOTE, a few errors already turn one short phrase into another.
  const quoteBudget = m < rules.minFuzzyQuote ? 0 : m < LONG_QUOTE >> 1 ? Math.min(Math.floor(rules.quoteRate * m), m >> 3) : Math.floor(rules.quoteRate * m);
  if (c.quoteErrors > quoteBudget) return false;
  // The context of a quote of a few letters is all the evidence: a passage deleted with its
  // context closing up leaves the same letters a character or two off, with most of the context.
  // Below four letters, only the context intact will do.
  const contextRate = m < 4 ? 0 : m < rules.minFuzzyQuote ? rules.shortContextRate / 2 : m < LONG_QUOTE >> 1 ? rules.shortContextRate : m < LONG_QUOTE ? rules.contextRate : 1;
  // Rules that do not weigh context (the loosest ones) ignore it altogether.
  if (rules.totalRate >= 1) return c.quoteErrors <= quoteBudget;
  if (c.contextErrors > Math.floor(contextRate * q.context)) return false;
  if (c.quoteErrors + c.contextErrors > Math.floor(rules.totalRate * (m + q.context))) return false;
  const evidence = m + q.context - c.quoteErrors - c.contextErrors;
  return evidence >= rules.minEvidence || (c.quoteErrors === 0 && c.distance === 0);
}

/**
 * Whether a candidate far from where it was expected is clearly the passage, lightly edited: a
 * quote long enough to tell, hardly changed, with its context consistent, and enough of them
 * matching to rule out chance.
 */
function strong(q: Query, c: Candidate): boolean {
  const m = q.quote.length;
  const context = q.context;
  if (m < DISTANT_QUOTE || c.quoteErrors * DISTANT_RATE > m || c.contextErrors * 8 > context) return false;
  return m - c.quoteErrors + context - c.contextErrors >= DISTANT_EVIDENCE;
}

/**
 * The cheapest candidate, unless another one elsewhere comes within the margin, or lies at half
 * the distance or less from where the passage was expected: fewer errors further away do not
 * outweigh that (an edited passage near its place against a verbatim copy of it further off).
 */
function choose(candidates: readonly Candidate[]): Outcome {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!best || c.cost < best.cost || (c.cost === best.cost && c.start < best.start)) best = c;
  }
  if (!best) return NONE;
  const winner = best;
  const rival = (c: Candidate): boolean => c.cost < winner.cost + MARGIN || penalty(c.distance) + 1 <= penalty(winner.distance);
  if (candidates.some((c) => !samePlace(c, winner) && rival(c))) return AMBIGUOUS;
  return { kind: 'found', best: winner };
}

/**
 * How much of the start of `run` holds `part` as a subsequence (the characters in order, others
 * between); 0 if it does not.
 */
function keptFromStart(run: string, part: string): number {
  let j = 0;
  for (let i = 0; i < run.length && j < part.length; i++) if (run[i] === part[j]) if (++j === part.length) return i + 1;
  return 0;
}

/** The same from the end of `run`. */
function keptFromEnd(run: string, part: string): number {
  let j = part.length - 1;
  for (let i = run.length - 1; i >= 0 && j >= 0; i--) if (run[i] === part[j]) if (--j < 0) return run.length - i;
  return 0;
}

/** How many of the ascending offsets lie before `offset`. */
function countBefore(sorted: readonly number[], offset: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ranges of start offsets around the expected positions, merged where they overlap. */
function windows(predictions: readonly number[], radius: number, length: number): Array<[number, number]> {
  const spans = predictions
    .map((p): [number, number] => [Math.max(0, p - radius), Math.min(length, p + radius)])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** A space or a straight quote mark (which may stand for a curly one in the raw text). */
function isQuoteOrSpace(c: number): boolean {
  return c === 0x20 || c === 0x22 || c === 0x27;
}

/**
 * Whether `text[from, to)` may hold the quote with at most `budget` errors: each piece of the
 * quote costs at least its fewest errors anywhere in the stretch, and their sum is a lower bound.
 */
function mayHold(q: Query, text: string, from: number, to: number, budget: number): boolean {
  let least = 0;
  for (let k = 0; k < q.chunks.length; k++) {
    const limit = Math.min(budget - least, q.chunks[k].length);
    let fewest = limit + 1;
    for (const e of searchEnds(q.pattern(k), text, from, to, limit)) fewest = Math.min(fewest, e.errors);
    least += fewest;
    if (least > budget) return false;
  }
  return true;
}

/**
 * Whether a match of `side` with at most an eighth of its length in errors could end inside
 * `text[from, to)`: such a match keeps one of that many pieces plus one intact.
 */
function someIntact(side: string, text: string, from: number, to: number): boolean {
  const count = (side.length >> 3) + 1;
  const lo = Math.max(0, from - side.length - (side.length >> 3));
  for (let k = 0; k < count; k++) {
    const piece = side.slice(Math.floor((k * side.length) / count), Math.floor(((k + 1) * side.length) / count));
    const i = text.indexOf(piece, lo);
    if (i >= 0 && i + piece.length <= to) return true;
  }
  return false;
}

/** Whether `prefix` immediately followed by `suffix` occurs in `text` with the seam at or between `start` and `end`. */
function frameClosedWithin(text: string, prefix: string, suffix: string, start: number, end: number): boolean {
  const i = text.indexOf(prefix + suffix, Math.max(0, start - prefix.length));
  return i >= 0 && i + prefix.length <= end;
}

/** The parts of the spans `a` that lie inside the spans `b` (both sorted and disjoint). */
function intersect(a: ReadonlyArray<[number, number]>, b: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [af, at] of a) {
    for (const [bf, bt] of b) {
      const from = Math.max(af, bf);
      const to = Math.min(at, bt);
      if (from <= to) out.push([from, to]);
    }
  }
  return out;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** A normalised stretch of the text, searched as one piece. */
interface Window {
  norm: NormalizedText;
  /** The normalised range in which matches may start. */
  from: number;
  to: number;
}

/**
 * Re-anchors targets in one text. The code-point offsets and the k-gram index are built on first
 * need and shared by every target; windows are normalised as they are searched.
 */
export class Anchorer {
  private codePointCache?: CodePointIndex;
  private readonly breakCache: { crlf?: number[]; lf?: number[] } = {};
  private regions: NormalizedText[] = [];
  private kgramCache?: KGramIndex;
  /** Close looks in a row that placed nothing, and passages since that skipped the close look. */
  private closeMisses = 0;
  private closeSkips = 0;
  private frequencyCache?: CharFrequency;
  private hasCR?: boolean;

  constructor(readonly text: string) {}

  /** Places one target; `hint` (a UTF-16 offset) replaces the stored position as the expected place. */
  anchor(target: Target, hint?: number): AnchorResult {
    const q = new Query(target);
    const expected = hint ?? this.positionOf(target);
    q.slack = drift(expected);
    const found = this.place(q, [expected], 1);
    if (found.kind !== 'found') return DETACHED;
    const result = this.result(q, found.best);
    if (!result) return DETACHED;
    // Alone, a far approximate match has no neighbour to confirm it: it must stand on its own.
    if (found.via === 'tentative' && !this.distinct({ index: 0, base: expected, shift: 0, result, q, predictions: found.predictions, best: found.best })) return DETACHED;
    return result;
  }

  /**
   * Places many targets, in their stored order. Neighbouring passages usually move together, so
   * each target is also looked for where the previous ones' shift predicts it.
   */
  anchorAll(targets: readonly Target[]): AnchorResult[] {
    const results: AnchorResult[] = targets.map(() => DETACHED);
    const order = targets.map((_, i) => i).sort((a, b) => targets[a].position.start - targets[b].position.start || a - b);
    let shifts: number[] = [];
    let pending: Pending[] = [];
    let lastBase = 0;
    // The shift of each passage placed near where it was expected.
    const settled = new Map<number, number>();
    // Where each passage found nowhere was looked for: looking there again would find nothing.
    const nowhere = new Map<number, number[]>();
    // A jump no other passage confirms may still be believed on its own evidence.
    const unconfirmed = (p: Pending): void => {
      if (!this.distinct(p)) return;
      results[p.index] = p.result;
      settled.set(p.index, p.shift);
    };
    for (const i of order) {
      const q = new Query(targets[i]);
      const base = this.positionOf(targets[i]);
      const trusted = [...shifts.map((s) => base + s), base];
      const guesses = pending.slice(-1).map((p) => base + p.shift);
      q.slack = drift(base - lastBase);
      const found = this.place(q, [...trusted, ...guesses], trusted.length);
      if (found.kind === 'none') nowhere.set(i, [...trusted, ...guesses]);
      const result = found.kind === 'found' ? this.result(q, found.best) : undefined;
      if (found.kind !== 'found' || !result) continue;
      const current: Pending = { index: i, base, shift: result.start - base, result, q, predictions: found.predictions, best: found.best };
      if (found.via === 'tentative') {
        // A far approximate match is believed when another passage, apart from it, made the same jump.
        const agreeing = pending.filter((p) => agree(p, current));
        if (agreeing.length === 0) {
          if (pending.length === MAX_PENDING) unconfirmed(pending[0]);
          pending = [...pending.slice(-(MAX_PENDING - 1)), current];
          continue;
        }
        for (const p of pending) {
          if (agreeing.includes(p)) results[p.index] = p.result;
          else unconfirmed(p);
        }
        pending = [];
      }
      results[i] = current.result;
      if (found.via === 'near') {
        for (const p of pending) {
          if (agree(p, current)) results[p.index] = p.result;
          else unconfirmed(p);
        }
        pending = [];
      }
      // Moved with its paragraph or not, a placed passage predicts where the next ones went.
      shifts = [current.shift, ...shifts.filter((s) => s !== current.shift)].slice(0, MAX_SHIFTS);
      settled.set(i, current.shift);
      lastBase = base;
    }
    for (const p of pending) unconfirmed(p);
    // A second look at what is still detached, now that the passages on both sides are placed:
    // paragraphs moved away between two annotations leave the first pass a stale guess, which
    // the next passages' shifts correct. Two on each side, as the nearest may itself have moved.
    order.forEach((i, k) => {
      if (results[i] !== DETACHED) return;
      const before: number[] = [];
      for (let j = k - 1; j >= 0 && before.length < 2; j--) if (settled.has(order[j])) before.push(order[j]);
      const after: number[] = [];
      for (let j = k + 1; j < order.length && after.length < 2; j++) if (settled.has(order[j])) after.push(order[j]);
      if (after.length === 0) return;
      const base = this.positionOf(targets[i]);
      const neighbours = [after[0], before[0], after[1], before[1]].filter((j): j is number => j !== undefined);
      const trusted = [...new Set(neighbours.map((j) => base + (settled.get(j) ?? 0)))];
      const looked = nowhere.get(i);
      if (looked && trusted.every((p) => looked.some((l) => Math.abs(l - p) <= DISTANCE_UNIT))) return;
      const q = new Query(targets[i]);
      q.slack = drift(this.positionOf(targets[after[0]]) - base);
      const found = this.place(q, trusted, trusted.length);
      const result = found.kind === 'found' ? this.result(q, found.best) : undefined;
      if (!result || found.kind !== 'found') return;
      if (found.via !== 'tentative' || this.distinct({ index: i, base, shift: result.start - base, result, q, predictions: found.predictions, best: found.best })) results[i] = result;
    });
    return results;
  }

  /**
   * The closest resemblance of a target near its expected position, even one too weak to place it
   * automatically: a suggestion for the user to accept or not. UTF-16 offsets.
   */
  nearest(target: Target, hint?: number): Range | undefined {
    const q = new Query(target);
    const predictions = [hint ?? this.positionOf(target)];
    const found = this.locate(q, predictions.map((p) => Math.max(0, Math.min(this.text.length, p))));
    if (found.kind === 'found') return this.result(q, found.best);
    if (q.quote.length === 0) return undefined;
    let best: Candidate | undefined;
    for (const c of this.collect(q, predictions, LOOSE, true)) if (!best || c.cost < best.cost) best = c;
    return best && this.result(q, best);
  }

  private codePoints(): CodePointIndex {
    return (this.codePointCache ??= new CodePointIndex(this.text));
  }

  private frequency(): CharFrequency {
    return (this.frequencyCache ??= new CharFrequency(this.text));
  }

  private kgrams(): KGramIndex {
    return (this.kgramCache ??= new KGramIndex(this.text));
  }

  /** The stored position as a UTF-16 offset of this text (exact while the text before it is unchanged; may lie past its end). */
  private positionOf(target: Target): number {
    const start = target.position?.start;
    if (!Number.isFinite(start)) return 0;
    const old = this.codePoints().toUtf16Unclamped(start);
    // A whole file converted between LF and CRLF shifts every position by a line's break per
    // line above it: the target's own text tells which way the file went.
    const raw = target.quote.prefix + target.quote.exact + target.quote.suffix;
    const hasCR = (this.hasCR ??= this.text.includes('\r'));
    if (hasCR && /(^|[^\r])\n/.test(raw) && !raw.includes('\r\n')) {
      const crlf = this.breaks('crlf');
      let u = old;
      for (let k = 0; k < 3; k++) u = old + countBefore(crlf, u);
      return u;
    }
    if (!hasCR && raw.includes('\r\n')) {
      const lf = this.breaks('lf');
      let u = old;
      for (let k = 0; k < 3; k++) u = old - countBefore(lf, u);
      return Math.max(0, u);
    }
    return old;
  }

  /** Offsets of the text's CRLF (or LF) line breaks, ascending. */
  private breaks(kind: 'crlf' | 'lf'): number[] {
    const cached = this.breakCache[kind];
    if (cached) return cached;
    const out: number[] = [];
    if (kind === 'lf' || this.text.includes('\r')) {
      const re = kind === 'crlf' ? /\r\n/g : /\n/g;
      for (let m = re.exec(this.text); m; m = re.exec(this.text)) out.push(m.index);
    }
    return (this.breakCache[kind] = out);
  }

  /**
   * Finds a target and says how far to believe it. The first `trusted` expected positions come
   * from the stored position and from annotations already placed; any others, from jumps still
   * awaiting confirmation, only widen the search.
   */
  private place(q: Query, raw: readonly number[], trusted: number): Located {
    const clamp = (p: number): number => Math.max(0, Math.min(this.text.length, Math.round(p)));
    const sure = raw.slice(0, trusted).map(clamp);
    // Where evidence of the passage is looked for: the neighbours' predictions, which follow the
    // text, rather than the stored position, which a move far above leaves pointing anywhere.
    q.sure = sure.length > 1 ? sure.slice(0, -1) : sure;
    const predictions = [...new Set(raw.map(clamp))];
    const found = this.locate(q, predictions);
    if (found.kind !== 'found') return found;
    const best = found.best;
    let distance = Infinity;
    for (const p of sure) distance = Math.min(distance, Math.abs(best.start - p));
    const via: Via = distance <= LOCAL.radius + q.slack + ((best.end - best.start) >> 3) ? 'near' : isExact(best) ? 'far' : 'tentative';
    return { kind: 'found', best, via, predictions };
  }

  /**
   * Whether a far approximate match that no other passage confirms is believed alone: a passage
   * moved and edited, clearly itself, unlike anything else in the text, with nothing to suggest it
   * is still where it was expected. Costly, so asked only once confirmation has failed.
   */
  private distinct(pending: Pending): boolean {
    const { q, predictions, best } = pending;
    return strong(q, best) && !this.nearEvidence(q, predictions, best) && this.unique(q, best);
  }

  /**
   * Whether nothing else in the text resembles the target as closely as `best` does, give or take
   * DISTINCT errors. Such a rival keeps intact one of any DISTINCT + errors + 1 words of prefix +
   * quote + suffix (each error breaks at most one word), and so verbatim in the raw text: every
   * occurrence of that many words, each found in few enough places to read them all, is checked.
   */
  private unique(q: Query, best: Candidate): boolean {
    const pattern = q.prefix + q.quote + q.suffix;
    const limit = best.quoteErrors + best.contextErrors + DISTINCT;
    const words: Array<{ text: string; offset: number }> = [];
    for (let i = 0; i < pattern.length;) {
      let j = i;
      while (j < pattern.length && !isQuoteOrSpace(pattern.charCodeAt(j))) j++;
      if (j > i) words.push({ text: pattern.slice(i, j), offset: i });
      i = j + 1;
    }
    // Longer words are rarer: read the longest few, and keep those found in the fewest places.
    words.sort((a, b) => b.text.length - a.text.length || a.offset - b.offset);
    const read: number[][] = [];
    for (const word of words.slice(0, limit + 1 + SPARE_WORDS)) {
      const hits: number[] = [];
      for (let i = this.text.indexOf(word.text); i >= 0 && hits.length <= WORD_HITS; i = this.text.indexOf(word.text, i + 1)) hits.push(i - word.offset);
      if (hits.length <= WORD_HITS) read.push(hits);
    }
    if (read.length <= limit) return false;
    // Where each chosen word's occurrences imply the pattern starts.
    const starts = read.sort((a, b) => a.length - b.length).slice(0, limit + 1).flat();
    if (starts.length > CHECKED_PLACES) return false;
    starts.sort((a, b) => a - b);
    const whole = new LongPattern(pattern);
    const tail = q.quote.length + q.suffix.length;
    // Whitespace may make the raw text around a rival longer than the pattern: read generously.
    const slack = 2 * (limit + SHORT_CONTEXT);
    for (let i = 0; i < starts.length;) {
      let j = i + 1;
      while (j < starts.length && starts[j] - starts[j - 1] <= slack) j++;
      const from = Math.max(0, starts[i] - slack - (pattern.length >> 2));
      const to = Math.min(this.text.length, starts[j - 1] + 2 * pattern.length + slack);
      i = j;
      const norm = normalize(this.text, from, to);
      for (const v of whole.valleys(norm.text, 0, norm.text.length, limit)) {
        // The valley ends where the suffix does; its quote began about a quote and suffix earlier.
        const start = norm.map[Math.max(0, v.end - tail)];
        if (Math.abs(start - best.start) > Math.max(limit, (q.quote.length >> 1) - limit)) return false;
      }
    }
    return true;
  }

  private locate(q: Query, predictions: readonly number[]): Outcome {
    const quick = this.verbatim(q, predictions);
    if (quick) return { kind: 'found', best: quick };
    if (q.quote.length === 0) return this.locatePoint(q, predictions);
    // Nearly always the first expected position is right: look closely around it alone first,
    // unless that look has been failing (the text is heavily edited), when it costs more than
    // it saves.
    if (this.closeMisses < CLOSE_MISSES || ++this.closeSkips % CLOSE_RETRY === 0) {
      const close = this.closeLook(q, predictions);
      this.closeMisses = close ? 0 : this.closeMisses + 1;
      if (close) return { kind: 'found', best: close };
    }
    const near = choose(this.collect(q, predictions, LOCAL, false, predictions.slice(0, 1), NEAR_RADIUS + q.slack));
    if (near.kind !== 'none') return near;
    const found = this.medium(q, predictions);
    let medium = choose(found);
    if (medium.kind === 'found' && medium.best.distance > LOCAL.radius + q.slack + (q.quote.length >> 3)) {
      const best = medium.best;
      // A verbatim copy rivals a verbatim winner only within about eight times its distance.
      const far = this.far(q, predictions, isExact(best) ? 8 * (best.distance + DISTANCE_UNIT) : undefined).filter((f) => !samePlace(f, best));
      // A look-alike some way off and a verbatim copy further still: no way to tell which is ours.
      if (!isExact(best) && far.length > 0) return AMBIGUOUS;
      // A verbatim copy further off weighs against a verbatim one some way off, by distance.
      medium = choose([...found, ...far]);
      if (medium.kind === 'found' && this.nearEvidence(q, predictions, medium.best)) return AMBIGUOUS;
    }
    if (medium.kind !== 'none') return medium;
    // When several pieces of the quote were looked up and none is anywhere near an expected
    // position, the quote is not there to be aligned. The medium search looked around the sure
    // positions, and so around any other that lies well inside where it looked.
    const reach = LOCAL.radius + q.slack + (q.quote.length >> 3);
    const length = this.text.length;
    const covered = predictions.every((p) => q.sure.includes(p) || q.scanned.some(([from, to]) => Math.max(0, p - reach) >= from && Math.min(length, p + reach) <= to));
    const local = covered && q.pieces.length >= 3 && !q.piecesNear ? NONE : choose(this.collect(q, predictions, LOCAL, false, predictions, LOCAL.radius + q.slack));
    if (local.kind !== 'none') return local;
    const far = this.far(q, predictions);
    // The quote, or the context around it, is still about where it was expected, only changed too
    // much to vouch for it: a copy elsewhere with its old context may be the same passage moved,
    // or another.
    if (far.length > 0) {
      const outcome = choose(far);
      return outcome.kind === 'found' && this.nearEvidence(q, predictions, outcome.best) ? AMBIGUOUS : outcome;
    }
    // Perhaps every sampled piece of the quote was too damaged to seed the searches so far.
    const fallback = choose(this.collect(q, predictions, LOCAL, true, predictions, LOCAL.radius + q.slack));
    if (fallback.kind !== 'none') return fallback;
    return choose(this.wide(q, predictions));
  }

  /**
   * Whether the passage seems to be still close to where it was expected, though too changed to
   * place: then a match further off may be another copy rather than the passage moved.
   */
  private nearEvidence(q: Query, predictions: readonly number[], except?: Candidate): boolean {
    const elsewhere = (at: number): boolean => !except || Math.abs(at - except.start) > (q.quote.length >> 1) + 2;
    const sure = q.sure.length > 0 ? q.sure : predictions;
    if ((q.quote.length >= MIN_FUZZY && q.seenNear.some(elsewhere)) || this.frameNear(q, sure, elsewhere)) return true;
    // Or most of a quote long enough not to be matched by chance, however its context fared; the
    // medium search, when it ran, already saw whether any piece of it is anywhere near.
    if (q.quote.length < EVIDENCE.minFuzzyQuote || (q.mediumRan && !q.piecesNear)) return false;
    const rough = this.collect(q, sure, EVIDENCE, false, sure, LOCAL.radius + q.slack, true);
    return rough.some((c) => elsewhere(c.start));
  }

  /**
   * Whether the prefix and then the suffix are found close to an expected position, a passage's
   * length apart (its frame is still there, whatever became of the passage), or the quote with
   * one side of its context.
   */
  private frameNear(q: Query, predictions: readonly number[], elsewhere: (at: number) => boolean): boolean {
    const m = q.quote.length;
    // The quote with one side of its context, and where the quote starts in it.
    const halves = [{ text: q.prefix + q.quote, offset: q.prefix.length }, { text: q.quote + q.suffix, offset: 0 }]
      .filter((h) => h.text.length >= 2 * SHORT_CONTEXT);
    const both = q.prefix.length >= SHORT_CONTEXT && q.suffix.length >= SHORT_CONTEXT;
    if (!both && halves.length === 0) return false;
    const [prefix, suffix] = q.frame();
    // Every window is read: filtering the raw text around each position first (for pieces or
    // words of the context, verbatim) would reject too few windows to pay for itself.
    for (const w of this.windows(predictions, LOCAL.radius + q.slack, m)) {
      const text = w.norm.text;
      // The quote with one side of its context, verbatim, is the passage still there.
      for (const h of halves) {
        const from = Math.max(0, w.from - h.offset - WORD);
        for (let i = text.indexOf(h.text, from); i >= 0 && i <= w.to + WORD; i = text.indexOf(h.text, i + 1)) if (elsewhere(w.norm.map[i + h.offset])) return true;
      }
      if (!both) continue;
      // Each side may have taken an edit or two of its own.
      const span = 2 * m + WORD;
      const prefixFrom = Math.max(0, w.from - span - prefix.length);
      if (!someIntact(q.prefix, text, prefixFrom, w.to + 1)) continue;
      const ends = searchEnds(prefix, text, prefixFrom, w.to + 1, prefix.length >> 3).filter((e) => elsewhere(w.norm.map[e.end]));
      if (ends.length === 0) continue;
      // The passage between may have grown by an inserted sentence.
      const suffixFrom = Math.max(w.from, ends[0].end - 2);
      const suffixTo = Math.min(text.length, w.to + span + suffix.length + 4, ends[ends.length - 1].end + 2 * m + WORD + suffix.length);
      if (!someIntact(q.suffix, text, suffixFrom, suffixTo)) continue;
      const starts = searchEnds(suffix, text, suffixFrom, suffixTo, suffix.length >> 3).map((e) => e.end - suffix.length);
      if (ends.some((e) => starts.some((s) => s >= e.end - 2 && s <= e.end + 2 * m + WORD))) return true;
    }
    return false;
  }

  /**
   * Approximate candidates anywhere in the text. Aligning the quote everywhere would cost more than
   * all the near searches together, so the k-gram index proposes places: those where several of
   * the quote's and context's k-grams, intact, agree on where it starts.
   */
  private wide(q: Query, predictions: readonly number[]): Candidate[] {
    const m = q.quote.length;
    if (m < WIDE.minFuzzyQuote) return [];
    const tolerance = 16 + (m >> 3);
    const quoteOffset = q.probe.fromPattern[q.prefix.length] ?? 0;
    const places = this.kgrams().votes(q.probe, SEED_BUCKET, tolerance, 1);
    let chosen = places.filter((p) => p.votes >= SEED_VOTES);
    // A passage both moved and edited may keep one sampled k-gram only: single votes are heeded
    // when nothing better is found, for a quote long enough to be believed far off.
    if (chosen.length === 0 && m >= DISTANT_QUOTE) chosen = places;
    const centres = chosen.slice(0, MEDIUM_CLUSTERS).map((p) => p.start + quoteOffset);
    return centres.length > 0 ? this.collect(q, predictions, WIDE, false, centres, tolerance + WORD) : [];
  }

  /**
   * Candidates up to MEDIUM_RADIUS from the expected positions, where paragraphs moved or deleted
   * in between put a passage. Pieces of the quote are looked up verbatim in the raw text (fast:
   * nothing is normalised or aligned yet); where at least two agree on a start, the quote is
   * aligned. A passage that kept no two pieces intact is left to the searches after this one.
   */
  private medium(q: Query, predictions: readonly number[]): Candidate[] {
    const pieces = q.pieces;
    if (pieces.length === 0) return [];
    const n = q.exact.length;
    const m = q.quote.length;
    const near = LOCAL.radius + q.slack + (m >> 3);
    const tolerance = 16 + (m >> 3);
    // Around the positions that come from placed passages only: a guessed jump is checked closely.
    const spans = windows(q.sure.length > 0 ? q.sure : predictions, MEDIUM_RADIUS, this.text.length);
    // A copy of the quote with its whole context, verbatim (a paragraph moved), is a candidate
    // beside which an approximate one matters only at about half its distance (see collect), so
    // pieces are looked up no further than that.
    const whole = this.frequency().needle(q.rawPrefix + q.exact + q.rawSuffix);
    const copies: number[] = [];
    for (const [from, to] of spans) {
      const slice = this.text.slice(from, to + whole.text.length);
      for (let i = whole.in(slice); i >= 0 && copies.length < MAX_EXACT; i = whole.in(slice, i + 1)) copies.push(from + i + q.rawPrefix.length);
    }
    let scanned = spans;
    if (copies.length > 0) {
      let d = Infinity;
      for (const c of copies) for (const p of predictions) d = Math.min(d, Math.abs(c - p));
      // A cluster's candidates may begin up to its window, the alignment's errors and a widening
      // over an insertion nearer than its centre.
      const reach = Math.ceil((d - DISTANCE_UNIT) / 2) + tolerance + 3 * WORD + Math.ceil(m * LOCAL.quoteRate) + Math.max(m, 3 * 8);
      const radius = Math.max(near + tolerance + WORD, reach);
      if (radius < MEDIUM_RADIUS) {
        const inside = predictions.filter((p) => spans.some(([from, to]) => p >= from && p <= to));
        scanned = intersect(windows(inside, radius, this.text.length), spans);
      }
    }
    const hits: Array<{ start: number; piece: number }> = [];
    const needles = pieces.map((piece) => this.frequency().needle(piece.text));
    for (const [from, to] of scanned) {
      const slice = this.text.slice(from, to + n);
      pieces.forEach((piece, k) => {
        const found: number[] = [];
        for (let i = needles[k].in(slice); i >= 0 && found.length <= SEED_HITS; i = needles[k].in(slice, i + 1)) found.push(i);
        // A piece this common says nothing about where the quote is.
        if (found.length <= SEED_HITS) for (const i of found) hits.push({ start: from + i - piece.offset, piece: k });
      });
    }
    hits.sort((a, b) => a.start - b.start);
    q.mediumRan = true;
    q.scanned = scanned;
    q.piecesNear = hits.some((h) => predictions.some((p) => Math.abs(h.start - p) <= near));
    const needed = Math.min(2, pieces.length);
    const clusters: Array<{ centre: number; agreeing: number }> = [];
    for (let i = 0; i < hits.length;) {
      let j = i + 1;
      while (j < hits.length && hits[j].start - hits[j - 1].start <= tolerance) j++;
      const agreeing = new Set(hits.slice(i, j).map((h) => h.piece)).size;
      if (agreeing >= needed) clusters.push({ centre: hits[(i + j) >> 1].start, agreeing });
      i = j;
    }
    clusters.sort((a, b) => b.agreeing - a.agreeing);
    const centres = clusters.slice(0, MEDIUM_CLUSTERS).map((c) => c.centre);
    for (const c of copies) if (!centres.some((x) => Math.abs(x - c) <= tolerance)) centres.push(c);
    if (centres.length === 0) return [];
    return this.collect(q, predictions, LOCAL, false, centres, tolerance + WORD);
  }

  /** The common case, without normalising anything: quote and context verbatim at an expected position, alone nearby. */
  private verbatim(q: Query, predictions: readonly number[]): Candidate | undefined {
    const { text } = this;
    const n = q.exact.length;
    if (n === 0 && q.rawPrefix.length + q.rawSuffix.length === 0) return undefined;
    let hit: number | undefined;
    for (const p of predictions) {
      if (!text.startsWith(q.exact, p) || !text.startsWith(q.rawSuffix, p + n) || !text.endsWith(q.rawPrefix, p)) continue;
      // Verbatim at two expected positions: only the full search can weigh them.
      if (hit !== undefined && hit !== p) return undefined;
      hit = p;
    }
    if (hit === undefined) return undefined;
    // Another copy of the quote near any expected position could be a rival: leave it to the full search.
    const reach = Math.max(DISTANCE_UNIT * (2 ** MARGIN), NEAR_RADIUS + q.slack);
    const needle = n > 0 ? q.exact : q.rawPrefix + q.rawSuffix;
    const at = n > 0 ? hit : hit - q.rawPrefix.length;
    for (const [from, to] of windows(predictions, reach, text.length)) {
      const around = text.slice(from, to + n);
      for (let i = around.indexOf(needle); i >= 0; i = around.indexOf(needle, i + 1)) if (from + i !== at) return undefined;
    }
    return { start: hit, end: hit + n, quoteErrors: 0, contextErrors: 0, distance: 0, cost: 0 };
  }

  /** An empty quote marks a point: between its prefix and its suffix, which must be found exactly. */
  private locatePoint(q: Query, predictions: readonly number[]): Outcome {
    const context = q.prefix + q.suffix;
    if (context.length === 0) {
      const p = predictions[0];
      return { kind: 'found', best: { start: p, end: p, quoteErrors: 0, contextErrors: 0, distance: 0, cost: 0 } };
    }
    const candidates: Candidate[] = [];
    for (const w of this.windows(predictions, LOCAL.radius, context.length)) {
      const slice = w.norm.text.slice(w.from, w.to + context.length);
      let count = 0;
      for (let i = slice.indexOf(context); i >= 0 && count < MAX_EXACT; i = slice.indexOf(context, i + 1), count++) {
        const at = w.norm.map[w.from + i + q.prefix.length];
        candidates.push(this.candidate(at, at, 0, 0, predictions));
      }
    }
    const local = choose(candidates.filter((c) => plausible(c, q, LOCAL)));
    return local.kind !== 'none' ? local : choose(this.far(q, predictions));
  }

  /**
   * Normalised windows in which a quote of `length` may start within `radius` of a centre. With
   * a query, windows holding none of its pieces verbatim are skipped unread: a passage that kept
   * none of them is too damaged to place, or to rival one.
   */
  private windows(centres: readonly number[], radius: number, length: number, q?: Query): Window[] {
    // Room for the context before, and after for the quote grown by insertions and its context.
    const before = WORD * 2;
    const after = length + Math.ceil(length * LOCAL.quoteRate) + WORD * 2;
    const out: Window[] = [];
    for (const [from, to] of windows(centres, radius + (length >> 3), this.text.length)) {
      if (q && q.probes.length > 0) {
        const slice = this.text.slice(from, to + length);
        if (!q.probes.some((piece) => slice.includes(piece))) continue;
      }
      const norm = this.region(from - before, to + after);
      out.push({ norm, from: toNormalized(norm, from), to: toNormalized(norm, to) });
    }
    return out;
  }

  /**
   * The text normalised over at least `[from, to)`. The searches for one target look at
   * overlapping windows again and again; a few normalised regions, a little wider than asked
   * for, serve them all.
   */
  private region(from: number, to: number, margin = REGION_MARGIN): NormalizedText {
    const lo = Math.max(0, from);
    const hi = Math.min(this.text.length, to);
    for (const r of this.regions) {
      if (r.map[0] <= lo && r.map[r.map.length - 1] >= hi) return r;
    }
    const r = normalize(this.text, lo - margin, hi + margin);
    this.regions = [r, ...this.regions.slice(0, REGIONS - 1)];
    return r;
  }

  /**
   * Plausible candidates in windows around `centres` (by default the expected positions), costed
   * by their distance from the expected positions.
   */
  private collect(q: Query, predictions: readonly number[], rules: Rules, fallback: boolean, centres = predictions, radius = rules.radius, every = false): Candidate[] {
    const m = q.quote.length;
    const found: Candidate[] = [];
    const add = (c: Candidate | undefined): void => {
      if (c && plausible(c, q, rules) && !found.some((f) => f.start === c.start && f.end === c.end)) found.push(c);
    };
    const spans = this.windows(centres, radius, m, fallback ? undefined : q);
    for (const w of spans) {
      const slice = w.norm.text.slice(w.from, w.to + m);
      let count = 0;
      for (let i = slice.indexOf(q.quote); i >= 0 && count < MAX_EXACT; i = slice.indexOf(q.quote, i + 1), count++) {
        const c = this.evaluate(q, w, w.from + i, w.from + i + m, 0, predictions);
        if (c.framed && q.sure.some((p) => Math.abs(p - c.start) <= LOCAL.radius + q.slack + (m >> 3))) q.seenNear.push(c.start);
        add(c);
      }
    }
    const exact = choose(found);
    // Any approximate candidate has an error, which costs more than this winner plus the margin.
    if (exact.kind === 'found' && exact.best.cost + MARGIN <= ERROR_WEIGHT) return found;
    if (m < rules.minFuzzyQuote) return found;
    // Beside a verbatim candidate, an approximate one matters only where it would be at most half
    // as far from an expected position: elsewhere it costs at least the margin more.
    const verbatim = every ? undefined : found.filter(isExact).reduce<Candidate | undefined>((b, c) => (!b || c.cost < b.cost ? c : b), undefined);
    const matters = (w: Window): boolean => {
      if (!verbatim) return true;
      const d = this.nearestDistance(w, m, Math.floor(rules.quoteRate * m), predictions);
      return penalty(d) + 1 <= penalty(verbatim.distance) || ERROR_WEIGHT + penalty(d) < verbatim.cost + MARGIN;
    };
    if (!fallback) {
      for (const w of spans) if (matters(w)) for (const c of this.seeded(q, w, rules, predictions)) add(c);
    } else {
      // Every sampled piece was too damaged to seed: search the whole quote.
      const budget = Math.floor(rules.quoteRate * m);
      for (const w of spans) {
        const to = Math.min(w.norm.text.length, w.to + m + budget);
        if (!matters(w) || !mayHold(q, w.norm.text, w.from, to, budget)) continue;
        const [forward, reversed] = q.whole();
        for (const match of forward.best(w.norm.text, w.from, to, budget, reversed)) {
          add(this.evaluate(q, w, match.start, match.end, match.errors, predictions));
        }
      }
    }
    return found;
  }

  /**
   * The least distance from an expected position of any place in the window where a match could
   * begin, allowing for a seed's piece, the error budget, and widening over an insertion.
   */
  private nearestDistance(w: Window, m: number, budget: number, predictions: readonly number[]): number {
    // A seed's piece ends inside the window; the alignment around it may take in its errors, and
    // widening (see evaluate) only moves a start back.
    const back = WORD + Math.max(budget, WORD) + Math.max(m, 3 * 8) + WORD;
    const lo = w.norm.map[Math.max(0, w.from - back)];
    const hi = w.norm.map[Math.min(w.norm.text.length, w.to + WORD + budget)];
    let d = Infinity;
    for (const p of predictions) d = Math.min(d, p < lo ? lo - p : p > hi ? p - hi : 0);
    return d;
  }

  /**
   * Approximate candidates: up to three pieces of the quote (first, middle, last) are searched in
   * the window; hits that imply the same start form a cluster; the best hit of each cluster is
   * extended into an alignment of the whole quote, piece by piece.
   */
  private seeded(q: Query, w: Window, rules: Rules, predictions: readonly number[]): Candidate[] {
    const m = q.quote.length;
    const n = q.chunks.length;
    const sampled = n <= 3 ? q.chunks.map((_, i) => i) : [0, n >> 1, n - 1];
    const hits: Array<{ chunk: number; end: number; errors: number; start: number }> = [];
    for (const k of sampled) {
      const length = q.chunks[k].length;
      const maxErrors = Math.floor(rules.quoteRate * length);
      const to = Math.min(w.norm.text.length, w.to + q.offsets[k] + length + maxErrors);
      for (const e of searchEnds(q.pattern(k), w.norm.text, w.from + q.offsets[k], to, maxErrors)) {
        hits.push({ chunk: k, end: e.end, errors: e.errors, start: e.end - q.offsets[k] - length });
      }
    }
    hits.sort((a, b) => a.start - b.start);
    const tolerance = 8 + (m >> 3);
    const clusters: Array<typeof hits[number]> = [];
    for (let i = 0; i < hits.length;) {
      let best = hits[i];
      let j = i + 1;
      while (j < hits.length && hits[j].start - hits[j - 1].start <= tolerance) {
        if (hits[j].errors < best.errors) best = hits[j];
        j++;
      }
      clusters.push(best);
      i = j;
    }
    clusters.sort((a, b) => a.errors - b.errors);
    const out: Candidate[] = [];
    const budget = Math.floor(rules.quoteRate * m);
    for (const seed of clusters.slice(0, MAX_CLUSTERS)) {
      const aligned = this.extend(q, w.norm.text, seed.chunk, seed.end, budget);
      if (aligned) {
        out.push(this.evaluate(q, w, aligned.start, aligned.end, aligned.errors, predictions));
        continue;
      }
      // Piece by piece, an insertion longer than the slack derails the chain: align the whole
      // quote around the seed instead, which finds the best alignment however the edits fall.
      const from = Math.max(0, seed.start - WORD);
      const to = Math.min(w.norm.text.length, seed.start + m + budget + WORD);
      const [forward, reversed] = q.whole();
      for (const match of forward.best(w.norm.text, from, to, budget, reversed)) {
        out.push(this.evaluate(q, w, match.start, match.end, match.errors, predictions));
      }
    }
    return out;
  }

  /**
   * The common case, cheaply: the passage lightly edited, right at the first expected position.
   * It is aligned in a small normalised region from pieces of the quote found verbatim where they
   * belong, and kept only when no rival can exist in the window that the full near search reads
   * (see unrivalled); otherwise undefined, and the full search decides.
   */
  private closeLook(q: Query, predictions: readonly number[]): Candidate | undefined {
    const m = q.quote.length;
    if (m < LOCAL.minFuzzyQuote) return undefined;
    const p = predictions[0];
    const n = q.exact.length;
    // Every broken piece of the raw quote is an error or more, and certifying the winner takes one
    // word per error: when too many pieces are broken, leave it to the full search unread.
    const probes = q.probes;
    if (probes.length > 0) {
      const tooMany = Math.min(q.wordCount, (probes.length >> 1) + 1);
      let broken = 0;
      // A slice keeps a missing piece from being sought to the end of the text.
      const base = Math.max(0, p - 2 * CLOSE);
      const around = this.text.slice(base, p + n + 2 * CLOSE + (n >> 2));
      for (let k = 0; k < probes.length && broken < tooMany; k++) {
        const expected = p + k * PROBE_PIECE - base;
        const from = Math.max(0, expected - CLOSE - k);
        if (!around.slice(from, expected + CLOSE + k + PROBE_PIECE).includes(probes[k])) broken++;
      }
      if (broken >= tooMany) return undefined;
    } else if (q.wordCount === 0) {
      return undefined;
    }
    // Room for the context and for the alignment to overrun; an evaluation that would look further
    // (widening over a long insertion) fails here and is left to the full search.
    const from = Math.max(0, p - CLOSE - 2 * WORD);
    const to = Math.min(this.text.length, p + n + Math.ceil(n * LOCAL.quoteRate) + CLOSE + 2 * WORD);
    const norm = this.region(from, to, 0);
    const at = toNormalized(norm, p);
    const w: Window = { norm, from: Math.max(0, at - CLOSE), to: Math.min(norm.text.length, at + CLOSE) };
    const text = norm.text;
    const found: Candidate[] = [];
    const add = (c: Candidate): void => {
      if (plausible(c, q, LOCAL) && !found.some((f) => f.start === c.start && f.end === c.end)) found.push(c);
    };
    for (let i = text.indexOf(q.quote, w.from); i >= 0 && i <= w.to; i = text.indexOf(q.quote, i + 1)) add(this.evaluate(q, w, i, i + m, 0, predictions));
    // Each piece where the quote starting about here would hold it; the pieces `seeded` samples
    // first, as it would align from them.
    const chunks = q.chunks.length;
    const sampled = chunks <= 3 ? -1 : chunks >> 1;
    const budget = Math.floor(LOCAL.quoteRate * m);
    const drift = CLOSE + (m >> 3);
    let seed = -1;
    let seedEnd = 0;
    for (let k = 0; k < chunks; k++) {
      const chunk = q.chunks[k];
      const i = text.indexOf(chunk, Math.max(0, at + q.offsets[k] - drift));
      if (i < 0 || i > at + q.offsets[k] + drift) continue;
      const preferred = sampled < 0 || k === 0 || k === sampled || k === chunks - 1;
      if (seed < 0 || (preferred && !(sampled < 0 || seed === 0 || seed === sampled || seed === chunks - 1))) {
        seed = k;
        seedEnd = i + chunk.length;
      }
    }
    if (seed >= 0) {
      const aligned = this.extend(q, text, seed, seedEnd, budget);
      if (aligned) add(this.evaluate(q, w, aligned.start, aligned.end, aligned.errors, predictions));
    }
    const outcome = choose(found);
    if (outcome.kind !== 'found' || !this.unrivalled(q, p, outcome.best, norm)) return undefined;
    return outcome.best;
  }

  /**
   * Whether no candidate in the full near search's window could rival `best`, found at an
   * expected position. A rival costs less than the winner plus the margin, so it has at most K
   * quote errors, and each error breaks at most one word: of K + 1 words of the quote, a rival
   * keeps one intact, and so verbatim in the raw text. If every occurrence of those words in the
   * window is one of the winner's own, there is no rival.
   */
  private unrivalled(q: Query, p: number, best: Candidate, norm: NormalizedText): boolean {
    // Only at an expected position is a closer candidate with more errors no rival.
    if (best.distance >= DISTANCE_UNIT) return false;
    const m = q.quote.length;
    const K = Math.ceil((best.cost + MARGIN) / ERROR_WEIGHT) - 1;
    const words = q.words;
    if (words.length < K + 1) return false;
    // The window and region the full search would read.
    const radius = NEAR_RADIUS + q.slack + (m >> 3);
    const from = Math.max(0, p - radius - 2 * WORD - REGION_MARGIN);
    const to = Math.min(this.text.length, p + radius + m + Math.ceil(m * LOCAL.quoteRate) + 2 * WORD + REGION_MARGIN);
    const slice = this.text.slice(from, to);
    const start = toNormalized(norm, best.start);
    // Any K + 1 of the words will do: those found nowhere else in the window.
    let clean = 0;
    for (const { text, offset } of words) {
      // The winner's own copy of the word lies where its alignment puts it, give or take its errors.
      const lo = norm.map[Math.max(0, Math.min(norm.text.length, start + offset - K - 1))];
      const hi = norm.map[Math.max(0, Math.min(norm.text.length, start + offset + K + 1))];
      let elsewhere = false;
      for (let i = slice.indexOf(text); i >= 0 && !elsewhere; i = slice.indexOf(text, i + 1)) elsewhere = from + i < lo || from + i > hi;
      if (!elsewhere && ++clean > K) return true;
    }
    return false;
  }

  /** Aligns the whole quote around one placed piece: backwards from its end, then forwards. */
  private extend(q: Query, text: string, chunk: number, end: number, budget: number): { start: number; end: number; errors: number } | undefined {
    const slack = Math.min(WORD, budget + 2);
    let errors = 0;
    let pos = end;
    // An intact piece aligns with no error over its own length: no need to align it.
    for (let k = chunk; k >= 0; k--) {
      const piece = q.chunks[k];
      if (text.endsWith(piece, pos)) {
        pos -= piece.length;
        continue;
      }
      const span = alignBackward(q.reversed(k), text, pos, piece.length + slack);
      errors += span.errors;
      pos -= span.length;
      if (errors > budget) return undefined;
    }
    const start = pos;
    pos = end;
    for (let k = chunk + 1; k < q.chunks.length; k++) {
      const piece = q.chunks[k];
      if (text.startsWith(piece, pos)) {
        pos += piece.length;
        continue;
      }
      const span = alignForward(q.pattern(k), text, pos, piece.length + slack);
      errors += span.errors;
      pos += span.length;
      if (errors > budget) return undefined;
    }
    return { start, end: pos, errors };
  }

  /**
   * Exact occurrences of prefix + quote + suffix anywhere in the text, through the k-gram index.
   * With `around`, copies are looked for only that far from an expected position (none further
   * could rival the candidate at hand), and without the index.
   */
  private far(q: Query, predictions: readonly number[], around?: number): Candidate[] {
    const pattern = q.prefix + q.quote + q.suffix;
    if (pattern.length < FAR_MIN) return [];
    const probe = q.probe;
    let occurrences: Occurrence[];
    if (around === undefined || probe.pattern.length < MIN_INDEXED) {
      occurrences = this.kgrams().occurrences(probe, FAR_LIMIT);
    } else {
      // Copies laid out otherwise (rewrapped, say) are no more of a rival further off.
      occurrences = occurrencesWithin(this.text, probe, windows(predictions, around + probe.raw.length, this.text.length), FAR_LIMIT, this.frequency());
    }
    return occurrences.map((o) => {
      const norm = normalize(this.text, o.start, o.end);
      const start = norm.map[q.prefix.length];
      const end = q.quote.length > 0 ? norm.map[q.prefix.length + q.quote.length] : start;
      return this.candidate(start, end, 0, 0, predictions);
    });
  }

  /**
   * A candidate from normalised window offsets, with its context compared. When text was
   * inserted inside the passage near one end, the closest match of the quote leaves that end
   * out, and the context no longer fits there; if the context fits clearly better a little
   * further out, where the quote's end also is, the candidate is widened to include the insertion.
   */
  private evaluate(q: Query, w: Window, start: number, end: number, quoteErrors: number, predictions: readonly number[]): Candidate {
    const text = w.norm.text;
    // The context's patterns are built only if it is not found intact.
    const prefix = q.prefix;
    const suffix = q.suffix;
    const m = q.quote.length;
    // Inserted text about as long as the quote is allowed for; much more, and the match is likely
    // another copy further on.
    const reach = Math.max(m, 3 * 8) + WORD;
    // Context found intact needs no aligning.
    const fitBefore = (at: number): number => (text.endsWith(prefix, at) ? 0 : alignBackward(q.before(), text, at, prefix.length + (prefix.length >> 1) + 2).errors);
    const fitAfter = (at: number): number => (text.startsWith(suffix, at) ? 0 : alignForward(q.after(), text, at, suffix.length + (suffix.length >> 1) + 2).errors);
    let before = fitBefore(start);
    let after = fitAfter(end);
    // The context fits exactly at the new edge, having fitted clearly worse at the match (or at
    // all worse, for a context too short to count errors in).
    const better = (was: number, length: number): boolean => (length >= SHORT_CONTEXT ? REPAIR <= was : was > 0);
    // An empty context means that the passage touched the edge of its block: a line's start or end.
    const lineStart = (i: number): boolean => {
      // A whitespace run holding a line break starts a line (its blockquote markers included).
      if (text.charCodeAt(i) === 0x20 && /[\n\r\u2028\u2029]/.test(this.text.slice(w.norm.map[i], w.norm.map[i + 1]))) return true;
      let r = w.norm.map[i];
      while (r > 0 && (this.text.charCodeAt(r - 1) === 0x20 || this.text.charCodeAt(r - 1) === 0x09 || this.text.charCodeAt(r - 1) === GREATER_THAN)) r--;
      return r === 0 || isLineBreak(this.text.charCodeAt(r - 1));
    };
    const lineEnd = (i: number): boolean => {
      const r = w.norm.map[i];
      return r >= this.text.length || isLineBreak(this.text.charCodeAt(r));
    };
    // An insertion just inside one end leaves a few characters of the quote where the context
    // still fits, then the inserted text, then the rest: more in common means another copy.
    const most = Math.max(3, m >> 2);
    const headAt = (at: number): number => {
      let n = 0;
      while (n < m && at + n < text.length && text.charCodeAt(at + n) === q.quote.charCodeAt(n)) n++;
      return n;
    };
    const tailAt = (at: number): number => {
      let n = 0;
      while (n < m && at - n > 0 && text.charCodeAt(at - 1 - n) === q.quote.charCodeAt(m - 1 - n)) n++;
      return n;
    };
    const fits = (n: number): boolean => n >= 1 && n <= most && n < m;
    // A passage never runs across a blank line into the next block.
    const blankLine = (from: number, to: number): boolean => BLANK_LINE.test(this.text.slice(w.norm.map[from], w.norm.map[Math.min(to, text.length)]));
    // Beyond the few characters cut off, the match must be the quote itself. A match without
    // errors is whole: text inserted after it lies outside it; a leading space is the exception,
    // since words are inserted after one.
    const compact = quoteErrors <= most + 1;
    // A match lacks an edge unless it shows the quote's first (last) few characters there.
    const edge = Math.min(m, 8, Math.max(2, m >> 2));
    const lacksHead = (quoteErrors > 0 && !text.startsWith(q.quote.slice(0, edge), start)) || q.quote.charCodeAt(0) === 0x20;
    const lacksTail = quoteErrors > 0 && !text.startsWith(q.quote.slice(m - edge), end - edge);
    // Nor does a passage at the edge of its block run on into another line.
    const sameLine = (from: number, to: number): boolean => !/[\n\r\u2028\u2029]/.test(this.text.slice(w.norm.map[from], w.norm.map[Math.min(to, text.length)]));
    // A quote on one line, widened over an insertion or to the edge of its line, stays on one
    // line: the match itself may have run across a line break into the next.
    const oneLine = !/[\n\r\u2028\u2029]/.test(q.exact);
    // A context of a character or three fits too many places to mark an edge.
    const anchors = (length: number): boolean => length === 0 || length >= 4;
    let unsure = false;
    // Where the quote lacks an edge, its context must show that edge is in place: a context of a
    // character or three cannot.
    const broken = (length: number, fit: number): boolean => fit > 0 && (!anchors(length) || 2 * fit >= length);
    if (lacksHead && (prefix.length > 0 ? broken(prefix.length, before) : !lineStart(start))) {
      // The quote's start is missing and its context broken there: either text was inserted
      // inside the passage or the passage's start was rewritten. Unless the context is found
      // further out, with the quote's start after it, where the passage begins is unknown.
      unsure = true;
      if (compact && anchors(prefix.length) && (prefix.length === 0 || better(before, prefix.length))) {
        for (let p = start - 1; p >= 0 && p >= start - reach && !blankLine(p, start + 1); p--) {
          // The match's errors are about the characters it lacks, those found here.
          const kept = headAt(p);
          if (!fits(kept) || quoteErrors > kept + 2) continue;
          if ((!oneLine || sameLine(p + 1, end)) && (prefix.length > 0 ? fitBefore(p) === 0 : lineStart(p) && sameLine(p + 1, start))) {
            start = p;
            before = 0;
            unsure = false;
            break;
          }
        }
      }
    }
    if (lacksTail && (suffix.length > 0 ? broken(suffix.length, after) : !lineEnd(end))) {
      unsure = true;
      if (compact && anchors(suffix.length) && (suffix.length === 0 || better(after, suffix.length))) {
        // From the match's last character: it may have taken in the run that holds the blank line.
        for (let p = end + 1; p <= text.length && p <= end + reach && !blankLine(Math.max(0, end - 1), p); p++) {
          const kept = tailAt(p);
          if (!fits(kept) || quoteErrors > kept + 2) continue;
          if ((!oneLine || sameLine(start, p)) && (suffix.length > 0 ? fitAfter(p) === 0 : lineEnd(p) && sameLine(end, p))) {
            end = p;
            after = 0;
            unsure = false;
            break;
          }
        }
      }
    }
    // An edge that cannot be placed makes the candidate implausible: better detached than half on.
    // So does running across a blank line the quote did not cross: that joins two blocks. And a
    // short quote needs each side of its context: a match inside its own old context has one.
    const lopsided = m < LONG_QUOTE && (3 * before > Math.max(6, prefix.length) || 3 * after > Math.max(6, suffix.length));
    // A passage deleted from between its context leaves the context closed up: a match with a
    // broken context that spans the place where prefix now meets suffix is a piece of that
    // context (a repeated word next to the deleted one, say), not the passage.
    const closed = before + after > 0 && prefix.length >= SHORT_CONTEXT && suffix.length >= SHORT_CONTEXT && frameClosedWithin(text, prefix, suffix, start, end);
    if (unsure || lopsided || closed || (blankLine(start, end) && !BLANK_LINE.test(q.exact))) after += q.quote.length + q.context;
    const c = this.candidate(w.norm.map[start], w.norm.map[end], quoteErrors, before + after, predictions);
    c.framed = (prefix.length >= SHORT_CONTEXT && 4 * before <= prefix.length) || (suffix.length >= SHORT_CONTEXT && 4 * after <= suffix.length);
    return c;
  }

  private candidate(start: number, end: number, quoteErrors: number, contextErrors: number, predictions: readonly number[]): Candidate {
    let distance = Infinity;
    for (const p of predictions) distance = Math.min(distance, Math.abs(start - p));
    return { start, end, quoteErrors, contextErrors, distance, cost: ERROR_WEIGHT * (quoteErrors + contextErrors) + penalty(distance) };
  }

  private result(q: Query, c: Candidate): AnchorResult | undefined {
    let { start, end } = c;
    // A quote of layout only (line breaks, spaces, blockquote markers) is nothing but its characters.
    if (/^[\s>]+$/.test(q.exact) && this.text.slice(start, end) !== q.exact && q.quote.length > 0) return undefined;
    if (q.quote.length === 0 && q.exact.length > 0) {
      // A quote of layout only (spaces, a blockquote marker) sits in the whitespace run at the point.
      let back = start;
      while (back > 0 && (isSpaceCode(this.text.charCodeAt(back - 1)) || this.text.charCodeAt(back - 1) === GREATER_THAN)) back--;
      const at = this.text.slice(back, start).lastIndexOf(q.exact);
      if (at < 0) return undefined;
      return { status: 'anchored', start: back + at, end: back + at + q.exact.length, score: 1 };
    }
    // A match can begin or end between the halves of an emoji that an edit touched.
    if (isLowSurrogate(this.text.charCodeAt(start)) && isHighSurrogate(this.text.charCodeAt(start - 1))) start--;
    if (end > start && isHighSurrogate(this.text.charCodeAt(end - 1)) && isLowSurrogate(this.text.charCodeAt(end))) end++;
    // A quote that begins or ends with whitespace matches the whole run in the text; keep its own
    // part, or none of it when the run changed (as editing would have dropped the replaced break).
    const n = q.exact.length;
    const blank = (from: number, to: number): boolean => /^\s*$/.test(this.text.slice(from, to));
    if (n > 0 && n < end - start) {
      if (this.text.startsWith(q.exact, start) && blank(start + n, end)) end = start + n;
      else if (this.text.startsWith(q.exact, end - n) && blank(start, end - n)) start = end - n;
    }
    if (this.text.slice(start, end) !== q.exact) {
      const layout = (i: number): boolean => isSpaceCode(this.text.charCodeAt(i)) || this.text.charCodeAt(i) === GREATER_THAN;
      let leadEnd = 0;
      while (leadEnd < q.exact.length && (isSpaceCode(q.exact.charCodeAt(leadEnd)) || q.exact.charCodeAt(leadEnd) === GREATER_THAN)) leadEnd++;
      let trailStart = q.exact.length;
      while (trailStart > leadEnd && isSpaceCode(q.exact.charCodeAt(trailStart - 1))) trailStart--;
      const quoteLead = q.exact.slice(0, leadEnd);
      const quoteTrail = q.exact.slice(trailStart);
      // Keep the quote's own edge layout (whitespace, blockquote markers) where the text's run at
      // that edge ends (begins) with it; normalisation may have counted it with the context's run.
      let lead = start;
      while (lead < end - 1 && layout(lead)) lead++;
      let back = start;
      while (back > 0 && layout(back - 1)) back--;
      // The quote's own layout, found in order in the run (which edits may have grown, CRLF for LF),
      // is kept with what came between; the rest of the run belongs to the context.
      start = lead - keptFromEnd(this.text.slice(back, lead), quoteLead);
      let trail = end;
      while (trail > start + 1 && isSpaceCode(this.text.charCodeAt(trail - 1))) trail--;
      let forth = end;
      while (forth < this.text.length && isSpaceCode(this.text.charCodeAt(forth))) forth++;
      end = trail + keptFromStart(this.text.slice(trail, forth), quoteTrail);
    }
    const total = q.quote.length + q.context;
    const similarity = total === 0 ? 1 : 1 - (c.quoteErrors + c.contextErrors) / total;
    const score = Math.max(0, similarity * (1 - penalty(c.distance) / 32));
    const status: AnchorStatus = this.text.slice(start, end) === q.exact ? 'anchored' : 'fuzzy';
    return { status, start, end, score };
  }
}
