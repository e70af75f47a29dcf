// The annotations of one essay while it is being edited: where each one is in the current text,
// how edits move it, and the operations the commands perform. Pure: the editor glue and the CLI
// feed it text and edits.
import { Anchorer, describeTarget } from './anchor';
import type { Annotation, AnchorStatus, AnnotationKind, ClaimLink, Sidecar, Target } from './model';
import { SIDECAR_VERSION } from './model';
import { compareAnnotations } from './sidecar';
import { PieceText } from './pieces';
import { CodePointIndex, type Range, type TextEdit } from './text';
import { mapRange } from './track';

/** One annotation and where it is now. */
export interface LiveAnnotation {
  /** The annotation as stored; `target` describes the essay as last saved. */
  data: Annotation;
  /** Where it is in the current text (UTF-16), or undefined when detached. */
  range: Range | undefined;
  status: AnchorStatus;
}

/** Earlier versions of a passage, kept so that undo can bring back a passage an edit removed. */
interface History {
  /** Where the passage's text was removed, mapped through later edits. */
  lostAt: number;
  /** The passage's text before recent edits inside it, newest last, each with its surroundings. */
  versions: { text: string; before: string; after: string }[];
}

/** How much surrounding text identifies a removed passage when an undo puts it back. */
const HISTORY_CONTEXT = 24;
const HISTORY_VERSIONS = 64;
/** Passages longer than this are not remembered for undo, to bound memory. */
const HISTORY_MAX_TEXT = 20_000;

/** Finds the Markdown block range around a passage, so quote context stays inside it. */
export type BoundsFn = (start: number, end: number) => Range | undefined;

export interface EssayOptions {
  boundsAt?: BoundsFn;
  now?: () => string;
  newId?: () => string;
}

function randomId(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)];
  return `p-${s}`;
}

/** What a toggle did. */
export type ToggleResult = { action: 'added' | 'removed'; annotation: LiveAnnotation; deleted: boolean };

/** The whitespace-trimmed version of a range, so a selection with stray spaces marks the words. */
export function trimRange(text: string, range: Range): Range {
  let { start, end } = range;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/** The annotations of one essay and the essay's current text. */
export class EssayAnnotations {
  private items: LiveAnnotation[] = [];
  private history = new Map<LiveAnnotation, History>();
  /** The current text, in pieces: an edit copies only what it touches. */
  private buffer: PieceText;
  private readonly now: () => string;
  private readonly newId: () => string;
  /** Bumped on every change, so views and caches can tell whether they are stale. */
  revision = 0;

  constructor(text: string, private readonly options: EssayOptions = {}) {
    this.buffer = PieceText.of(text);
    this.now = options.now ?? (() => new Date().toISOString());
    this.newId = options.newId ?? randomId;
  }

  /** The whole current text (joined from its pieces after edits, once). */
  get text(): string {
    return this.buffer.toString();
  }

  get length(): number {
    return this.buffer.length;
  }

  /** All annotations, in document order (detached ones last). */
  list(): readonly LiveAnnotation[] {
    return this.items;
  }

  find(id: string): LiveAnnotation | undefined {
    return this.items.find((a) => a.data.id === id);
  }

  /** Annotations whose range contains the offset (innermost first). */
  at(offset: number): LiveAnnotation[] {
    return this.items
      .filter((a) => a.range && a.range.start <= offset && offset <= a.range.end)
      .sort((a, b) => (a.range!.end - a.range!.start) - (b.range!.end - b.range!.start));
  }

  /** The attached annotation whose range is exactly this one, preferring a plain passage. */
  exactly(range: Range, kinds?: readonly AnnotationKind[]): LiveAnnotation | undefined {
    const same = this.items.filter((a) => a.range && a.range.start === range.start && a.range.end === range.end && (!kinds || kinds.includes(a.data.kind)));
    return same.find((a) => a.data.kind === 'passage') ?? same[0];
  }

  /**
   * Replaces the annotations with a sidecar's, placing each in the current text. Returns how
   * each was placed.
   */
  load(sidecar: Sidecar): void {
    const anchorer = new Anchorer(this.text);
    const results = anchorer.anchorAll(sidecar.annotations.map((a) => a.target));
    this.items = sidecar.annotations.map((data, i) => {
      const r = results[i];
      return r.status === 'detached'
        ? { data, range: undefined, status: 'detached' as const }
        : { data, range: { start: r.start, end: r.end }, status: r.status };
    });
    this.history.clear();
    this.sort();
    this.revision++;
  }

  /**
   * Follows one change event. Edits' offsets refer to the text before the event and do not overlap.
   * Each annotation moves with its text; one whose text was removed is detached, and comes back
   * if a later edit (an undo) restores that text in the same place.
   */
  applyEdits(newText: string, edits: readonly TextEdit[]): boolean {
    const old = this.buffer;
    this.buffer = PieceText.of(newText);
    return this.follow(old, edits);
  }

  /** The same, for edits the text has not had yet: they are applied here, to its pieces. */
  edit(edits: readonly TextEdit[]): boolean {
    const old = this.buffer;
    this.buffer = old.edit(edits);
    return this.follow(old, edits);
  }

  private follow(old: PieceText, edits: readonly TextEdit[]): boolean {
    if (edits.length === 0) return false;
    const sorted = [...edits].sort((a, b) => b.start - a.start);
    let changed = false;
    // Edits move ranges without reordering them, unless one is detached or comes back.
    let reordered = false;
    for (const item of this.items) {
      const h = this.history.get(item);
      if (h) h.lostAt = mapPoint(h.lostAt, sorted);
      if (!item.range) continue;
      let range: Range | undefined = item.range;
      const r0 = range;
      const touched = sorted.some((e) => e.start < r0.end && e.end > r0.start);
      if (touched && item.range.end - item.range.start <= HISTORY_MAX_TEXT) this.remember(item, old);
      for (const e of sorted) {
        range = range && mapRange(range, e);
      }
      if (!range) {
        const hist = this.history.get(item);
        if (hist) hist.lostAt = mapPoint(item.range.start, sorted);
        item.range = undefined;
        item.status = 'detached';
        changed = true;
        reordered = true;
      } else if (range.start !== item.range.start || range.end !== item.range.end) {
        item.range = range;
        changed = true;
      }
    }
    if (this.restoreFromHistory()) {
      changed = true;
      reordered = true;
    }
    if (reordered) this.sort();
    if (changed) this.revision++;
    return changed;
  }

  /**
   * Places every annotation again from its stored target, for when the text was replaced from
   * outside (a git checkout, another editor) rather than edited here.
   */
  reanchorAll(): void {
    const anchorer = new Anchorer(this.text);
    const results = anchorer.anchorAll(this.items.map((a) => a.data.target));
    this.items.forEach((item, i) => {
      const r = results[i];
      item.range = r.status === 'detached' ? undefined : { start: r.start, end: r.end };
      item.status = r.status;
    });
    this.history.clear();
    this.sort();
    this.revision++;
  }

  private remember(item: LiveAnnotation, text: PieceText): void {
    const r = item.range!;
    const h = this.history.get(item) ?? { lostAt: r.start, versions: [] };
    const version = {
      text: text.slice(r.start, r.end),
      before: text.slice(Math.max(0, r.start - HISTORY_CONTEXT), r.start),
      after: text.slice(r.end, r.end + HISTORY_CONTEXT),
    };
    const last = h.versions[h.versions.length - 1];
    if (!last || last.text !== version.text || last.before !== version.before || last.after !== version.after) {
      h.versions.push(version);
      if (h.versions.length > HISTORY_VERSIONS) h.versions.shift();
    }
    this.history.set(item, h);
  }

  /** Re-attaches detached passages whose remembered text and surroundings are back where they were. */
  private restoreFromHistory(): boolean {
    let restored = false;
    for (const [item, h] of this.history) {
      if (item.range) continue;
      for (let i = h.versions.length - 1; i >= 0; i--) {
        const v = h.versions[i];
        const start = h.lostAt;
        const t = this.buffer;
        if (t.startsWith(v.text, start) && t.slice(Math.max(0, start - v.before.length), start) === v.before
          && t.startsWith(v.after, start + v.text.length) && v.text.length > 0) {
          item.range = { start, end: start + v.text.length };
          item.status = 'anchored';
          restored = true;
          break;
        }
      }
    }
    return restored;
  }

  private sort(): void {
    this.items.sort((a, b) => {
      if (!a.range || !b.range) return (a.range ? 0 : 1) - (b.range ? 0 : 1) || compareAnnotations(a.data, b.data);
      return a.range.start - b.range.start || a.range.end - b.range.end || (a.data.id < b.data.id ? -1 : 1);
    });
  }

  private create(range: Range, kind: AnnotationKind, fields: Partial<Annotation> = {}): LiveAnnotation {
    const stamp = this.now();
    const data: Annotation = {
      id: fields.id ?? this.newId(),
      kind,
      tags: fields.tags ?? [],
      ...(fields.title !== undefined ? { title: fields.title } : {}),
      ...(fields.note ? { note: fields.note } : {}),
      ...(fields.links?.length ? { links: fields.links } : {}),
      target: this.describe(range),
      created: stamp,
      updated: stamp,
    };
    const item: LiveAnnotation = { data, range, status: 'anchored' };
    this.items.push(item);
    this.sort();
    this.revision++;
    return item;
  }

  private describe(range: Range): Target {
    const bounds = this.options.boundsAt?.(range.start, range.end);
    return describeTarget(this.text, range.start, range.end, bounds);
  }

  private touch(item: LiveAnnotation): void {
    item.data.updated = this.now();
    this.revision++;
  }

  /** Adds the tag to the passage at `range`, or removes it if the passage has it: tag commands are toggles. */
  toggleTag(range: Range, tag: string): ToggleResult {
    const existing = this.exactly(range);
    if (existing && existing.data.tags.includes(tag)) {
      const deleted = this.removeTag(existing.data.id, tag);
      return { action: 'removed', annotation: existing, deleted };
    }
    return { action: 'added', annotation: this.addTags(range, [tag]), deleted: false };
  }

  /** Adds tags to the passage at `range`, creating the passage if needed. */
  addTags(range: Range, tags: readonly string[]): LiveAnnotation {
    const existing = this.exactly(range);
    if (existing) {
      const add = tags.filter((t) => !existing.data.tags.includes(t));
      if (add.length > 0) {
        existing.data.tags = [...existing.data.tags, ...add];
        this.touch(existing);
      }
      return existing;
    }
    return this.create(range, 'passage', { tags: [...new Set(tags)] });
  }

  /**
   * Removes a tag. A plain passage left with no tag, note or link has nothing left to say and is
   * deleted; claims keep their place. Returns true when the annotation was deleted.
   */
  removeTag(id: string, tag: string): boolean {
    const item = this.find(id);
    if (!item || !item.data.tags.includes(tag)) return false;
    item.data.tags = item.data.tags.filter((t) => t !== tag);
    this.touch(item);
    if (item.data.kind === 'passage' && item.data.tags.length === 0 && !item.data.note && !item.data.links?.length) {
      this.remove(id);
      return true;
    }
    return false;
  }

  /** Marks `range` as a claim or crux with a title and an id (the caller makes the id unique). */
  markClaim(range: Range, kind: 'claim' | 'crux', title: string, id: string): LiveAnnotation {
    const existing = this.exactly(range, ['claim', 'crux']);
    if (existing) {
      existing.data.kind = kind;
      existing.data.title = title;
      this.touch(existing);
      return existing;
    }
    // A tagged passage on exactly this text becomes the claim, keeping its tags and note.
    const passage = this.exactly(range, ['passage']);
    if (passage) {
      this.remove(passage.data.id);
      return this.create(range, kind, { id, title, tags: passage.data.tags, note: passage.data.note, links: passage.data.links });
    }
    return this.create(range, kind, { id, title });
  }

  setNote(id: string, note: string): boolean {
    const item = this.find(id);
    if (!item) return false;
    const value = note.trim() ? note : undefined;
    if (item.data.note === value) return false;
    if (value === undefined) delete item.data.note;
    else item.data.note = value;
    this.touch(item);
    return true;
  }

  /** Adds a typed link from a claim; an identical link is not added twice. */
  addLink(id: string, link: ClaimLink): boolean {
    const item = this.find(id);
    if (!item) return false;
    const links = item.data.links ?? [];
    if (links.some((l) => l.relation === link.relation && l.target === link.target)) return false;
    item.data.links = [...links, { relation: link.relation, target: link.target }];
    this.touch(item);
    return true;
  }

  removeLink(id: string, link: ClaimLink): boolean {
    const item = this.find(id);
    if (!item?.data.links) return false;
    const links = item.data.links.filter((l) => !(l.relation === link.relation && l.target === link.target));
    if (links.length === item.data.links.length) return false;
    if (links.length > 0) item.data.links = links;
    else delete item.data.links;
    this.touch(item);
    return true;
  }

  /** Rewrites link targets (after a claim was renamed). Returns how many links changed. */
  renameLinkTargets(rewrite: (target: string) => string | undefined): number {
    let n = 0;
    for (const item of this.items) {
      let changed = false;
      const links = item.data.links?.map((l) => {
        const next = rewrite(l.target);
        if (next === undefined || next === l.target) return l;
        changed = true;
        n++;
        return { ...l, target: next };
      });
      if (changed && links) {
        item.data.links = links;
        this.touch(item);
      }
    }
    return n;
  }

  /** Changes an annotation's id (claims are renamed by id). */
  renameId(oldId: string, newId: string): boolean {
    const item = this.find(oldId);
    if (!item || this.find(newId)) return false;
    item.data.id = newId;
    this.touch(item);
    return true;
  }

  /** Places an annotation (usually a detached one) on `range`. */
  reattach(id: string, range: Range): boolean {
    const item = this.find(id);
    if (!item) return false;
    item.range = range;
    item.status = 'anchored';
    item.data.target = this.describe(range);
    delete item.data.detached;
    this.history.delete(item);
    this.touch(item);
    this.sort();
    return true;
  }

  remove(id: string): boolean {
    const i = this.items.findIndex((a) => a.data.id === id);
    if (i < 0) return false;
    this.history.delete(this.items[i]);
    this.items.splice(i, 1);
    this.revision++;
    return true;
  }

  /** Adds annotations that came from elsewhere (a merge), placing them in the current text. */
  adopt(annotations: readonly Annotation[]): void {
    if (annotations.length === 0) return;
    const results = new Anchorer(this.text).anchorAll(annotations.map((a) => a.target));
    annotations.forEach((data, i) => {
      const r = results[i];
      this.items = this.items.filter((x) => x.data.id !== data.id);
      this.items.push(r.status === 'detached'
        ? { data, range: undefined, status: 'detached' }
        : { data, range: { start: r.start, end: r.end }, status: r.status });
    });
    this.sort();
    this.revision++;
  }

  /**
   * The sidecar for the current text, which the caller has just saved: every attached annotation's
   * target is described afresh; a detached one keeps its last known target, marked detached.
   */
  toSidecar(document: string): Sidecar {
    const codePoints = new CodePointIndex(this.text);
    const annotations = this.items.map((item): Annotation => {
      if (!item.range) return { ...item.data, detached: true };
      const bounds = this.options.boundsAt?.(item.range.start, item.range.end);
      const target = describeTarget(this.text, item.range.start, item.range.end, bounds, codePoints);
      const { detached: _detached, ...rest } = item.data;
      return { ...rest, target };
    });
    return { version: SIDECAR_VERSION, document, annotations: annotations.sort(compareAnnotations) };
  }

  /** Records that `sidecar` (produced by toSidecar) was written: stored targets now describe the saved text. */
  markSaved(sidecar: Sidecar): void {
    const byId = new Map(sidecar.annotations.map((a) => [a.id, a]));
    for (const item of this.items) {
      const saved = byId.get(item.data.id);
      if (!saved) continue;
      item.data.target = saved.target;
      if (saved.detached) item.data.detached = true;
      else delete item.data.detached;
      if (item.range) item.status = 'anchored';
    }
  }
}

/** Maps a point through edits (sorted last first), staying before text inserted at it. */
function mapPoint(p: number, sortedDesc: readonly TextEdit[]): number {
  let out = p;
  for (const e of sortedDesc) {
    if (out <= e.start) continue;
    if (out >= e.end) out += e.text.length - (e.end - e.start);
    else out = e.start;
  }
  return out;
}
