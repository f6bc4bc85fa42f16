/**
 * File conflicts as dag.json and tasks.json list them: one entry per group of overlapping patterns, each
 * pattern once with the tasks holding it, so the size grows with patterns and tasks, never with task pairs.
 */
import type { FileConflicts } from '../compiled.js';
import { sortAscending } from '../sort-lists.js';

export function conflictGroupsJson(conflicts: FileConflicts, withResolution = false) {
  const { patterns, overlaps } = conflicts;
  return conflicts.groups.map((g, k) => ({
    group: k + 1,
    tasks: g.tasks,
    confidence: g.confidence,
    enforced: g.enforced,
    patterns: g.patterns.map((p) => patterns[p]!),
    overlaps: g.overlaps.map((i) => {
      const o = overlaps[i]!;
      const [a, b] = [patterns[o.a]!, patterns[o.b]!];
      return {
        a: a.pattern,
        b: b.pattern,
        sourceA: a.source,
        sourceB: b.source,
        type: o.type,
        confidence: o.confidence,
        enforced: o.enforced,
        ...(withResolution ? { resolution: o.enforced ? 'never_concurrent' : 'reported_only' } : {}),
      };
    }),
  }));
}

/** Per task (plan index): the numbers of the conflict groups it belongs to. */
export function groupsOfTasks(conflicts: FileConflicts): number[][] {
  const groupOfPattern = new Int32Array(conflicts.patterns.length);
  conflicts.groups.forEach((g, k) => g.patterns.forEach((p) => (groupOfPattern[p] = k + 1)));
  return conflicts.heldBy.map((held) => sortAscending([...new Set(held.map((p) => groupOfPattern[p]!))]));
}
