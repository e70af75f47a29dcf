// Static checks of the HTML report; test/browser/export-html.test.ts renders it in Chromium.
import * as assert from 'assert';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { escapeHtml, renderHtml } from '../../src/core/export/html';
import { fixtureInput, HOSTILE, HOSTILE_TAG } from '../fixtures/export/input';

suite('export: HTML report (static)', () => {
  const input = fixtureInput();
  const html = renderHtml(input);

  test('no script, no event handler, no external reference in the markup', () => {
    // Escaped text cannot contain `<`, so every match here is a real tag.
    const tags = html.match(/<[a-zA-Z!/][^>]*>/g)!;
    const names = new Set(tags.map((t) => /^<\/?!?([a-zA-Z]+)/.exec(t)![1].toLowerCase()));
    for (const banned of ['script', 'img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'svg', 'math', 'video', 'audio', 'source', 'input']) {
      assert.ok(!names.has(banned), `<${banned}>`);
    }
    for (const tag of tags) {
      assert.ok(!/\son[a-z]+\s*=/i.test(tag), `event handler in ${tag}`);
      assert.ok(!/\s(?:src|srcset|action|formaction|style)\s*=/i.test(tag), `loads or styles: ${tag}`);
      const href = /\shref="([^"]*)"/.exec(tag);
      if (href) assert.match(href[1], /^#g\d+$/, `only in-page links: ${tag}`);
    }
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    assert.ok(!/url\(|@import|@font-face/i.test(style), 'CSS loads nothing');
  });

  test('the CSP allows exactly the inline style sheet, by hash', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1].replace(/&#39;/g, "'");
    assert.strictEqual(csp, `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`);
    // The policy comes before the style sheet, so that it governs it.
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'));
    assert.strictEqual(html.match(/<style>/g)!.length, 1);
    assert.ok(!/\sstyle=/i.test(html), 'no style attributes (the hash would block them)');
  });

  test('user text is escaped wherever it appears', () => {
    for (const raw of [HOSTILE.script, HOSTILE.img, HOSTILE_TAG.label, HOSTILE_TAG.definition, input.title, '# Not a heading <img src=x onerror=alert(1)>', 'Depth <i>bias</i>']) {
      assert.ok(html.includes(escapeHtml(raw)), `escaped: ${raw}`);
      if (/[<>]/.test(raw)) assert.ok(!html.includes(raw), `raw: ${raw}`);
    }
    assert.ok(html.includes(`<title>${escapeHtml(input.title)}</title>`));
  });

  test('a tag colour is used only when it is a hex colour', () => {
    assert.ok(!html.includes('evil.example/x.png'));
    assert.ok(!html.includes('red;background'));
    assert.match(html, /\.t3 \{ --tag: #6b7280; \}/);
    assert.match(html, /\.t0 \{ --tag: #d97706; \}/);
  });

  test('escapeHtml leaves no markup characters', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'<>&"\'a /=`'.split('')) }), (s) => {
      const escaped = escapeHtml(s);
      assert.ok(!/[<>"']/.test(escaped));
      assert.strictEqual(escaped.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))), s);
    }));
  });
});
