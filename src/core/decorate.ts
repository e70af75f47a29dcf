// Which ranges each decoration shows, computed from the annotations' current ranges. Kept apart
// from the editor glue so that the work done after every keystroke can be measured.
import type { LiveAnnotation } from './essay';
import type { AnnotationKind } from './model';
import type { Range } from './text';

/** One tagged passage as its tag's decoration shows it. */
export interface TagMark {
  range: Range;
  /** Set when the passage has several tags: each tag then adds a chip after it. */
  chip: boolean;
}

/** The ranges of every decoration, by tag and by kind. */
export interface DecorationPlan {
  byTag: Map<string, TagMark[]>;
  /** The passage's first offset, for the gutter mark of its kind. */
  gutter: Map<AnnotationKind, number[]>;
  /** Whole ranges of claims and cruxes, for their underline. */
  byKind: Map<'claim' | 'crux', Range[]>;
}

/** Groups the attached annotations for the decorations. */
export function planDecorations(items: readonly LiveAnnotation[]): DecorationPlan {
  const plan: DecorationPlan = {
    byTag: new Map(),
    gutter: new Map([['passage', []], ['claim', []], ['crux', []]]),
    byKind: new Map([['claim', []], ['crux', []]]),
  };
  for (const item of items) {
    const range = item.range;
    if (!range) continue;
    plan.gutter.get(item.data.kind)!.push(range.start);
    if (item.data.kind !== 'passage') plan.byKind.get(item.data.kind)!.push(range);
    const chip = item.data.tags.length > 1;
    for (const tag of item.data.tags) {
      let list = plan.byTag.get(tag);
      if (!list) plan.byTag.set(tag, (list = []));
      list.push({ range, chip });
    }
  }
  return plan;
}
