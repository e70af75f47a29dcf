import * as assert from 'assert';
import fc from 'fast-check';
import { ClaimGraph, editDistance, splitTarget, type GraphEssay } from '../../src/core/graph';
import { basename, dirname, isInside, normalize, relativeTo, resolveFrom } from '../../src/core/paths';
import { isSlug, slugify, uniqueSlug } from '../../src/core/slug';

const A = '/ws/essays/a.md';
const OTHER = '/ws/essays/other.md';
const POPE = '/ws/replies/pope.md';
const OUTSIDE = '/etc/passwd';

function essays(): GraphEssay[] {
  return [
    {
      path: A,
      headings: ['intro', 'counting-arguments'],
      annotations: [
        { id: 'alpha', kind: 'claim', title: 'Alpha', links: [{ relation: 'supports', target: 'beta' }] },
        { id: 'beta', kind: 'crux', title: 'Beta', links: [{ relation: 'opposes', target: 'other.md#gamma' }, { relation: 'responds-to', target: '../replies/pope.md#delta' }] },
        { id: 'p-1', kind: 'passage', links: [] },
      ],
    },
    {
      path: OTHER,
      annotations: [
        { id: 'gamma', kind: 'claim', title: 'Gamma' },
        { id: 'dup', kind: 'claim', title: 'Dup in other' },
      ],
    },
    {
      path: POPE,
      annotations: [
        { id: 'delta', kind: 'claim', title: 'Delta', links: [{ relation: 'crux-of', target: '../essays/a.md#alpha' }, { relation: 'supports', target: '../../../etc/passwd#x' }] },
        { id: 'dup', kind: 'crux', title: 'Dup in pope' },
      ],
    },
    // An essay outside the workspace: even when the graph knows it, links must not reach it.
    { path: OUTSIDE, annotations: [{ id: 'x', kind: 'claim', title: 'Outside' }] },
  ];
}

function resolved(g: ClaimGraph, from: string, target: string): string {
  const r = g.resolve(from, target);
  return r.kind === 'claim' ? `claim ${r.claim.essay}#${r.claim.id}` : r.kind === 'heading' ? `heading ${r.essay}#${r.slug}` : `missing: ${r.reason}`;
}

suite('graph: claim links', () => {
  const g = new ClaimGraph(essays(), ['/ws']);

  test('id, #id, other.md#id and ../x/other.md#id', () => {
    assert.strictEqual(resolved(g, A, 'alpha'), `claim ${A}#alpha`);
    assert.strictEqual(resolved(g, A, '#alpha'), `claim ${A}#alpha`);
    assert.strictEqual(resolved(g, A, 'a.md#alpha'), `claim ${A}#alpha`);
    assert.strictEqual(resolved(g, A, 'other.md#gamma'), `claim ${OTHER}#gamma`);
    assert.strictEqual(resolved(g, A, './other.md#gamma'), `claim ${OTHER}#gamma`);
    assert.strictEqual(resolved(g, A, '../replies/pope.md#delta'), `claim ${POPE}#delta`);
    assert.strictEqual(resolved(g, POPE, '../essays/a.md#beta'), `claim ${A}#beta`);
  });

  test('a bare id not in this essay is found in the workspace when it is unique', () => {
    assert.strictEqual(resolved(g, A, 'gamma'), `claim ${OTHER}#gamma`);
    assert.strictEqual(resolved(g, A, '#delta'), `claim ${POPE}#delta`);
  });

  test('a duplicated id: this essay\'s own first, and never a guess between others', () => {
    assert.strictEqual(resolved(g, OTHER, 'dup'), `claim ${OTHER}#dup`);
    assert.strictEqual(resolved(g, POPE, '#dup'), `claim ${POPE}#dup`);
    assert.strictEqual(resolved(g, A, 'dup'), 'missing: "dup" names claims in 2 essays: put the essay\'s path before the #');
    assert.strictEqual(resolved(g, A, 'other.md#dup'), `claim ${OTHER}#dup`);
  });

  test('headings: a fragment naming a heading is a heading, not a broken link', () => {
    assert.strictEqual(resolved(g, A, '#intro'), `heading ${A}#intro`);
    assert.strictEqual(resolved(g, OTHER, 'a.md#counting-arguments'), `heading ${A}#counting-arguments`);
    assert.match(resolved(g, OTHER, '#intro'), /^missing/);
  });

  test('missing: unknown ids, unknown essays, empty fragments, passages', () => {
    assert.strictEqual(resolved(g, A, 'nope'), 'missing: no claim or heading "nope"');
    assert.strictEqual(resolved(g, A, 'other.md#nope'), 'missing: no claim or heading "nope" in other.md');
    assert.strictEqual(resolved(g, A, 'ghost.md#alpha'), 'missing: no claim or heading "alpha" in ghost.md');
    assert.strictEqual(resolved(g, A, 'other.md#'), 'missing: the link names no claim');
    assert.strictEqual(resolved(g, A, ''), 'missing: the link names no claim');
    assert.match(resolved(g, A, 'p-1'), /^missing/);
  });

  test('links that leave the workspace never resolve, even to an essay the graph knows', () => {
    for (const target of ['../../../etc/passwd#x', '../../etc/passwd#x', '/etc/passwd#x', '../../../../../../etc/passwd#x', '../../ws/../etc/passwd#x']) {
      assert.match(resolved(g, A, target), /^missing: .* is outside the workspace$/, target);
    }
    // With no workspace folder the root is '/', and a path climbing above it still never resolves.
    const open = new ClaimGraph(essays());
    assert.match(resolved(open, A, '../../../etc/passwd#x'), /outside the workspace/);
    assert.match(resolved(open, POPE, '../../../../etc/passwd#x'), /outside the workspace/);
  });

  test('a workspace root is a folder, not a prefix: /ws does not contain /ws-evil', () => {
    const h = new ClaimGraph([...essays(), { path: '/ws-evil/e.md', annotations: [{ id: 'evil', kind: 'claim', title: 'E' }] }], ['/ws']);
    assert.match(resolved(h, A, '../../ws-evil/e.md#evil'), /outside the workspace/);
  });

  test('backlinks: every relation that points at a claim, from any essay', () => {
    const back = (essay: string, id: string): string[] => g.backlinks(essay, id).map((b) => `${b.from.annotation} ${b.relation}`).sort();
    assert.deepStrictEqual(back(A, 'beta'), ['alpha supports']);
    assert.deepStrictEqual(back(OTHER, 'gamma'), ['beta opposes']);
    assert.deepStrictEqual(back(POPE, 'delta'), ['beta responds-to']);
    assert.deepStrictEqual(back(A, 'alpha'), ['delta crux-of']);
    // The link to /etc/passwd#x resolved to nothing, so x has no backlink.
    assert.deepStrictEqual(back(OUTSIDE, 'x'), []);
    assert.deepStrictEqual(back(OTHER, 'dup'), []);
  });

  test('claims, has, claim and duplicates', () => {
    assert.deepStrictEqual(g.claims().map((c) => `${c.essay}#${c.id}`), [
      `${OUTSIDE}#x`, `${A}#alpha`, `${A}#beta`, `${OTHER}#dup`, `${OTHER}#gamma`, `${POPE}#delta`, `${POPE}#dup`,
    ]);
    assert.ok(g.has('gamma') && !g.has('p-1') && !g.has('nope'));
    assert.strictEqual(g.claim(A, 'beta')?.kind, 'crux');
    assert.strictEqual(g.claim(OTHER, 'beta'), undefined);
    assert.deepStrictEqual(g.duplicates().map((refs) => refs.map((r) => r.essay).sort()), [[OTHER, POPE]]);
  });

  test('linkTarget: the id in the same essay, else a relative path and the id', () => {
    assert.strictEqual(g.linkTarget(A, g.claim(A, 'beta')!), 'beta');
    assert.strictEqual(g.linkTarget(A, g.claim(OTHER, 'gamma')!), 'other.md#gamma');
    assert.strictEqual(g.linkTarget(A, g.claim(POPE, 'delta')!), '../replies/pope.md#delta');
    assert.strictEqual(g.linkTarget(POPE, g.claim(A, 'alpha')!), '../essays/a.md#alpha');
  });

  test('nearest: "did you mean" by edit distance, closest first, limited', () => {
    assert.deepStrictEqual(g.nearest('alpah').map((c) => c.id), ['alpha']);
    assert.deepStrictEqual(g.nearest('gama').map((c) => c.id), ['gamma']);
    assert.deepStrictEqual(g.nearest('dupe').map((c) => c.id), ['dup', 'dup']);
    assert.deepStrictEqual(g.nearest('delta', 1).map((c) => c.id), ['delta']);
    assert.deepStrictEqual(g.nearest('completely-different'), []);
  });

  test('splitTarget', () => {
    assert.deepStrictEqual(splitTarget('id'), { path: '', fragment: 'id' });
    assert.deepStrictEqual(splitTarget('#id'), { path: '', fragment: 'id' });
    assert.deepStrictEqual(splitTarget('../x/o.md#id'), { path: '../x/o.md', fragment: 'id' });
    // A file name may hold a # (written %23 in Markdown, decoded by the outline); an id never does.
    assert.deepStrictEqual(splitTarget('notes #2.md#id'), { path: 'notes #2.md', fragment: 'id' });
  });
});

/** A path segment as file systems allow it: anything but `/`, and not `.` or `..`. */
const segment = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', '#', '%', '.', '-', '(', ')', '?'), minLength: 1, maxLength: 5 })
  .filter((s) => s !== '.' && s !== '..');
const absPath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);

suite('paths', () => {
  test('normalize, dirname, basename: examples', () => {
    assert.strictEqual(normalize('/a/./b/../c'), '/a/c');
    assert.strictEqual(normalize('a//b/'), 'a/b');
    assert.strictEqual(normalize('/../a'), '/../a');
    assert.strictEqual(normalize('../../a/b/..'), '../../a');
    assert.strictEqual(dirname('/a/b.md'), '/a');
    assert.strictEqual(dirname('/b.md'), '/');
    assert.strictEqual(dirname('b.md'), '.');
    assert.strictEqual(basename('/a/b.md'), 'b.md');
  });

  test('property: normalize is idempotent and leaves no ".", no empty segment, and ".." only in front', () => {
    const messy = fc.array(fc.oneof(segment, fc.constantFrom('.', '..', '')), { maxLength: 8 }).chain((parts) => fc.boolean().map((abs) => (abs ? '/' : '') + parts.join('/')));
    fc.assert(fc.property(messy, (p) => {
      const n = normalize(p);
      assert.strictEqual(normalize(n), n);
      const parts = n.split('/').filter((x, i) => !(i === 0 && x === ''));
      assert.ok(!parts.includes('.') && (n === '' || n === '/' || !parts.includes('')), n);
      const firstNonUp = parts.findIndex((x) => x !== '..');
      assert.ok(firstNonUp < 0 || !parts.slice(firstNonUp).includes('..'), n);
    }), { numRuns: 500 });
  });

  test('property: resolveFrom(from, relativeTo(from, to)) is to', () => {
    fc.assert(fc.property(absPath, absPath, (from, to) => {
      assert.strictEqual(resolveFrom(from, relativeTo(from, to)), to);
    }), { numRuns: 1000 });
  });

  test('property: a path inside a root stays inside; one climbing out never is', () => {
    fc.assert(fc.property(absPath, fc.array(segment, { maxLength: 4 }), fc.nat({ max: 6 }), (root, down, up) => {
      const inside = `${root}/${down.join('/')}`;
      assert.ok(isInside(root, inside));
      const climbed = normalize(`${inside}/${'../'.repeat(up)}x`);
      assert.strictEqual(isInside(root, climbed), up <= down.length, climbed);
    }), { numRuns: 1000 });
  });

  test('property: linkTarget resolves back to its claim, whatever the file names', () => {
    fc.assert(fc.property(absPath, absPath, (from, to) => {
      fc.pre(from !== to);
      const g = new ClaimGraph([
        { path: from, annotations: [{ id: 'here', kind: 'claim', title: 'H' }] },
        { path: to, annotations: [{ id: 'there', kind: 'claim', title: 'T' }] },
      ]);
      const claim = g.claim(to, 'there')!;
      const r = g.resolve(from, g.linkTarget(from, claim));
      assert.ok(r.kind === 'claim' && r.claim.essay === to && r.claim.id === 'there', `${from} → ${g.linkTarget(from, claim)}: ${JSON.stringify(r)}`);
    }), { numRuns: 1000 });
  });

  test('property: edit distance is a metric on ids', () => {
    const id = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 8 });
    fc.assert(fc.property(id, id, id, (a, b, c) => {
      assert.strictEqual(editDistance(a, a), 0);
      assert.strictEqual(editDistance(a, b), editDistance(b, a));
      assert.ok(editDistance(a, c) <= editDistance(a, b) + editDistance(b, c));
      assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
    }), { numRuns: 500 });
  });
});

suite('slug', () => {
  test('slugify: readable ASCII slugs', () => {
    assert.strictEqual(slugify('Parallel depth bias!'), 'parallel-depth-bias');
    assert.strictEqual(slugify('  Café naïve — “SGD” prefers ÉLAN  '), 'cafe-naive-sgd-prefers-elan');
    assert.strictEqual(slugify(''), 'claim');
    assert.strictEqual(slugify('!!! ???'), 'claim');
    assert.strictEqual(slugify('深度学习'), 'claim');
    const long = slugify('word '.repeat(40));
    assert.ok(long.length <= 60 && !long.endsWith('-'), long);
  });

  test('property: slugify always gives a valid claim id', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (title) => {
      const s = slugify(title);
      assert.ok(isSlug(s), JSON.stringify(s));
      assert.ok(s.length <= 60);
    }), { numRuns: 1000 });
  });

  test('uniqueSlug: the base, else the first free -2, -3…', () => {
    const taken = new Set(['claim', 'claim-2', 'claim-3']);
    assert.strictEqual(uniqueSlug('claim', (id) => taken.has(id)), 'claim-4');
    assert.strictEqual(uniqueSlug('free', (id) => taken.has(id)), 'free');
  });

  test('isSlug', () => {
    for (const ok of ['a', 'a-b', 'a1-2b']) assert.ok(isSlug(ok), ok);
    for (const bad of ['', '-a', 'a-', 'a--b', 'A', 'a_b', 'a b', 'x'.repeat(201)]) assert.ok(!isSlug(bad), bad);
  });
});
