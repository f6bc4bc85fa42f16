/**
 * Launch priority of each task (rank 0 starts first among ready tasks). The ONE place that decides it.
 * Until the compiler's frontier priority (compilePlan in src/compiler/compile.ts) is available, this is the
 * classic list-scheduling rule: longest remaining path in hours (the task plus its longest chain of
 * dependents) first; ties by plan order, then id (seed 003 FR-005).
 */
import type { PlanModel } from '../compiler/model.js';

export function launchPriority(model: PlanModel): Map<string, number> {
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  const dependents = new Map<string, string[]>(model.tasks.map((t) => [t.id, []]));
  for (const e of model.edges) if (e.scheduled && byId.has(e.from) && byId.has(e.to)) dependents.get(e.from)!.push(e.to);
  const remaining = new Map<string, number>();
  const visit = (id: string): number => {
    const known = remaining.get(id);
    if (known !== undefined) return known;
    remaining.set(id, 0); // cycles are rejected by the front end; this only guards recursion
    let longest = 0;
    for (const d of dependents.get(id)!) longest = Math.max(longest, visit(d));
    const value = byId.get(id)!.hours + longest;
    remaining.set(id, value);
    return value;
  };
  const sorted = [...model.tasks].sort((a, b) => visit(b.id) - visit(a.id) || a.index - b.index || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Map(sorted.map((t, i) => [t.id, i]));
}
