/**
 * Launch priority of each task (rank 0 starts first among ready tasks): the ONE place that decides it.
 * It is the compiler's rolling-frontier priority (compilePlan(model).frontier.priority: tasks by their
 * scheduled start in the optimized schedule), so the runner realizes the schedule `execplan compile`
 * shows. Tasks missing from it (none, in a valid plan) go last, by plan order then id (seed 003 FR-005).
 */
import type { CompiledPlan } from '../compiler/compiled.js';
import type { PlanModel } from '../compiler/model.js';

export function launchPriority(model: PlanModel, compiled: CompiledPlan): Map<string, number> {
  const rank = new Map(compiled.frontier.priority.map((id, i) => [id, i]));
  const rest = model.tasks.filter((t) => !rank.has(t.id)).sort((a, b) => a.index - b.index || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const t of rest) rank.set(t.id, rank.size);
  return rank;
}

/** Pairs of tasks the compiler keeps apart (overlapping `files`, or paths named in descriptions). */
export function conflictPairs(compiled: CompiledPlan): Set<string> {
  const pairs = new Set<string>();
  for (const c of compiled.conflicts) if (c.enforced) pairs.add(pairKey(c.a, c.b));
  return pairs;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\0${b}` : `${b}\0${a}`;
}
