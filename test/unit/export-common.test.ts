import * as assert from 'assert';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  essayLink,
  groupByTag,
  lineSpan,
  normalizePath,
  placementTags,
  relationTarget,
  relativePath,
  validHexColor,
} from '../../src/core/export/common';
import { EXPORT_FORMATS, fileExtension, isExportFormat, quoteWithCitation, renderExport } from '../../src/core/export/index';
import { sha256, toBase64, toHex } from '../../src/core/export/sha256';
import { fixtureInput } from '../fixtures/export/input';

suite('export: entry point', () => {
  test('every format renders, deterministically, and has an extension', () => {
    assert.deepStrictEqual([...EXPORT_FORMATS], ['md', 'csv', 'json', 'w3c', 'html']);
    assert.deepStrictEqual(EXPORT_FORMATS.map(fileExtension), ['md', 'csv', 'json', 'jsonld', 'html']);
    const outputs = EXPORT_FORMATS.map((f) => renderExport(f, fixtureInput()));
    assert.deepStrictEqual(EXPORT_FORMATS.map((f) => renderExport(f, fixtureInput())), outputs);
    assert.strictEqual(new Set(outputs).size, EXPORT_FORMATS.length);
    assert.ok(outputs[0].startsWith('# '));
    assert.ok(outputs[1].startsWith('\ufeffid,document,'));
    assert.strictEqual(JSON.parse(outputs[2]).format, 'cruxmark-export');
    assert.strictEqual(JSON.parse(outputs[3]).type, 'AnnotationCollection');
    assert.ok(outputs[4].startsWith('<!DOCTYPE html>'));
  });

  test('format names are checked', () => {
    assert.ok(isExportFormat('w3c'));
    assert.ok(!isExportFormat('pdf'));
    assert.ok(!isExportFormat(undefined));
    assert.throws(() => renderExport('pdf' as never, fixtureInput()), /Unknown export format: pdf/);
  });

  test('quoteWithCitation is exported from the entry point', () => {
    const e = fixtureInput().excerpts[0];
    assert.strictEqual(quoteWithCitation(e, ''), [
      '> Training selects for whatever scores well, not for what we meant. 𝔸🧠',
      '',
      '— [essays/deceptive-alignment.md, line 1](essays/deceptive-alignment.md#L1)',
      '',
    ].join('\n'));
  });
});

suite('export: grouping', () => {
  const input = fixtureInput();

  test('groups follow the codebook, then unknown tags, then Untagged; nothing is dropped', () => {
    const groups = groupByTag(input);
    assert.deepStrictEqual(groups.map((g) => g.tag?.id ?? '(untagged)'), [
      'counting-argument', 'simplicity-prior', 'reward-as-update-strength', 'mesa-optimizer', 'no-such-tag', '(untagged)',
    ]);
    const listed = new Set(groups.flatMap((g) => g.excerpts.map((e) => e.id)));
    assert.deepStrictEqual([...listed].sort(), input.excerpts.map((e) => e.id).sort());
    assert.deepStrictEqual(groups[4].tag, { id: 'no-such-tag', label: 'no-such-tag', color: '#6b7280', definition: '', known: false });
  });

  test('a filter lists an excerpt under the requested tags, but never drops one that has none of them', () => {
    const both = input.excerpts.find((e) => e.id === 'counting-core')!;
    assert.deepStrictEqual(placementTags(both, ['simplicity-prior']), ['simplicity-prior']);
    assert.deepStrictEqual(placementTags(both, []), ['counting-argument', 'simplicity-prior']);
    assert.deepStrictEqual(placementTags(both, ['reward-as-update-strength']), ['counting-argument', 'simplicity-prior']);
    const groups = groupByTag({ ...input, filterTags: ['reward-as-update-strength'] });
    assert.strictEqual(new Set(groups.flatMap((g) => g.excerpts)).size, input.excerpts.length);
  });
});

suite('export: paths and lines', () => {
  test('relative paths between workspace folders', () => {
    assert.strictEqual(relativePath('', 'essays/x.md'), 'essays/x.md');
    assert.strictEqual(relativePath('essays', 'essays/x.md'), 'x.md');
    assert.strictEqual(relativePath('exports', 'essays/x.md'), '../essays/x.md');
    assert.strictEqual(relativePath('a/b/c', 'a/x.md'), '../../x.md');
    assert.strictEqual(relativePath('./essays/', 'essays/sub/x.md'), 'sub/x.md');
    assert.strictEqual(relativePath('x.md', 'x.md'), '../x.md');
    assert.strictEqual(normalizePath('a/./b/../c//d'), 'a/c/d');
  });

  test('relation targets resolve against the essay folder', () => {
    const e = { ...fixtureInput().excerpts[0], document: 'essays/a/one.md' };
    assert.deepStrictEqual(relationTarget(e, { relation: 'supports', target: 'claim' }), { document: 'essays/a/one.md', id: 'claim' });
    assert.deepStrictEqual(relationTarget(e, { relation: 'supports', target: '../b/two.md#c' }), { document: 'essays/b/two.md', id: 'c' });
    assert.deepStrictEqual(relationTarget(e, { relation: 'supports', target: '#c' }), { document: 'essays/a/one.md', id: 'c' });
  });

  test('a passage ending just after a line break does not claim the next line', () => {
    const e = fixtureInput().excerpts[0];
    const ending = { ...e, start: { offset: 0, line: 3, column: 1 }, end: { offset: 40, line: 5, column: 1 } };
    assert.deepStrictEqual(lineSpan(ending), { first: 3, last: 4 });
    assert.strictEqual(essayLink(ending, ''), 'essays/deceptive-alignment.md#L3-L4');
    const empty = { ...e, start: { offset: 9, line: 2, column: 1 }, end: { offset: 9, line: 2, column: 1 } };
    assert.deepStrictEqual(lineSpan(empty), { first: 2, last: 2 });
    assert.strictEqual(lineSpan({ ...e, start: null, end: null }), undefined);
  });

  test('only hex colours pass', () => {
    for (const ok of ['#abc', '#ABCD', '#a1b2c3', '#a1b2c3d4']) assert.strictEqual(validHexColor(ok), ok.toLowerCase());
    for (const bad of ['red', '#abcde', '#ggg', '#abc;color:red', 'url(x)', ' #abc', '#abc\n', 7, undefined]) assert.strictEqual(validHexColor(bad), undefined);
  });
});

suite('export: sha256', () => {
  test('matches known vectors and node:crypto on any text', () => {
    assert.strictEqual(toHex(sha256('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.strictEqual(toHex(sha256('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
      const expected = createHash('sha256').update(s, 'utf8').digest();
      assert.strictEqual(toHex(sha256(s)), expected.toString('hex'));
      assert.strictEqual(toBase64(sha256(s)), expected.toString('base64'));
    }));
    // Lengths around the 55/56/64-byte padding boundaries.
    for (let n = 50; n < 140; n++) {
      const s = 'x'.repeat(n);
      assert.strictEqual(toHex(sha256(s)), createHash('sha256').update(s).digest('hex'), `length ${n}`);
    }
  });

  test('base64 of every length', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      assert.strictEqual(toBase64(bytes), Buffer.from(bytes).toString('base64'));
    }));
  });
});
