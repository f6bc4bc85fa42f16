/**
 * Can two glob patterns match the same path? Each pattern becomes a small automaton (`*` and `?` never
 * cross '/', `**` as a whole segment crosses directories, `[...]` classes, `{a,b}` alternatives, `\` escapes);
 * the patterns overlap when the product automaton reaches both accept states. Exact for this syntax.
 */
import { unreachable } from '../core/unreachable.js';

type CharTest = { kind: 'any' } | { kind: 'nonslash' } | { kind: 'lit'; c: string } | { kind: 'class'; negated: boolean; chars: string; ranges: Array<[string, string]> };

interface State {
  /** Consumes one matching character and stays here. */
  loop?: CharTest;
  /** Consumes one matching character and moves to the next state. */
  next?: CharTest;
  /** Moves without consuming. */
  eps: number[];
}

const maxAlternatives = 256;

/** Normalizes a pattern as written in a plan: no leading './', no doubled '/', a trailing '/' means everything below. */
export function normalizePattern(pattern: string): string {
  let p = pattern.trim().replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  if (p.endsWith('/')) p += '**';
  return p;
}

/** `{a,b}` alternatives expanded (nested allowed), at most 256 results; unbalanced braces stay literal. */
export function expandBraces(pattern: string): string[] {
  let results = [pattern];
  for (let guard = 0; guard < 64; guard++) {
    const next: string[] = [];
    let changed = false;
    for (const p of results) {
      const group = innermostGroup(p);
      if (!group) {
        next.push(p);
        continue;
      }
      changed = true;
      for (const option of group.options) next.push(p.slice(0, group.start) + option + p.slice(group.end + 1));
    }
    results = [...new Set(next)].slice(0, maxAlternatives);
    if (!changed) break;
  }
  return results;
}

function innermostGroup(p: string): { start: number; end: number; options: string[] } | null {
  let open = -1;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '{') open = i;
    else if (c === '}' && open >= 0) {
      const body = p.slice(open + 1, i);
      if (!body.includes(',')) return null;
      return { start: open, end: i, options: body.split(',') };
    }
  }
  return null;
}

/** The literal text before the first wildcard: two patterns can only overlap if one prefix starts the other. */
export function literalPrefix(pattern: string): string {
  const m = /[*?[\\{]/.exec(pattern);
  return m ? pattern.slice(0, m.index) : pattern;
}

function compile(pattern: string): State[] {
  const states: State[] = [];
  const push = (s: Partial<State>) => states.push({ eps: [], ...s });
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        let j = i;
        while (pattern[j] === '*') j++;
        const wholeSegment = (i === 0 || pattern[i - 1] === '/') && (j === pattern.length || pattern[j] === '/');
        if (wholeSegment && pattern[j] === '/') {
          // `**/`: nothing at all, or anything that ends with '/'.
          const k = states.length;
          push({ loop: { kind: 'any' }, eps: [k + 2] });
          push({ next: { kind: 'lit', c: '/' } });
          i = j;
          continue;
        }
        if (wholeSegment) {
          push({ loop: { kind: 'any' }, eps: [states.length + 1] });
          i = j - 1;
          continue;
        }
        i = j - 1;
      }
      push({ loop: { kind: 'nonslash' }, eps: [states.length + 1] });
    } else if (c === '?') {
      push({ next: { kind: 'nonslash' } });
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        push({ next: { kind: 'lit', c } });
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      let chars = '';
      const ranges: Array<[string, string]> = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else chars += body[k];
      }
      push({ next: { kind: 'class', negated, chars, ranges } });
      i = close;
    } else if (c === '\\' && i + 1 < pattern.length) {
      push({ next: { kind: 'lit', c: pattern[++i]! } });
    } else {
      push({ next: { kind: 'lit', c } });
    }
  }
  return states;
}

function matches(test: CharTest, c: string): boolean {
  switch (test.kind) {
    case 'any':
      return true;
    case 'nonslash':
      return c !== '/';
    case 'lit':
      return test.c === c;
    case 'class': {
      if (c === '/') return false;
      const inside = test.chars.includes(c) || test.ranges.some(([lo, hi]) => lo <= c && c <= hi);
      return inside !== test.negated;
    }
    default:
      return unreachable(test, 'glob test');
  }
}

const samples = ['a', 'Z', '0', '_', '-', '.', '~', '\u00e9', '\u4e00'];

function compatible(x: CharTest, y: CharTest): boolean {
  if (x.kind === 'lit') return matches(y, x.c);
  if (y.kind === 'lit') return matches(x, y.c);
  const candidates = [...samples];
  for (const t of [x, y]) {
    if (t.kind !== 'class') continue;
    candidates.push(...t.chars);
    for (const [lo, hi] of t.ranges) candidates.push(lo, hi);
  }
  return candidates.some((c) => matches(x, c) && matches(y, c));
}

function closure(states: State[], start: number): number[] {
  const out = [start];
  for (let k = 0; k < out.length; k++) {
    const s = states[out[k]!];
    if (!s) continue;
    for (const e of s.eps) if (!out.includes(e)) out.push(e);
  }
  return out;
}

function moves(states: State[], i: number): Array<[CharTest, number]> {
  const s = states[i];
  if (!s) return [];
  const out: Array<[CharTest, number]> = [];
  if (s.loop) out.push([s.loop, i]);
  if (s.next) out.push([s.next, i + 1]);
  return out;
}

function overlapSingle(a: string, b: string): boolean {
  if (a === b) return true;
  const sa = compile(a);
  const sb = compile(b);
  const width = sb.length + 1;
  const seen = new Uint8Array((sa.length + 1) * width);
  const queue: Array<[number, number]> = [];
  const visit = (i: number, j: number) => {
    for (const x of closure(sa, i))
      for (const y of closure(sb, j)) {
        if (!seen[x * width + y]) {
          seen[x * width + y] = 1;
          queue.push([x, y]);
        }
      }
  };
  visit(0, 0);
  for (let head = 0; head < queue.length; head++) {
    const [i, j] = queue[head]!;
    if (i === sa.length && j === sb.length) return true;
    for (const [tx, ni] of moves(sa, i)) for (const [ty, nj] of moves(sb, j)) if (compatible(tx, ty)) visit(ni, nj);
  }
  return false;
}

/** Whether some path matches both patterns (each normalized and brace-expanded first). */
export function globsOverlap(a: string, b: string): boolean {
  const xs = expandBraces(normalizePattern(a));
  const ys = expandBraces(normalizePattern(b));
  return xs.some((x) => ys.some((y) => overlapSingle(x, y)));
}

/** Pre-expanded form for callers comparing many pairs. */
export function overlapExpanded(xs: readonly string[], ys: readonly string[]): boolean {
  return xs.some((x) => ys.some((y) => overlapSingle(x, y)));
}
