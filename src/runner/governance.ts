/**
 * What a rejected gate sends back. Rejecting a gate re-opens the task named with `--to` (by default the
 * gate's direct upstream tasks) and every task on a path from it to the gate, so the whole chain between
 * the rejected work and the review is redone; the gate itself is re-opened too when it already ran (a
 * review task whose own work is judged). Pure: plan + state in, a list (plan order) or a problem out.
 */
import type { RunPlan } from './plan-view.js';
import type { RunState } from './state.js';

function closure(start: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const id = stack.pop()!;
    for (const n of next(id)) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

export type Reopen = { ok: true; reopened: string[] } | { ok: false; message: string };

export function reopenedByRejection(plan: RunPlan, state: RunState, gate: string, to: string | undefined): Reopen {
  const gateTask = plan.tasks.get(gate);
  if (!gateTask) return { ok: false, message: `unknown task '${gate}'` };
  const deps = (id: string) => plan.tasks.get(id)?.deps ?? [];
  const dependents = (id: string) => plan.tasks.get(id)?.dependents ?? [];
  const upstream = closure([gate], deps);
  let roots: string[];
  if (to !== undefined) {
    if (!plan.tasks.has(to)) return { ok: false, message: `unknown task '${to}' (--to)` };
    if (to !== gate && !upstream.has(to)) return { ok: false, message: `--to ${to}: it is not upstream of '${gate}' (a rejection sends work back to an earlier task)` };
    roots = [to];
  } else roots = [...gateTask.deps];
  const between = closure(roots, dependents);
  const reopened = new Set<string>(roots);
  for (const id of between) if (upstream.has(id)) reopened.add(id);
  const gateRan = (state.tasks[gate]?.attempts.length ?? 0) > 0 || ['done', 'failed', 'fresh'].includes(state.tasks[gate]?.status ?? '');
  if (gateRan || to === gate) reopened.add(gate);
  if (reopened.size === 0) return { ok: false, message: `'${gate}' has no upstream task and has not run: name the task to send back with --to` };
  return { ok: true, reopened: plan.order.map((t) => t.model.id).filter((id) => reopened.has(id)) };
}

/** The attempt a decision judges: the latest attempt of the gate's upstream work (or of the gate itself). */
export function judgedAttempt(state: RunState, ids: readonly string[]): number | null {
  let best: number | null = null;
  for (const id of ids) for (const a of state.tasks[id]?.attempts ?? []) best = Math.max(best ?? 0, a.n);
  return best;
}
