// Claims across the essays of a workspace, the typed links between them, and what points where.
import type { AnnotationKind, Relation } from './model';
import { isInside, relativeTo, resolveFrom } from './paths';

/** A claim or crux somewhere in the workspace. */
export interface ClaimRef {
  /** The essay's path (absolute, POSIX). */
  essay: string;
  id: string;
  kind: AnnotationKind;
  title: string;
}

/** What the graph needs to know of one essay. */
export interface GraphEssay {
  path: string;
  annotations: readonly { id: string; kind: AnnotationKind; title?: string; links?: readonly { relation: Relation; target: string }[] }[];
  /** Heading slugs, so that a fragment naming a heading is not a broken claim link. */
  headings?: readonly string[];
}

/** A relation that points at a claim. */
export interface Backlink {
  from: { essay: string; annotation: string; title: string; kind: AnnotationKind };
  relation: Relation;
}

/** How a link target resolved. */
export type Resolution =
  | { kind: 'claim'; claim: ClaimRef }
  | { kind: 'heading'; essay: string; slug: string }
  | { kind: 'missing'; reason: string };

/**
 * Splits `other.md#id` into its path and fragment (either may be empty). At the last `#`: ids and
 * heading slugs never contain one, while a file name may (`notes #2.md`, decoded from `%23`).
 */
export function splitTarget(target: string): { path: string; fragment: string } {
  const i = target.lastIndexOf('#');
  return i < 0 ? { path: '', fragment: target } : { path: target.slice(0, i), fragment: target.slice(i + 1) };
}

/** The claim graph of a workspace, rebuilt when annotations change. */
export class ClaimGraph {
  private readonly byId = new Map<string, ClaimRef[]>();
  private readonly essays = new Map<string, GraphEssay>();
  private readonly incoming = new Map<string, Backlink[]>();

  constructor(essays: readonly GraphEssay[], private readonly roots: readonly string[] = ['/']) {
    for (const e of essays) {
      this.essays.set(e.path, e);
      for (const a of e.annotations) {
        if (a.kind === 'passage') continue;
        const ref: ClaimRef = { essay: e.path, id: a.id, kind: a.kind, title: a.title ?? a.id };
        this.byId.set(a.id, [...(this.byId.get(a.id) ?? []), ref]);
      }
    }
    for (const e of essays) {
      for (const a of e.annotations) {
        for (const link of a.links ?? []) {
          const r = this.resolve(e.path, link.target);
          if (r.kind !== 'claim') continue;
          const key = `${r.claim.essay}#${r.claim.id}`;
          this.incoming.set(key, [...(this.incoming.get(key) ?? []), {
            from: { essay: e.path, annotation: a.id, title: a.title ?? a.id, kind: a.kind },
            relation: link.relation,
          }]);
        }
      }
    }
  }

  /** Every claim and crux, by essay then id. */
  claims(): ClaimRef[] {
    return [...this.byId.values()].flat().sort((a, b) => a.essay.localeCompare(b.essay) || a.id.localeCompare(b.id));
  }

  /** True when a claim id is used anywhere in the workspace. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Claim ids used by more than one claim. */
  duplicates(): ClaimRef[][] {
    return [...this.byId.values()].filter((refs) => refs.length > 1);
  }

  /** The claim with this id in this essay. */
  claim(essay: string, id: string): ClaimRef | undefined {
    return this.byId.get(id)?.find((c) => c.essay === essay);
  }

  /**
   * Resolves a link target written in `fromEssay`: `id`, `#id`, `other.md#id` (relative to the
   * essay) or `other.md`. A bare id is looked up in the same essay first, then in the workspace.
   * Paths that leave the workspace never resolve.
   */
  resolve(fromEssay: string, target: string): Resolution {
    const { path, fragment } = splitTarget(target);
    let essay = fromEssay;
    if (path) {
      essay = resolveFrom(fromEssay, path);
      if (!this.roots.some((r) => isInside(r, essay))) return { kind: 'missing', reason: `${path} is outside the workspace` };
    }
    if (!fragment) return { kind: 'missing', reason: 'the link names no claim' };
    const local = this.claim(essay, fragment);
    if (local) return { kind: 'claim', claim: local };
    if (this.essays.get(essay)?.headings?.includes(fragment)) return { kind: 'heading', essay, slug: fragment };
    if (!path) {
      const anywhere = this.byId.get(fragment);
      if (anywhere?.length === 1) return { kind: 'claim', claim: anywhere[0] };
      if (anywhere && anywhere.length > 1) return { kind: 'missing', reason: `"${fragment}" names claims in ${anywhere.length} essays: put the essay's path before the #` };
    }
    return { kind: 'missing', reason: path ? `no claim or heading "${fragment}" in ${path}` : `no claim or heading "${fragment}"` };
  }

  /** Relations that point at a claim. */
  backlinks(essay: string, id: string): Backlink[] {
    return this.incoming.get(`${essay}#${id}`) ?? [];
  }

  /** How `fromEssay` should write a link to a claim: `id` in the same essay, else `path#id`. */
  linkTarget(fromEssay: string, claim: ClaimRef): string {
    return claim.essay === fromEssay ? claim.id : `${relativeTo(fromEssay, claim.essay)}#${claim.id}`;
  }

  /** The claim ids closest to `id`, for "did you mean" quick fixes. */
  nearest(id: string, limit = 3): ClaimRef[] {
    return this.claims()
      .map((c) => ({ c, d: editDistance(id, c.id) }))
      .filter(({ c, d }) => d <= Math.max(2, Math.floor(Math.max(id.length, c.id.length) / 3)))
      .sort((a, b) => a.d - b.d || a.c.id.localeCompare(b.c.id))
      .slice(0, limit)
      .map(({ c }) => c);
  }
}

/** Levenshtein distance, for short ids. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
