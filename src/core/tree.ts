// The Claims view's tree, as plain data: essay → heading sections → claims and cruxes → the
// passages inside them and their links, plus a Detached group. Built from the outline and the
// annotations, with ids that stay the same across rebuilds so that the view keeps its state.
import type { LiveAnnotation } from './essay';
import type { Outline, Section } from './markdown';
import type { AnnotationKind, AnchorStatus, Relation } from './model';
import type { Range } from './text';

export type ClaimsNode = EssayNode | SectionNode | AnnotationNode | LinkNode | DetachedNode;

interface NodeBase {
  /** Stable across rebuilds. */
  id: string;
  essay: string;
  parent?: ClaimsNode;
  children: ClaimsNode[];
}

export interface EssayNode extends NodeBase {
  type: 'essay';
  label: string;
  annotations: number;
}

export interface SectionNode extends NodeBase {
  type: 'section';
  label: string;
  depth: number;
  range: Range;
}

export interface AnnotationNode extends NodeBase {
  type: 'annotation';
  annotation: string;
  kind: AnnotationKind;
  label: string;
  tags: string[];
  status: AnchorStatus;
  range?: Range;
}

export interface LinkNode extends NodeBase {
  type: 'link';
  relation: Relation;
  direction: 'outgoing' | 'incoming';
  target: string;
  /** The linked claim, when it exists. */
  resolved?: { essay: string; annotation: string; title: string };
}

export interface DetachedNode extends NodeBase {
  type: 'detached';
}

/** One essay's input to the tree. */
export interface EssayInput {
  key: string;
  name: string;
  outline: Outline | undefined;
  annotations: readonly LiveAnnotation[];
}

/** The claim a link points at, found by the caller's claim graph. */
export type LinkResolver = (essay: string, target: string) => { essay: string; annotation: string; title: string } | undefined;
/** Links pointing at a claim from elsewhere. */
export type Backlinks = (essay: string, annotation: string) => { essay: string; annotation: string; title: string; relation: Relation }[];

export interface TreeOptions {
  /** Show only annotations with one of these tags (and the claims that contain them). */
  filterTags?: readonly string[];
  resolve?: LinkResolver;
  backlinks?: Backlinks;
  /** A passage's label when it has no title. */
  label?: (a: LiveAnnotation) => string;
}

function contains(outer: Range, inner: Range): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function defaultLabel(a: LiveAnnotation): string {
  const t = a.data.title ?? a.data.target.quote.exact.replace(/\s+/g, ' ').trim();
  return t.length > 80 ? `${t.slice(0, 79)}…` : t;
}

/** Builds the Claims tree for some essays. */
export function buildClaimsTree(essays: readonly EssayInput[], options: TreeOptions = {}): EssayNode[] {
  const label = options.label ?? defaultLabel;
  const filter = options.filterTags && options.filterTags.length > 0 ? new Set(options.filterTags) : undefined;
  const matches = (a: LiveAnnotation): boolean => !filter || a.data.tags.some((t) => filter.has(t));
  const out: EssayNode[] = [];
  for (const input of essays) {
    const essayNode: EssayNode = { type: 'essay', id: `essay:${input.key}`, essay: input.key, label: input.name, annotations: input.annotations.length, children: [] };
    const attached = input.annotations.filter((a) => a.range);
    const detached = input.annotations.filter((a) => !a.range);

    const annotationNode = (a: LiveAnnotation, parent: ClaimsNode): AnnotationNode => {
      const node: AnnotationNode = {
        type: 'annotation', id: `ann:${input.key}#${a.data.id}`, essay: input.key, annotation: a.data.id, kind: a.data.kind,
        label: label(a), tags: [...a.data.tags], status: a.status, range: a.range ? { ...a.range } : undefined, parent, children: [],
      };
      for (const link of a.data.links ?? []) {
        node.children.push({
          type: 'link', id: `${node.id}>${link.relation}>${link.target}`, essay: input.key, relation: link.relation, direction: 'outgoing',
          target: link.target, resolved: options.resolve?.(input.key, link.target), parent: node, children: [],
        });
      }
      if (a.data.kind !== 'passage') {
        for (const b of options.backlinks?.(input.key, a.data.id) ?? []) {
          node.children.push({
            type: 'link', id: `${node.id}<${b.relation}<${b.essay}#${b.annotation}`, essay: input.key, relation: b.relation, direction: 'incoming',
            target: `${b.essay}#${b.annotation}`, resolved: { essay: b.essay, annotation: b.annotation, title: b.title }, parent: node, children: [],
          });
        }
      }
      return node;
    };

    // Claims and cruxes hold the passages inside them; the rest hang from their section.
    const claims = attached.filter((a) => a.data.kind !== 'passage');
    // The innermost claim around a passage holds it.
    const containerOf = (p: LiveAnnotation): LiveAnnotation | undefined => {
      let best: LiveAnnotation | undefined;
      for (const c of claims) {
        if (contains(c.range!, p.range!) && (!best || c.range!.end - c.range!.start < best.range!.end - best.range!.start)) best = c;
      }
      return best;
    };
    const placeAnnotations = (items: readonly LiveAnnotation[], parent: ClaimsNode): void => {
      for (const a of items) {
        if (a.data.kind === 'passage' && containerOf(a)) continue;
        const node = annotationNode(a, parent);
        if (a.data.kind !== 'passage') {
          for (const p of attached) {
            if (p.data.kind === 'passage' && containerOf(p) === a && matches(p)) node.children.push(annotationNode(p, node));
          }
        }
        if (matches(a) || node.children.some((c) => c.type === 'annotation')) parent.children.push(node);
      }
    };

    const sectionNodes = (sections: readonly Section[], parent: ClaimsNode, path: string): void => {
      for (const s of sections) {
        const slug = s.heading ? s.heading.slug : '';
        const id = `${path}/${slug}`;
        const node: SectionNode = {
          type: 'section', id: `sec:${input.key}#${id}`, essay: input.key, label: s.heading?.text || '(before the first heading)', depth: s.depth,
          range: { start: s.start, end: s.end }, parent, children: [],
        };
        const childRanges = s.children.map((c) => ({ start: c.start, end: c.end }));
        const own = attached.filter((a) => contains({ start: s.start, end: s.end }, { start: a.range!.start, end: a.range!.start })
          && !childRanges.some((r) => r.start <= a.range!.start && a.range!.start < r.end));
        sectionNodes(s.children, node, id);
        const subsections = node.children;
        node.children = [];
        placeAnnotations(own, node);
        node.children.push(...subsections);
        if (!filter || node.children.length > 0) parent.children.push(node);
      }
    };

    if (input.outline && input.outline.sections.length > 0) {
      sectionNodes(input.outline.sections, essayNode, '');
      // Annotations outside every section (possible only with an empty outline) still show.
      const covered = (a: LiveAnnotation): boolean => input.outline!.sections.some((s) => s.start <= a.range!.start && a.range!.start < Math.max(s.end, s.start + 1));
      placeAnnotations(attached.filter((a) => !covered(a)), essayNode);
    } else {
      placeAnnotations(attached, essayNode);
    }
    const shownDetached = detached.filter(matches);
    if (shownDetached.length > 0) {
      const group: DetachedNode = { type: 'detached', id: `detached:${input.key}`, essay: input.key, parent: essayNode, children: [] };
      for (const a of shownDetached) group.children.push(annotationNode(a, group));
      essayNode.children.push(group);
    }
    if (!filter || essayNode.children.length > 0) out.push(essayNode);
  }
  return out;
}

/** Every node of a tree, depth first. */
export function* walkTree(nodes: readonly ClaimsNode[]): Generator<ClaimsNode> {
  for (const n of nodes) {
    yield n;
    yield* walkTree(n.children);
  }
}

/** The deepest node of an essay whose range contains the offset: the passage or claim under the cursor, else its section. */
export function nodeAt(tree: readonly EssayNode[], essay: string, offset: number): ClaimsNode | undefined {
  let best: ClaimsNode | undefined;
  let bestSize = Infinity;
  for (const n of walkTree(tree.filter((e) => e.essay === essay))) {
    const r = n.type === 'annotation' ? n.range : n.type === 'section' ? n.range : undefined;
    if (!r || offset < r.start || offset > r.end) continue;
    const size = r.end - r.start + (n.type === 'section' ? 1e12 : 0);
    if (size < bestSize) {
      best = n;
      bestSize = size;
    }
  }
  return best;
}
