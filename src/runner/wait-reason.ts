import { satisfiedStatuses, type TaskStatus, type WaitReason } from '../core/task-status.js';
import type { RunPlan, RunTask } from './plan-view.js';

/** Why a task waits, from what the plan and the statuses say (not resources or file locks: see Holdings); null when ready. */
export type WaitReasonOf = (task: RunTask, approved: boolean) => WaitReason | null;

/**
 * Why pending tasks do not run (shared with `execplan status`), for one snapshot of the statuses.
 * What every task needs from the rest of the plan (failed tasks upstream, unfinished earlier phases)
 * is computed once per snapshot, so asking for all tasks stays linear in the plan's size.
 */
export function waitReasons(plan: RunPlan, status: (id: string) => TaskStatus, paused: boolean): WaitReasonOf {
  const failedUpstream = failedUpstreamOf(plan, status);
  const earlierPhases = unfinishedEarlierPhases(plan, status);
  return (task, approved) => {
    const failedUp = failedUpstream(task.model.id);
    if (failedUp.length) return { kind: 'upstream-failed', tasks: [...failedUp] };
    const unmet = task.deps.filter((d) => !satisfiedStatuses.has(status(d)));
    if (unmet.length) return { kind: 'needs', tasks: unmet };
    if (task.model.phaseIndex >= 0) {
      const earlier = earlierPhases(task.model.phaseIndex);
      if (earlier.count) return { kind: 'phase', phase: task.model.phase!, earlier: earlier.first, count: earlier.count };
    }
    if (task.model.kind === 'manual') return { kind: 'manual' };
    if (task.model.gate === 'approve' && !approved) return { kind: 'gate' };
    if (paused) return { kind: 'paused' };
    return null;
  };
}

/** Failed tasks reachable upstream without passing through another failed task, sorted; memoized, iterative. */
function failedUpstreamOf(plan: RunPlan, status: (id: string) => TaskStatus): (id: string) => readonly string[] {
  const memo = new Map<string, string[]>();
  return (root) => {
    const stack: Array<[id: string, expanded: boolean]> = [[root, false]];
    while (stack.length > 0) {
      const [id, expanded] = stack.pop()!;
      if (memo.has(id)) continue;
      const deps = plan.tasks.get(id)!.deps;
      if (!expanded) {
        stack.push([id, true]);
        for (const d of deps) if (status(d) !== 'failed' && !memo.has(d)) stack.push([d, false]);
        continue;
      }
      const failed = new Set<string>();
      for (const d of deps) {
        if (status(d) === 'failed') failed.add(d);
        else for (const f of memo.get(d)!) failed.add(f);
      }
      memo.set(id, [...failed].sort());
    }
    return memo.get(root)!;
  };
}

/** For a phase index: the unfinished tasks of earlier phases (the first three in plan order, and how many). */
function unfinishedEarlierPhases(plan: RunPlan, status: (id: string) => TaskStatus): (phase: number) => { first: string[]; count: number } {
  // Per phase, its first three unfinished tasks (with their position in plan order) and its count.
  const byPhase = new Map<number, { first: Array<[position: number, id: string]>; count: number }>();
  plan.order.forEach((t, position) => {
    if (t.model.phaseIndex < 0 || satisfiedStatuses.has(status(t.model.id))) return;
    const entry = byPhase.get(t.model.phaseIndex) ?? { first: [], count: 0 };
    if (entry.first.length < 3) entry.first.push([position, t.model.id]);
    entry.count++;
    byPhase.set(t.model.phaseIndex, entry);
  });
  const memo = new Map<number, { first: string[]; count: number }>();
  return (phase) => {
    let result = memo.get(phase);
    if (!result) {
      const earlier = [...byPhase].filter(([p]) => p < phase).map(([, e]) => e);
      const first = earlier
        .flatMap((e) => e.first)
        .sort((a, b) => a[0] - b[0])
        .slice(0, 3)
        .map(([, id]) => id);
      result = { first, count: earlier.reduce((n, e) => n + e.count, 0) };
      memo.set(phase, result);
    }
    return result;
  };
}
