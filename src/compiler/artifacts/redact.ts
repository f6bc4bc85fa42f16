/**
 * Artifacts are committed and reviewed in pull requests, so a password or token written into a plan
 * (a description, evidence, an acceptance check, a `run` command) must not be copied into them. The
 * compiled plan is copied with every string value redacted (`[REDACTED:<kind>]`) before any renderer
 * sees it; the runner keeps reading the plan itself, so the command that runs is unchanged.
 */
import { redactSecrets } from '../../secrets/index.js';

/** Only plain records and arrays hold user text (Maps, typed arrays and the like hold numbers and ids). */
function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function redactDeep<T>(value: T): T {
  // A compiled plan repeats its strings (a task id appears in the graph, the schedules, the analysis):
  // each distinct string is scanned once.
  const memo = new Map<string, string>();
  const redact = (s: string): string => {
    let out = memo.get(s);
    if (out === undefined) {
      out = redactSecrets(s);
      memo.set(s, out);
    }
    return out;
  };
  // Nothing to hide, the usual case: keep the original objects (identity, speed, no copy of the plan).
  return holdsSecret(value, redact) ? (copyRedacted(value, redact) as T) : value;
}

/**
 * Visits the redaction check may make before it starts over tracking the objects it has seen. A compiled
 * plan shares some records (a 10,000-task plan: ~110,000 container visits of ~385,000 are repeats), and
 * walking a shared record again is cheaper than a Set of every object (which was half the check's time);
 * a structure shared at every level, or a cycle, would make the untracked walk grow without end, so past
 * this many visits the walk that tracks them decides. Either walk meets the same strings.
 */
const untrackedVisits = 1 << 23;

/** Whether any string in `value` changes when redacted. */
function holdsSecret(value: unknown, redact: (s: string) => string): boolean {
  if (typeof value === 'string') return redact(value) !== value;
  if (value === null || typeof value !== 'object') return false;
  const untracked = holdsSecretWithin(value, redact, untrackedVisits);
  return untracked ?? holdsSecretTracked(value, redact);
}

/**
 * The walk without a record of what it has seen: true or false, or null when it took more than `budget`
 * visits. Strings are checked where they are met; only objects go on the stack.
 */
function holdsSecretWithin(value: object, redact: (s: string) => string, budget: number): boolean | null {
  const stack: object[] = [value];
  while (stack.length > 0) {
    if (--budget < 0) return null;
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          if (redact(x) !== x) return true;
        } else if (typeof x === 'object' && x !== null) stack.push(x);
      }
    } else if (isPlain(v)) {
      const record = v as Record<string, unknown>;
      for (const k in record) {
        const x = record[k];
        if (typeof x === 'string') {
          if (redact(x) !== x) return true;
        } else if (typeof x === 'object' && x !== null) stack.push(x);
      }
    }
  }
  return false;
}

/** The same check, depth first, each object once. */
function holdsSecretTracked(value: unknown, redact: (s: string) => string): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (redact(v) !== v) return true;
      continue;
    }
    if (v === null || typeof v !== 'object' || seen.has(v) || !isPlain(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  return false;
}

/** The copy with every string redacted; an object met twice is copied once (shared, as in the original). */
function copyRedacted(value: unknown, redact: (s: string) => string): unknown {
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (v === null || typeof v !== 'object') return v;
    const known = seen.get(v);
    if (known !== undefined) return known;
    if (!isPlain(v)) return v;
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(walk(item));
      return copy;
    }
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    for (const [k, item] of Object.entries(v)) copy[k] = walk(item);
    return copy;
  };
  return walk(value);
}
