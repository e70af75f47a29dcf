import * as assert from 'assert';
import fc from 'fast-check';
import Papa from 'papaparse';
import { renderCsv } from '../../src/core/export/csv';
import type { Excerpt, ExportInput } from '../../src/core/export/model';
import { fixtureInput, HOSTILE } from '../fixtures/export/input';

const COLUMNS = [
  'id', 'document', 'section', 'tag', 'kind', 'claim_title', 'start_line', 'end_line',
  'start_offset', 'end_offset', 'text', 'note', 'relations', 'status',
];

/** Reads the CSV back the way a spreadsheet import would: header row, then records. */
function read(csv: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true, newline: '\r\n' });
  assert.deepStrictEqual(parsed.errors, []);
  assert.deepStrictEqual(parsed.meta.fields, COLUMNS);
  return parsed.data;
}

/** A formula-guarded cell starts with `'`, then possibly more `'`, then =, +, -, @, tab or CR. */
const GUARDED = /^''*[=+\-@\t\r]/;

function undoGuard(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}

/** The expected cells of an excerpt's row for one tag, written out from the documented columns. */
function expectedRow(e: Excerpt, tag: string): Record<string, string> {
  return {
    id: e.id,
    document: e.document,
    section: e.section.join(' > '),
    tag,
    kind: e.kind,
    claim_title: e.title ?? '',
    start_line: e.start ? String(e.start.line) : '',
    end_line: e.end ? String(e.end.line) : '',
    start_offset: e.start ? String(e.start.offset) : '',
    end_offset: e.end ? String(e.end.offset) : '',
    text: e.text,
    note: e.note ?? '',
    relations: e.relations.map((r) => `${r.relation}: ${r.target}`).join('; '),
    status: e.status,
  };
}

function expectedRows(input: ExportInput): Record<string, string>[] {
  return input.excerpts.flatMap((e) => (e.tags.length > 0 ? e.tags : ['']).map((t) => expectedRow(e, t)));
}

suite('export: CSV', () => {
  const input = fixtureInput();
  const csv = renderCsv(input);

  test('starts with a UTF-8 BOM, then the documented header', () => {
    assert.strictEqual(csv.charCodeAt(0), 0xfeff);
    assert.strictEqual(csv.slice(1, csv.indexOf('\r\n')), COLUMNS.join(','));
  });

  test('records end with CRLF; CR and LF appear only inside quoted fields', () => {
    assert.ok(csv.endsWith('\r\n'));
    const outsideQuotes = csv.replace(/"(?:[^"]|"")*"/g, '""');
    assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(outsideQuotes), 'a bare CR or LF outside quotes');
    // Newlines inside notes did force quoting.
    assert.ok(csv.includes('"Strong, but ""many"" is doing work here.\nSee also Hubinger,\r\nand the reply."'));
  });

  test('one row per excerpt and tag; every cell reads back as exported', () => {
    const rows = read(csv);
    const expected = expectedRows(input);
    assert.strictEqual(rows.length, input.excerpts.reduce((n, e) => n + Math.max(1, e.tags.length), 0));
    assert.strictEqual(rows.length, expected.length);
    rows.forEach((row, i) => {
      const restored = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, undoGuard(v)]));
      assert.deepStrictEqual(restored, expected[i], `row ${i + 1} (${expected[i].id})`);
    });
  });

  test('the untagged claim, the unknown tag and the detached passage are all there', () => {
    const rows = read(csv);
    const untagged = rows.filter((r) => r.id === 'reward-not-goal');
    assert.deepStrictEqual(untagged.map((r) => [r.tag, r.kind, r.claim_title]), [['', 'claim', 'Reward is not the optimisation target']]);
    assert.deepStrictEqual(rows.filter((r) => r.tag === 'no-such-tag').map((r) => r.id), ['unknown-tag']);
    const detached = rows.find((r) => r.id === 'detached-1')!;
    assert.deepStrictEqual([detached.status, detached.start_line, detached.end_line, detached.start_offset, detached.end_offset], ['detached', '', '', '', '']);
    assert.strictEqual(detached.text, 'Almost every goal is compatible with scoring well.');
  });

  test('no cell can start a formula', () => {
    const rows = read(csv);
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) {
        assert.ok(!/^[=+\-@\t\r]/.test(cell), `${row.id}.${column} starts a formula: ${JSON.stringify(cell)}`);
      }
    }
    const note = (id: string) => rows.find((r) => r.id === id)!.note;
    assert.strictEqual(note('counts-goals'), `'${HOSTILE.hyperlink}`);
    assert.strictEqual(note('deception-is-simpler'), "'+1");
    assert.strictEqual(note('speed-prior'), "'@SUM(A1)");
    assert.strictEqual(note('reward-not-goal'), "'\tled by a tab");
    assert.strictEqual(note('parallel-depth-bias'), "'\rled by a carriage return");
    // Already starts with an apostrophe before `=`: guarded again, so undoing the guard is exact.
    assert.strictEqual(note('depth-prior'), "''=already guarded?");
    assert.strictEqual(rows.find((r) => r.id === 'opening')!.note, HOSTILE.astral);
  });

  test('filtered: an excerpt is listed under the requested tags only', () => {
    const filtered = fixtureInput({ filterTags: ['counting-argument'], excerpts: input.excerpts.filter((e) => e.tags.includes('counting-argument')) });
    const rows = read(renderCsv(filtered));
    assert.deepStrictEqual(rows.map((r) => r.tag), Array<string>(filtered.excerpts.length).fill('counting-argument'));
    assert.deepStrictEqual(rows.map((r) => r.id), filtered.excerpts.map((e) => e.id));
  });

  test('empty export is just the header', () => {
    assert.strictEqual(renderCsv(fixtureInput({ excerpts: [] })), `\ufeff${COLUMNS.join(',')}\r\n`);
  });

  test('any text round-trips: quotes, separators, line ends, formulas, non-BMP', () => {
    const tricky = fc.constantFrom(...'",\r\n\t =+-@\';a𝔸🧠é'.split(''), '\r\n', '""', '=1+1', '\ufeff');
    const text = fc.oneof(fc.string({ unit: tricky, maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
    const base = input.excerpts[1];
    fc.assert(fc.property(fc.array(fc.record({ id: text.filter((s) => s !== ''), title: text, note: text, quote: text, section: fc.array(text, { maxLength: 3 }), tags: fc.array(text, { maxLength: 3 }) }), { minLength: 1, maxLength: 5 }), (records) => {
      const excerpts: Excerpt[] = records.map((r) => ({
        ...base,
        id: r.id,
        title: r.title,
        note: r.note,
        text: r.quote,
        section: r.section,
        tags: [...new Set(r.tags)],
      }));
      const generated = fixtureInput({ excerpts });
      const rows = read(renderCsv(generated));
      const expected = expectedRows(generated);
      assert.strictEqual(rows.length, expected.length);
      rows.forEach((row, i) => {
        assert.deepStrictEqual(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, undoGuard(v)])), expected[i]);
      });
    }));
  });
});
