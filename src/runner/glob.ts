/**
 * Small glob expansion for `inputs` and `outputs` (overlap of `files` is the compiler's job: conflicts.ts): `**` (any depth), `*`, `?`, `{a,b}`.
 * Node 20 has no fs.glob, and the package set has no glob library.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

const skipDirs = new Set(['.git', 'node_modules', '.execplan']);

export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close === -1) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, close).split(',').map((part) => part.replace(/[.+^${}()|[\]\\*?]/g, '\\$&')).join('|')})`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The directory part before the first wildcard: where a walk has to start. */
export function literalPrefix(glob: string): string {
  const wild = glob.search(/[*?{]/);
  if (wild === -1) return glob;
  const cut = glob.lastIndexOf('/', wild);
  return cut === -1 ? '' : glob.slice(0, cut);
}

function normalize(glob: string): string {
  return glob.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Files under `root` matching any of the globs, sorted (relative paths with '/'). */
export function expandGlobs(root: string, globs: readonly string[]): string[] {
  const found = new Set<string>();
  for (const raw of globs) {
    const glob = normalize(raw);
    const re = globToRegExp(glob);
    const start = literalPrefix(glob);
    walk(root, start, (rel) => {
      if (re.test(rel)) found.add(rel);
    });
  }
  return [...found].sort();
}

function walk(root: string, rel: string, visit: (rel: string) => void): void {
  let entries;
  try {
    entries = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch (error) {
    // `rel` may be a file named literally in the glob
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') visit(rel);
    return;
  }
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) walk(root, child, visit);
    } else visit(child);
  }
}
