// Opens the HTML report in a real Chromium and checks what a reviewer would see, and that nothing
// in it runs or loads.
import * as assert from 'assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderHtml } from '../../src/core/export/html';
import type { Excerpt } from '../../src/core/export/model';
import { fixtureInput, HOSTILE } from '../fixtures/export/input';

// What the callbacks run inside the page use. The project compiles without the DOM library, and
// these stay local to this file instead of adding it for everyone.
interface PageElement {
  id: string;
  innerText: string;
  attributes: ArrayLike<{ name: string }> & Iterable<{ name: string }>;
  parentElement: PageElement | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  checkVisibility(): boolean;
  getBoundingClientRect(): { width: number };
}
declare const document: { body: PageElement; querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement> };
declare function getComputedStyle(el: PageElement): { backgroundColor: string; color: string; borderLeftColor: string; breakInside: string };

/** Payloads that would call window.__pwned if any of them became markup. */
const PWN = [
  '<script>window.__pwned("script")</script>',
  '<img src=x onerror=window.__pwned("img")>',
  '"><svg onload=window.__pwned("svg")>',
  "'><iframe src=javascript:window.__pwned('iframe')>",
  '</p></article><style>body{display:none}</style><link rel=stylesheet href=http://evil.example/x.css>',
];

function hostileInput() {
  const base = fixtureInput();
  const extra: Excerpt[] = PWN.map((payload, i) => ({
    ...base.excerpts[2],
    id: `pwn-${i}`,
    title: payload,
    note: payload,
    tags: ['counting-argument', `<b onmouseover=window.__pwned("tag")>${i}`],
    section: [payload],
    relations: [{ relation: 'supports', target: payload, targetTitle: payload }],
    context: { before: payload, after: payload },
    text: `passage ${i} ${payload}`,
  }));
  return { ...base, title: PWN[0], excerpts: [...base.excerpts, ...extra] };
}

/** The text an element shows: HTML parsing turns CR and CRLF into LF. */
function shown(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

suite('export: HTML report in Chromium', function () {
  this.timeout(60000);
  let browser: Browser;
  let dir: string;
  let reportUrl: string;
  let noCspUrl: string;
  const input = hostileInput();
  const html = renderHtml(input);

  suiteSetup(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cruxmark-html-'));
    writeFileSync(join(dir, 'report.html'), html);
    // The same report without its CSP: the escaping alone must keep everything inert.
    const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    assert.notStrictEqual(withoutCsp, html);
    writeFileSync(join(dir, 'no-csp.html'), withoutCsp);
    reportUrl = pathToFileURL(join(dir, 'report.html')).href;
    noCspUrl = pathToFileURL(join(dir, 'no-csp.html')).href;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  });

  suiteTeardown(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh page that records requests, dialogs, console errors and calls to window.__pwned. */
  async function open(url: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const pwned: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Anything that tries the network is recorded and refused.
    await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.exposeFunction('__pwned', (what: string) => pwned.push(what));
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, dialogs, pwned, errors, close: () => context.close() };
  }

  async function assertInert(url: string) {
    const { page, requests, dialogs, pwned, close } = await open(url);
    try {
      // Give handlers such as onerror and onload their chance to run.
      await page.waitForTimeout(300);
      await page.mouse.move(10, 10);
      await page.locator('.chip').first().hover();
      assert.deepStrictEqual(pwned, [], 'injected code ran');
      assert.deepStrictEqual(dialogs, [], 'a dialog opened');
      assert.deepStrictEqual(requests, [url], 'requests besides the document');
      const dom = await page.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')),
        banned: document.querySelectorAll('img, iframe, svg, link, object, embed, form, base').length,
        styles: document.querySelectorAll('style').length,
      }));
      assert.deepStrictEqual(dom, { scripts: 0, handlers: [], banned: 0, styles: 1 });
    } finally {
      await close();
    }
  }

  test('nothing runs and nothing loads', async () => {
    await assertInert(reportUrl);
  });

  test('the escaping alone keeps it inert, without the CSP', async () => {
    await assertInert(noCspUrl);
  });

  test('the CSP is in place and lets the report\'s own style sheet apply', async () => {
    const { page, errors, close } = await open(reportUrl);
    try {
      const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.match(csp!, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'$/);
      // The counting-argument chip wears its codebook colour: the hash matched the style sheet.
      const colour = await page.locator('nav .chip').first().evaluate((el: PageElement) => getComputedStyle(el).borderLeftColor);
      assert.strictEqual(colour, 'rgb(217, 119, 6)');
      assert.deepStrictEqual(errors, [], 'console errors (a CSP violation would show here)');
    } finally {
      await close();
    }
  });

  test('every excerpt is visible, highlighted in its context', async () => {
    const { page, close } = await open(reportUrl);
    try {
      const marks = await page.locator('mark').evaluateAll((els: PageElement[]) =>
        els.map((el) => ({
          text: (el as PageElement).innerText,
          visible: el.checkVisibility() && el.getBoundingClientRect().width > 0,
          passage: (el.parentElement as PageElement).innerText,
        })),
      );
      const placements = input.excerpts.reduce((n, e) => n + Math.max(1, e.tags.length), 0);
      assert.strictEqual(marks.length, placements);
      for (const e of input.excerpts) {
        const mine = marks.filter((m) => m.text === shown(e.text));
        assert.strictEqual(mine.length, Math.max(1, e.tags.length), `marks of ${e.id}`);
        assert.ok(mine.every((m) => m.visible), `${e.id} is visible`);
        if (e.context) {
          assert.ok(mine.every((m) => m.passage === shown(e.context!.before + e.text + e.context!.after)), `${e.id} in context`);
        }
      }
    } finally {
      await close();
    }
  });

  test('hostile notes, titles and labels show as literal text', async () => {
    const { page, close } = await open(reportUrl);
    try {
      const notes = await page.locator('.note').allInnerTexts();
      for (const e of input.excerpts) {
        const count = notes.filter((n) => n === `Note: ${shown(e.note!)}`).length;
        assert.strictEqual(count, Math.max(1, e.tags.length), `note of ${e.id}: ${JSON.stringify(e.note)}`);
      }
      const body = await page.locator('body').innerText();
      for (const literal of [HOSTILE.script, HOSTILE.img, HOSTILE.hyperlink, ...PWN, '<b onmouseover=window.__pwned("tag")>0', 'Depth <i>bias</i>']) {
        assert.ok(body.includes(literal), `shown literally: ${literal}`);
      }
      assert.strictEqual(await page.title(), PWN[0]);
      assert.strictEqual(await page.locator('h1').innerText(), PWN[0]);
    } finally {
      await close();
    }
  });

  test('table of contents: one entry per tag group, each pointing at its section', async () => {
    const { page, close } = await open(reportUrl);
    try {
      const toc = await page.locator('nav a').evaluateAll((as: PageElement[]) => as.map((a) => ({ href: a.getAttribute('href'), label: (a as PageElement).innerText })));
      const sections = await page.locator('main > section.tag-group').evaluateAll((ss: PageElement[]) => ss.map((s) => ({ id: s.id, heading: (s.querySelector('h2') as PageElement).innerText })));
      assert.deepStrictEqual(toc.map((t) => t.href), sections.map((s) => `#${s.id}`));
      assert.deepStrictEqual(toc.map((t) => t.label), sections.map((s) => s.heading));
      assert.deepStrictEqual(toc.map((t) => t.label).slice(0, 3), ['Counting argument', 'Simplicity prior', 'Reward as update strength']);
      assert.ok(toc.some((t) => t.label === 'no-such-tag'));
      assert.strictEqual(toc[toc.length - 1].label, 'Untagged');
      const detached = page.locator('article', { hasText: 'Almost every goal is compatible' });
      assert.match(await detached.locator('.badge').innerText(), /detached/i);
    } finally {
      await close();
    }
  });

  test('light and dark colour schemes, and print', async () => {
    const { page, close } = await open(reportUrl);
    try {
      const colours = () => page.evaluate(() => {
        const body = getComputedStyle(document.body);
        return { bg: body.backgroundColor, fg: body.color };
      });
      await page.emulateMedia({ colorScheme: 'light' });
      const light = await colours();
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await colours();
      assert.deepStrictEqual(light, { bg: 'rgb(255, 255, 255)', fg: 'rgb(31, 35, 40)' });
      assert.deepStrictEqual(dark, { bg: 'rgb(13, 17, 23)', fg: 'rgb(230, 237, 243)' });
      // Print is black on white whatever the screen's scheme, and excerpts are not split across pages.
      await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
      assert.deepStrictEqual(await colours(), { bg: 'rgb(255, 255, 255)', fg: 'rgb(0, 0, 0)' });
      assert.strictEqual(await page.locator('article').first().evaluate((el: PageElement) => getComputedStyle(el).breakInside), 'avoid');
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 1000);
    } finally {
      await close();
    }
  });
});
