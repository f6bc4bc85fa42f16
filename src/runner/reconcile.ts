/**
 * The start of a run, journaled: attempts a previous runner left open are closed as interrupted, and
 * tasks are reset so that a new run starts over and a resumed one re-runs what the plan changed.
 */
import type { Ended } from './attempt-processes.js';
import type { RunEvent } from './events.js';
import type { RunPlan } from './plan-view.js';
import { satisfiedStatuses } from './readiness.js';
import type { Store } from './store.js';

export interface ReconcileInput {
  plan: RunPlan;
  store: Store;
  selected: ReadonlySet<string>;
  runId: string;
  concurrency: number;
  emit: (event: RunEvent) => void;
  /** Who started the run (see actor.ts). */
  actor: string;
  /** What was found still running of interrupted attempts (key `task#attempt`) and what became of it. */
  leftovers?: ReadonlyMap<string, Ended>;
}

export function reconcile(run: ReconcileInput): void {
  const { plan, store, selected, runId, concurrency, emit, actor } = run;
  const state = store.state;
  const status = (id: string) => state.tasks[id]?.status ?? 'pending';
  // Records written before the first run (the worktree branches, a retry note) do not make it a resume.
  const hadHistory = state.runId !== null || Object.keys(state.tasks).length > 0;
  const mode: 'new' | 'resume' = hadHistory && state.lastOutcome !== 'completed' ? 'resume' : 'new';
  const interruptedBy = state.activePid;
  store.append({ type: 'run-start', runId, pid: process.pid, planHash: plan.planHash, concurrency, mode, actor });
  closeOpenAttempts(run, interruptedBy);
  if (mode === 'new') resetForNewRun(run);
  else resetForResume(run);
  const definitions: Record<string, string> = {};
  for (const task of plan.order) definitions[task.model.id] = task.definition;
  store.append({ type: 'plan', definitions });
  const toRun = [...selected].filter((id) => !satisfiedStatuses.has(status(id))).length;
  emit({ event: 'run-start', runId, mode, tasks: selected.size, toRun, concurrency });
  if (mode === 'resume' && selected.size - toRun > 0) emit({ event: 'notice', message: `resuming: ${selected.size - toRun} task(s) already finished are not re-run` });
}

/** Attempts the previous runner (pid `interruptedBy`) left open are journaled as interrupted, with what became of their processes. */
function closeOpenAttempts(run: ReconcileInput, interruptedBy: number | null): void {
  const { store, emit } = run;
  for (const [id, task] of Object.entries(store.state.tasks)) {
    const open = task.attempts.filter((a) => a.status === 'running');
    const ends: string[] = [];
    for (const attempt of open) {
      const left = run.leftovers?.get(`${id}#${attempt.n}`);
      store.append({
        type: 'task-interrupted',
        task: id,
        attempt: attempt.n,
        reason: `the runner (pid ${interruptedBy ?? '?'}) stopped before the attempt ended`,
        ...(left ? { leftovers: left } : {}),
      });
      if (left?.ended.length) ends.push(`ended ${left.ended.length} process(es) it left running (pid ${left.ended.join(', ')})`);
      if (left?.survived.length) ends.push(`could not end pid ${left.survived.join(', ')}: end them by hand`);
    }
    if (open.length)
      emit({ event: 'notice', message: `${id}: attempt ${open[open.length - 1]!.n} was interrupted; ${ends.length ? `${ends.join('; ')}; ` : ''}it runs again as a new attempt` });
  }
}

/** A new run starts over: every selected task that is not pending is reset (a manual task done under the same definition stays done). */
function resetForNewRun(run: ReconcileInput): void {
  const { plan, store, selected } = run;
  for (const task of plan.order) {
    const s = store.state.tasks[task.model.id];
    if (!s || s.status === 'pending' || !selected.has(task.model.id)) continue;
    if (task.model.kind === 'manual' && s.status === 'done' && s.definition === task.definition) continue;
    store.append({ type: 'task-reset', task: task.model.id, reason: 'new run' });
  }
}

/** A resumed run re-runs what the plan changed (and everything finished downstream of it), and what failed or was stopped. */
function resetForResume(run: ReconcileInput): void {
  const { plan, store, selected, emit } = run;
  const state = store.state;
  const status = (id: string) => state.tasks[id]?.status ?? 'pending';
  const reset = (id: string, reason: string) => store.append({ type: 'task-reset', task: id, reason });
  const changed: string[] = [];
  for (const task of plan.order) {
    const s = state.tasks[task.model.id];
    if (!s) continue;
    if (s.definition !== null && s.definition !== task.definition && s.status !== 'pending') changed.push(task.model.id);
  }
  const rerun = new Set<string>();
  // Everything finished downstream of a changed task runs again (iterative: deep chains are fine).
  const visit = (from: string, cause: string) => {
    const stack = [from];
    while (stack.length > 0) {
      for (const d of plan.tasks.get(stack.pop()!)!.dependents) {
        if (rerun.has(d) || !satisfiedStatuses.has(status(d))) continue;
        rerun.add(d);
        reset(d, `upstream ${cause} changed`);
        stack.push(d);
      }
    }
  };
  for (const id of changed) {
    if (!rerun.has(id)) {
      rerun.add(id);
      reset(id, 'its definition in the plan changed');
    }
    visit(id, id);
  }
  if (changed.length) {
    const extra = rerun.size - changed.length;
    emit({
      event: 'notice',
      message: `plan changed since the last run: re-running ${changed.join(', ')}${extra > 0 ? ` and ${extra} task${extra === 1 ? '' : 's'} downstream` : ''}`,
    });
  }
  for (const task of plan.order) {
    if (!selected.has(task.model.id)) continue;
    if (status(task.model.id) === 'failed') reset(task.model.id, 'failed in the previous run; retrying as a new attempt');
    else if (status(task.model.id) === 'stopped') reset(task.model.id, 'stopped in the previous run; runs again as a new attempt');
  }
}
