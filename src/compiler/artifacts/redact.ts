/**
 * Artifacts are committed and reviewed in pull requests, so a password or token written into a plan
 * (a description, evidence, an acceptance check, a `run` command) must not be copied into them. The
 * compiled plan is copied with every string value redacted (`[REDACTED:<kind>]`) before any renderer
 * sees it; the runner keeps reading the plan itself, so the command that runs is unchanged.
 */
import { redactSecrets } from '../../secrets/index.js';

export function redactDeep<T>(value: T): T {
  const seen = new Map<object, unknown>();
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const out = redactSecrets(v);
      if (out !== v) changed = true;
      return out;
    }
    if (v === null || typeof v !== 'object') return v;
    const known = seen.get(v);
    if (known !== undefined) return known;
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(walk(item));
      return copy;
    }
    // Only plain records are copied (Maps, typed arrays and the like hold numbers and ids, not user text).
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    for (const [k, item] of Object.entries(v)) copy[k] = walk(item);
    return copy;
  };
  const result = walk(value) as T;
  // Nothing to hide: keep the original objects (identity and speed).
  return changed ? result : value;
}
