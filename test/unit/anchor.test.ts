import * as assert from 'assert';
import { Anchorer, describeTarget, type AnchorResult } from '../../src/core/anchor';
import type { Target } from '../../src/core/model';
import { CodePointIndex, type Range, type TextEdit } from '../../src/core/text';
import { applyEdits, mapRangeThroughEdits } from '../../src/core/track';
import { generateEssay, makeAnnotations } from '../../bench/anchor';

const ESSAY = [
  '# Counting arguments',
  '',
  'The counting argument says that there are many more deceptive models than aligned ones,',
  'so a training process that picks a model at random from those that fit the data will',
  'probably pick a deceptive one. Critics answer that training does not pick at random.',
  '',
  '> "Reward is not the optimization target," as one post put it, and the strength of an',
  '> update is all that reward is.',
  '',
  'The simplicity prior is a different argument: it asks which solutions the learner favours,',
  'measured by description length, parameter volume or depth. A prior over functions is not',
  'a prior over parameters, and the two can come apart in large networks.',
  '',
  '- Counting arguments count goals.',
  '- Simplicity priors weigh them.',
  '',
  'Whether gradient descent behaves like a random sampler is the crux of the whole debate, and',
  'the evidence from small models is mixed at best. 🤖 Some of it points the other way.',
  '',
].join('\n');

/** The blank-line block of the text around an offset (LF or CRLF line ends). */
function blockAt(text: string, offset: number): Range {
  const blank = /\r?\n\r?\n/g;
  let start = 0;
  for (let m = blank.exec(text); m && m.index < offset; m = blank.exec(text)) start = m.index + m[0].length;
  const after = /\r?\n\r?\n/.exec(text.slice(offset));
  return { start, end: after ? offset + after.index : text.length };
}

/** A target for the first occurrence of `quote` (or the `nth`), bounded by its block. */
function targetOf(text: string, quote: string, nth = 0): { target: Target; range: Range } {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(quote, start + 1);
  assert.ok(start >= 0, `"${quote}" is in the text`);
  const range = { start, end: start + quote.length };
  return { target: describeTarget(text, range.start, range.end, blockAt(text, start)), range };
}

function placed(text: string, result: AnchorResult): string {
  assert.notStrictEqual(result.status, 'detached', 'placed');
  return text.slice(result.start, result.end);
}

function assertAt(result: AnchorResult, range: Range | undefined, status: AnchorResult['status']): void {
  assert.ok(range, 'the tracked range exists');
  assert.deepStrictEqual({ status: result.status, start: result.start, end: result.end }, { status, start: range.start, end: range.end });
}

/** Applies edits to a text and tracks a range through them, the way the editor would have. */
function edit(text: string, range: Range, edits: TextEdit[]): { text: string; range: Range | undefined } {
  return { text: applyEdits(text, edits), range: mapRangeThroughEdits(range, edits) };
}

/** Alone and in a batch, the target is detached or placed on text without a line break. */
function assertOnOneLine(text: string, target: Target): void {
  for (const result of [new Anchorer(text).anchor(target), new Anchorer(text).anchorAll([target])[0]]) {
    if (result.status !== 'detached') assert.ok(!/[\r\n]/.test(text.slice(result.start, result.end)), `placed on ${JSON.stringify(text.slice(result.start, result.end))}`);
  }
}

function replaceAll(text: string, from: string, to: string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (let i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + from.length)) edits.push({ start: i, end: i + from.length, text: to });
  return edits;
}

suite('anchor: describing a passage', () => {
  test('keeps 32 characters of context, cut at the enclosing block', () => {
    const quote = 'The simplicity prior';
    const { target } = targetOf(ESSAY, quote);
    assert.strictEqual(target.quote.exact, quote);
    // The passage opens its paragraph: nothing of the blockquote before it leaks in.
    assert.strictEqual(target.quote.prefix, '');
    assert.strictEqual(target.quote.suffix, ' is a different argument: it ask');
    assert.strictEqual(target.quote.suffix.length, 32);
  });

  test('without bounds the context runs across blocks', () => {
    const start = ESSAY.indexOf('The simplicity prior');
    const target = describeTarget(ESSAY, start, start + 20);
    assert.strictEqual(target.quote.prefix, ESSAY.slice(start - 32, start));
    assert.ok(target.quote.prefix.includes('\n\n'));
  });

  test('positions count code points', () => {
    const text = '😀😀 before\n\nthe passage 🤖 here';
    const start = text.indexOf('passage');
    const target = describeTarget(text, start, start + 'passage 🤖 here'.length);
    const cp = new CodePointIndex(text);
    assert.deepStrictEqual(target.position, { start: cp.toCodePoint(start), end: cp.toCodePoint(text.length) });
    assert.deepStrictEqual(target.position, { start: [...text.slice(0, start)].length, end: [...text].length });
  });

  test('never keeps half of an emoji at the edge of the context', () => {
    // The 32-unit cuts fall between the two halves of each emoji.
    const text = `a😀${'x'.repeat(31)}QUOTE${'y'.repeat(31)}😀b`;
    const start = text.indexOf('QUOTE');
    const target = describeTarget(text, start, start + 5);
    assert.strictEqual(target.quote.prefix, 'x'.repeat(31));
    assert.strictEqual(target.quote.suffix, 'y'.repeat(31));
    assert.ok(!/[\ud800-\udfff]/.test(target.quote.prefix + target.quote.suffix));
  });
});

suite('anchor: re-anchoring one passage', () => {
  const quote = 'there are many more deceptive models than aligned ones,\nso a training process';

  test('an unchanged text: exactly where it was', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const result = new Anchorer(ESSAY).anchor(target);
    assertAt(result, range, 'anchored');
    assert.strictEqual(result.score, 1);
  });

  test('text inserted before it: found where it went, still exact', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const changed = edit(ESSAY, range, [{ start: 0, end: 0, text: 'A new opening paragraph, longer than any search window around the old place. '.repeat(8) + '\n\n' }]);
    assertAt(new Anchorer(changed.text).anchor(target), changed.range, 'anchored');
  });

  test('reflowed lines: line breaks become spaces and spaces line breaks', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const block = blockAt(ESSAY, range.start);
    const paragraph = ESSAY.slice(block.start, block.end);
    const edits: TextEdit[] = [];
    for (let i = 0; i < paragraph.length; i++) {
      const c = paragraph[i];
      // Unwrap every line, and wrap after each "models" and "process".
      if (c === '\n') edits.push({ start: block.start + i, end: block.start + i + 1, text: ' ' });
      else if (c === ' ' && /(models|process)$/.test(paragraph.slice(0, i))) edits.push({ start: block.start + i, end: block.start + i + 1, text: '\n' });
    }
    const changed = edit(ESSAY, range, edits);
    assert.notStrictEqual(changed.text, ESSAY);
    const result = new Anchorer(changed.text).anchor(target);
    assertAt(result, changed.range, 'fuzzy');
    assert.strictEqual(placed(changed.text, result).replace(/\s+/g, ' '), quote.replace(/\s+/g, ' '));
  });

  test('CRLF line ends', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const changed = edit(ESSAY, range, replaceAll(ESSAY, '\n', '\r\n'));
    const result = new Anchorer(changed.text).anchor(target);
    assertAt(result, changed.range, 'fuzzy');
    assert.strictEqual(placed(changed.text, result), quote.replace('\n', '\r\n'));
  });

  test('LF after CRLF: a passage annotated in a Windows file', () => {
    const crlf = ESSAY.replace(/\n/g, '\r\n');
    const { target, range } = targetOf(crlf, quote.replace('\n', '\r\n'));
    const changed = edit(crlf, range, replaceAll(crlf, '\r\n', '\n'));
    assertAt(new Anchorer(changed.text).anchor(target), changed.range, 'fuzzy');
  });

  test('straight quotes turned curly', () => {
    const { target } = targetOf(ESSAY, '"Reward is not the optimization target," as one post put it');
    // Replacing a quote mark removes it from a tracked range: compare with the text instead.
    const changed = ESSAY.replace('"Reward', '“Reward').replace('target,"', 'target,”');
    const expected = '“Reward is not the optimization target,” as one post put it';
    const at = changed.indexOf(expected);
    assertAt(new Anchorer(changed).anchor(target), { start: at, end: at + expected.length }, 'fuzzy');
  });

  test('curly quotes turned straight', () => {
    const curly = ESSAY.replace('"Reward', '‘Reward').replace('target,"', 'target,’');
    const { target } = targetOf(curly, 'Reward is not the optimization target,’ as one');
    const expected = 'Reward is not the optimization target,\' as one';
    const changed = curly.replace('‘Reward', "'Reward").replace('target,’', "target,'");
    const at = changed.indexOf(expected);
    assertAt(new Anchorer(changed).anchor(target), { start: at, end: at + expected.length }, 'fuzzy');
  });

  test('a word changed inside the passage', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const at = ESSAY.indexOf('deceptive models');
    const changed = edit(ESSAY, range, [{ start: at, end: at + 'deceptive'.length, text: 'scheming' }]);
    const result = new Anchorer(changed.text).anchor(target);
    assertAt(result, changed.range, 'fuzzy');
    assert.ok(result.score > 0.8 && result.score < 1, `score ${result.score}`);
  });

  test('a word changed inside the passage and text inserted before it', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const at = ESSAY.indexOf('deceptive models');
    const changed = edit(ESSAY, range, [
      { start: 0, end: 0, text: 'An inserted paragraph of some length, to move everything after it along.\n\n' },
      { start: at, end: at + 'deceptive'.length, text: 'scheming' },
    ]);
    assertAt(new Anchorer(changed.text).anchor(target), changed.range, 'fuzzy');
  });

  test('its paragraph moved to the end of the essay', () => {
    const { target, range } = targetOf(ESSAY, quote);
    const block = blockAt(ESSAY, range.start);
    const paragraph = ESSAY.slice(block.start, block.end);
    const filler = Array.from({ length: 60 }, (_, i) => `Filler paragraph ${i} about reward models, inner alignment and the evidence for each.`).join('\n\n');
    const text = `${ESSAY.slice(0, block.start)}${ESSAY.slice(block.end + 2)}\n${filler}\n\n${paragraph}\n`;
    const result = new Anchorer(text).anchor(target);
    const expected = text.lastIndexOf(quote);
    assertAt(result, { start: expected, end: expected + quote.length }, 'anchored');
    assert.ok(expected - range.start > 5000, 'moved far');
  });

  test('its text deleted: detached, even though a near copy exists elsewhere', () => {
    const sentence = 'Whether gradient descent behaves like a random sampler is the crux of the whole debate';
    const { target, range } = targetOf(ESSAY, sentence);
    const near = 'Whether gradient descent behaves like a random sampler was the crux of the old debate';
    const filler = Array.from({ length: 20 }, (_, i) => `Filler paragraph ${i} on counting arguments.`).join('\n\n');
    const changed = edit(ESSAY, range, [
      { start: range.start, end: range.end, text: 'Gradient descent is not a sampler' },
      { start: ESSAY.length, end: ESSAY.length, text: `\n${filler}\n\n${near}, and so on.\n` },
    ]);
    assert.strictEqual(changed.range, undefined, 'the edit removed the passage');
    assert.strictEqual(new Anchorer(changed.text).anchor(target).status, 'detached');
  });

  test('its text deleted while the same words remain elsewhere with other context', () => {
    const { target, range } = targetOf(ESSAY, 'Counting arguments count goals.');
    const changed = edit(ESSAY, range, [
      { start: range.start - 2, end: range.end, text: '' },
      { start: 0, end: 0, text: 'Preface: Counting arguments count goals. That is all.\n\n' },
    ]);
    assert.strictEqual(changed.range, undefined);
    assert.strictEqual(new Anchorer(changed.text).anchor(target).status, 'detached');
  });

  test('a passage rewritten word by word is detached, though its context survives', () => {
    const { target, range } = targetOf(ESSAY, 'Critics answer that training does not pick at random.');
    const changed = edit(ESSAY, range, [{ start: range.start, end: range.end, text: 'Others reply that optimisers are far from uniform.' }]);
    assert.strictEqual(new Anchorer(changed.text).anchor(target).status, 'detached');
  });

  test('an emptied essay detaches it', () => {
    const { target } = targetOf(ESSAY, quote);
    assert.strictEqual(new Anchorer('').anchor(target).status, 'detached');
    assert.strictEqual(new Anchorer('# Counting arguments\n').anchor(target).status, 'detached');
  });
});

suite('anchor: repeated text', () => {
  const paragraph = 'The learner prefers simple functions, and simple functions generalise; the question is\nwhether deception is simple.';
  const text = [
    '# Repeats',
    paragraph,
    'An intervening paragraph with its own words about parameter volume and depth, long enough to',
    'keep the two copies apart by more than a few characters of drift. '.repeat(4),
    paragraph,
    'A closing paragraph.',
    '',
  ].join('\n\n');

  test('an annotation on the second copy stays on the second copy', () => {
    const { target, range } = targetOf(text, 'whether deception is simple', 1);
    assertAt(new Anchorer(text).anchor(target), range, 'anchored');
    assertAt(new Anchorer(text).anchorAll([target])[0], range, 'anchored');
  });

  test('and so does one on the first copy', () => {
    const { target, range } = targetOf(text, 'whether deception is simple', 0);
    assertAt(new Anchorer(text).anchor(target), range, 'anchored');
  });

  test('after text inserted before both copies', () => {
    const { target, range } = targetOf(text, 'whether deception is simple', 1);
    const changed = edit(text, range, [{ start: 0, end: 0, text: 'Inserted preface.\n\n' }]);
    assertAt(new Anchorer(changed.text).anchor(target), changed.range, 'anchored');
  });

  test('after the second copy is edited and the first is not', () => {
    const { target, range } = targetOf(text, 'simple functions generalise; the question is\nwhether deception is simple', 1);
    const at = text.lastIndexOf('the question is');
    const changed = edit(text, range, [{ start: at, end: at + 3, text: 'a' }]);
    assertAt(new Anchorer(changed.text).anchor(target), changed.range, 'fuzzy');
  });

  test('a sentence repeated in another paragraph does not attract it', () => {
    const sentence = 'Reward is what reinforces.';
    const doc = `First: ${sentence} Then more words follow here.\n\nSecond paragraph, other words: ${sentence} And others.\n`;
    const { target, range } = targetOf(doc, sentence, 1);
    assertAt(new Anchorer(doc).anchor(target), range, 'anchored');
    const shifted = edit(doc, range, [{ start: 0, end: 0, text: 'Intro. ' }]);
    assertAt(new Anchorer(shifted.text).anchor(target), shifted.range, 'anchored');
  });

  test('a copy whose original was deleted, with identical context at the same distance from two places, is detached', () => {
    // Two copies equally far from where the annotated one was: nothing tells them apart.
    const filler = 'x'.repeat(300);
    const doc = `${paragraph}\n\n${filler}\n\nANNOTATED ${paragraph}\n\n${filler}\n\n${paragraph}\n`;
    const at = doc.indexOf('ANNOTATED ');
    const start = at + 'ANNOTATED '.length;
    const target = describeTarget(doc, start, start + paragraph.length, { start, end: start + paragraph.length });
    const changed = doc.slice(0, at) + 'y'.repeat(paragraph.length + 10) + doc.slice(start + paragraph.length);
    assert.strictEqual(new Anchorer(changed).anchor(target).status, 'detached');
  });
});

suite('anchor: short quotes', () => {
  const doc = 'Alignment of AI systems is hard. We study AI here, and AI there.\n';

  test('a two-character quote is found where it was', () => {
    const { target, range } = targetOf(doc, 'AI', 1);
    assertAt(new Anchorer(doc).anchor(target), range, 'anchored');
  });

  test('a two-character quote whose text was deleted is detached, though the same letters remain nearby', () => {
    const { target, range } = targetOf(doc, 'AI', 1);
    const changed = edit(doc, range, [{ start: range.start - 6, end: range.end + 6, text: 'it' }]);
    assert.strictEqual(changed.range, undefined);
    assert.ok(changed.text.includes('AI'));
    assert.strictEqual(new Anchorer(changed.text).anchor(target).status, 'detached');
  });

  test('a repeated word whose annotated copy was deleted is detached, not put on the copy left beside it', () => {
    const text = 'Gene the parameter prior. Weights matter, and these and. Model that analogy analogy activations selection! Search its layers.\n';
    const { target, range } = targetOf(text, 'analogy ', 1);
    const changed = edit(text, range, [{ start: range.start, end: range.end, text: '' }]);
    assert.strictEqual(changed.range, undefined);
    // The prefix, which ends with the other copy, now runs straight into the suffix.
    assert.ok(changed.text.includes(`${target.quote.prefix}${target.quote.suffix}`));
    assert.strictEqual(new Anchorer(changed.text).anchor(target).status, 'detached');
    assert.strictEqual(new Anchorer(changed.text).anchorAll([target])[0].status, 'detached');
  });

  test('a heading whose last word changed is not stretched to the end of the next line', () => {
    const before = '# On counting arguments and the simplicity prior\r\n\r\nPlanner those such complex function misaligned. Gradient or\r\ndataset less seeking.\r\n';
    const { target } = targetOf(before, 'counting arguments and the simplicity prior');
    assert.strictEqual(target.quote.suffix, '');
    // The last word gave way to another, and the heading ran on into the paragraph below.
    const after = '# On counting arguments and the simplicity are\r\nplanner those such complex function misaligned `heuristic_gene`. Gradient or\r\ndataset less seeking.\r\n';
    assertOnOneLine(after, target);
  });

  test('a quote on one line is not widened across a line break to where its context recurs', () => {
    const before = '# On counting arguments and the simplicity prior\n\nSeeking “pressure”. By seeking other\nupdates claims dataset prior to training.\n';
    const { target } = targetOf(before, 'implicity ');
    assert.strictEqual(target.quote.suffix, 'prior');
    // The heading lost its last word and ran on into the paragraph, where "prior" comes again.
    const after = '# On counting arguments and the simplicityking “pressure”. By seeking other\nupdates claims dataset prior to training.\n';
    assertOnOneLine(after, target);
  });

  test('a two-character quote does not match approximately', () => {
    const { target, range } = targetOf(doc, 'AI', 1);
    const changed = edit(doc, range, [{ start: range.start + 1, end: range.end, text: 'x' }]);
    assert.strictEqual(new Anchorer(changed.text).anchor(target).status, 'detached');
  });

  test('a short quote moves with its context', () => {
    const { target, range } = targetOf(doc, 'AI', 2);
    const changed = edit(doc, range, [{ start: 0, end: 0, text: 'AI AI AI. ' }]);
    assertAt(new Anchorer(changed.text).anchor(target), changed.range, 'anchored');
  });

  test('an empty quote marks the point between its prefix and suffix', () => {
    const at = doc.indexOf('We study');
    const target = describeTarget(doc, at, at);
    const changed = `Preface.\n\n${doc}`;
    const result = new Anchorer(changed).anchor(target);
    assert.deepStrictEqual({ ...result, score: undefined }, { status: 'anchored', start: at + 10, end: at + 10, score: undefined });
    assert.ok(result.score > 0.9);
    // A point has no text of its own: its context must be found verbatim.
    assert.strictEqual(new Anchorer(`${doc}More text.\n`).anchor(target).status, 'anchored');
    assert.strictEqual(new Anchorer(doc.replace('. We study', '. They study')).anchor(target).status, 'detached');
  });
});

suite('anchor: code points and emoji', () => {
  test('stored positions are code points; results are UTF-16 offsets', () => {
    const text = '🤖🤖🤖 Robots.\n\nThe passage after 🧠 three robots and a brain 🧠 ends here.\n';
    const { target, range } = targetOf(text, 'three robots and a brain 🧠');
    assert.strictEqual(target.position.start, range.start - 4, 'four emoji before it, two units each');
    assertAt(new Anchorer(text).anchor(target), range, 'anchored');
  });

  test('emoji inserted before and inside', () => {
    const text = 'Intro 📈 text.\n\nThe passage after 🧠 three robots and a brain 🧠 ends here.\n';
    const { target, range } = targetOf(text, 'three robots and a brain 🧠 ends');
    const inside = text.indexOf('robots');
    const changed = edit(text, range, [
      { start: 0, end: 0, text: '🤖🤖🤖🤖 ' },
      { start: inside, end: inside, text: '🤖 ' },
    ]);
    const result = new Anchorer(changed.text).anchor(target);
    assertAt(result, changed.range, 'fuzzy');
    assert.strictEqual(placed(changed.text, result), 'three 🤖 robots and a brain 🧠 ends');
  });

  test('an edit next to an emoji never leaves half of it in the range', () => {
    const text = 'Lead-in words here.\n\n🧠🧠 the passage starts with brains and goes on for a while 🧠🧠\n';
    const { target, range } = targetOf(text, '🧠 the passage starts with brains and goes on for a while 🧠');
    const changed = edit(text, range, [{ start: range.start + 2, end: range.start + 3, text: '' }]);
    const result = new Anchorer(changed.text).anchor(target);
    assert.notStrictEqual(result.status, 'detached');
    assert.ok(!/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(placed(changed.text, result)));
  });
});

suite('anchor: hints, batches and suggestions', () => {
  test('a hint replaces the stored position', () => {
    const doc = `same words here. ${'other words. '.repeat(8)}same words here. more.\n`;
    const first = describeTarget(doc, 0, 15);
    const second = doc.indexOf('same words here', 1);
    // The context of each copy differs only by what comes before it; the hint decides.
    const target = { ...first, quote: { ...first.quote, prefix: '', suffix: '' } };
    assert.deepStrictEqual(new Anchorer(doc).anchor(target, second), { status: 'anchored', start: second, end: second + 15, score: 1 });
    assert.strictEqual(new Anchorer(doc).anchor(target, 0).start, 0);
  });

  test('anchorAll keeps input order and agrees with anchor on independent passages', () => {
    const quotes = ['a prior over parameters', 'Counting arguments count goals.', 'there are many more deceptive models'];
    const targets = quotes.map((q) => targetOf(ESSAY, q).target);
    const changed = `Preface.\n\n${ESSAY}`;
    const anchorer = new Anchorer(changed);
    const all = anchorer.anchorAll(targets);
    const place = (r: AnchorResult) => ({ status: r.status, start: r.start, end: r.end });
    assert.deepStrictEqual(all.map(place), targets.map((t) => place(anchorer.anchor(t))));
    assert.deepStrictEqual(all.map((r) => changed.slice(r.start, r.end)), quotes);
  });

  test('anchorAll follows passages that all shifted by the same long insertion, despite edits', () => {
    const essay = generateEssay(12_000, 7, 0);
    const picked = makeAnnotations(essay, 6, 3, 40, 120).sort((a, b) => a.range.start - b.range.start);
    const insertion = generateEssay(4_000, 8, 0).text + '\n';
    // One letter changed in each passage but the last, so that only the last is verbatim.
    const edits: TextEdit[] = [{ start: 0, end: 0, text: insertion }];
    for (const p of picked.slice(0, -1)) edits.push({ start: p.range.start + 10, end: p.range.start + 11, text: '#' });
    const changed = applyEdits(essay.text, edits);
    const tracked = picked.map((p) => mapRangeThroughEdits(p.range, edits));
    const results = new Anchorer(changed).anchorAll(picked.map((p) => p.target));
    assert.deepStrictEqual(
      results.map((r) => ({ start: r.start, end: r.end, status: r.status })),
      tracked.map((r, i) => ({ start: r?.start, end: r?.end, status: i < picked.length - 1 ? 'fuzzy' : 'anchored' })),
    );
    // Alone, an approximate match thousands of characters from where it was is believed only on
    // strong evidence: here one letter changed in a long passage whose context is intact.
    const alone = new Anchorer(changed).anchor(picked[0].target);
    assert.deepStrictEqual({ start: alone.start, end: alone.end, status: alone.status }, { start: tracked[0]?.start, end: tracked[0]?.end, status: 'fuzzy' });
  });

  test('alone, a far approximate match on weak evidence is not believed; neighbours making the same jump confirm it', () => {
    const essay = generateEssay(12_000, 7, 0);
    const picked = makeAnnotations(essay, 6, 3, 40, 120).sort((a, b) => a.range.start - b.range.start);
    const insertion = generateEssay(4_000, 8, 0).text + '\n';
    // One letter in twelve changed in each passage: too many for a passage alone far off.
    const edits: TextEdit[] = [{ start: 0, end: 0, text: insertion }];
    for (const p of picked) {
      for (let at = p.range.start + 4; at < p.range.end - 4; at += 12) edits.push({ start: at, end: at + 1, text: essay.text[at] === 'x' ? 'y' : 'x' });
    }
    const changed = applyEdits(essay.text, edits);
    const tracked = picked.map((p) => mapRangeThroughEdits(p.range, edits));
    for (const p of picked) assert.strictEqual(new Anchorer(changed).anchor(p.target).status, 'detached');
    const results = new Anchorer(changed).anchorAll(picked.map((p) => p.target));
    assert.deepStrictEqual(
      results.map((r) => ({ start: r.start, end: r.end, status: r.status })),
      tracked.map((r) => ({ start: r?.start, end: r?.end, status: 'fuzzy' })),
    );
  });

  test('nearest suggests what a detached target most resembles', () => {
    const { target } = targetOf(ESSAY, 'Critics answer that training does not pick at random.');
    const rewritten = 'Critics reply that gradient descent never samples at random.';
    const changed = ESSAY.replace('Critics answer that training does not pick at random.', rewritten);
    const anchorer = new Anchorer(changed);
    assert.strictEqual(anchorer.anchor(target).status, 'detached');
    const suggestion = anchorer.nearest(target);
    assert.ok(suggestion);
    assert.strictEqual(changed.slice(suggestion.start, suggestion.end), rewritten);
    assert.strictEqual(new Anchorer('# Nothing alike\n').nearest(target), undefined);
  });
});

suite('anchor: passages moved and edited', () => {
  const SECTIONED = [
    '# Deceptive alignment',
    '',
    'The counting argument says that there are many more deceptive models than aligned ones.',
    '',
    '## The argument',
    '',
    'Among all the goals a model could have, almost all would lead it to play along during training.',
    '',
    '## Simplicity',
    '',
    'A simplicity prior favours short descriptions, and a deceptive model may be simpler than an aligned one.',
    '',
    '## Reward',
    '',
    'Reward is not the optimization target: it is how strongly an update reinforces the computations that produced the behaviour.',
    '',
  ].join('\n');
  const REWARD = 'Reward is not the optimization target: it is how strongly an update reinforces the computations that produced the behaviour.';

  /** The sections after the title, Reward moved first. */
  function reorder(text: string): string {
    const [head, ...sections] = text.split('\n## ');
    return [head, sections[2].trimEnd() + '\n', sections[0], sections[1]].join('\n## ');
  }

  function at(text: string, quote: string): Range {
    const start = text.indexOf(quote);
    assert.ok(start >= 0 && text.indexOf(quote, start + 1) < 0, `"${quote}" is in the text once`);
    return { start, end: start + quote.length };
  }

  function assertPlaced(result: AnchorResult, text: string, quote: string): void {
    assert.deepStrictEqual({ status: result.status, text: text.slice(result.start, result.end) }, { status: 'fuzzy', text: quote });
    assertAt(result, at(text, quote), 'fuzzy');
  }

  /** A long essay with the Reward paragraph, and the same essay with it moved far and edited. */
  function movedFar(edit: (paragraph: string) => string): { before: string; after: string } {
    // Without stock phrases, whose copies of "reward is not the optimisation target" would be rivals.
    const base = generateEssay(200_000, 5, 0, false).text;
    const one = base.indexOf('\n\n', base.length * 0.3) + 2;
    const two = base.indexOf('\n\n', base.length * 0.8) + 2;
    const before = `${base.slice(0, one)}${REWARD}\n\n${base.slice(one)}`;
    const after = `${base.slice(0, one)}${base.slice(one, two)}${edit(REWARD)}\n\n${base.slice(two)}`;
    return { before, after };
  }

  test('sections reordered and a word respelled: the quote that opens its paragraph follows it', () => {
    const { target } = targetOf(SECTIONED, 'Reward is not the optimization target');
    // Its paragraph starts the quote: the prefix is empty, the suffix intact.
    assert.strictEqual(target.quote.prefix, '');
    const changed = reorder(SECTIONED).replace('optimization', 'optimisation');
    assert.ok(changed.indexOf('## Reward') < changed.indexOf('## The argument'));
    assertPlaced(new Anchorer(changed).anchor(target), changed, 'Reward is not the optimisation target');
    assertPlaced(new Anchorer(changed).anchorAll([target])[0], changed, 'Reward is not the optimisation target');
    // The same in a file whose line ends became CRLF.
    const crlf = changed.replace(/\n/g, '\r\n');
    assertPlaced(new Anchorer(crlf).anchorAll([target])[0], crlf, 'Reward is not the optimisation target');
  });

  test('moved a long way and a word respelled: found anywhere in a long essay', () => {
    const { before, after } = movedFar((p) => p.replace('optimization', 'optimisation'));
    const { target, range } = targetOf(before, 'Reward is not the optimization target');
    const moved = at(after, 'Reward is not the optimisation target');
    assert.ok(moved.start - range.start > 50_000, 'moved far');
    assertPlaced(new Anchorer(after).anchor(target), after, 'Reward is not the optimisation target');
    assertPlaced(new Anchorer(after).anchorAll([target])[0], after, 'Reward is not the optimisation target');
  });

  test('moved a long way and reflowed in a CRLF file: a quote that differs only in whitespace is found', () => {
    const quote = 'Reward is not the optimization target: it is how strongly';
    const { before, after } = movedFar((p) => p.replace('target: it', 'target:\nit'));
    const { target } = targetOf(before.replace(/\n/g, '\r\n'), quote);
    const text = after.replace(/\n/g, '\r\n');
    const expected = 'Reward is not the optimization target:\r\nit is how strongly';
    assertPlaced(new Anchorer(text).anchor(target), text, expected);
    assertPlaced(new Anchorer(text).anchorAll([target])[0], text, expected);
    // Its context changed a little too: still consistent, still found.
    const edited = after.replace('reinforces', 'reinforced').replace(/\n/g, '\r\n');
    assertPlaced(new Anchorer(edited).anchor(target), edited, expected);
  });

  test('moved and edited, but a look-alike elsewhere is as close: detached', () => {
    const { before, after } = movedFar((p) => p.replace('optimization', 'optimisation'));
    const { target } = targetOf(before, 'Reward is not the optimization target');
    // Another copy of the paragraph, differing from the original by one other letter.
    const twin = REWARD.replace('optimization', 'optimizatian');
    const text = `${after.slice(0, 1000)}\n\n${twin}\n\n${after.slice(1000)}`;
    assert.strictEqual(new Anchorer(text).anchor(target).status, 'detached');
    assert.strictEqual(new Anchorer(text).anchorAll([target])[0].status, 'detached');
  });

  test('moved a long way with too much changed, or too short to tell: detached', () => {
    const respelled = movedFar((p) => p.replace('optimization', 'optimisaton').replace('Reward is not', 'Reward isn\'t'));
    const { target } = targetOf(respelled.before, 'Reward is not the optimization target');
    assert.strictEqual(new Anchorer(respelled.after).anchor(target).status, 'detached');
    const short = movedFar((p) => p.replace('not the', 'not a'));
    const { target: few } = targetOf(short.before, 'Reward is not the');
    assert.strictEqual(new Anchorer(short.after).anchor(few).status, 'detached');
  });
});
