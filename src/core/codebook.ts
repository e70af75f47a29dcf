// The codebook: the tags a passage can carry. Three are built in; users add their own in the
// `cruxmark.tags` setting or in `.cruxmark/tags.json`.

/** One tag of the codebook. */
export interface TagDefinition {
  /** Slug id stored in sidecars, for example `counting-argument`. */
  id: string;
  label: string;
  /** A CSS colour (`#rrggbb` or `#rrggbbaa`). */
  color: string;
  /** What a passage with this tag does; shown in hovers and quick picks. */
  definition: string;
  builtin?: boolean;
}

/** The three built-in tags. */
export const BUILTIN_TAGS: readonly TagDefinition[] = [
  {
    id: 'counting-argument',
    label: 'Counting argument',
    color: '#d97706',
    definition: 'Argues from how many configurations, solutions or goals of one kind there are compared with another ("there are many more deceptive models than aligned ones").',
    builtin: true,
  },
  {
    id: 'simplicity-prior',
    label: 'Simplicity prior',
    color: '#2563eb',
    definition: "Argues from which solutions the learner's inductive bias favours: description length, parameter volume, depth, speed.",
    builtin: true,
  },
  {
    id: 'reward-as-update-strength',
    label: 'Reward as update strength',
    color: '#059669',
    definition: 'Treats reward as how strongly an update reinforces past behaviour, not as a goal the trained system pursues.',
    builtin: true,
  },
];

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** A problem found in a user's codebook entry. */
export interface CodebookProblem {
  /** Where: `cruxmark.tags[2].color` or `.cruxmark/tags.json: [0].id`. */
  path: string;
  message: string;
}

/** The codebook in effect, and what was wrong with the user's entries. */
export interface Codebook {
  tags: TagDefinition[];
  problems: CodebookProblem[];
}

/** Colours for user tags that give none, picked by a stable hash of the id. */
const PALETTE = ['#9333ea', '#db2777', '#0891b2', '#65a30d', '#ca8a04', '#dc2626', '#4f46e5', '#0d9488'];

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/**
 * Merges the built-in tags with user entries from one or more sources (in order of precedence,
 * later wins). A user entry with a built-in id overrides its label, colour or definition.
 * Bad entries are skipped and reported, never thrown.
 */
export function buildCodebook(sources: { name: string; entries: unknown }[]): Codebook {
  const byId = new Map<string, TagDefinition>(BUILTIN_TAGS.map((t) => [t.id, { ...t }]));
  const problems: CodebookProblem[] = [];
  for (const source of sources) {
    if (source.entries === undefined || source.entries === null) continue;
    if (!Array.isArray(source.entries)) {
      problems.push({ path: source.name, message: 'must be a list of tags' });
      continue;
    }
    source.entries.forEach((entry: unknown, i: number) => {
      const where = `${source.name}[${i}]`;
      if (typeof entry !== 'object' || entry === null) {
        problems.push({ path: where, message: 'must be an object with id, label, color and definition' });
        return;
      }
      const e = entry as Record<string, unknown>;
      if (typeof e.id !== 'string' || !ID.test(e.id)) {
        problems.push({ path: `${where}.id`, message: 'must be a lowercase slug such as "mesa-optimizer"' });
        return;
      }
      const base = byId.get(e.id);
      if (e.color !== undefined && (typeof e.color !== 'string' || !COLOR.test(e.color))) {
        problems.push({ path: `${where}.color`, message: 'must be a hex colour such as "#a855f7"' });
      }
      for (const key of ['label', 'definition'] as const) {
        if (e[key] !== undefined && typeof e[key] !== 'string') {
          problems.push({ path: `${where}.${key}`, message: 'must be a string' });
        }
      }
      byId.set(e.id, {
        id: e.id,
        label: typeof e.label === 'string' && e.label.trim() ? e.label : base?.label ?? e.id,
        color: typeof e.color === 'string' && COLOR.test(e.color) ? e.color : base?.color ?? PALETTE[hash(e.id) % PALETTE.length],
        definition: typeof e.definition === 'string' ? e.definition : base?.definition ?? '',
        ...(base?.builtin ? { builtin: true } : {}),
      });
    });
  }
  return { tags: [...byId.values()], problems };
}

/** The tag with this id, or a placeholder for an id the codebook does not know (tags are never dropped). */
export function tagById(codebook: Codebook, id: string): TagDefinition {
  return codebook.tags.find((t) => t.id === id) ?? { id, label: id, color: '#6b7280', definition: 'A tag that is not in this codebook.' };
}
