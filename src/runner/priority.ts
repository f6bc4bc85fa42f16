/**
 * Launch priority of each task (rank 0 starts first among ready tasks): the ONE place that decides it.
 * It follows the compiler's rolling-frontier schedule (tasks by their scheduled start in the optimized
 * schedule), so the runner realizes the schedule `execplan compile` shows. Tasks with the same start are
 * launched in plan order (the order of `tasks:` is the documented tie-break: among equally urgent tasks,
 * earlier ones launch first), then by id; tasks missing from the schedule (none, in a valid plan) go last.
 */
import type { FileConflicts } from '../compiler/compiled.js';
import type { RunSchedule } from '../compiler/compile-for-run.js';
import { blockersOf } from '../compiler/conflicts.js';
import type { PlanModel } from '../compiler/model.js';

export function launchPriority(model: PlanModel, compiled: Pick<RunSchedule, 'frontier'> | null): Map<string, number> {
  const index = new Map(model.tasks.map((t) => [t.id, t.index]));
  // Without a compiled plan (`execplan status` and the control verbs, which launch nothing) every task
  // ranks by plan order.
  const start = new Map((compiled?.frontier.schedule ?? []).map((s) => [s.task, s.start]));
  const byPlan = (a: string, b: string) => (index.get(a) ?? Infinity) - (index.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0);
  const scheduled = [...start.keys()].sort((a, b) => start.get(a)! - start.get(b)! || byPlan(a, b));
  const rest = model.tasks
    .map((t) => t.id)
    .filter((id) => !start.has(id))
    .sort(byPlan);
  return new Map([...scheduled, ...rest].map((id, i) => [id, i]));
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
