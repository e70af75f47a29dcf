import * as assert from 'assert';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Nodes, Root, RootContent } from 'mdast';
import { escapeMarkdown, quoteWithCitation, renderMarkdown } from '../../src/core/export/md';
import type { Excerpt } from '../../src/core/export/model';
import { essayText, fixtureInput, HOSTILE, MAIN, REPLY, repoRoot } from '../fixtures/export/input';

/** Parses Markdown the way GitHub and most forums do (CommonMark + GFM). */
function parse(md: string): Root {
  return unified().use(remarkParse).use(remarkGfm).parse(md);
}

/** The literal text of a node; hard breaks become newlines. */
function text(node: Nodes): string {
  if (node.type === 'break') return '\n';
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(text).join('');
  return '';
}

function all(node: Nodes, type: string): Nodes[] {
  const out: Nodes[] = [];
  const walk = (n: Nodes) => {
    if (n.type === type) out.push(n);
    if ('children' in n) (n.children as Nodes[]).forEach(walk);
  };
  walk(node);
  return out;
}

/** The source of a top-level blockquote with its `> ` markers removed and `&lt;` turned back into `<`. */
function unquote(md: string, node: RootContent): string {
  const src = md.slice(node.position!.start.offset, node.position!.end.offset);
  return src
    .split('\n')
    .map((l) => l.replace(/^> ?/, ''))
    .join('\n')
    .replace(/&lt;/g, '<');
}

/** The fixture folder as the workspace root, for resolving relative links. */
const WORKSPACE = pathToFileURL(join(repoRoot(), 'test/fixtures/export') + '/');

/** Where a link in a file written to `dir` points, as a file in the fixture workspace. */
function resolveLink(dir: string, url: string): { file: string; fragment: string } {
  const resolved = new URL(url, new URL(dir ? dir + '/' : '', WORKSPACE));
  return { file: fileURLToPath(new URL(resolved.pathname, resolved)), fragment: decodeURIComponent(resolved.hash.slice(1)) };
}

suite('export: Markdown digest', () => {
  const input = fixtureInput();
  const md = renderMarkdown(input);
  const tree = parse(md);

  test('headings are exactly the digest structure: user text cannot add one', () => {
    const headings = all(tree, 'heading').map((h) => `${'#'.repeat((h as { depth: number }).depth)} ${text(h)}`);
    const counting = 'Deceptive alignment › The counting argument';
    const speed = 'Deceptive alignment › Simplicity and speed';
    assert.deepStrictEqual(headings, [
      '# Cruxmark excerpts: workspace <script>alert(3)</script>',
      '## Counting argument', `### ${MAIN}`, `#### ${counting}`, `### ${REPLY}`, '#### A reply › Parallel depth',
      '## Simplicity prior', `### ${MAIN}`, `#### ${counting}`, `#### ${speed}`, `### ${REPLY}`, '#### A reply › Parallel depth',
      '## Reward as update strength', `### ${MAIN}`, '#### Before the first heading',
      '## <b>Mesa</b> "optimiser", & =1+1', `### ${MAIN}`, `#### ${speed}`,
      '## no-such-tag', `### ${MAIN}`, `#### ${speed}`,
      '## Untagged', `### ${MAIN}`, '#### Reward',
    ]);
  });

  test('no raw HTML reaches the rendered page, from notes, titles, labels or quotes', () => {
    assert.deepStrictEqual(all(tree, 'html'), []);
    // Nothing that is not ours becomes block structure either: only our lists (relations).
    const topTypes = new Set(tree.children.map((c) => c.type));
    assert.deepStrictEqual([...topTypes].sort(), ['blockquote', 'heading', 'list', 'paragraph']);
    for (const list of tree.children.filter((c) => c.type === 'list')) {
      for (const item of (list as { children: Nodes[] }).children) {
        assert.match(text(item), /^(supports|opposes|responds to|crux of) /);
      }
    }
  });

  test('every excerpt is quoted, exactly, once per tag it is listed under', () => {
    const quotes = tree.children.filter((c) => c.type === 'blockquote').map((q) => unquote(md, q));
    const expected = input.excerpts.flatMap((e) => Array<string>(Math.max(1, e.tags.length)).fill(e.text.replace(/\r\n|\r/g, '\n')));
    assert.deepStrictEqual([...quotes].sort(), [...expected].sort());
    // The HTML inside the quoted passage is shown as text, and its Markdown is kept.
    const htmlQuote = all(tree, 'blockquote').find((q) => text(q).includes('</blockquote>'))!;
    assert.ok(all(htmlQuote, 'strong').some((s) => text(s) === 'if'));
    assert.ok(all(htmlQuote, 'inlineCode').some((c) => text(c) === '<kbd>'));
    assert.ok(text(htmlQuote).includes('<img src=x onerror=alert(1)>'));
  });

  test('notes, titles and badges show as literal text', () => {
    const paragraphs = tree.children.filter((c) => c.type === 'paragraph').map(text);
    const noteLines = (note: string) => note.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean).join('\n');
    for (const e of input.excerpts) {
      const withNote = paragraphs.filter((p) => p.includes(`Note: ${noteLines(e.note!)}`));
      assert.strictEqual(withNote.length, Math.max(1, e.tags.length), `note of ${e.id}`);
      if (e.kind !== 'passage') {
        const badge = `${e.kind === 'crux' ? 'Crux' : 'Claim'}: ${e.title}`;
        assert.ok(withNote.every((p) => p.includes(badge)), `badge of ${e.id}`);
      }
    }
    assert.ok(paragraphs.some((p) => p.includes('Note: ' + HOSTILE.hyperlink)));
    assert.ok(paragraphs.some((p) => p.includes('Note: ' + HOSTILE.script)));
    assert.ok(paragraphs.some((p) => p.includes('Note: # heading\n</blockquote>\n## second heading\n- list item\n1. one\n===\nindented\n> quoted\n[x]: http://evil.example')));
    assert.ok(paragraphs.some((p) => p.includes('Detached: not found in the current text')));
    assert.ok(paragraphs.some((p) => p.includes('Moved: found by approximate match')));
  });

  test('citation links are relative to the output folder and point at the passage line', () => {
    const citations = all(tree, 'link').filter((l) => /^essays\//.test(text(l)));
    assert.strictEqual(citations.length, input.excerpts.reduce((n, e) => n + Math.max(1, e.tags.length), 0));
    for (const link of citations) {
      const url = (link as { url: string }).url;
      assert.ok(!/^[a-z]+:|^\//i.test(url), `relative: ${url}`);
      const [, doc, line] = /^(.*?)(?:, lines? (\d+)(?:–\d+)?)?$/.exec(text(link))!;
      const e = input.excerpts.find((x) => x.document === doc && (x.start ? String(x.start.line) === line : line === undefined))!;
      assert.ok(e, `an excerpt for ${text(link)}`);
      const { file, fragment } = resolveLink(input.outputDir, url);
      assert.ok(existsSync(file), `${url} resolves to an existing essay (${file})`);
      assert.ok(file.endsWith(e.document), `${url} → ${e.document}`);
      if (!e.start) {
        assert.strictEqual(fragment, '');
        continue;
      }
      const m = /^L(\d+)(?:-L(\d+))?$/.exec(fragment);
      assert.ok(m, `line fragment in ${url}`);
      const lines = essayText(e.document).split(/\r\n|\r|\n/);
      // The passage starts on the linked line and ends on the last one.
      const first = Number(m[1]);
      const last = Number(m[2] ?? m[1]);
      const passageLines = e.text.split(/\r\n|\r|\n/);
      assert.ok(lines[first - 1].includes(passageLines[0]), `line ${first} of ${e.document} has the passage start`);
      assert.ok(lines[last - 1].includes(passageLines[passageLines.length - 1]), `line ${last} has its end`);
    }
    assert.ok(citations.some((l) => (l as { url: string }).url === '../../essays/replies%20%28draft%29/pope-reply.md#L5-L6'));
    assert.ok(citations.some((l) => (l as { url: string }).url === '../../essays/deceptive-alignment.md#L7'));
  });

  test('relation links resolve to the target essay and claim', () => {
    const relationItems = all(tree, 'listItem');
    const opposes = relationItems.find((i) => text(i).startsWith('opposes'))!;
    assert.strictEqual(text(opposes), 'opposes Depth <i>bias</i>');
    const link = all(opposes, 'link')[0] as { url: string };
    const { file, fragment } = resolveLink(input.outputDir, link.url);
    assert.ok(file.endsWith(REPLY) && existsSync(file));
    assert.strictEqual(fragment, 'parallel-depth-bias');
    const cruxOf = relationItems.find((i) => text(i).startsWith('crux of'))!;
    const back = resolveLink(input.outputDir, (all(cruxOf, 'link')[0] as { url: string }).url);
    assert.ok(back.file.endsWith(MAIN));
    assert.strictEqual(back.fragment, 'deception-is-simpler');
  });

  test('links follow the output folder: root, sibling and nested', () => {
    const e = input.excerpts.find((x) => x.id === 'counting-core')!;
    const link = (dir: string) => (all(parse(quoteWithCitation(e, dir)), 'link')[0] as { url: string }).url;
    assert.strictEqual(link(''), 'essays/deceptive-alignment.md#L7');
    assert.strictEqual(link('essays'), 'deceptive-alignment.md#L7');
    assert.strictEqual(link('essays/replies (draft)'), '../deceptive-alignment.md#L7');
    assert.strictEqual(link('exports'), '../essays/deceptive-alignment.md#L7');
  });

  test('untagged and filtered exports', () => {
    const filtered = renderMarkdown(fixtureInput({ filterTags: ['simplicity-prior', 'no-excerpts-tag'], excerpts: input.excerpts.filter((e) => e.tags.includes('simplicity-prior')) }));
    const headings = all(parse(filtered), 'heading').filter((h) => (h as { depth: number }).depth === 2).map(text);
    assert.deepStrictEqual(headings, ['Simplicity prior', 'no-excerpts-tag']);
    assert.ok(filtered.includes('_No excerpts carry this tag._'));
    // An excerpt with other tags says so, instead of repeating under groups nobody asked for.
    assert.ok(all(parse(filtered), 'paragraph').map(text).some((p) => p.includes('Also tagged: Counting argument')));
    const empty = renderMarkdown(fixtureInput({ excerpts: [] }));
    assert.deepStrictEqual(all(parse(empty), 'heading').map(text), ['Cruxmark excerpts: workspace <script>alert(3)</script>']);
    assert.ok(empty.includes('_No excerpts._'));
  });
});

suite('export: quote with citation', () => {
  const input = fixtureInput();
  const byId = (id: string) => input.excerpts.find((e) => e.id === id)!;

  test('one blockquote and a citation line with essay, section and line', () => {
    const md = quoteWithCitation(byId('parallel-depth-bias'), 'notes');
    const tree = parse(md);
    assert.deepStrictEqual(tree.children.map((c) => c.type), ['blockquote', 'paragraph']);
    assert.strictEqual(unquote(md, tree.children[0]), 'Networks of bounded depth cannot afford long serial deception.\nThey must spend depth on the task itself.');
    assert.strictEqual(text(tree.children[1]), `— ${REPLY}, lines 5–6 · A reply › Parallel depth`);
    assert.strictEqual((all(tree, 'link')[0] as { url: string }).url, '../essays/replies%20%28draft%29/pope-reply.md#L5-L6');
  });

  test('a detached passage says so and links to the essay without a line', () => {
    const tree = parse(quoteWithCitation(byId('detached-1'), ''));
    assert.strictEqual(text(tree.children[1]), `— ${MAIN} · Deceptive alignment › The counting argument · detached: not found in the current text`);
    assert.strictEqual((all(tree, 'link')[0] as { url: string }).url, 'essays/deceptive-alignment.md');
  });

  test('a passage cannot swallow or escape its citation', () => {
    const base = byId('counts-goals');
    for (const quote of ['```js\nunclosed fence', '<div>\nopen html block', '</blockquote>\n\n# Heading', 'line\n\n\n- item\n\n    code', '<!-- open comment']) {
      const excerpt: Excerpt = { ...base, text: quote };
      const md = quoteWithCitation(excerpt, '');
      const tree = parse(md);
      assert.deepStrictEqual(tree.children.map((c) => c.type), ['blockquote', 'paragraph'], quote);
      assert.deepStrictEqual(all(tree, 'html'), [], quote);
      assert.strictEqual(unquote(md, tree.children[0]), quote);
      assert.match(text(tree.children[1]), /^— essays\/deceptive-alignment\.md, line 7 · /);
    }
  });
});

suite('export: Markdown escaping', () => {
  // Characters that mean something at the start of a line or inline in CommonMark and GFM.
  const tricky = fc.constantFrom(...'#*_`[]()<>!&\\-+=|~.:)1 \t\naZé>/"\'$^{}@'.split(''), '𝔸', '🧠', '1.', '- ', '```', '<script>', '&amp;', 'http://x.example', 'www.x.example', 'a_b@x.example', 'mailto:', '[x]: y');
  const userText = fc.oneof(fc.string({ unit: tricky, maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
  // Control characters other than tab and line ends are not text a user types into a note.
  const printable = (s: string) => [...s].every((c) => c.codePointAt(0)! >= 0x20 ? c !== '\u007f' : '\t\n\r'.includes(c));

  test('escaped text in a heading is one heading with the same text', () => {
    fc.assert(fc.property(userText.filter(printable), (s) => {
      const line = s.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ').trim();
      const tree = parse(`## ${escapeMarkdown(line)}`);
      assert.strictEqual(tree.children.length, 1);
      assert.strictEqual(tree.children[0].type, 'heading');
      assert.deepStrictEqual(all(tree, 'html'), []);
      assert.strictEqual(text(tree.children[0]), line.replace(/\s+$/, ''));
    }));
  });

  test('escaped lines joined by hard breaks stay one paragraph with the same text', () => {
    fc.assert(fc.property(userText.filter(printable), (s) => {
      const lines = s.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
      fc.pre(lines.length > 0);
      const tree = parse(`**Note:** ${lines.map(escapeMarkdown).join('\\\n')}`);
      assert.strictEqual(tree.children.length, 1);
      assert.strictEqual(tree.children[0].type, 'paragraph');
      assert.deepStrictEqual(all(tree, 'html'), []);
      assert.strictEqual(text(tree.children[0]), `Note: ${lines.join('\n')}`);
    }));
  });
});
