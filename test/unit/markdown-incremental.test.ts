import * as assert from 'assert';
import fc from 'fast-check';
import { OutlineCancelledError, OutlineIndex, parseOutline, type Outline } from '../../src/core/markdown';
import { generateEssay } from '../../bench/essay';

/** Everything an outline says, as plain data. */
function snapshot(outline: Outline): object {
  const { blocks, headings, sections, links, problems } = outline;
  return { blocks, headings, sections, links, problems };
}

function apply(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

// Pieces of Markdown that change block structure when typed or deleted anywhere.
const PIECES = [
  'a', 'word ', ' ', '\n', '\n\n', '\r\n', '\r', '```', '~~~', '- ', '* ', '+ ', '1. ', '2) ', '> ', '>',
  '[x]: /u', '[x]', '[x][]', '[y]: #h "t"', '[Y]', '[^1]', '[^1]: note', '# ', '## ', '===', '---', '+++',
  '| a | b |\n| - | - |\n', '| c |', '<!--', '-->', '<div>', '</div>', '<script>', '</script>', '    ', '\t',
  '[link](#h)', '[p](../r.md#c)', '😀', '\\', '*', '_', '`', '\ufeff',
];

// Lines that make realistic documents to edit.
const LINES = [
  '# Title', '## Section', 'Setext', '===', '---', 'A paragraph with [a link](#section) and text.',
  'lazy continuation line', '', '', '', '- item', '- [x] done', '  - nested item', '1. first', '2. second',
  '> quote', '> > deeper', '```', 'code()', '```', '~~~ts', '~~~', '    indented code', '| a | b |', '| - | - |',
  '| 1 | 2 |', '[x]: /u', '[ref]: ../r.md#c "Title"', 'See [ref] and [x][].', 'A note[^1].', '[^1]: The note.',
  '    continued note', '<!-- comment', '-->', '<div>', '</div>', '<script>', '</script>', 'Emoji 😀 here.',
  '---', 'title: x', '+++', 'Plain words.', '***', '  # spaced heading', '> -', '> 2. two', '-', '<custom-tag>',
  '\tindented by a tab', '\n    code after a blank\n\n> -\nnot lazy', '\n    code\n\n> 2. two\nthree',
];

const document = fc.array(fc.constantFrom(...LINES), { maxLength: 24 }).chain((lines) =>
  fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol) + (lines.length > 0 ? eol : '')));

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 12 }),
  insert: fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }).map((pieces) => pieces.join('')),
});

suite('markdown: incremental index equals a full parse', () => {
  test('random edit sequences, one edit per event', () => {
    fc.assert(fc.property(document, fc.array(edit, { minLength: 1, maxLength: 8 }), fc.constantFrom(0, 64, 8192), (base, edits, chunkChars) => {
      const index = new OutlineIndex(base, { chunkChars });
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(base)));
      let text = base;
      for (const e of edits) {
        const start = e.at % (text.length + 1);
        const end = Math.min(text.length, start + e.remove);
        text = apply(text, start, end, e.insert);
        index.update(text, [{ start, end, text: e.insert }]);
        assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)), JSON.stringify(text));
      }
      // Valid edits never need a whole-text re-index.
      assert.strictEqual(index.stats.fullParses, 1);
    }), { numRuns: 200 });
  });

  test('random change events with several edits', () => {
    fc.assert(fc.property(document, fc.array(fc.array(edit, { minLength: 2, maxLength: 12 }), { minLength: 1, maxLength: 3 }), (base, events) => {
      const index = new OutlineIndex(base, { chunkChars: 0 });
      let text = base;
      for (const event of events) {
        // Non-overlapping edits in old-text offsets, given in random order as VS Code may.
        const cuts = event.map((e) => e.at % (text.length + 1)).sort((a, b) => a - b);
        const edits = event.map((e, i) => ({
          start: cuts[i],
          end: Math.min(cuts[i] + e.remove, i + 1 < cuts.length ? cuts[i + 1] : text.length),
          text: e.insert,
        })).filter((e, i, all) => i === 0 || e.start > all[i - 1].start);
        let next = text;
        for (const e of [...edits].reverse()) next = apply(next, e.start, e.end, e.text);
        index.update(next, edits.reverse());
        text = next;
        assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)), JSON.stringify(text));
      }
      assert.strictEqual(index.stats.fullParses, 1);
    }), { numRuns: 100 });
  });

  test('random edits around a passage too deeply nested to parse', () => {
    const deep = '> '.repeat(100) + 'deep';
    const withDeep = fc.tuple(document, document).map(([a, b]) => `${a}\n\n${deep}\n\n${b}`);
    fc.assert(fc.property(withDeep, fc.array(edit, { minLength: 1, maxLength: 6 }), (base, edits) => {
      const index = new OutlineIndex(base, { chunkChars: 0 });
      let text = base;
      for (const e of edits) {
        const start = e.at % (text.length + 1);
        const end = Math.min(text.length, start + e.remove);
        text = apply(text, start, end, e.insert);
        index.update(text, [{ start, end, text: e.insert }]);
        assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)), JSON.stringify(text));
      }
    }), { numRuns: Number(process.env.DEEP_RUNS ?? 60) });
  });

  test('edits that do not fit the texts fall back to a full re-index', () => {
    const index = new OutlineIndex('# A\n\ntext\n');
    index.update('# B\n\ntext\n', [{ start: 0, end: 99, text: '' }]);
    assert.strictEqual(index.stats.fullParses, 2);
    assert.strictEqual(index.outline.headings[0].text, 'B');
    index.update('# C\n\ntext\n', []);
    assert.strictEqual(index.stats.fullParses, 3);
    assert.strictEqual(index.outline.headings[0].text, 'C');
  });
});

suite('markdown: incremental cases that defeat a naive window', () => {
  /** Applies the edit that turns `before` into `after` (one replaced span) and compares with a full parse. */
  function check(before: string, after: string, chunkChars = 0): OutlineIndex {
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let tail = 0;
    while (tail < before.length - start && tail < after.length - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
    const index = new OutlineIndex(before, { chunkChars });
    index.update(after, [{ start, end: before.length - tail, text: after.slice(start, after.length - tail) }]);
    assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(after)));
    return index;
  }

  const tail = Array.from({ length: 20 }, (_, i) => `# Part ${i}\n\nText ${i} with [ref].\n\n- item\n\n> quote\n`).join('\n');

  test('opening a code fence swallows the rest, closing it gives it back', () => {
    const before = `Intro.\n\n${tail}`;
    const opened = check(before, `Intro.\n\n\`\`\`\n${tail}`);
    assert.strictEqual(opened.outline.blocks.length, 2);
    check(`Intro.\n\n\`\`\`\n${tail}`, `Intro.\n\n\`\`\`\n\`\`\`\n${tail}`);
  });

  test('an HTML comment left open swallows the rest', () => {
    check(`Intro.\n\n${tail}`, `Intro.\n\n<!--\n${tail}`);
    check(`Intro.\n\n<!--\n${tail}`, `Intro.\n\n<!-- -->\n${tail}`);
  });

  test('a list marker joins the list before it; a loose list continues across blank lines', () => {
    check('- a\n\nb\n\nc\n', '- a\n\n- b\n\nc\n');
    check('- a\n\n  b\n\nc\n', '- a\n\n  b\n\n  c\n');
    check('1. a\n\nx\n\n2. b\n', '1. a\n\n2. b\n');
  });

  test('lazy continuation and setext underlines reach back into the block before', () => {
    check('> quote\n\nlazy\n', '> quote\nlazy\n');
    check('Title\n\nnext\n', 'Title\n===\n\nnext\n');
    check('Title\n\n---\n\nnext\n', 'Title\n---\n\nnext\n');
  });

  test('after indented code micromark parses the next block as interrupting, across blank lines', () => {
    // `> -` alone is a quote holding an empty list item; after indented code it is a quote whose
    // paragraph takes the next line lazily.
    check('    code\n\nx\n\n> -\nb\n', '    code\n\n> -\nb\n');
    check('    code\n\n> -\nb\n', '    code\n\nx\n\n> -\nb\n');
    check('    code\n\n\n> 2. x\ny\n', '    code\n\n\n> 2. x\ny\nz\n');
    const text = 'Intro.\n\n    code\n\n> -\nb\n\n# After\n';
    assert.deepStrictEqual(snapshot(new OutlineIndex(text, { chunkChars: 0 }).outline), snapshot(parseOutline(text)));
  });

  test('table rows and footnote continuations', () => {
    check('| a | b |\n| - | - |\n\nrow\n', '| a | b |\n| - | - |\nrow\n');
    check('[^1]: note\n\ncontinued\n\nText[^1].\n', '[^1]: note\n\n    continued\n\nText[^1].\n');
  });

  test('a definition added, changed or removed re-resolves references anywhere', () => {
    const body = `See [ref] here.\n\n${tail}\n\nAnd [ref] again.\n`;
    const added = check(body, `${body}\n[ref]: ../r.md#claim\n`);
    assert.ok(added.outline.links.some((l) => l.url === '../r.md#claim' && l.start < 20));
    const removed = check(`${body}\n[ref]: ../r.md#claim\n`, body);
    assert.strictEqual(removed.outline.links.filter((l) => l.url === '../r.md#claim').length, 0);
    const changed = check(`${body}\n[ref]: ../r.md#claim\n`, `${body}\n[ref]: ../s.md#other\n`);
    assert.ok(changed.outline.links.some((l) => l.path === '../s.md' && l.fragment === 'other'));
    // An earlier definition of the same label wins over a later one.
    check(`[ref]: #first\n\n${body}\n[ref]: #second\n`, `[ref]: #first\n\n${body}\n[ref]: #second\n`.replace('[ref]: #first', '[ref]: #third'));
  });

  test('a footnote definition turns [^1] into a call, which changes heading text and slugs', () => {
    const index = check(`# Claim[^1]\n\n${tail}`, `# Claim[^1]\n\n${tail}\n[^1]: A note.\n`);
    assert.strictEqual(index.outline.headings[0].text, 'Claim');
    check(`# Claim[^1]\n\n${tail}\n[^1]: A note.\n`, `# Claim[^1]\n\n${tail}\n`);
  });

  test('front matter exists only at the very start and may end at any later fence', () => {
    check(`title\n\n---\n\n${tail}`, `---\ntitle\n\n---\n\n${tail}`);
    check(`---\ntitle\n---\n\n${tail}`, `--\ntitle\n---\n\n${tail}`);
    check(`---\ntitle\n\n${tail}\n\n---\n`, `---\ntitle\n\n${tail}\n\n---\n`.replace('title', 'name'));
  });

  test('a BOM typed or deleted at the start', () => {
    check('# A\n\ntext\n', '\ufeff# A\n\ntext\n');
    check('\ufeff# A\n\ntext\n', '# A\n\ntext\n');
  });

  test('slugs of later headings follow an edit to an earlier one', () => {
    const index = check(`# Intro\n\n${tail}\n\n# Intro\n`, `# Part 3\n\n${tail}\n\n# Intro\n`);
    assert.deepStrictEqual(index.outline.headings.filter((h) => h.text === 'Part 3').map((h) => h.slug), ['part-3', 'part-3-1']);
  });
});

suite('markdown: large essays', () => {
  const essay = generateEssay(200_000, 11);

  test('a few dozen edits keep the index equal to a full parse, each re-parsing a small window', () => {
    const index = new OutlineIndex(essay);
    let text = essay;
    let seed = 3;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const windows: number[] = [];
    for (let i = 0; i < 36; i++) {
      const paragraphs = index.outline.blocks.filter((b) => b.kind === 'paragraph');
      const p = paragraphs[next(paragraphs.length)];
      const at = p.start + next(p.end - p.start);
      const edits = [
        { start: at, end: at, text: 'x' },
        { start: at, end: at + 1, text: '' },
        { start: at, end: at, text: '\n\n## New heading\n\n' },
        { start: at, end: at, text: ' [again](#objections) ' },
      ];
      const e = edits[next(edits.length)];
      text = apply(text, e.start, e.end, e.text);
      index.update(text, [e]);
      windows.push(index.stats.lastReparsedChars);
    }
    assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)));
    assert.strictEqual(index.stats.fullParses, 1);
    windows.sort((a, b) => a - b);
    assert.ok(windows[windows.length >> 1] < 2_000, `median window ${windows[windows.length >> 1]}`);
  });

  test('a one-character edit in a paragraph re-parses only that paragraph', () => {
    const index = new OutlineIndex(essay);
    const paragraphs = index.outline.blocks.filter((b) => b.kind === 'paragraph');
    const p = paragraphs[paragraphs.length >> 1];
    const at = p.start + 5;
    index.update(apply(essay, at, at, 'y'), [{ start: at, end: at, text: 'y' }]);
    assert.ok(index.stats.lastReparsedChars <= p.end - p.start + 8, `re-parsed ${index.stats.lastReparsedChars}`);
    assert.ok(index.stats.lastReparsedChars > 0);
  });

  test('the first index built in slices equals a full parse and yields between chunks', async () => {
    let yields = 0;
    const index = await OutlineIndex.build(essay, {
      sliceMs: 5,
      yieldFn: async () => {
        yields++;
      },
    });
    assert.ok(yields > 3, `yielded ${yields} times`);
    assert.deepStrictEqual(snapshot(index.outline), snapshot(new OutlineIndex(essay).outline));
  });

  test('building stops when cancelled', async () => {
    const signal = { cancelled: false };
    const built = OutlineIndex.build(essay, {
      sliceMs: 1,
      signal,
      yieldFn: async () => {
        signal.cancelled = true;
      },
    });
    await assert.rejects(built, OutlineCancelledError);
  });

  test('a chunked first index equals one full parse', () => {
    const text = generateEssay(60_000, 5).replace(/\n/g, (m, i: number) => (i % 7 === 0 ? '\r\n' : m));
    const full = snapshot(parseOutline(text));
    for (const chunkChars of [0, 1000, 8192]) assert.deepStrictEqual(snapshot(new OutlineIndex(text, { chunkChars }).outline), full);
  });
});
