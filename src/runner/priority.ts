/**
 * Launch priority of each task (rank 0 starts first among ready tasks): the ONE place that decides it.
 * It is the compiler's rolling-frontier priority (compilePlan(model).frontier.priority: tasks by their
 * scheduled start in the optimized schedule), so the runner realizes the schedule `execplan compile`
 * shows. Tasks missing from it (none, in a valid plan) go last, by plan order then id. Without a compiled
 * plan (`execplan status` and the control verbs, which launch nothing) every task ranks by plan order.
 */
import type { CompiledPlan, FileConflicts } from '../compiler/compiled.js';
import { blockersOf } from '../compiler/conflicts.js';
import type { PlanModel } from '../compiler/model.js';

export function launchPriority(model: PlanModel, compiled: CompiledPlan | null): Map<string, number> {
  const rank = new Map((compiled?.frontier.priority ?? []).map((id, i) => [id, i]));
  const rest = model.tasks.filter((t) => !rank.has(t.id)).sort((a, b) => a.index - b.index || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const t of rest) rank.set(t.id, rank.size);
  return rank;
}

/**
 * The file patterns each task holds and the patterns it must not run beside (overlapping `files`, or paths
 * named in descriptions, with an enforced overlap), by task id, as the compiled schedules keep them.
 */
export interface FileLocks {
  /** The patterns the indexes below refer to. */
  patterns: readonly string[];
  holds: Map<string, readonly number[]>;
  blockedBy: Map<string, readonly number[]>;
}

export function fileLocks(model: PlanModel, conflicts: FileConflicts): FileLocks {
  const blockers = blockersOf(conflicts);
  const ids = model.tasks.map((t) => t.id);
  return {
    patterns: conflicts.patterns.map((p) => p.pattern),
    holds: new Map(ids.map((id, i) => [id, conflicts.heldBy[i]!])),
    blockedBy: new Map(ids.map((id, i) => [id, blockers[i]!])),
  };
}
