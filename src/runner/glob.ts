/**
 * Glob expansion against the file system for `inputs` and `outputs`: `**` (any depth), `*`, `?`, `[...]`,
 * `{a,b}`. Patterns are read as the compiler reads `files` (../compiler/glob-overlap.ts: a leading `./`
 * dropped, a trailing `/` meaning everything below, braces expanded); a plain path naming a directory
 * also stands for everything below it. Node 20 has no fs.glob, and the package set has no glob library.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expandBraces, normalizePattern } from '../compiler/glob-overlap.js';

const skipDirs = new Set(['.git', 'node_modules', '.execplan']);

const hasWildcard = (glob: string): boolean => /[*?[]/.test(glob);

/** A glob as an anchored regular expression over '/'-separated relative paths (braces as alternatives). */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^(?:${expandBraces(glob).map(braceFreeSource).join('|')})$`);
}

function braceFreeSource(glob: string): string {
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
    else if (c === '[' && glob.indexOf(']', i + 2) !== -1) {
      const close = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, close);
      out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** The directory part before the first wildcard: where a walk has to start. */
function literalDir(glob: string): string {
  const wild = glob.search(/[*?[]/);
  if (wild === -1) return glob;
  const cut = glob.lastIndexOf('/', wild);
  return cut === -1 ? '' : glob.slice(0, cut);
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The brace-free globs a pattern stands for, with a plain directory path widened to everything below it. */
function concreteGlobs(root: string, raw: string): string[] {
  return expandBraces(normalizePattern(raw)).map((glob) => (!hasWildcard(glob) && isDirectory(path.join(root, glob)) ? `${glob}/**` : glob));
}

/** Files under `root` matching any of the globs, sorted (relative paths with '/'). */
export function expandGlobs(root: string, globs: readonly string[]): string[] {
  const found = new Set<string>();
  for (const raw of globs) {
    for (const glob of concreteGlobs(root, raw)) {
      const re = globToRegExp(glob);
      walk(root, literalDir(glob), (rel) => {
        if (re.test(rel)) found.add(rel);
      });
    }
  }
  return [...found].sort();
}

/** Whether something matches: a plain path may name an (even empty) directory, like a make target. */
export function globMatchesAnything(root: string, raw: string): boolean {
  const plain = normalizePattern(raw);
  if (!hasWildcard(plain) && !plain.includes('{')) {
    try {
      statSync(path.join(root, plain.replace(/\/\*\*$/, '')));
      return true;
    } catch {
      return false;
    }
  }
  return expandGlobs(root, [raw]).length > 0;
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
