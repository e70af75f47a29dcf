import * as assert from 'assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderW3c } from '../../src/core/export/w3c';
import { codePointSlice, essayText, fixtureInput, HOSTILE_TAG, repoRoot } from '../fixtures/export/input';
import { errorsOf, w3cValidator } from '../fixtures/export/schemas';

interface Body { id?: string; type: string; purpose: string; value?: string; label?: string; source?: string | { id: string; label: string } }
interface Selector { type: string; exact?: string; prefix?: string; suffix?: string; start?: number; end?: number }
interface Anno {
  id: string; type: string; motivation: string; created?: string; modified?: string; body?: Body[];
  target: { type: string; source: string; selector: Selector[] };
}

const CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

suite('export: W3C Web Annotation', () => {
  const input = fixtureInput();
  const doc = JSON.parse(renderW3c(input));
  const items: Anno[] = doc.first.items;
  const byId = (id: string) => items[input.excerpts.findIndex((e) => e.id === id)];
  const validate = w3cValidator();

  test('validates against the Web Annotation collection schema', () => {
    assert.ok(validate(doc), errorsOf(validate));
  });

  test('a collection with one embedded page holding every excerpt, in order', () => {
    assert.strictEqual(doc['@context'], CONTEXT);
    assert.strictEqual(doc.type, 'AnnotationCollection');
    assert.strictEqual(doc.label, input.title);
    assert.strictEqual(doc.total, input.excerpts.length);
    assert.strictEqual(items.length, input.excerpts.length);
    assert.strictEqual(doc.first.type, 'AnnotationPage');
    assert.strictEqual(doc.first.startIndex, 0);
    assert.strictEqual(doc.last, doc.first.id);
    assert.match(doc.id, /^urn:cruxmark:export:[0-9a-f]{32}$/);
  });

  test('annotation ids are stable IRIs from essay and annotation id', () => {
    assert.deepStrictEqual(items.map((a) => a.id), input.excerpts.map((e) => `urn:cruxmark:annotation:${e.document.split('/').map((s) => encodeURIComponent(s).replace(/[()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/')}#${e.id}`));
    assert.strictEqual(new Set(items.map((a) => a.id)).size, items.length);
    assert.deepStrictEqual(JSON.parse(renderW3c(fixtureInput())), doc);
    assert.strictEqual(byId('parallel-depth-bias').id, 'urn:cruxmark:annotation:essays/replies%20%28draft%29/pope-reply.md#parallel-depth-bias');
  });

  test('selectors locate the passage in the essay, in code points', () => {
    for (const [i, e] of input.excerpts.entries()) {
      const a = items[i];
      const quote = a.target.selector.find((s) => s.type === 'TextQuoteSelector')!;
      assert.deepStrictEqual(quote, { type: 'TextQuoteSelector', exact: e.text, prefix: e.prefix, suffix: e.suffix });
      const position = a.target.selector.find((s) => s.type === 'TextPositionSelector');
      if (e.status === 'detached') {
        assert.strictEqual(position, undefined, 'a detached passage has no position');
        continue;
      }
      const essay = essayText(e.document);
      assert.strictEqual(codePointSlice(essay, position!.start!, position!.end!), e.text, e.id);
      assert.ok(codePointSlice(essay, 0, position!.start!).endsWith(e.prefix), `prefix of ${e.id}`);
      assert.ok(codePointSlice(essay, position!.end!, Infinity).startsWith(e.suffix), `suffix of ${e.id}`);
    }
    // Non-BMP characters count once: the opening passage ends with two of them.
    assert.deepStrictEqual(byId('opening').target.selector[1], { type: 'TextPositionSelector', start: 0, end: 68 });
  });

  test('the target source is the essay, relative to the exported file and percent-encoded', () => {
    const base = pathToFileURL(join(repoRoot(), 'test/fixtures/export', input.outputDir) + '/');
    for (const [i, e] of input.excerpts.entries()) {
      const source = items[i].target.source;
      assert.ok(!/^[a-z]+:|^\//i.test(source) && !/[\s()]/.test(source), source);
      const file = fileURLToPath(new URL(source, base));
      assert.ok(existsSync(file) && file.endsWith(e.document), `${source} → ${e.document}`);
    }
    assert.strictEqual(byId('parallel-depth-bias').target.source, '../../essays/replies%20%28draft%29/pope-reply.md');
  });

  test('bodies: tags, kind, title, note and relations', () => {
    const core = byId('counting-core');
    assert.strictEqual(core.motivation, 'tagging');
    assert.deepStrictEqual(core.body!.filter((b) => b.purpose === 'tagging').map((b) => [b.id, b.value]), [
      ['urn:cruxmark:tag:counting-argument', 'Counting argument'],
      ['urn:cruxmark:tag:simplicity-prior', 'Simplicity prior'],
    ]);
    assert.deepStrictEqual(core.body!.filter((b) => b.purpose === 'classifying').map((b) => b.value), ['claim']);
    assert.deepStrictEqual(core.body!.filter((b) => b.purpose === 'describing').map((b) => b.value), ['Deceptive models outnumber aligned ones']);
    assert.deepStrictEqual(core.body!.filter((b) => b.purpose === 'commenting').map((b) => b.value), [input.excerpts[1].note]);
    // Relation bodies point at the target claim's own annotation IRI.
    const links = core.body!.filter((b) => b.purpose === 'linking');
    assert.deepStrictEqual(links.map((b) => [b.type, b.label, b.source]), [
      ['SpecificResource', 'supports', { id: byId('deception-is-simpler').id, label: 'Deception is simpler' }],
      ['SpecificResource', 'opposes', { id: byId('parallel-depth-bias').id, label: 'Depth <i>bias</i>' }],
    ]);
    const back = byId('parallel-depth-bias').body!.find((b) => b.purpose === 'linking')!;
    assert.deepStrictEqual(back.source, { id: byId('deception-is-simpler').id, label: 'Deception is simpler' });
    assert.deepStrictEqual(byId('reward-not-goal').body!.find((b) => b.purpose === 'linking')!.source, byId('counting-core').id);
  });

  test('unknown tags keep their id as label; untagged claims are described, not tagged', () => {
    assert.deepStrictEqual(byId('unknown-tag').body!.filter((b) => b.purpose === 'tagging').map((b) => b.value), ['no-such-tag']);
    assert.deepStrictEqual(byId('speed-prior').body!.filter((b) => b.purpose === 'tagging').map((b) => b.value), [HOSTILE_TAG.label]);
    const untagged = byId('reward-not-goal');
    assert.strictEqual(untagged.motivation, 'describing');
    assert.deepStrictEqual(untagged.body!.filter((b) => b.purpose === 'tagging'), []);
  });

  test('times are xsd:dateTime in UTC', () => {
    assert.strictEqual(byId('detached-1').created, '2026-02-01T07:00:00.000Z');
    assert.strictEqual(byId('detached-1').modified, '2026-02-03T08:00:00Z');
    assert.strictEqual(byId('opening').modified, '2026-03-02T17:05:12.250Z');
    for (const a of items) assert.match(`${a.created} ${a.modified}`, /^\S+Z \S+Z$/);
    const odd = fixtureInput({ excerpts: [{ ...input.excerpts[0], created: 'last Tuesday', updated: '2026-03-02T17:05:12' }] });
    const anno = JSON.parse(renderW3c(odd)).first.items[0];
    // An unreadable time, or one without an offset, is left out rather than guessed.
    assert.ok(!('created' in anno) && !('modified' in anno));
    assert.ok(validate(JSON.parse(renderW3c(odd))), errorsOf(validate));
  });

  test('an empty export is a valid collection without pages', () => {
    const empty = JSON.parse(renderW3c(fixtureInput({ excerpts: [] }))) as Record<string, unknown>;
    assert.ok(validate(empty), errorsOf(validate));
    assert.strictEqual(empty.total, 0);
    assert.ok(!('first' in empty) && !('last' in empty));
  });
});

suite('export: W3C schema (written from the model, not from our output)', () => {
  const collection = w3cValidator();
  const annotation = w3cValidator('annotationDocument');
  const anno = (extra: object) => ({ '@context': CONTEXT, id: 'http://example.org/anno1', type: 'Annotation', target: 'http://example.com/page1', ...extra });

  test('accepts the model\'s own examples', () => {
    const examples: object[] = [
      anno({ body: 'http://example.org/post1' }),
      anno({ body: { type: 'TextualBody', value: '<p>j\'adore !</p>', format: 'text/html', language: 'fr' } }),
      anno({ body: ['http://example.org/description1', { type: 'TextualBody', value: 'tag1' }], target: ['http://example.org/image1', 'http://example.org/image2'] }),
      anno({ motivation: 'bookmarking', body: [{ type: 'TextualBody', value: 'readme', purpose: 'tagging' }, { type: 'TextualBody', value: 'A good description', purpose: 'describing' }] }),
      anno({ body: { type: 'SpecificResource', purpose: 'tagging', source: 'http://example.org/city1' }, target: { id: 'http://example.org/photo1', type: 'Image' } }),
      anno({ target: { source: 'http://example.org/page1', selector: { type: 'TextQuoteSelector', exact: 'anotation', prefix: 'this is an ', suffix: ' that has some' } } }),
      anno({ target: { source: 'http://example.org/ebook1', selector: { type: 'TextPositionSelector', start: 412, end: 795 } } }),
      anno({ target: { source: 'http://example.org/page1', selector: { type: 'FragmentSelector', value: 'para5', refinedBy: { type: 'TextQuoteSelector', exact: 'Selected Text' } } } }),
      anno({ bodyValue: 'Comment text' }),
      anno({ creator: 'http://example.org/user1', created: '2015-01-28T12:00:00Z', modified: '2015-01-29T09:00:00Z', generator: 'http://example.org/client1', generated: '2015-02-04T12:00:00Z' }),
      anno({ '@context': [CONTEXT, { ex: 'http://example.org/ns#' }], type: ['Annotation', 'ex:Note'] }),
    ];
    for (const example of examples) assert.ok(annotation(example), `${JSON.stringify(example)}\n${errorsOf(annotation)}`);
    const embedded = {
      '@context': CONTEXT,
      id: 'http://example.org/collection1',
      type: 'AnnotationCollection',
      label: 'Two Annotations',
      total: 2,
      first: {
        id: 'http://example.org/page1',
        type: 'AnnotationPage',
        startIndex: 0,
        items: [
          { id: 'http://example.org/anno1', type: 'Annotation', body: 'http://example.net/comment1', target: 'http://example.com/book/chapter1' },
          { id: 'http://example.org/anno2', type: 'Annotation', body: 'http://example.net/comment2', target: 'http://example.com/book/chapter2' },
        ],
      },
    };
    assert.ok(collection(embedded), errorsOf(collection));
    const byReference = { '@context': CONTEXT, id: 'http://example.org/collection1', type: 'AnnotationCollection', label: 'Steampunk Annotations', total: 42023, first: 'http://example.org/page1', last: 'http://example.org/page42' };
    assert.ok(collection(byReference), errorsOf(collection));
  });

  test('rejects malformed annotations', () => {
    const bad: [string, object][] = [
      ['no target', { ...anno({}), target: undefined }],
      ['no id', { ...anno({}), id: undefined }],
      ['relative id', anno({ id: 'anno1' })],
      ['type without Annotation', anno({ type: 'Note' })],
      ['missing @context', { ...anno({}), '@context': undefined }],
      ['one @context in an array', anno({ '@context': [CONTEXT] })],
      ['wrong @context', anno({ '@context': 'http://www.w3.org/ns/activitystreams' })],
      ['unknown motivation', anno({ motivation: 'flagging' })],
      ['TextualBody without value', anno({ body: { type: 'TextualBody', purpose: 'tagging' } })],
      ['TextualBody with two values', anno({ body: { type: 'TextualBody', value: ['a', 'b'] } })],
      ['unknown purpose', anno({ body: { type: 'TextualBody', value: 'x', purpose: 'liking' } })],
      ['body and bodyValue', anno({ body: 'http://example.org/b', bodyValue: 'x' })],
      ['SpecificResource without source', anno({ target: { type: 'SpecificResource', selector: { type: 'TextQuoteSelector', exact: 'x' } } })],
      ['TextQuoteSelector without exact', anno({ target: { source: 'http://example.org/p', selector: { type: 'TextQuoteSelector', prefix: 'a' } } })],
      ['negative TextPositionSelector', anno({ target: { source: 'http://example.org/p', selector: { type: 'TextPositionSelector', start: -1, end: 4 } } })],
      ['fractional TextPositionSelector', anno({ target: { source: 'http://example.org/p', selector: { type: 'TextPositionSelector', start: 1.5, end: 4 } } })],
      ['TextPositionSelector without end', anno({ target: { source: 'http://example.org/p', selector: { type: 'TextPositionSelector', start: 1 } } })],
      ['created not in UTC', anno({ created: '2026-03-01T09:30:00+01:00' })],
      ['created without time', anno({ created: '2026-03-01' })],
      ['empty target list', anno({ target: [] })],
      ['target object without id or source', anno({ target: { type: 'Text' } })],
      ['source with a space', anno({ target: { source: 'essays/my essay.md' } })],
      ['bad textDirection', anno({ body: { type: 'TextualBody', value: 'x', textDirection: 'up' } })],
    ];
    for (const [name, value] of bad) {
      const json = JSON.parse(JSON.stringify(value));
      assert.strictEqual(annotation(json), false, `accepted: ${name}`);
    }
  });

  test('rejects malformed collections and pages, and a bad annotation inside one', () => {
    const ok = JSON.parse(renderW3c(fixtureInput()));
    assert.ok(collection(ok), errorsOf(collection));
    const mutations: [string, (c: { first: { items: Record<string, unknown>[] } } & Record<string, unknown>) => void][] = [
      ['no @context', (c) => delete c['@context']],
      ['not a collection', (c) => (c.type = 'AnnotationPage')],
      ['negative total', (c) => (c.total = -1)],
      ['annotations but no first page', (c) => delete (c as Partial<typeof c>).first],
      ['empty page', (c) => (c.first.items = [])],
      ['page without id', (c) => delete (c.first as Record<string, unknown>).id],
      ['page of the wrong type', (c) => ((c.first as Record<string, unknown>).type = 'AnnotationCollection')],
      ['an annotation without target', (c) => delete (c.first.items[3] as Partial<Record<string, unknown>>).target],
      ['an annotation with a broken selector', (c) => (((c.first.items[0].target as { selector: object[] }).selector[1] as { start: unknown }).start = '0')],
      ['an annotation with a local-time created', (c) => (c.first.items[2].created = '2026-03-01T09:30:00')],
    ];
    for (const [name, mutate] of mutations) {
      const copy = JSON.parse(JSON.stringify(ok));
      mutate(copy);
      assert.strictEqual(collection(copy), false, `accepted: ${name}`);
    }
  });
});

