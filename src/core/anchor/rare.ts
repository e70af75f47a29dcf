// Searching a long text for a string is fastest from the string's rarest character: the engine's
// search runs quickly over a text until it meets the needle's first character, so a needle that
// starts with a common letter stops at nearly every word. Each needle is looked for from its
// rarest character on, and the part before that character is checked at each hit.

/** One character in this many is sampled to estimate how common each character is. */
const SAMPLE_STEP = 61;

/** How common each UTF-16 unit is in a text, estimated from a sample of it. */
export class CharFrequency {
  private readonly counts = new Uint32Array(0x10000);

  constructor(text: string) {
    for (let i = 0; i < text.length; i += SAMPLE_STEP) this.counts[text.charCodeAt(i)]++;
  }

  /** A needle for `text`, to be found from its rarest character. */
  needle(text: string): Needle {
    return new Needle(text, this.rarest(text, 0, text.length));
  }

  /** The offset of the rarest character of `text[from, to)` (the first of equals); `from` if empty. */
  rarest(text: string, from: number, to: number): number {
    let rarest = from;
    for (let i = from + 1; i < to; i++) if (this.counts[text.charCodeAt(i)] < this.counts[text.charCodeAt(rarest)]) rarest = i;
    return rarest;
  }

  /** How many times the character at `text[i]` was seen in the sample. */
  countAt(text: string, i: number): number {
    return this.counts[text.charCodeAt(i)];
  }
}

/** A string prepared to be found from one of its characters on. */
export class Needle {
  private readonly head: string;
  private readonly tail: string;

  /** `at` is the offset in `text` of the character it is looked for from. */
  constructor(readonly text: string, private readonly at: number) {
    this.head = text.slice(0, at);
    this.tail = text.slice(at);
  }

  /** The first offset at or after `from` where the needle occurs in `hay`, or -1: as hay.indexOf(text, from). */
  in(hay: string, from = 0): number {
    const { at, head, tail } = this;
    for (let j = hay.indexOf(tail, Math.max(0, from) + at); j >= 0; j = hay.indexOf(tail, j + 1)) {
      if (at === 0 || hay.startsWith(head, j - at)) return j - at;
    }
    return -1;
  }
}
