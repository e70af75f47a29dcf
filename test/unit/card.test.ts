import * as assert from 'assert';
import fc from 'fast-check';
import type { Nodes, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { buildCard, CARD_COMMANDS, commandLink, escapeMarkdown, type CardLink, type CardModel } from '../../src/core/card';
import type { TagDefinition } from '../../src/core/codebook';
import { RELATIONS, type Relation } from '../../src/core/model';
import { slugArb } from '../fixtures/sidecars/arbitraries';

/** Parses the card the way a CommonMark + GFM renderer would. */
function parse(md: string): Root {
  return unified().use(remarkParse).use(remarkGfm).parse(md);
}

const GREY = '#6b7280';
const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** The command links a card must contain, in order: jumps, then a remove per tag, then the note action. */
function expectedLinks(m: CardModel): [string, unknown][] {
  return [
    ...m.links.filter((l) => l.jump !== undefined).map((l): [string, unknown] => ['cruxmark.goToLinkedClaim', l.jump]),
    ...m.tags.map((t): [string, unknown] => ['cruxmark.removeTag', { ...m.ref, tag: t.id }]),
    ['cruxmark.editNote', m.ref],
  ];
}

/** Text as a reader sees it: whitespace runs collapsed, ends trimmed, word joiners invisible; CommonMark shows NUL as U+FFFD. */
function visible(s: string): string {
  return s.replace(/\0/g, '\uFFFD').replace(/\u2060/g, '').replace(/\s+/g, ' ').trim();
}

/** The card's text as rendered: text, code and breaks, paragraph by paragraph. */
function renderedText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code' || node.type === 'html') return node.value;
  if (node.type === 'break') return '\n';
  if ('children' in node) return (node.children as Nodes[]).map(renderedText).join(node.type === 'root' || node.type === 'list' ? '\n' : '');
  return '';
}

/**
 * Everything a card may contain, checked on its syntax tree: the only links are command links to
 * CARD_COMMANDS carrying exactly the expected arguments; the only HTML is the tag chips' spans with
 * a hex colour; no images, headings, definitions, footnotes or theme icons.
 */
function assertSafe(m: CardModel): Root {
  const md = buildCard(m);
  const tree = parse(md);
  const links: [string, unknown][] = [];
  const html: string[] = [];
  visit(tree, (node) => {
    switch (node.type) {
      case 'link': {
        const match = /^command:([\w.]+)\?(.*)$/s.exec(node.url);
        assert.ok(match, `a link that is not a command link: ${node.url}`);
        assert.ok((CARD_COMMANDS as readonly string[]).includes(match[1]), `a link to ${match[1]}`);
        links.push([match[1], JSON.parse(decodeURIComponent(match[2]))]);
        break;
      }
      case 'html':
        html.push(node.value);
        break;
      case 'image': case 'imageReference': case 'linkReference': case 'definition': case 'heading':
      case 'footnoteReference': case 'footnoteDefinition': case 'table':
        assert.fail(`a ${node.type} in the card:\n${md}`);
    }
  });
  // Through JSON, as VS Code passes the arguments (and so that generated objects compare as plain ones).
  assert.deepStrictEqual(links, JSON.parse(JSON.stringify(expectedLinks(m))), md);
  const chips = m.tags.flatMap((t) => [`<span style="color:#ffffff;background-color:${HEX.test(t.color) ? t.color : GREY};">`, '</span>']);
  assert.deepStrictEqual(html, chips, md);
  // VS Code renders `$(name)` as an icon unless the `$` is escaped; escaped text never has `$(`.
  assert.ok(!md.includes('$('), `an unescaped theme icon in:\n${md}`);
  return tree;
}

function tag(id: string, label: string, definition = '', color = '#d97706'): TagDefinition {
  return { id, label, color, definition };
}

function model(overrides: Partial<CardModel> = {}): CardModel {
  return {
    id: 'parallel-depth-bias',
    kind: 'claim',
    title: 'Parallel depth bias',
    tags: [tag('counting-argument', 'Counting argument', 'Argues from counts.')],
    note: 'Strong claim.',
    links: [],
    status: 'anchored',
    ref: { uri: 'file:///w/essay.md', annotation: 'parallel-depth-bias' },
    ...overrides,
  };
}

const HOSTILE = [
  '[x](command:workbench.action.terminal.new)',
  '[x](command:cruxmark.removeTag?%7B%7D)',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '$(alert) $(zap~spin)',
  'https://evil.example',
  'www.evil.example and evil@example.com',
  '![img](https://evil.example/x.png)',
  '`code` ``two`` ```fence',
  '\\[x\\](command:x) \\\\ \\',
  '# heading\n## heading\nSetext\n===\nline\n---',
  'line one\nline two\r\nline three\rfour',
  'para\n\n    indented code\n\n\n> quote\n- item\n1. one\n| a | b |\n|---|---|',
  '[ref]\n\n[ref]: https://evil.example',
  '[^1]\n\n[^1]: note',
  '&lt;img src=x&gt; &#60;b&#62; &amp;',
  '<https://evil.example> <evil@example.com>',
  '    four spaces first',
  '\t\ttabs first',
  'a \n \n    code after a blank line',
  '*emph* _emph_ **strong** ~~strike~~',
  '\u0000 nul and \u2028 separator',
];

suite('card: hover Markdown', () => {
  test('a plain card: badge, title, id, chips, definitions, note, actions', () => {
    const m = model();
    const tree = assertSafe(m);
    const text = renderedText(tree);
    for (const s of ['◆ Crux', 'Passage']) assert.ok(!text.includes(s));
    for (const s of ['○ Claim', 'Parallel depth bias', 'parallel-depth-bias', 'Counting argument', 'Argues from counts.', 'Strong claim.', 'Remove Counting argument', 'Edit note']) {
      assert.ok(text.includes(s), `${s} not in ${text}`);
    }
  });

  test('no note: the action says Add note; fuzzy status is shown; passages show no id', () => {
    const m = model({ kind: 'passage', title: undefined, note: undefined, status: 'fuzzy' });
    const text = renderedText(assertSafe(m));
    assert.ok(text.includes('Add note') && text.includes('found approximately') && text.includes('Passage'));
    assert.ok(!text.includes('parallel-depth-bias'));
  });

  for (const hostile of HOSTILE) {
    test(`hostile text in every field stays text: ${JSON.stringify(hostile).slice(0, 50)}`, () => {
      const links: CardLink[] = [
        { relation: 'supports', direction: 'outgoing', target: hostile, title: hostile, jump: { uri: hostile, annotation: 'x' } },
        { relation: 'opposes', direction: 'outgoing', target: hostile },
        { relation: 'crux-of', direction: 'incoming', target: hostile, title: hostile, jump: { uri: 'file:///a).md', annotation: hostile } },
      ];
      const m = model({
        title: hostile,
        note: hostile,
        tags: [tag('counting-argument', hostile, hostile), tag('x', hostile, hostile, `${hostile};background:url(x)`)],
        links,
        ref: { uri: `file:///w/${hostile}.md`, annotation: hostile },
      });
      const tree = assertSafe(m);
      // What the user typed is what the reader sees (no backslashes, nothing swallowed).
      assert.ok(visible(renderedText(tree)).includes(visible(hostile)), `${JSON.stringify(visible(renderedText(tree)))} lacks ${JSON.stringify(visible(hostile))}`);
    });
  }

  test('property: arbitrary user strings never make a link, an image, HTML, a heading or an icon', () => {
    const str = fc.string({ unit: 'binary', maxLength: 60 });
    // Pieces of Markdown syntax, so that the runs build links, fences and blocks far more often than random text does.
    const markdownish = fc.array(fc.constantFrom('[', ']', '(', ')', '<', '>', '!', '`', '\\', '\n', '\r', ' ', '    ', '#', '$', '*', '_', '|', '-', '=', ':', '/', 'http', 'www.', '@', '&', ';', 'a', 'command:x'), { maxLength: 30 }).map((p) => p.join(''));
    const text = fc.oneof(str, markdownish);
    const linkArb: fc.Arbitrary<CardLink> = fc.record({
      relation: fc.constantFrom<Relation>(...RELATIONS),
      direction: fc.constantFrom('outgoing' as const, 'incoming' as const),
      title: fc.option(text, { nil: undefined }),
      target: text,
      jump: fc.option(fc.record({ uri: text, annotation: text }), { nil: undefined }),
    }).map((l) => {
      const out: CardLink = { relation: l.relation, direction: l.direction, target: l.target };
      if (l.title !== undefined) out.title = l.title;
      if (l.jump !== undefined) out.jump = l.jump;
      return out;
    });
    const modelArb: fc.Arbitrary<CardModel> = fc.record({
      id: slugArb,
      kind: fc.constantFrom('passage' as const, 'claim' as const, 'crux' as const),
      title: fc.option(text, { nil: undefined }),
      tags: fc.array(fc.record({ id: slugArb, label: text, definition: text, color: fc.oneof(text, fc.constantFrom('#abc', '#a855f7', '#a855f7cc', 'red', '#12345g')) }), { maxLength: 3 }),
      note: fc.option(text, { nil: undefined }),
      links: fc.array(linkArb, { maxLength: 3 }),
      status: fc.constantFrom('anchored' as const, 'fuzzy' as const, 'detached' as const),
      ref: fc.record({ uri: text, annotation: text }),
    }).map((m) => {
      const out: CardModel = { ...m };
      if (m.title === undefined) delete out.title;
      if (m.note === undefined) delete out.note;
      return out;
    });
    fc.assert(fc.property(modelArb, (m) => {
      const tree = assertSafe(m);
      if (m.note && visible(m.note)) assert.ok(visible(renderedText(tree)).includes(visible(m.note)), `note ${JSON.stringify(m.note)} not shown as typed`);
    }), { numRuns: 1000 });
  });

  test('a colour that is not hex never reaches the style attribute', () => {
    for (const color of ['red', '#fff;background:url(javascript:alert(1))', '#ffffff" onmouseover="x', 'var(--x)', '#12', '#1234567', '']) {
      const md = buildCard(model({ tags: [tag('t', 'T', '', color)] }));
      assert.ok(md.includes(`background-color:${GREY};`), color);
      assert.ok(!md.includes(color) || color === '', color);
    }
  });

  test('hex colours are used as given, #rgb, #rrggbb and #rrggbbaa alike (the codebook accepts all three)', () => {
    for (const color of ['#abc', '#A855F7', '#a855f7cc']) {
      assert.ok(buildCard(model({ tags: [tag('t', 'T', '', color)] })).includes(`background-color:${color};`), color);
    }
  });

  test('commandLink refuses commands outside CARD_COMMANDS', () => {
    assert.throws(() => commandLink('x', 'workbench.action.terminal.new' as never, {}), /not a card command/);
  });

  test('command arguments survive any characters, parentheses included', () => {
    const args = { uri: 'file:///w/notes (draft)/a).md', annotation: "it's (x) *y* !", tag: '~' };
    const md = commandLink('Go', 'cruxmark.goToLinkedClaim', args);
    const [link] = (parse(md).children[0] as { children: Nodes[] }).children;
    assert.strictEqual(link.type, 'link');
    assert.deepStrictEqual(JSON.parse(decodeURIComponent((link as { url: string }).url.split('?')[1])), args);
  });

  test('escapeMarkdown keeps line breaks inside one paragraph', () => {
    const tree = parse(escapeMarkdown('one\ntwo\n\n\nthree'));
    assert.strictEqual(tree.children.length, 1);
    assert.strictEqual(tree.children[0].type, 'paragraph');
  });
});
