/**
 * File conflicts: tasks that may modify the same path and so must not run at the same time.
 * Paths come from each task's `files` globs and, with lower confidence, from paths mentioned in its
 * description. Work is done per distinct pattern, never per task pair: n tasks on one broad glob are one
 * pattern with n holders, not n(n-1)/2 pairs. An overlap is enforced when its confidence >= min_confidence.
 */
import type { ConflictGroup, ConflictPattern, ConflictSource, ConflictType, FileConflicts, PatternOverlap } from './compiled.js';
import { expandBraces, literalPrefix, normalizePattern, overlapExpanded } from './glob-overlap.js';
import type { PlanModel, TaskModel } from './model.js';
import { lowerBound } from '../core/lower-bound.js';
import { sortTexts } from './sort-lists.js';

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
    // A path has a '.' (an extension) or a '/': most words of a description have neither.
    if (!raw || (!raw.includes('.') && !raw.includes('/')) || raw.includes('://') || raw.startsWith('@')) continue;
    const word = raw.replace(/[.:!?]+$/, '');
    if (!/[A-Za-z]/.test(word)) continue;
    const hasSlash = word.includes('/');
    const ok = hasSlash ? withExtension.test(word) || /[*]/.test(word) || raw.endsWith('/') : fileName.test(word);
    if (ok) found.add(hasSlash && raw.endsWith('/') && !word.endsWith('/') ? `${word}/` : word);
  }
  return sortTexts([...found]);
}

/** A normalized pattern text with its holders per source; the overlap test runs once per pair of texts. */
interface Text {
  text: string;
  prefix: string;
  expanded: string[];
  /** Holders (plan indexes, ascending, unique) by source. */
  files: number[];
  description: number[];
  /** Only for the pseudo-pattern of one avoid_concurrent_with pair: its two tasks. */
  avoid_concurrent_with: number[];
}

function confidenceOf(a: ConflictSource, b: ConflictSource): number {
  if (a === 'avoid_concurrent_with' || b === 'avoid_concurrent_with') return 1;
  if (a === 'files' && b === 'files') return conflictConfidence.filesFiles;
  if (a === 'description' && b === 'description') return conflictConfidence.descriptionDescription;
  return conflictConfidence.filesDescription;
}

/** Normalized patterns a task holds, by source; a path its description names that its `files` also list counts once, as files. */
function patternsOf(task: TaskModel): Array<[string, ConflictSource]> {
  const own = new Set(task.files.map(normalizePattern));
  const fromText = mentionedPaths(`${task.title}\n${task.description}`)
    .map(normalizePattern)
    .filter((p) => !own.has(p));
  return [...[...own].map((p): [string, ConflictSource] => [p, 'files']), ...[...new Set(fromText)].map((p): [string, ConflictSource] => [p, 'description'])];
}

function commonPrefix(a: string, b: string): string {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return a.slice(0, k);
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const sources: readonly ConflictSource[] = ['description', 'files'];

/** Two non-empty ascending holder lists share a conflict unless both are the same single task. */
function tiesTwoTasks(x: readonly number[], y: readonly number[], same: boolean): boolean {
  if (same) return x.length >= 2;
  return !(x.length === 1 && y.length === 1 && x[0] === y[0]);
}

export function findConflicts(model: PlanModel): FileConflicts {
  const edges = [...overlapEdges(patternTexts(model)), ...avoidEdges(model)];
  const used = new Map<string, Node>();
  for (const [x, y] of edges) used.set(nodeKey(x), x).set(nodeKey(y), y);
  const nodes = [...used.values()].sort((x, y) => cmp(x.text.text, y.text.text) || cmp(x.source, y.source));
  const ids = model.tasks.map((t) => t.id);
  const patterns: ConflictPattern[] = nodes.map((n) => ({ pattern: n.text.text, source: n.source, tasks: n.text[n.source].map((t) => ids[t]!) }));
  const overlaps = overlapsOf(edges, nodes, model.settings);
  return {
    patterns,
    overlaps,
    groups: groupsOf(
      patterns,
      overlaps,
      nodes.map((n) => n.text[n.source]),
      ids,
    ),
    heldBy: heldByTask(nodes, model.tasks.length),
    excludes: excludesOf(nodes, overlaps),
  };
}

/** One side of a possible conflict: a pattern text as held from one source. */
type Node = { text: Text; source: ConflictSource };
const nodeKey = (n: Node) => `${n.text.text}\u0000${n.source}`;

/** Every distinct normalized pattern of the plan with its holders, sorted by literal prefix (then text) for the overlap search. */
function patternTexts(model: PlanModel): Text[] {
  const byText = new Map<string, Text>();
  for (const task of model.tasks) {
    for (const [text, source] of patternsOf(task)) {
      let p = byText.get(text);
      if (!p) {
        const expanded = expandBraces(text);
        const prefixes = expanded.map(literalPrefix);
        // The common literal prefix of all alternatives bounds the search.
        const prefix = prefixes.reduce(commonPrefix, prefixes[0] ?? '');
        p = { text, prefix, expanded, files: [], description: [], avoid_concurrent_with: [] };
        byText.set(text, p);
      }
      // Tasks are visited in plan order, each pattern once per task: the lists stay ascending and unique.
      p[source].push(task.index);
    }
  }
  return [...byText.values()].sort((x, y) => cmp(x.prefix, y.prefix) || cmp(x.text, y.text));
}

/** Overlapping (node, node) candidates among the sorted pattern texts. */
function overlapEdges(texts: readonly Text[]): Array<[Node, Node]> {
  const edges: Array<[Node, Node]> = [];
  const link = (p: Text, q: Text) => {
    const same = p === q;
    for (const sp of sources) {
      for (const sq of sources) {
        if (same && sq < sp) continue;
        const x = p[sp];
        const y = q[sq];
        if (x.length === 0 || y.length === 0) continue;
        if (!tiesTwoTasks(x, y, same && sp === sq)) continue;
        edges.push([
          { text: p, source: sp },
          { text: q, source: sq },
        ]);
      }
    }
  };
  for (let i = 0; i < texts.length; i++) {
    const p = texts[i]!;
    link(p, p);
    // Sorted by prefix: only the texts right after p that share its prefix can overlap it.
    for (let j = i + 1; j < texts.length && texts[j]!.prefix.startsWith(p.prefix); j++) {
      const q = texts[j]!;
      if (overlapExpanded(p.expanded, q.expanded)) link(p, q);
    }
  }
  return edges;
}

/**
 * Tasks that must not run beside each other for a reason the plan states (avoid_concurrent_with) are
 * kept apart by the same machinery as a file conflict: one pseudo-pattern per pair, held by both and
 * excluding itself. It never overlaps a real path, so it is not part of the glob search.
 */
function avoidEdges(model: PlanModel): Array<[Node, Node]> {
  return avoidPairs(model).map((text) => {
    const [a, b] = text.pair;
    const p: Text = { text: text.text, prefix: '', expanded: [], files: [], description: [], avoid_concurrent_with: [a, b] };
    return [
      { text: p, source: 'avoid_concurrent_with' },
      { text: p, source: 'avoid_concurrent_with' },
    ];
  });
}

/** The candidate edges as overlaps between pattern indexes, each with its confidence and whether it is enforced. */
function overlapsOf(edges: ReadonlyArray<[Node, Node]>, nodes: readonly Node[], settings: PlanModel['settings']): PatternOverlap[] {
  const indexOf = new Map(nodes.map((n, i) => [nodeKey(n), i]));
  return edges
    .map(([x, y]) => {
      const [a, b] = [indexOf.get(nodeKey(x))!, indexOf.get(nodeKey(y))!].sort((u, v) => u - v) as [number, number];
      const confidence = confidenceOf(x.source, y.source);
      // Tasks that say they modify the same file conflict as surely as ones that list it in `files`:
      // kept apart unless the plan relaxes it.
      const fromText = x.source === 'description' || y.source === 'description';
      const enforced = confidence >= settings.minConfidence || (fromText && settings.descriptionConflicts === 'enforce');
      return { a, b, confidence, enforced, type: conflictType(x, y) };
    })
    .sort((x, y) => x.a - y.a || x.b - y.b);
}

/** Per task (plan index): the patterns it holds. */
function heldByTask(nodes: readonly Node[], taskCount: number): number[][] {
  const heldBy: number[][] = Array.from({ length: taskCount }, () => []);
  nodes.forEach((n, i) => {
    for (const t of n.text[n.source]) heldBy[t]!.push(i);
  });
  return heldBy;
}

/** Per pattern: the patterns it must never run beside (its enforced overlaps), ascending. */
function excludesOf(nodes: readonly Node[], overlaps: readonly PatternOverlap[]): number[][] {
  const excludes: number[][] = nodes.map(() => []);
  for (const o of overlaps) {
    if (!o.enforced) continue;
    excludes[o.a]!.push(o.b);
    if (o.b !== o.a) excludes[o.b]!.push(o.a);
  }
  for (const list of excludes) list.sort((x, y) => x - y);
  return excludes;
}

const literal = (text: string) => !/[*?[\]{}]/.test(text) && !text.endsWith('/');
const directoryClaim = (text: string) => text.endsWith('/') || text.endsWith('/**');

function conflictType(x: { text: { text: string }; source: ConflictSource }, y: { text: { text: string }; source: ConflictSource }): ConflictType {
  if (x.source === 'avoid_concurrent_with') return 'declared';
  const [p, q] = [x.text.text, y.text.text];
  if (literal(p) && literal(q)) return 'same_file';
  if (directoryClaim(p) || directoryClaim(q)) return 'same_directory';
  return 'potential';
}

/** Each unordered pair once (declared on either side), as `avoid_concurrent_with: a, b` (plan order). */
function avoidPairs(model: PlanModel): Array<{ text: string; pair: [number, number] }> {
  const index = new Map(model.tasks.map((t) => [t.id, t.index]));
  const seen = new Set<string>();
  const out: Array<{ text: string; pair: [number, number] }> = [];
  for (const task of model.tasks) {
    for (const other of task.avoidConcurrentWith) {
      const j = index.get(other);
      if (j === undefined || j === task.index) continue;
      const pair: [number, number] = task.index < j ? [task.index, j] : [j, task.index];
      const text = `avoid_concurrent_with: ${model.tasks[pair[0]]!.id}, ${model.tasks[pair[1]]!.id}`;
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ text, pair });
    }
  }
  return out;
}

/** Connected components of the overlap graph. */
function groupsOf(patterns: readonly ConflictPattern[], overlaps: readonly PatternOverlap[], holders: ReadonlyArray<readonly number[]>, ids: readonly string[]): ConflictGroup[] {
  const parent = patterns.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const o of overlaps) {
    const [x, y] = [root(o.a), root(o.b)];
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  }
  const byRoot = new Map<number, { patterns: number[]; overlaps: number[]; confidence: number; enforced: boolean }>();
  patterns.forEach((_, i) => {
    const r = root(i);
    const g = byRoot.get(r) ?? { patterns: [], overlaps: [], confidence: 0, enforced: false };
    byRoot.set(r, g);
    g.patterns.push(i);
  });
  overlaps.forEach((o, k) => {
    const g = byRoot.get(root(o.a))!;
    g.overlaps.push(k);
    g.confidence = Math.max(g.confidence, o.confidence);
    g.enforced ||= o.enforced;
  });
  return [...byRoot.values()]
    .sort((x, y) => x.patterns[0]! - y.patterns[0]!)
    .map((g) => {
      const tasks = [...new Set(g.patterns.flatMap((p) => holders[p]!))].sort((x, y) => x - y);
      return { patterns: g.patterns, overlaps: g.overlaps, tasks: tasks.map((t) => ids[t]!), confidence: g.confidence, enforced: g.enforced };
    });
}

/**
 * Per task (plan index): the patterns whose holders it must never run beside (the enforced overlaps of
 * the patterns it holds), ascending. Equal lists are one shared array, so a thousand tasks on one glob
 * cost one list.
 */
export function blockersOf(conflicts: FileConflicts): number[][] {
  const byHeld = new Map<string, number[]>();
  const byContent = new Map<string, number[]>();
  const none: number[] = [];
  return conflicts.heldBy.map((held) => {
    if (held.length === 0) return none;
    const key = held.join(',');
    let list = byHeld.get(key);
    if (!list) {
      list = unionOf(held.map((p) => conflicts.excludes[p]!));
      if (list.length === 0) list = none;
      // Equal lists become one array: the wave schedule groups tasks by it.
      const content = list.join(',');
      list = byContent.get(content) ?? list;
      byContent.set(content, list);
      byHeld.set(key, list);
    }
    return list;
  });
}

/**
 * Union of ascending lists. A broad glob's list usually contains the lists of the narrow patterns a task
 * also holds; then the longest list is the answer and is shared, not copied.
 */
function unionOf(lists: ReadonlyArray<readonly number[]>): number[] {
  let longest = lists[0]!;
  for (const l of lists) if (l.length > longest.length) longest = l;
  const contains = (x: number) => {
    const lo = lowerBound(longest.length, (i) => longest[i]! < x);
    return lo < longest.length && longest[lo] === x;
  };
  if (lists.every((l) => l === longest || l.every(contains))) return longest as number[];
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}
