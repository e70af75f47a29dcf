import * as assert from 'assert';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutlineCancelledError, OutlineIndex, parseOutline, type Outline, type ParallelParse, type PartsJob } from '../../src/core/markdown';
import { drain } from '../../src/core/markdown/chunks';
import { PartClaims, partBounds, parsePart } from '../../src/core/markdown/parts';
import { frontMatterLimit, isChunkStart } from '../../src/core/markdown/scan';
import { OUTLINE_WORKER_FILE, outlineThreads } from '../../src/node/outlineThreads';
import { generateEssay } from '../../bench/essay';

/** Everything an outline says, as plain data. */
function snapshot(outline: Outline): object {
  const { blocks, headings, sections, links, problems } = outline;
  return JSON.parse(JSON.stringify({ blocks, headings, sections, links, problems }));
}

interface FakeHelpers {
  parallel: ParallelParse;
  /** Parts delivered, and how many times a run was stopped. */
  delivered: number[];
  stops: number;
}

/**
 * A helper on this thread: on each turn of the event loop it claims a part from the back, parses
 * it and delivers a copy, as a worker would. `failAfter` parts in, it claims one more part and
 * fails without delivering it.
 */
function inThread(failAfter = Infinity): FakeHelpers {
  const fake: FakeHelpers = { parallel: () => undefined, delivered: [], stops: 0 };
  fake.parallel = (job, deliver) => {
    const claims = new PartClaims(job.claims);
    let stopped = false;
    const done = new Promise<void>((resolve, reject) => {
      const next = (): void => {
        if (stopped) return resolve();
        const part = claims.back();
        if (part < 0) return resolve();
        if (fake.delivered.length >= failAfter) return reject(new Error('helper failed'));
        const result = drain(parsePart(job, part));
        fake.delivered.push(part);
        deliver(structuredClone(result));
        setImmediate(next);
      };
      setImmediate(next);
    });
    return {
      done,
      stop: () => {
        stopped = true;
        fake.stops++;
      },
    };
  };
  return fake;
}

/** Builds with parts at every chunk start (partChars 0) unless told otherwise, sharing with `parallel`. */
function buildShared(text: string, parallel: ParallelParse, partChars = 0, chunkChars = 0): Promise<OutlineIndex> {
  return OutlineIndex.build(text, { parallel, parallelMinChars: 0, partChars, chunkChars, sliceMs: 0.5 });
}

// Lines that make documents whose blocks run on across part boundaries.
const LINES = [
  '# Title', '## Section', 'Setext', '===', '---', 'A paragraph with [a link](#section) and text.', 'lazy line',
  '', '', '', '- item', '  - nested', '1. first', '> quote', '> > deeper', '```', 'code()', '```', '~~~ts', '~~~',
  '    indented code', '| a | b |', '| - | - |', '| 1 | 2 |', '[x]: /u', '[ref]: ../r.md#c "Title"', 'See [ref] and [x][].',
  'A note[^1].', '[^1]: The note.', '    continued note', '<!-- comment', '-->', '<div>', '</div>', '<script>', '</script>',
  '+++', 'Plain words.', '> -', '> 2. two', '-', '\n    code after a blank\n\n> -\nnot lazy', '\n    code\n\n> 2. two\nthree',
];

const document = fc.array(fc.constantFrom(...LINES), { maxLength: 40 }).chain((lines) =>
  fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol) + (lines.length > 0 ? eol : '')));

const tail = Array.from({ length: 12 }, (_, i) => `# Part ${i}\n\nText ${i} with [ref] and a note[^n].\n\n- item\n\n> quote\n`).join('\n');

suite('markdown: first index shared among threads', () => {
  test('claims from the front and the back never take a part twice and leave none out', () => {
    const claims = PartClaims.create(7);
    const other = new PartClaims(claims.buffer);
    const taken: number[] = [];
    for (let i = 0; ; i++) {
      const part = i % 3 === 0 ? other.back() : claims.front();
      if (part < 0) break;
      taken.push(part);
    }
    assert.deepStrictEqual([...taken].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepStrictEqual(taken.slice(0, 3), [6, 0, 1]);
    assert.strictEqual(claims.front(), -1);
    assert.strictEqual(other.back(), -1);
    assert.throws(() => PartClaims.create(0x8000), RangeError);
  });

  test('parts are cut at chunk starts after the front matter, and cover the text', () => {
    const text = `---\ntitle: x\n\n# not a heading\n---\n\n${tail}`;
    const limit = frontMatterLimit(text);
    const bounds = partBounds(text, limit, 0);
    assert.ok(bounds.length > 20, `${bounds.length} bounds`);
    assert.strictEqual(bounds[0], 0);
    assert.strictEqual(bounds[bounds.length - 1], text.length);
    for (const at of bounds.slice(1, -1)) assert.ok(at > limit && isChunkStart(text, at), `bound ${at}`);
    for (let i = 1; i < bounds.length; i++) assert.ok(bounds[i] > bounds[i - 1]);
    assert.deepStrictEqual(partBounds('one paragraph\nno blank line\n', 0, 0), [0, 28]);
  });

  test('random documents cut into parts at every chunk start equal a full parse', async () => {
    await fc.assert(fc.asyncProperty(document, fc.constantFrom(0, 40, 200), fc.constantFrom(0, 1000), async (text, partChars, chunkChars) => {
      const index = await buildShared(text, inThread().parallel, partChars, chunkChars);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)));
    }), { numRuns: 300 });
  });

  test('blocks that run on across part boundaries: fences, HTML, indented code', async () => {
    const cases = [
      `Intro.\n\n\`\`\`\n${tail}`,
      `Intro.\n\n\`\`\`\n${tail}\n\`\`\`\n\n${tail}`,
      `Intro.\n\n~~~\n${tail}\n~~~\n\n${tail}\n\n\`\`\`\n${tail}\n\`\`\`\n`,
      `Intro.\n\n<!--\n${tail}\n-->\n\n${tail}`,
      `Intro.\n\n<script>\n${tail}\n</script>\n\n${tail}`,
      `Intro.\n\n    code\n\n> -\nb\n\n${tail}`,
      `${tail}\n\n    code\n\n\n> 2. x\ny\n\n${tail}`,
    ];
    for (const text of cases) {
      const fake = inThread();
      const index = await buildShared(text, fake.parallel);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)), JSON.stringify(text.slice(0, 40)));
      assert.ok(fake.delivered.length > 0, 'the helper parsed nothing');
    }
  });

  test('definitions and footnotes in one part resolve references in another', async () => {
    const text = `# Claim[^n]\n\nSee [ref] first.\n\n${tail}\n\n[ref]: ../r.md#claim\n\n[^n]: The note.\n`;
    const fake = inThread();
    const index = await buildShared(text, fake.parallel);
    assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)));
    assert.ok(index.outline.links.some((l) => l.url === '../r.md#claim' && l.start < 30));
    assert.strictEqual(index.outline.headings[0].text, 'Claim');
    // The definitions were in parts the helper took.
    assert.ok(fake.delivered.includes(partBounds(text, 0, 0).length - 2));
  });

  test('front matter, a BOM, CRLF and passages nested too deep to parse', async () => {
    const deep = `${'>'.repeat(200)} deep\n`;
    const texts = [
      `\ufeff---\ntitle: x\n---\n\n${tail}`,
      `---\ntitle: x\n\n${tail}\n\n---\n\n${tail}`,
      tail.replace(/\n/g, '\r\n'),
      `${tail}\n\n${deep}\n${tail}\n\n${deep}${deep}\n${tail}`,
    ];
    for (const text of texts) {
      const index = await buildShared(text, inThread().parallel);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)));
    }
    const opaque = await buildShared(texts[3], inThread().parallel);
    assert.strictEqual(opaque.outline.problems.length, 2);
  });

  test('the CommonMark examples, run together, equal a full parse', async () => {
    const examples = (createRequire(__filename)('commonmark-spec') as { tests: { markdown: string }[] }).tests.map((t) => t.markdown.replace(/→/g, '\t'));
    for (let i = 0; i < examples.length; i += 40) {
      const text = examples.slice(i, i + 40).join('\n\nText [x].\n\n') + '\n[x]: #end\n';
      const index = await buildShared(text, inThread().parallel);
      assert.deepStrictEqual(snapshot(index.outline), snapshot(parseOutline(text)), `examples ${i} to ${i + 39}`);
    }
  });

  test('a large essay shared with a helper equals a full parse, the helper doing part of it', async () => {
    const text = generateEssay(300_000, 3).replace(/\n/g, (m, i: number) => (i % 11 === 0 ? '\r\n' : m));
    const fake = inThread();
    const index = await OutlineIndex.build(text, { parallel: fake.parallel, parallelMinChars: 0 });
    assert.deepStrictEqual(snapshot(index.outline), snapshot(new OutlineIndex(text).outline));
    assert.ok(index.stats.helperChars > 0 && index.stats.helperChars < text.length, `helper parsed ${index.stats.helperChars}`);
    assert.strictEqual(fake.stops, 1);
  });

  test('short texts are not shared', async () => {
    const fake = inThread();
    const index = await OutlineIndex.build(tail, { parallel: fake.parallel });
    assert.deepStrictEqual(fake.delivered, []);
    assert.strictEqual(index.stats.helperChars, 0);
  });
});

suite('markdown: when helpers cannot help', () => {
  const text = `Intro [ref].\n\n\`\`\`\n${tail}\n\`\`\`\n\n${tail}\n\n[ref]: #x\n`;
  const expected = snapshot(parseOutline(text));

  test('no helper starts: this thread parses everything, in slices', async () => {
    let yields = 0;
    const index = await OutlineIndex.build(text, { parallel: () => undefined, parallelMinChars: 0, partChars: 0, chunkChars: 0, sliceMs: 0.01, yieldFn: async () => void yields++ });
    assert.deepStrictEqual(snapshot(index.outline), expected);
    assert.strictEqual(index.stats.helperChars, 0);
    assert.ok(yields > 3, `yielded ${yields} times`);
  });

  test('starting helpers throws: the same', async () => {
    const parallel: ParallelParse = () => {
      throw new Error('no threads here');
    };
    const index = await OutlineIndex.build(text, { parallel, parallelMinChars: 0, partChars: 0 });
    assert.deepStrictEqual(snapshot(index.outline), expected);
  });

  test('a helper fails after claiming a part: this thread parses what it left', async () => {
    for (const failAfter of [0, 1, 3]) {
      const fake = inThread(failAfter);
      const index = await buildShared(text, fake.parallel);
      assert.deepStrictEqual(snapshot(index.outline), expected, `failing after ${failAfter}`);
      assert.strictEqual(fake.delivered.length, failAfter);
    }
  });

  test('cancelling while helpers work stops them and rejects', async () => {
    const signal = { cancelled: false };
    const fake = inThread();
    const built = OutlineIndex.build(text, {
      parallel: fake.parallel,
      parallelMinChars: 0,
      partChars: 0,
      sliceMs: 0.01,
      signal,
      yieldFn: async () => {
        // Once the helper is at work.
        if (fake.delivered.length > 0) signal.cancelled = true;
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    await assert.rejects(built, OutlineCancelledError);
    assert.strictEqual(fake.stops, 1);
  });
});

suite('markdown: worker threads', () => {
  const text = generateEssay(120_000, 7);
  const expected = snapshot(new OutlineIndex(text).outline);
  /** Sleeps at every yield, so that the worker gets parts to parse whatever the machine's speed. */
  const slowYield = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

  test('a worker running the bundled parser takes part of the first index', async () => {
    const errors: Error[] = [];
    const index = await OutlineIndex.build(text, { parallel: outlineThreads({ threads: 1, onError: (e) => errors.push(e) }), parallelMinChars: 0, sliceMs: 1, yieldFn: slowYield });
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(snapshot(index.outline), expected);
    assert.ok(index.stats.helperChars > 0, 'the worker parsed nothing');
  });

  test('two workers, and a text with blocks across parts', async () => {
    const fenced = `Intro.\n\n\`\`\`\n${text.slice(0, 30_000)}\n\`\`\`\n\n${text}`;
    const index = await OutlineIndex.build(fenced, { parallel: outlineThreads({ threads: 2 }), parallelMinChars: 0, partChars: 4096, sliceMs: 1, yieldFn: slowYield });
    assert.deepStrictEqual(snapshot(index.outline), snapshot(new OutlineIndex(fenced).outline));
    assert.ok(index.stats.helperChars > 0);
  });

  test('the worker is built next to this bundle and shipped next to the extension', () => {
    assert.ok(existsSync(join(__dirname, OUTLINE_WORKER_FILE)));
    const root = [join(__dirname, '../../..'), process.cwd()].find((dir) => existsSync(join(dir, '.vscodeignore')))!;
    const rules = readFileSync(join(root, '.vscodeignore'), 'utf8').split(/\r?\n/);
    assert.ok(rules.includes(`!dist/${OUTLINE_WORKER_FILE}`), '.vscodeignore leaves the worker out of the package');
  });

  test('without the worker script next to the bundle, the first index is built here', async () => {
    const errors: Error[] = [];
    const parallel = outlineThreads({ script: join(__dirname, 'no-such-worker.js'), onError: (e) => errors.push(e) });
    const index = await OutlineIndex.build(text, { parallel, parallelMinChars: 0 });
    assert.deepStrictEqual(snapshot(index.outline), expected);
    assert.strictEqual(index.stats.helperChars, 0);
    assert.match(errors[0]?.message ?? '', /no-such-worker\.js is missing/);
  });

  test('a worker that fails at start or after claiming parts: the first index is built here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cruxmark-worker-'));
    try {
      const throwing = join(dir, 'throws.js');
      writeFileSync(throwing, "throw new Error('cannot start');\n");
      // Claims every part left from the back, then exits without delivering any.
      const greedy = join(dir, 'greedy.js');
      writeFileSync(greedy, [
        "const { workerData } = require('worker_threads');",
        'const cell = new Int32Array(workerData.claims, 0, 1);',
        'for (;;) { const s = Atomics.load(cell, 0); if (Atomics.compareExchange(cell, 0, s, (s & 0xffff) * 0x10001) === s) break; }',
        'process.exit(3);',
      ].join('\n'));
      for (const [script, message] of [[throwing, /cannot start/], [greedy, /code 3/]] as const) {
        const errors: Error[] = [];
        const index = await OutlineIndex.build(text, { parallel: outlineThreads({ script, threads: 1, onError: (e) => errors.push(e) }), parallelMinChars: 0, sliceMs: 1, yieldFn: slowYield });
        assert.deepStrictEqual(snapshot(index.outline), expected, script);
        assert.strictEqual(index.stats.helperChars, 0);
        assert.match(errors[0]?.message ?? '', message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('cancelling stops the workers', async () => {
    const signal = { cancelled: false };
    let stops = 0;
    const threads = outlineThreads({ threads: 1 });
    const parallel: ParallelParse = (job: PartsJob, deliver) => {
      const run = threads(job, (result) => {
        signal.cancelled = true;
        deliver(result);
      });
      return run && { done: run.done, stop: () => { stops++; run.stop(); } };
    };
    await assert.rejects(OutlineIndex.build(text, { parallel, parallelMinChars: 0, sliceMs: 1, yieldFn: slowYield, signal }), OutlineCancelledError);
    assert.strictEqual(stops, 1);
  });
});
