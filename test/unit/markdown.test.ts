import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Nodes, Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import { OutlineIndex, parseOutline, type Outline, type OutlineBlock, type Section } from '../../src/core/markdown';
import { makeProcessor } from '../../src/core/markdown/parse';
import { generateEssay } from '../../bench/essay';

/** Everything an outline says, as plain data. */
function snapshot(outline: Outline): { blocks: unknown; headings: unknown; sections: unknown; links: unknown; problems: unknown } {
  const { blocks, headings, sections, links, problems } = outline;
  return JSON.parse(JSON.stringify({ blocks, headings, sections, links, problems }));
}

/** Asserts that every offset is inside the text and that blocks and sections nest and do not overlap. */
function assertWellFormed(outline: Outline): void {
  const n = outline.text.length;
  const stack: [readonly OutlineBlock[], number, number][] = [[outline.blocks, 0, n]];
  while (stack.length > 0) {
    const [blocks, lo, hi] = stack.pop()!;
    let previous = lo;
    for (const b of blocks) {
      assert.ok(b.start >= previous && b.start <= b.end && b.end <= hi, `${b.kind} [${b.start}, ${b.end}) outside [${previous}, ${hi})`);
      previous = b.end;
      stack.push([b.children, b.start, b.end]);
    }
  }
  for (const h of outline.headings) assert.ok(h.start >= 0 && h.start <= h.end && h.end <= n && h.slug === h.slug.toLowerCase());
  for (const l of outline.links) assert.ok(l.start >= 0 && l.start <= l.end && l.end <= n);
  const sections: [readonly Section[], number, number][] = [[outline.sections, 0, n]];
  while (sections.length > 0) {
    const [level, lo, hi] = sections.pop()!;
    let previous = lo;
    for (const s of level) {
      assert.ok(s.start >= previous && s.start <= s.end && s.end <= hi);
      previous = s.end;
      sections.push([s.children, s.start, s.end]);
    }
  }
}

const FIXTURES = [join(__dirname, '../../../test/fixtures/outline'), join(process.cwd(), 'test/fixtures/outline')].find((dir) => existsSync(dir))!;

suite('markdown: fixtures', () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.md')).sort();

  test('there are fixtures to check', () => {
    assert.ok(names.length >= 6, FIXTURES);
  });

  for (const name of names) {
    test(name, () => {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const outline = parseOutline(text);
      assertWellFormed(outline);
      const actual = snapshot(outline);
      const expectedFile = join(FIXTURES, name.replace(/\.md$/, '.json'));
      if (process.env.UPDATE === '1') writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
      assert.deepStrictEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')));
      assert.deepStrictEqual(snapshot(new OutlineIndex(text, { chunkChars: 0 }).outline), actual);
    });
  }
});

suite('markdown: what the outline reports', () => {
  const essay = [
    '# Counting arguments', //                      0
    '',
    'Intro with [a claim](#parallel-depth-bias).',
    '',
    '## Parallel depth bias',
    '',
    '- item one',
    '',
    '  second paragraph of item one',
    '- item two',
    '',
    '> quoted',
    '',
    '### Details',
    '',
    'Last paragraph.',
    '',
  ].join('\n');
  const outline = parseOutline(essay);
  const at = (s: string): number => essay.indexOf(s);

  test('headings carry plain text and GitHub slugs, unique in document order', () => {
    const o = parseOutline('# Intro\n\n## *Émile* `x` [link](#a) <b>tag</b>\n\n# Intro\n\n# Intro\n');
    assert.deepStrictEqual(o.headings.map((h) => [h.depth, h.text, h.slug]), [
      [1, 'Intro', 'intro'],
      [2, 'Émile x link tag', 'émile-x-link-tag'],
      [1, 'Intro', 'intro-1'],
      [1, 'Intro', 'intro-2'],
    ]);
  });

  test('sections nest by depth and end at the next heading of the same or a higher level', () => {
    const [root] = outline.sections;
    assert.strictEqual(outline.sections.length, 1);
    assert.strictEqual(root.heading?.slug, 'counting-arguments');
    assert.deepStrictEqual([root.start, root.end], [0, essay.length]);
    const [bias] = root.children;
    assert.strictEqual(bias.heading?.text, 'Parallel depth bias');
    assert.deepStrictEqual(bias.children.map((s) => [s.heading?.text, s.start, s.end]), [['Details', at('### Details'), essay.length]]);
  });

  test('a preamble section comes first when there is text before the first heading', () => {
    const o = parseOutline('Preamble.\n\n# A\n\n## B\n\n# C\n');
    assert.deepStrictEqual(o.sections.map((s) => [s.heading?.text, s.depth, s.start, s.end]), [
      [undefined, 0, 0, 11],
      ['A', 1, 11, 22],
      ['C', 1, 22, 26],
    ]);
    assert.strictEqual(parseOutline('\n\n# A\n').sections[0].depth, 1);
    assert.deepStrictEqual(parseOutline('---\na: 1\n---\n\n# A\n').sections.map((s) => s.depth), [1]);
    assert.deepStrictEqual(parseOutline('> quote\n> # A\n').sections.map((s) => [s.depth, s.start, s.end]), [[0, 0, 10], [1, 10, 14]]);
    assert.deepStrictEqual(parseOutline('> # A\n').sections.map((s) => s.depth), [1]);
  });

  test('sectionPath lists the sections around an offset, outermost first', () => {
    assert.deepStrictEqual(outline.sectionPath(at('Last')).map((s) => s.heading?.text), ['Counting arguments', 'Parallel depth bias', 'Details']);
    assert.deepStrictEqual(outline.sectionPath(at('Intro')).map((s) => s.heading?.text), ['Counting arguments']);
    assert.deepStrictEqual(outline.sectionPath(essay.length).map((s) => s.heading?.text), ['Counting arguments', 'Parallel depth bias', 'Details']);
    assert.deepStrictEqual(parseOutline('text\n\n# A\n').sectionPath(1).map((s) => s.depth), [0]);
    assert.deepStrictEqual(parseOutline('').sectionPath(0), []);
  });

  test('blockAt finds the innermost passage: a paragraph in an item, an item in a list, a quote', () => {
    const second = outline.blockAt(at('second paragraph'));
    assert.deepStrictEqual([second?.kind, second?.start], ['paragraph', at('second paragraph')]);
    // The blank line between the item's paragraphs belongs to the item, not to the list.
    assert.strictEqual(outline.blockAt(at('second paragraph') - 1)?.kind, 'listItem');
    const quote = outline.blockAt(at('> quoted'));
    assert.deepStrictEqual([quote?.kind, quote?.start], ['blockquote', at('> quoted')]);
    assert.strictEqual(outline.blockAt(at('quoted'))?.kind, 'paragraph');
    assert.strictEqual(outline.blockAt(at('## Parallel'))?.kind, 'heading');
    // A cursor at the end of a line is still in its block; one on a blank line between blocks is not.
    assert.strictEqual(outline.blockAt(at('Intro') + 'Intro with [a claim](#parallel-depth-bias).'.length)?.kind, 'paragraph');
    assert.strictEqual(outline.blockAt(at('## Parallel') - 1), undefined);
    assert.strictEqual(outline.blockAt(-1), undefined);
    assert.strictEqual(outline.blockAt(essay.length + 5), undefined);
  });

  test('blockAt skips blocks that are not passages', () => {
    const o = parseOutline('- a\n- b\n\n---\n\n[x]: /u\n');
    assert.strictEqual(o.blockAt(0)?.kind, 'listItem');
    assert.strictEqual(o.blockAt(2)?.kind, 'paragraph');
    assert.strictEqual(o.blockAt(9), undefined);
    assert.strictEqual(o.blockAt(14), undefined);
  });

  test('links: relative and fragment ones, decoded, from inline links and resolved references', () => {
    const text = [
      'See [as argued](#parallel-depth-bias), [Pope](../replies/pope.md#parallel-depth-bias),',
      '[space](a%20b.md#c%20d), [ref][r], [web](https://x.org), [mail](mailto:a@b), [cmd](command:x.y).',
      '',
      '| [in](#table) |',
      '| - |',
      '',
      '> - [nested](#deep)',
      '',
      '[r]: <./with space.md>',
    ].join('\n');
    const o = parseOutline(text);
    assert.deepStrictEqual(o.links.map(({ url, path, fragment, text: t }) => ({ url, path, fragment, text: t })), [
      { url: '#parallel-depth-bias', path: '', fragment: 'parallel-depth-bias', text: 'as argued' },
      { url: '../replies/pope.md#parallel-depth-bias', path: '../replies/pope.md', fragment: 'parallel-depth-bias', text: 'Pope' },
      { url: 'a%20b.md#c%20d', path: 'a b.md', fragment: 'c d', text: 'space' },
      { url: './with space.md', path: './with space.md', fragment: undefined, text: 'ref' },
      { url: '#table', path: '', fragment: 'table', text: 'in' },
      { url: '#deep', path: '', fragment: 'deep', text: 'nested' },
    ]);
    assert.ok(!('fragment' in o.links[3]));
    const first = o.links[0];
    assert.strictEqual(text.slice(first.start, first.end), '[as argued](#parallel-depth-bias)');
    const ref = o.links[3];
    assert.strictEqual(text.slice(ref.start, ref.end), '[ref][r]');
  });

  test('a leading BOM is skipped for parsing and counted in offsets', () => {
    const text = '\ufeff# Title\n\n[x](#title)\n';
    const o = parseOutline(text);
    assert.deepStrictEqual([o.headings[0].start, o.headings[0].text], [1, 'Title']);
    assert.strictEqual(text.slice(o.links[0].start, o.links[0].end), '[x](#title)');
    assert.deepStrictEqual(snapshot(new OutlineIndex(text).outline), snapshot(o));
  });

  test('front matter is a block only at the very start', () => {
    assert.deepStrictEqual(parseOutline('---\na: 1\n---\n\n# T\n').blocks.map((b) => b.kind), ['frontmatter', 'heading']);
    assert.deepStrictEqual(parseOutline('+++\na = 1\n+++\n').blocks.map((b) => b.kind), ['frontmatter']);
    assert.deepStrictEqual(parseOutline('# T\n\n---\na: 1\n---\n').blocks.map((b) => b.kind), ['heading', 'thematicBreak', 'heading']);
  });

  test('the outline of an index is built once per text', () => {
    const index = new OutlineIndex(essay);
    assert.strictEqual(index.outline, index.outline);
    index.update(essay + 'x', [{ start: essay.length, end: essay.length, text: 'x' }]);
    assert.notStrictEqual(index.outline.text, essay);
  });
});

/**
 * Heading texts and links read straight from remark-parse + remark-gfm's own tree, with none of the
 * outline's code: what the outline must report.
 */
function fromRemark(text: string): { headings: [string, number][]; links: [string, number, number][] } {
  const tree: Root = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml', 'toml']).parse(text);
  const definitions = new Map<string, string>();
  visit(tree, 'definition', (d) => {
    if (!definitions.has(d.identifier)) definitions.set(d.identifier, d.url);
  });
  const plain = (node: Nodes): string => {
    if (node.type === 'text' || node.type === 'inlineCode') return node.value;
    if (node.type === 'break') return '\n';
    if (node.type === 'html' || node.type === 'image' || node.type === 'imageReference' || !('children' in node)) return '';
    return (node.children as Nodes[]).map(plain).join('');
  };
  const headings: [string, number][] = [];
  const links: [string, number, number][] = [];
  visit(tree, (node: Nodes) => {
    if (node.type === 'heading') headings.push([plain(node), node.position!.end.offset!]);
    if (node.type === 'image' || node.type === 'imageReference') return SKIP;
    if (node.type !== 'link' && node.type !== 'linkReference') return undefined;
    const url = node.type === 'link' ? node.url : definitions.get(node.identifier);
    if (url !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('//')) links.push([url, node.position!.start.offset!, node.position!.end.offset!]);
    return SKIP;
  });
  return { headings, links };
}

suite('markdown: the outline agrees with the tree of remark-gfm itself', () => {
  const agree = (text: string, label: string): void => {
    const outline = new OutlineIndex(text, { chunkChars: 0 }).outline;
    assert.deepStrictEqual({
      headings: outline.headings.map((h): [string, number] => [h.text, h.end]),
      links: outline.links.map((l): [string, number, number] => [l.url, l.start, l.end]),
    }, fromRemark(text), label);
  };

  test('autolink literals in headings, links, tables and notes', () => {
    const text = [
      '# See www.example.com/a_(b) and https://x.org/path?q=1.',
      '',
      'Mail a.b+c@example.co.uk, mailto:x@y.org, xmpp:me@chat.org/home, www.commonmark.org/he<lp.',
      '',
      '## [https://inside.org](#target) and [www.x.com][r] then (www.google.com/search?q=Markup+(business))',
      '',
      '| www.a.org | b@c.de |',
      '| - | - |',
      '| [cell](#c) http://z.io/ | x |',
      '',
      'Text[^1] with a link [to www.y.com](../y.md#www) and ~~https://gone.org~~.',
      '',
      '[^1]: Note at http://n.org, [here](#n).',
      '',
      '[r]: ./r.md#www.z.com',
      '',
    ].join('\n');
    agree(text, 'sample');
    assert.ok(fromRemark(text).links.length >= 4);
  });

  test('the CommonMark examples and a generated essay', () => {
    for (const { markdown, number } of specExamples) agree(markdown, `example ${number}`);
    agree(generateEssay(60_000, 4), 'essay');
  });

  test('without an @ the parser skips email autolinks and gives the very same tree', () => {
    const names = (emails: boolean): string[] => {
      const extensions = makeProcessor(false, emails).data('micromarkExtensions') ?? [];
      return extensions.flatMap((e) => Object.values(e.text ?? {}).flat().map((c) => (c as { name?: string }).name ?? ''));
    };
    assert.ok(names(true).includes('emailAutolink'));
    assert.ok(!names(false).includes('emailAutolink'));
    const words = [
      'Plain words, a_b_c, _em_ and __strong__ with a-b.c+d, x.y, www.example.com/a_(b) and https://x.org/p?q=1.',
      'Trailing spaces make a break  ',
      'here, ~~struck~~ ~one~ and `code` then [a link](#t) [^n] [ref] ![img](i.png) <http://a.b> &amp; \\* end.',
      '',
      '# Heading with www.x.com and _emphasis_',
      '',
      '| a_b | c.d |',
      '| - | - |',
      '| +1 | -2 |',
      '',
      '[ref]: #r',
      '[^n]: Note.',
    ].join('\n');
    const texts = [words, generateEssay(30_000, 9), ...specExamples.map((e) => e.markdown).filter((m) => !m.includes('@'))];
    for (const frontMatter of [false, true]) {
      for (const text of texts) {
        assert.ok(!text.includes('@'));
        assert.deepStrictEqual(makeProcessor(frontMatter, false).parse(text), makeProcessor(frontMatter, true).parse(text), text.slice(0, 60));
      }
    }
  });
});

interface SpecExample {
  markdown: string;
  number: number;
}

// Loaded at run time: the package reads its spec file next to itself.
const specExamples: SpecExample[] = (createRequire(__filename)('commonmark-spec') as { tests: SpecExample[] }).tests
  .map((t) => ({ ...t, markdown: t.markdown.replace(/→/g, '\t') }));

suite('markdown: CommonMark spec examples', () => {
  test('the spec examples are there', () => {
    assert.ok(specExamples.length >= 600);
  });

  test('parse without throwing, with offsets inside the text, nested', () => {
    for (const { markdown, number } of specExamples) {
      const outline = parseOutline(markdown);
      assert.deepStrictEqual(outline.problems, [], `example ${number}`);
      assertWellFormed(outline);
    }
  });

  test('chunked indexes equal a full parse, alone and run together', () => {
    for (const { markdown, number } of specExamples) {
      const full = snapshot(parseOutline(markdown));
      assert.deepStrictEqual(snapshot(new OutlineIndex(markdown, { chunkChars: 0 }).outline), full, `example ${number}`);
      // Several examples in one text make chunk starts between and inside them.
      const joined = `${markdown}\n\nText [x].\n\n${markdown}\n[x]: #end\n\n${markdown}`;
      assert.deepStrictEqual(snapshot(new OutlineIndex(joined, { chunkChars: 0 }).outline), snapshot(parseOutline(joined)), `example ${number} joined`);
    }
  });

  test('incremental updates that type each example into a text equal a full parse', () => {
    const frame = '# Before\n\nParagraph [x].\n\n\n\n# After\n\n- item\n\n[x]: #x\n';
    const insertAt = frame.indexOf('\n\n\n') + 2;
    for (const { markdown, number } of specExamples) {
      const index = new OutlineIndex(frame, { chunkChars: 0 });
      // In two edits: the first half, then the rest, each checked.
      const half = markdown.length >> 1;
      const middle = frame.slice(0, insertAt) + markdown.slice(0, half) + frame.slice(insertAt);
      index.update(middle, [{ start: insertAt, end: insertAt, text: markdown.slice(0, half) }]);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(middle)), `example ${number}, half`);
      const whole = frame.slice(0, insertAt) + markdown + frame.slice(insertAt);
      index.update(whole, [{ start: insertAt + half, end: insertAt + half, text: markdown.slice(half) }]);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(whole)), `example ${number}`);
      // And deleting it again.
      index.update(frame, [{ start: insertAt, end: insertAt + markdown.length, text: '' }]);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(frame)), `example ${number}, deleted`);
    }
  });
});

suite('markdown: hostile input', () => {
  function timed<T>(limitMs: number, run: () => T): T {
    const started = Date.now();
    const result = run();
    const took = Date.now() - started;
    assert.ok(took < limitMs, `took ${took} ms`);
    return result;
  }

  test('10,000 nested block quotes: one opaque block and a problem, quickly', () => {
    const text = `# Before\n\n${'> '.repeat(10_000)}deep\n\nAfter.\n`;
    const outline = timed(3000, () => parseOutline(text));
    assertWellFormed(outline);
    assert.strictEqual(outline.problems.length, 1);
    assert.match(outline.problems[0], /nested/);
    assert.deepStrictEqual(outline.blocks.map((b) => b.kind), ['heading', 'blockquote', 'paragraph']);
    assert.deepStrictEqual(snapshot(new OutlineIndex(text).outline), snapshot(outline));
  });

  test('10,000 nested list levels, bulleted and ordered', () => {
    for (const marker of ['- ', '1. ', '* ']) {
      const text = `${marker.repeat(10_000)}deep\n\nAfter [x](#a).\n`;
      const outline = timed(3000, () => parseOutline(text));
      assertWellFormed(outline);
      assert.strictEqual(outline.problems.length, 1);
      assert.strictEqual(outline.links.length, 1);
    }
  });

  test('block quotes nested one level deeper on each of 2,000 lines', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${'>'.repeat(i + 1)} line ${i}`).join('\n');
    const outline = timed(5000, () => parseOutline(text));
    assertWellFormed(outline);
    assert.strictEqual(outline.problems.length, 1);
  });

  test('an edit in a document with an opaque block re-indexes it and stays well formed', () => {
    const text = `Intro.\n\n${'> '.repeat(10_000)}deep\n\nAfter.\n`;
    const index = new OutlineIndex(text);
    const next = text.replace('Intro', 'Intro changed');
    index.update(next, [{ start: 5, end: 5, text: ' changed' }]);
    assertWellFormed(index.outline);
    assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(next)));
  });

  test('a 5 MB single line', () => {
    // A pasted base64 blob. (Five megabytes of words on one line parse too, in several seconds:
    // GFM's autolink scan tries every word.)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let seed = 1;
    const chars: string[] = [];
    for (let i = 0; i < 5_000_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      chars.push(alphabet[seed % 64]);
    }
    const text = `# Blob\n\n${chars.join('')}\n`;
    const outline = timed(10000, () => new OutlineIndex(text).outline);
    assert.deepStrictEqual(outline.blocks.map((b) => [b.kind, b.start, b.end]), [['heading', 0, 6], ['paragraph', 8, text.length - 1]]);
  });

  test('CRLF, lone CR and mixed line endings', () => {
    const text = '# A\r\n\r\ntext\r\n\r\n## B\r\rmore\n\n- x\r\n- y\r';
    const outline = parseOutline(text);
    assertWellFormed(outline);
    assert.deepStrictEqual(outline.headings.map((h) => text.slice(h.start, h.end)), ['# A', '## B']);
    assert.deepStrictEqual(snapshot(new OutlineIndex(text, { chunkChars: 0 }).outline), snapshot(outline));
  });

  test('emoji, lone surrogates, NUL and other odd characters', () => {
    const text = '# 😀 Émoji \ud800 heading\n\n\u0000 [l\ud83d](#😀-émoji--heading) \u2028 \ufeff\n\n\ufeff# not at start\n';
    const outline = parseOutline(text);
    assertWellFormed(outline);
    assert.strictEqual(outline.headings[0].slug, outline.headings[0].slug.toLowerCase());
    assert.deepStrictEqual(snapshot(new OutlineIndex(text, { chunkChars: 0 }).outline), snapshot(outline));
  });

  test('empty and blank texts', () => {
    for (const text of ['', '\n', '   \n\t\n', '\ufeff', '\r\n\r\n']) {
      const outline = parseOutline(text);
      assert.deepStrictEqual(snapshot(outline), { blocks: [], headings: [], sections: [], links: [], problems: [] });
      assert.deepStrictEqual(snapshot(new OutlineIndex(text).outline), snapshot(outline));
      assert.strictEqual(outline.blockAt(0), undefined);
    }
  });
});
