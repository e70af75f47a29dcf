import * as assert from 'assert';
import fc from 'fast-check';
import type { Annotation, Sidecar } from '../../src/core/model';
import { mergeSidecars, orderedAnnotation, parseSidecar, stringifySidecar, compareAnnotations } from '../../src/core/sidecar';
import { annotationArb, passage, slugArb, textArb, timeArb } from '../fixtures/sidecars/arbitraries';

const FILE = 'essay.md.cruxmark.json';

function same(a: Annotation | undefined, b: Annotation | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(orderedAnnotation(a)) === JSON.stringify(orderedAnnotation(b));
}

function sidecar(annotations: Annotation[]): Sidecar {
  return { version: 1, document: 'essay.md', annotations };
}

function byId(s: Sidecar): Map<string, Annotation> {
  return new Map(s.annotations.map((a) => [a.id, a]));
}

/** A change to one annotation: any mix of tags, note, title, place and time, as an editor makes them. */
const changeArb = fc.record({
  addTags: fc.uniqueArray(slugArb, { maxLength: 2 }),
  removeTags: fc.nat({ max: 3 }),
  note: fc.option(fc.option(textArb(30), { nil: undefined }), { nil: null }),
  title: fc.option(textArb(20), { nil: undefined }),
  shift: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  updated: timeArb,
});

type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

function applyChange(a: Annotation, c: Change): Annotation {
  const out: Annotation = structuredClone(a);
  out.tags = out.tags.slice(c.removeTags);
  for (const t of c.addTags) if (!out.tags.includes(t)) out.tags.push(t);
  if (c.note !== null) {
    if (c.note === undefined) delete out.note;
    else out.note = c.note;
  }
  if (c.title !== undefined && out.kind !== 'passage') out.title = c.title;
  if (c.shift !== undefined) out.target.position = { start: out.target.position.start + c.shift, end: out.target.position.end + c.shift };
  out.updated = c.updated;
  return out;
}

/** What one side did to each base annotation. */
const actionArb = fc.oneof(
  fc.constant({ kind: 'keep' as const }),
  fc.constant({ kind: 'delete' as const }),
  changeArb.map((change) => ({ kind: 'change' as const, change })),
);

/** A base and two sides edited from it: deletions, changes, and additions with their own ids. */
const scenarioArb = fc
  .uniqueArray(annotationArb(slugArb.map((s) => `b-${s}`)), { maxLength: 10, selector: (a) => a.id })
  .chain((base) => fc.record({
    base: fc.constant(base),
    oursActions: fc.array(actionArb, { minLength: base.length, maxLength: base.length }),
    theirsActions: fc.array(actionArb, { minLength: base.length, maxLength: base.length }),
    oursAdded: fc.uniqueArray(annotationArb(slugArb.map((s) => `o-${s}`)), { maxLength: 4, selector: (a) => a.id }),
    theirsAdded: fc.uniqueArray(annotationArb(slugArb.map((s) => `t-${s}`)), { maxLength: 4, selector: (a) => a.id }),
    // The same new id added on both sides, with different content.
    bothAdded: fc.uniqueArray(fc.tuple(annotationArb(slugArb.map((s) => `n-${s}`)), changeArb), { maxLength: 2, selector: ([a]) => a.id }),
  }))
  .map((s) => {
    const side = (actions: typeof s.oursActions): Annotation[] => s.base.flatMap((a, i) => {
      const act = actions[i];
      return act.kind === 'keep' ? [structuredClone(a)] : act.kind === 'delete' ? [] : [applyChange(a, act.change)];
    });
    return {
      base: sidecar(s.base),
      ours: sidecar([...side(s.oursActions), ...s.oursAdded, ...s.bothAdded.map(([a]) => a)]),
      theirs: sidecar([...side(s.theirsActions), ...s.theirsAdded, ...s.bothAdded.map(([a, c]) => applyChange(a, c))]),
    };
  });

suite('sidecar: three-way merge', () => {
  test('property: every annotation added or changed on either side survives', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours, theirs }) => {
      const result = byId(mergeSidecars(base, ours, theirs).sidecar);
      const b = byId(base);
      for (const side of [ours, theirs]) {
        for (const a of side.annotations) {
          if (!b.has(a.id)) assert.ok(result.has(a.id), `added ${a.id} was lost`);
          else if (!same(a, b.get(a.id))) assert.ok(result.has(a.id), `changed ${a.id} was lost`);
        }
      }
    }), { numRuns: 500 });
  });

  test('property: a deletion wins only when the other side did not change the annotation', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours, theirs }) => {
      const result = byId(mergeSidecars(base, ours, theirs).sidecar);
      const o = byId(ours);
      const t = byId(theirs);
      for (const a of base.annotations) {
        const inO = o.get(a.id);
        const inT = t.get(a.id);
        if (!inO && !inT) assert.ok(!result.has(a.id), `${a.id} deleted on both sides came back`);
        else if (!inO) assert.strictEqual(result.has(a.id), !same(inT, a), `${a.id} deleted in ours`);
        else if (!inT) assert.strictEqual(result.has(a.id), !same(inO, a), `${a.id} deleted in theirs`);
        else assert.ok(result.has(a.id), `${a.id} kept on both sides was lost`);
      }
    }), { numRuns: 500 });
  });

  test('property: a change made on one side only is taken whole', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours, theirs }) => {
      const result = byId(mergeSidecars(base, ours, theirs).sidecar);
      const o = byId(ours);
      const t = byId(theirs);
      for (const a of base.annotations) {
        const inO = o.get(a.id);
        const inT = t.get(a.id);
        if (!inO || !inT) continue;
        if (same(inO, a)) assert.ok(same(result.get(a.id), inT), `${a.id}: theirs' change not taken`);
        else if (same(inT, a)) assert.ok(same(result.get(a.id), inO), `${a.id}: ours' change not taken`);
      }
    }), { numRuns: 500 });
  });

  test('property: tags merge as sets (a tag goes only when one side removed it)', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours, theirs }) => {
      const result = byId(mergeSidecars(base, ours, theirs).sidecar);
      const b = byId(base);
      const t = byId(theirs);
      for (const inO of ours.annotations) {
        const inT = t.get(inO.id);
        if (!inT) continue;
        const inB = b.get(inO.id);
        const B = new Set(inB?.tags ?? []);
        const O = new Set(inO.tags);
        const T = new Set(inT.tags);
        const expected = [...new Set([...O, ...T])].filter((tag) => (O.has(tag) && T.has(tag)) || (!B.has(tag)));
        const got = result.get(inO.id)!.tags;
        assert.strictEqual(new Set(got).size, got.length, `${inO.id}: duplicate tags ${got}`);
        assert.deepStrictEqual([...got].sort(), expected.sort(), `${inO.id}: base ${[...B]} ours ${[...O]} theirs ${[...T]}`);
      }
    }), { numRuns: 500 });
  });

  test('property: notes rewritten on both sides keep both texts, and the conflict is reported', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours, theirs }) => {
      const merged = mergeSidecars(base, ours, theirs);
      const result = byId(merged.sidecar);
      const b = byId(base);
      const t = byId(theirs);
      for (const inO of ours.annotations) {
        const inT = t.get(inO.id);
        if (!inT) continue;
        const baseNote = b.get(inO.id)?.note ?? '';
        const [on, tn] = [inO.note ?? '', inT.note ?? ''];
        if (on === tn || on === baseNote || tn === baseNote) continue;
        const note = result.get(inO.id)!.note ?? '';
        assert.ok(note.includes(on.trim()) && note.includes(tn.trim()), `${inO.id}: ${JSON.stringify(note)} lacks ${JSON.stringify(on)} or ${JSON.stringify(tn)}`);
        assert.ok(merged.conflicts.some((c) => c.id === inO.id && c.fields.includes('note')), `${inO.id}: note conflict not reported`);
      }
    }), { numRuns: 500 });
  });

  test('property: the merge is a valid sidecar, sorted, whichever side is "ours"', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours, theirs }) => {
      const m1 = mergeSidecars(base, ours, theirs).sidecar;
      const m2 = mergeSidecars(base, theirs, ours).sidecar;
      assert.deepStrictEqual(m1.annotations.map((a) => a.id).sort(), m2.annotations.map((a) => a.id).sort());
      for (const m of [m1, m2]) {
        for (let i = 1; i < m.annotations.length; i++) assert.ok(compareAnnotations(m.annotations[i - 1], m.annotations[i]) <= 0);
        const back = parseSidecar(stringifySidecar(m), FILE);
        assert.ok(back.ok, back.ok ? '' : JSON.stringify(back.problems));
      }
    }), { numRuns: 300 });
  });

  test('property: merging with an unchanged side gives the other side', () => {
    fc.assert(fc.property(scenarioArb, ({ base, ours }) => {
      assert.strictEqual(stringifySidecar(mergeSidecars(base, ours, base).sidecar), stringifySidecar(ours));
      assert.strictEqual(stringifySidecar(mergeSidecars(base, base, ours).sidecar), stringifySidecar(ours));
    }), { numRuns: 300 });
  });

  test('without a base nothing is deleted: the union by id', () => {
    const ours = sidecar([passage('a', 0), passage('b', 5)]);
    const theirs = sidecar([passage('b', 5, { tags: ['simplicity-prior'] }), passage('c', 9)]);
    const m = mergeSidecars(undefined, ours, theirs).sidecar;
    assert.deepStrictEqual(m.annotations.map((a) => a.id), ['a', 'b', 'c']);
    assert.deepStrictEqual(m.annotations[1].tags.sort(), ['counting-argument', 'simplicity-prior']);
  });

  test('a field changed differently on both sides keeps ours and is reported', () => {
    const base = sidecar([passage('a', 0, { kind: 'claim', title: 'Old' })]);
    const ours = sidecar([passage('a', 0, { kind: 'claim', title: 'Ours' })]);
    const theirs = sidecar([passage('a', 0, { kind: 'claim', title: 'Theirs' })]);
    const m = mergeSidecars(base, ours, theirs);
    assert.strictEqual(m.sidecar.annotations[0].title, 'Ours');
    assert.deepStrictEqual(m.conflicts, [{ id: 'a', fields: ['title'] }]);
  });

  test('two long notes rewritten on both sides still make a sidecar that can be read back', () => {
    // The schema caps a note at 100,000 characters; a merge must never write a file it cannot read.
    const base = sidecar([passage('a', 0, { note: 'short' })]);
    const ours = sidecar([passage('a', 0, { note: 'o'.repeat(60_000) })]);
    const theirs = sidecar([passage('a', 0, { note: 't'.repeat(60_000) })]);
    const m = mergeSidecars(base, ours, theirs);
    const back = parseSidecar(stringifySidecar(m.sidecar), FILE);
    assert.ok(back.ok, back.ok ? '' : JSON.stringify(back.problems));
    assert.ok(m.sidecar.annotations[0].note!.includes('o'.repeat(60_000)), 'ours is kept');
    assert.deepStrictEqual(m.conflicts, [{ id: 'a', fields: ['note'] }]);
  });
});
