// POSIX path arithmetic for essay paths and link targets (URI paths use `/` on every platform).

/** Normalises `a/./b/../c` to `a/c`; keeps a leading `/`; `..` above the root is kept as `..`. */
export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      // Above the root `..` is kept, so that a path escaping its root never looks inside it.
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else out.push('..');
    } else {
      out.push(part);
    }
  }
  return (absolute ? '/' : '') + out.join('/');
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Resolves a relative link path against the file that contains it. */
export function resolveFrom(fromFile: string, relative: string): string {
  if (relative.startsWith('/')) return normalize(relative);
  return normalize(`${dirname(fromFile)}/${relative}`);
}

/** The relative path from one file's folder to another file. */
export function relativeTo(fromFile: string, toFile: string): string {
  const from = dirname(normalize(fromFile)).split('/').filter(Boolean);
  const to = normalize(toFile).split('/').filter(Boolean);
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  return [...Array(from.length - i).fill('..'), ...to.slice(i)].join('/') || basename(toFile);
}

/** True when `path` lies inside `root` (both normalised absolute paths). */
export function isInside(root: string, path: string): boolean {
  const r = normalize(root);
  const p = normalize(path);
  if (p.split('/').includes('..')) return false;
  return p === r || p.startsWith(r.endsWith('/') ? r : `${r}/`);
}
