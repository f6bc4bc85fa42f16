/**
 * Glob reasoning for stream ownership: can two patterns match the same path, and does one pattern
 * cover everything another can match. Patterns use `*`, `?`, `**`, `[...]` and `{a,b}`; a pattern
 * without wildcards (or ending in `/`) also covers everything below it, like a directory in .gitignore.
 */

/** `{a,b}` alternatives expanded; at most 64 variants so a hostile pattern cannot explode. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) {
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const parts = splitTopLevel(pattern.slice(open + 1, i));
      return parts.flatMap((p) => expandBraces(head + p + tail)).slice(0, 64);
    }
  }
  return [pattern];
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

const hasWildcard = (s: string): boolean => /[*?[\]{}]/.test(s);

/** Path segments of a pattern; a plain path or a trailing slash means "this and everything below". */
function segments(pattern: string): string[] {
  let p = pattern.trim().replace(/^\.\//, '').replace(/\/+/g, '/');
  if (p.endsWith('/')) p += '**';
  const segs = p.split('/').filter((s) => s !== '' && s !== '.');
  if (!hasWildcard(p) && segs.length > 0) segs.push('**');
  return segs;
}

/** Character classes are treated as `?`: slightly more overlap reported, never less. */
const simplify = (seg: string): string => seg.replace(/\[[^\]]*\]/g, '?');

/** Can some string match both segment patterns? (`*` any run, `?` one character.) */
function segmentsIntersect(p: string, q: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (q.length + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === p.length && j === q.length) result = true;
    else if (p[i] === '*') result = go(i + 1, j) || (j < q.length && go(i, j + 1));
    else if (q[j] === '*') result = go(i, j + 1) || (i < p.length && go(i + 1, j));
    else if (i === p.length || j === q.length) result = false;
    else result = (p[i] === q[j] || p[i] === '?' || q[j] === '?') && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function pathsIntersect(a: string[], b: string[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '**') result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === '**') result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i === a.length || j === b.length) result = false;
    else result = segmentsIntersect(a[i]!, b[j]!) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** True when some path can match both patterns. */
export function globsOverlap(a: string, b: string): boolean {
  return expandBraces(a).some((x) => expandBraces(b).some((y) => pathsIntersect(segments(x).map(simplify), segments(y).map(simplify))));
}

/**
 * True when every path `inner` can match is also matched by `outer`. Checked by reading `inner`'s
 * wildcards as literal text and matching that text against `outer`: `src/**` covers `src/*.ts`,
 * `src/*.ts` does not cover `src/**`.
 */
export function globCovers(outer: string, inner: string): boolean {
  return expandBraces(inner).every((i) =>
    expandBraces(outer).some((o) => literalMatch(segments(o), segments(i))),
  );
}

function literalMatch(pattern: string[], path: string[]): boolean {
  const go = (i: number, j: number): boolean => {
    if (i === pattern.length) return j === path.length;
    if (pattern[i] === '**') return go(i + 1, j) || (j < path.length && go(i, j + 1));
    return j < path.length && segmentMatchesLiteral(pattern[i]!, path[j]!) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

function segmentMatchesLiteral(pattern: string, text: string): boolean {
  const p = simplify(pattern);
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === text.length;
    if (p[i] === '*') return go(i + 1, j) || (j < text.length && go(i, j + 1));
    return j < text.length && (p[i] === '?' || p[i] === text[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}
