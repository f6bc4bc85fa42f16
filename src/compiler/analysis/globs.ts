/**
 * Glob reasoning for stream ownership. Overlap comes from the scheduler's exact automaton
 * (../glob-overlap.ts); what is added here is ownership semantics — a pattern without wildcards also
 * owns everything below it, like a directory in .gitignore — and containment (`globCovers`).
 */
import { expandBraces, globsOverlap as patternsOverlap, normalizePattern } from '../glob-overlap.js';

const hasWildcard = (s: string): boolean => /[*?[\]{}]/.test(s);

/** A plain path owns itself and everything below it. */
function owned(pattern: string): string[] {
  const p = normalizePattern(pattern);
  return hasWildcard(p) ? [p] : [p, `${p}/**`];
}

/** True when some path can match both patterns. */
export function globsOverlap(a: string, b: string): boolean {
  return owned(a).some((x) => owned(b).some((y) => patternsOverlap(x, y)));
}

/** Path segments of a pattern; a plain path also stands for everything below it. */
function segments(pattern: string): string[] {
  const p = normalizePattern(pattern);
  const segs = p.split('/').filter((s) => s !== '' && s !== '.');
  if (!hasWildcard(p) && segs.length > 0) segs.push('**');
  return segs;
}

/** Character classes are treated as `?`: slightly more coverage reported, never less. */
const simplify = (seg: string): string => seg.replace(/\[[^\]]*\]/g, '?');

/**
 * True when every path `inner` can match is also matched by `outer`. Checked by reading `inner`'s
 * wildcards as literal text and matching that text against `outer`: `src/**` covers `src/*.ts`,
 * `src/*.ts` does not cover `src/**`.
 */
export function globCovers(outer: string, inner: string): boolean {
  return expandBraces(inner).every((i) => expandBraces(outer).some((o) => literalMatch(segments(o), segments(i))));
}

/**
 * Whether `pattern` matches all of `text`, where `star` elements match any run (possibly empty) and the
 * others match one element by `one`. Memoized on (i, j): without it, many stars backtrack exponentially.
 */
function wildcardMatch<P, T>(pattern: readonly P[], text: readonly T[], star: (p: P) => boolean, one: (p: P, t: T) => boolean): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (text.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === pattern.length) result = j === text.length;
    else if (star(pattern[i]!)) result = go(i + 1, j) || (j < text.length && go(i, j + 1));
    else result = j < text.length && one(pattern[i]!, text[j]!) && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** Path segments: `**` spans any number of segments; other segments match one segment's text. */
function literalMatch(pattern: string[], path: string[]): boolean {
  return wildcardMatch(pattern, path, (p) => p === '**', segmentMatchesLiteral);
}

/** One segment: `*` spans any characters, `?` one character (classes were simplified to `?`). */
function segmentMatchesLiteral(pattern: string, text: string): boolean {
  return wildcardMatch(
    [...simplify(pattern)],
    [...text],
    (c) => c === '*',
    (c, t) => c === '?' || c === t,
  );
}
