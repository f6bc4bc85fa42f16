/**
 * File conflicts (seed 002): pairs of tasks that may modify the same path and so must not run at the same
 * time. Paths come from each task's `files` globs and, with lower confidence, from paths mentioned in its
 * description. A conflict is enforced by both schedules when its confidence >= min_confidence.
 */
import type { ConflictOverlap, ConflictSource, FileConflict } from './compiled.js';
import { expandBraces, literalPrefix, normalizePattern, overlapExpanded } from './glob-overlap.js';
import type { PlanModel, TaskModel } from './model.js';

/** Confidence of a conflict by the sources of its two patterns. */
export const conflictConfidence = { filesFiles: 1, filesDescription: 0.8, descriptionDescription: 0.5 } as const;

const extensions =
  'ts|tsx|js|jsx|mjs|cjs|json|jsonc|yaml|yml|md|mdx|py|go|rs|java|kt|rb|sql|css|scss|less|html|toml|ini|cfg|sh|bash|txt|lock|env|c|h|cc|cpp|hpp|cs|swift|php|vue|svelte|proto|graphql|gql|tf|xml|csv|njk|prisma';
const fileName = new RegExp(`^[\\w.*?\\[\\]{},-]+\\.(${extensions})$`);
const withExtension = new RegExp(`\\.(${extensions})$`);

/**
 * Paths mentioned in free text: words with a known file extension (`src/app.ts`, `README.md`), or with a
 * '/' that also end in '/' or hold a wildcard (`src/models/`, `src/api/**`). URLs are ignored.
 */
export function mentionedPaths(text: string): string[] {
  const found = new Set<string>();
  for (const raw of text.split(/[\s`'"(),;<>|]+/)) {
    if (!raw || raw.includes('://') || raw.startsWith('@')) continue;
    const word = raw.replace(/[.:!?]+$/, '');
    if (!/[A-Za-z]/.test(word)) continue;
    const hasSlash = word.includes('/');
    const ok = hasSlash ? withExtension.test(word) || /[*]/.test(word) || raw.endsWith('/') : fileName.test(word);
    if (ok) found.add(hasSlash && raw.endsWith('/') && !word.endsWith('/') ? `${word}/` : word);
  }
  return [...found].sort();
}

interface Entry {
  task: number;
  source: ConflictSource;
  /** As written (for the report). */
  pattern: string;
}

interface Pattern {
  text: string;
  prefix: string;
  expanded: string[];
  entries: Entry[];
}

function confidenceOf(a: ConflictSource, b: ConflictSource): number {
  if (a === 'files' && b === 'files') return conflictConfidence.filesFiles;
  if (a === 'description' && b === 'description') return conflictConfidence.descriptionDescription;
  return conflictConfidence.filesDescription;
}

function patternsOf(task: TaskModel): Entry[] {
  const fromFiles = task.files.map((pattern) => ({ task: task.index, source: 'files' as const, pattern }));
  const own = new Set(task.files.map(normalizePattern));
  const fromText = mentionedPaths(`${task.title}\n${task.description}`)
    .filter((p) => !own.has(normalizePattern(p)))
    .map((pattern) => ({ task: task.index, source: 'description' as const, pattern }));
  return [...fromFiles, ...fromText];
}

function commonPrefix(a: string, b: string): string {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return a.slice(0, k);
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export function findConflicts(model: PlanModel): FileConflict[] {
  const byText = new Map<string, Pattern>();
  for (const task of model.tasks) {
    for (const entry of patternsOf(task)) {
      const text = normalizePattern(entry.pattern);
      let p = byText.get(text);
      if (!p) {
        const expanded = expandBraces(text);
        const prefixes = expanded.map(literalPrefix);
        // The common literal prefix of all alternatives bounds the search.
        const prefix = prefixes.reduce(commonPrefix, prefixes[0] ?? '');
        p = { text, prefix, expanded, entries: [] };
        byText.set(text, p);
      }
      p.entries.push(entry);
    }
  }
  const patterns = [...byText.values()].sort((x, y) => cmp(x.prefix, y.prefix) || cmp(x.text, y.text));
  const pairs = new Map<number, { a: number; b: number; overlaps: ConflictOverlap[]; confidence: number }>();
  const n = model.tasks.length;
  const record = (x: Entry, y: Entry) => {
    if (x.task === y.task) return;
    const [first, second] = x.task < y.task ? [x, y] : [y, x];
    const key = first.task * n + second.task;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { a: first.task, b: second.task, overlaps: [], confidence: 0 };
      pairs.set(key, pair);
    }
    pair.overlaps.push({ a: first.pattern, b: second.pattern, sourceA: first.source, sourceB: second.source });
    pair.confidence = Math.max(pair.confidence, confidenceOf(first.source, second.source));
  };
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    for (let x = 0; x < p.entries.length; x++) for (let y = x + 1; y < p.entries.length; y++) record(p.entries[x]!, p.entries[y]!);
    for (let j = i + 1; j < patterns.length && patterns[j]!.prefix.startsWith(p.prefix); j++) {
      const q = patterns[j]!;
      if (!overlapExpanded(p.expanded, q.expanded)) continue;
      for (const x of p.entries) for (const y of q.entries) record(x, y);
    }
  }
  const ids = model.tasks.map((t) => t.id);
  return [...pairs.values()]
    .sort((x, y) => x.a - y.a || x.b - y.b)
    .map((pair) => {
      const unique = new Map(pair.overlaps.map((o) => [`${o.a}\u0000${o.b}\u0000${o.sourceA}\u0000${o.sourceB}`, o]));
      const overlaps = [...unique.entries()].sort(([k1], [k2]) => cmp(k1, k2)).map(([, o]) => o);
      return {
        a: ids[pair.a]!,
        b: ids[pair.b]!,
        overlaps,
        confidence: pair.confidence,
        enforced: pair.confidence >= model.settings.minConfidence,
      };
    });
}
