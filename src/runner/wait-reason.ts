import type { RunPlan, RunTask } from './plan-view.js';
import { satisfiedStatuses } from './readiness.js';

/** Why a pending task does not run (shared with `execplan status`). */
export function waitReason(task: RunTask, plan: RunPlan, status: (id: string) => string, paused: boolean, approved: boolean): string {
  const failedUp = new Set<string>();
  const seen = new Set<string>();
  const walk = (id: string) => {
    for (const d of plan.tasks.get(id)!.deps) {
      if (seen.has(d)) continue;
      seen.add(d);
      if (status(d) === 'failed') failedUp.add(d);
      else walk(d);
    }
  };
  walk(task.model.id);
  if (failedUp.size) return `blocked: upstream failed (${[...failedUp].sort().join(', ')})`;
  const unmet = task.deps.filter((d) => !satisfiedStatuses.has(status(d)));
  if (unmet.length) return `needs ${unmet.join(', ')}`;
  if (task.model.phaseIndex >= 0) {
    const earlier = plan.order.filter((t) => t.model.phaseIndex >= 0 && t.model.phaseIndex < task.model.phaseIndex && !satisfiedStatuses.has(status(t.model.id)));
    if (earlier.length) return `phase ${task.model.phase} waits for earlier phases (${earlier.slice(0, 3).map((t) => t.model.id).join(', ')}${earlier.length > 3 ? ', ...' : ''})`;
  }
  if (task.model.kind === 'manual') return `manual task: run \`execplan done ${task.model.id} --reason TEXT\` when it is done`;
  if (task.model.gate === 'approve' && !approved) return `approval: run \`execplan approve ${task.model.id}\``;
  if (paused) return 'paused: run `execplan resume`';
  return 'ready';
}
