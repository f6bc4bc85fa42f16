/**
 * Control requests (retry, skip, done, approve, pause, resume) from `execplan <verb>` to a state directory.
 *
 * Protocol (docs/runner.md): the command validates the request against the plan and the current state,
 * then writes it atomically (temp + rename) as `.execplan/control/<time>-<pid>-<n>.json`.
 * - A live runner (holder of `.execplan/lock`) polls that directory every 100 ms, applies each request in
 *   file-name order by appending a `control` record to the journal, and deletes the file; the command
 *   waits (up to a few seconds) for the file to disappear and reports it applied.
 * - With no live runner, the command takes the lock itself (kind "control"), drains the queue the same
 *   way, and releases it. So the journal has exactly one writer at any time.
 */
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import path from 'node:path';
import type { ControlAction } from './records.js';
import type { RunState } from './state.js';
import type { RunPlan } from './plan-view.js';
import { redact } from './redact.js';

let counter = 0;

export function submitControl(dir: string, action: ControlAction): string {
  mkdirSync(dir, { recursive: true });
  const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${counter++}.json`;
  // The runner skips dot files, so it never reads the request before it is whole.
  writeFileAtomic(path.join(dir, name), JSON.stringify(action), { fsync: false });
  return path.join(dir, name);
}

/** Free text (notes, reasons) is journaled redacted, like logs. */
export function sanitizeControl(action: ControlAction): ControlAction {
  if (action.action === 'retry' && action.note !== undefined) return { ...action, note: redact(action.note) };
  if (action.action === 'done' || action.action === 'reject') return { ...action, reason: redact(action.reason) };
  if ((action.action === 'approve' || action.action === 'approve-plan') && action.reason !== undefined) return { ...action, reason: redact(action.reason) };
  return action;
}

/** Requests waiting in the queue, oldest first; each is removed as it is returned. */
export function drainControl(dir: string): ControlAction[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch {
    return [];
  }
  const actions: ControlAction[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      actions.push(JSON.parse(readFileSync(file, 'utf8')) as ControlAction);
    } catch {
      // unreadable request: dropped below
    }
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
  return actions;
}

/** Why a request cannot apply to this state, or null when it can. */
export function controlProblem(action: ControlAction, state: RunState, plan: RunPlan): string | null {
  if (action.action === 'pause' || action.action === 'resume' || action.action === 'approve-plan') return null;
  const task = plan.tasks.get(action.task);
  if (!task) return `unknown task '${action.task}'`;
  const status = state.tasks[action.task]?.status ?? 'pending';
  switch (action.action) {
    case 'retry':
      return status === 'running' ? `task '${action.task}' is running; retry it after it ends` : null;
    case 'skip':
      if (status === 'running') return `task '${action.task}' is running; it cannot be skipped now`;
      return status === 'done' || status === 'fresh' ? `task '${action.task}' is already ${status}` : null;
    case 'done':
      return status === 'running' ? `task '${action.task}' is running; wait for it or stop the run first` : null;
    case 'approve':
      return task.model.gate === 'approve' ? null : `task '${action.task}' has no approval gate (gate: approve)`;
    case 'reject': {
      if (task.model.gate !== 'approve') return `task '${action.task}' has no approval gate (gate: approve)`;
      const running = action.reopened.filter((id) => state.tasks[id]?.status === 'running');
      return running.length ? `task(s) ${running.join(', ')} are running; reject after they end` : null;
    }
    default: {
      const unknown: never = action;
      return `unknown action ${JSON.stringify(unknown)}`;
    }
  }
}
