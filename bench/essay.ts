// A generator of long Markdown essays about AI alignment, the kind of document Cruxmark annotates:
// sections and subsections, argument paragraphs with claim links and footnotes, lists, quotes,
// tables, code, reference definitions, and paragraphs repeated verbatim. Deterministic per seed.

/** A small seeded PRNG (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  'The counting argument',
  'Simplicity priors and deception',
  'Reward as update strength',
  'Parallel depth bias',
  'Goal misgeneralisation in practice',
  'What the inductive bias favours',
  'Objections',
  'Responses to critics',
  'Where the crux lies',
  'Evidence from small models',
];

const SUBTOPICS = ['Setup', 'The argument', 'Objections', 'A worked example', 'Open questions', 'Summary'];

const SENTENCES = [
  'There are many more deceptive models than aligned ones, the argument goes, so training lands on one of them.',
  'Counting configurations says little unless we know the measure the learner puts on them.',
  'A simplicity prior favours short descriptions, but short in which language and at what depth?',
  'Reward is better read as how strongly an update reinforces what the policy just did.',
  'Nothing in the gradient asks the network to want the reward; it only makes some computations more likely.',
  'If parameter volume tracks simplicity, the counting argument inherits all of its weaknesses.',
  'The speed prior points the other way: a deceptive model spends extra serial steps on planning.',
  'Small transformers trained on modular arithmetic generalise before they memorise, which is some evidence.',
  'We should ask what the inductive bias actually rewards rather than what it could in principle reward.',
  'The disagreement is not about the maths but about which distribution over functions is relevant.',
  'Seen this way, goal misgeneralisation is a claim about proxies learned early in training.',
  'None of this rules out deception; it moves the burden of proof.',
  'Pope and Belrose argue that the analogy to evolution breaks down for gradient descent.',
  'A crux, then, is whether mesa-optimisers are simple under the prior the network implements.',
  'Take the policy gradient update: its size scales with the advantage, not with any goal content. 🤔',
  'Several readers pointed out that the number of solutions is infinite, so counting needs a measure.',
];

const LINKS = [
  '[as argued above](#parallel-depth-bias)',
  "[Pope's point](../replies/pope.md#parallel-depth-bias)",
  '[the counting argument][counting]',
  '[see the crux](#where-the-crux-lies)',
  '[Belrose on priors](../replies/belrose.md#simplicity-priors)',
  '[the appendix](./appendix.md)',
  '[an outside view](https://example.org/outside-view)',
  '[the objection][objection]',
];

const CODE = [
  '```python\ndef update(policy, advantage, lr=1e-3):\n    # reward scales the step; it is not a target\n    return policy + lr * advantage * policy.grad\n```',
  '```text\nP(deceptive) = |deceptive| / |all|   # only under a uniform measure\n```',
  '~~~ts\nconst prior = (f: Fn) => 2 ** -descriptionLength(f);\n~~~',
];

/**
 * A realistic Markdown essay of about `bytes` UTF-16 code units, the same for the same seed.
 */
export function generateEssay(bytes: number, seed: number): string {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const out: string[] = [];
  let size = 0;
  const emit = (block: string): void => {
    out.push(block);
    size += block.length + 2;
  };
  const paragraphs: string[] = [];
  let footnote = 0;
  const paragraph = (): string => {
    if (paragraphs.length > 8 && rnd() < 0.08) return pick(paragraphs);
    const parts: string[] = [];
    const count = 3 + Math.floor(rnd() * 5);
    for (let i = 0; i < count; i++) {
      let sentence = pick(SENTENCES);
      const r = rnd();
      if (r < 0.25) sentence = sentence.replace(/\.$/, `, ${pick(LINKS)}.`);
      else if (r < 0.32) sentence = sentence.replace(/ the /, ' *the* ');
      else if (r < 0.37) sentence = sentence.replace(/ a /, ' `a` ');
      else if (r < 0.42) sentence += `[^${++footnote}]`;
      parts.push(sentence);
    }
    // Some paragraphs are hard-wrapped, as many writers do.
    const text = rnd() < 0.3 ? parts.join('\n') : parts.join(' ');
    paragraphs.push(text);
    return text;
  };

  emit(`---\ntitle: "Counting arguments, ${seed}"\ntags: [alignment, deception, priors]\n---`);
  emit(`# Counting arguments and what they assume`);
  emit(paragraph());
  let section = 0;
  while (size < bytes) {
    section++;
    emit(`## ${pick(TOPICS)}`);
    emit(paragraph());
    const subsections = 1 + Math.floor(rnd() * 3);
    for (let s = 0; s < subsections && size < bytes; s++) {
      emit(`### ${pick(SUBTOPICS)}`);
      const blocks = 2 + Math.floor(rnd() * 5);
      const firstFootnote = footnote + 1;
      for (let b = 0; b < blocks; b++) {
        const r = rnd();
        if (r < 0.45) emit(paragraph());
        else if (r < 0.57) emit(list(rnd, pick));
        else if (r < 0.66) emit(quote(pick));
        else if (r < 0.72) emit(table(section, s, pick));
        else if (r < 0.78) emit(pick(CODE));
        else if (r < 0.82) emit(`**Claim.** ${pick(SENTENCES)} ${pick(LINKS)}\n\n---`);
        else emit(paragraph());
      }
      for (let n = firstFootnote; n <= footnote; n++) emit(`[^${n}]: ${pick(SENTENCES)}`);
    }
  }
  emit('[counting]: ./claims/counting.md#counting-argument "The counting argument"\n[objection]: #objections');
  return out.join('\n\n') + '\n';
}

function list(rnd: () => number, pick: <T>(items: readonly T[]) => T): string {
  const ordered = rnd() < 0.3;
  const loose = rnd() < 0.3;
  const items: string[] = [];
  const count = 2 + Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++) {
    const marker = ordered ? `${i + 1}.` : '-';
    const pad = ' '.repeat(marker.length + 1);
    let item = `${marker} ${pick(SENTENCES)}`;
    if (rnd() < 0.3) item += ` ${pick(LINKS)}`;
    if (rnd() < 0.25) item += `\n${pad}- ${pick(SENTENCES)}\n${pad}- [x] ${pick(SENTENCES)}`;
    items.push(item);
  }
  return items.join(loose ? '\n\n' : '\n');
}

function quote(pick: <T>(items: readonly T[]) => T): string {
  const lines = [`> ${pick(SENTENCES)}`, pick(SENTENCES), '>', `> ${pick(SENTENCES)} ${pick(LINKS)}`];
  return lines.join('\n');
}

function table(section: number, sub: number, pick: <T>(items: readonly T[]) => T): string {
  const rows = ['| Argument | Prior | Verdict |', '| --- | :---: | ---: |'];
  for (let i = 0; i < 3; i++) rows.push(`| ${pick(['Counting', 'Simplicity', 'Speed', 'Reward'])} ${section}.${sub}.${i} | ${pick(['uniform', 'length', 'volume'])} | ${pick(['weak', 'open', pick(LINKS)])} |`);
  return rows.join('\n');
}
