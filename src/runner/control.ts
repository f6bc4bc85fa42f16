/**
 * Control requests (retry, skip, done, approve, stop, pause, resume) from `execplan <verb>` to a state
 * directory.
 *
 * Protocol (docs/runner.md): the command validates the request against the plan and the current state,
 * then writes it atomically (temp + rename) as `control/<time>-<pid>-<n>.json`.
 * - A live runner (holder of the lock) polls that directory every 100 ms, takes each request in file-name
 *   order, re-validates it against its own state, and answers it in `control/<same name>.answer`
 *   (`{ok, message}`): applied (a `control` record is in the journal and it acts on it) or rejected (why).
 *   The command waits for that answer and prints it: a rejected request is never reported as applied.
 * - With no live runner, the command takes the lock itself (kind "control"), applies the queue the same
 *   way, and releases it. So the journal has exactly one writer at any time.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { ControlAction } from './records.js';
import type { RunState } from './state.js';
import type { RunPlan } from './plan-view.js';
import { redactSecrets } from '../secrets/index.js';

let counter = 0;

export interface ControlAnswer {
  ok: boolean;
  message: string;
}

/** Writes a request; returns the file's name (its answer appears beside it). */
export function submitControl(dir: string, action: ControlAction): string {
  mkdirSync(dir, { recursive: true });
  const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${counter++}.json`;
  // The runner skips dot files, so it never reads the request before it is whole.
  writeFileAtomic(path.join(dir, name), JSON.stringify(action), { fsync: false, mode: 0o600 });
  return path.join(dir, name);
}

export const answerFile = (request: string): string => request.replace(/\.json$/, '.answer');

/** The runner's answer to a request, atomically (the command never reads half of it). */
export function writeAnswer(request: string, answer: ControlAnswer): void {
  try {
    writeFileAtomic(answerFile(request), JSON.stringify(answer), { fsync: false });
  } catch {
    // the state folder became unwritable: the command reports that no answer came
  }
}

export function readAnswer(request: string): ControlAnswer | null {
  try {
    const answer = JSON.parse(readFileSync(answerFile(request), 'utf8')) as ControlAnswer | null;
    return answer && typeof answer.ok === 'boolean' && typeof answer.message === 'string' ? answer : null;
  } catch {
    return null;
  }
}

/** Free text (notes, reasons) is journaled redacted, like logs. */
export function sanitizeControl(action: ControlAction): ControlAction {
  if (action.action === 'retry' && action.note !== undefined) return { ...action, note: redactSecrets(action.note) };
  if (action.action === 'done' || action.action === 'reject') return { ...action, reason: redactSecrets(action.reason) };
  if ((action.action === 'approve' || action.action === 'approve-plan' || action.action === 'stop') && action.reason !== undefined)
    return { ...action, reason: redactSecrets(action.reason) };
  return action;
}

const str = (v: unknown): v is string => typeof v === 'string';

/** A request file's content as an action, or why it is not one (files are written by other processes: trust nothing). */
export function parseControl(raw: unknown): ControlAction | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'the request is not a JSON object';
  const r = raw as Record<string, unknown>;
  const action = parseAction(r);
  if (typeof action === 'string') return action;
  // Who asked travels with the request: the runner that journals it is not that person.
  if (r.actor !== undefined && (!str(r.actor) || r.actor.trim() === '')) return 'actor must be non-empty text';
  return str(r.actor) ? { ...action, actor: r.actor } : action;
}

const optionalAttempt = (v: unknown): v is number | null | undefined => v === undefined || v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

function parseAction(r: Record<string, unknown>): ControlAction | string {
  const needsTask = ['retry', 'skip', 'done', 'approve', 'reject', 'stop'];
  if (!str(r.action)) return 'the request has no action';
  if (needsTask.includes(r.action) && (!str(r.task) || r.task === '')) return `${r.action} needs a task id`;
  const task = r.task as string;
  switch (r.action) {
    case 'retry':
      if (r.note !== undefined && !str(r.note)) return 'retry: note must be text';
      return r.note !== undefined ? { action: 'retry', task, note: r.note } : { action: 'retry', task };
    case 'skip':
      return { action: 'skip', task };
    case 'done':
      if (!str(r.reason) || r.reason.trim() === '') return 'done needs a reason (--reason TEXT)';
      return { action: 'done', task, reason: r.reason };
    case 'approve':
      if (r.reason !== undefined && !str(r.reason)) return 'approve: reason must be text';
      if (!optionalAttempt(r.attempt)) return 'approve: attempt must be a whole number';
      return { action: 'approve', task, ...(str(r.reason) ? { reason: r.reason } : {}), ...(r.attempt !== undefined ? { attempt: r.attempt } : {}) };
    case 'reject':
      if (!str(r.reason) || r.reason.trim() === '') return 'reject needs a reason (--reason TEXT)';
      if (r.to !== undefined && !str(r.to)) return 'reject: to must be a task id';
      if (!Array.isArray(r.reopened) || !r.reopened.every(str)) return 'reject: reopened must be a list of task ids';
      if (!optionalAttempt(r.attempt)) return 'reject: attempt must be a whole number';
      return { action: 'reject', task, reason: r.reason, reopened: r.reopened, ...(str(r.to) ? { to: r.to } : {}), ...(r.attempt !== undefined ? { attempt: r.attempt } : {}) };
    case 'approve-plan':
      if (!str(r.plan) || !str(r.planVersion) || !/^[0-9a-f]{64}$/.test(r.planVersion)) return 'approve-plan needs the plan name and its version hash';
      if (r.reason !== undefined && !str(r.reason)) return 'approve-plan: reason must be text';
      return { action: 'approve-plan', plan: r.plan, planVersion: r.planVersion, ...(str(r.reason) ? { reason: r.reason } : {}) };
    case 'stop':
      if (r.reason !== undefined && !str(r.reason)) return 'stop: reason must be text';
      return r.reason !== undefined ? { action: 'stop', task, reason: r.reason } : { action: 'stop', task };
    case 'pause':
      return r.stop === true ? { action: 'pause', stop: true } : { action: 'pause' };
    case 'resume':
      return { action: 'resume' };
    default:
      return `unknown action '${r.action}'`;
  }
}

export interface ControlRequest {
  /** Absolute path of the request file (its answer goes beside it). */
  file: string;
  /** The request, or why it is malformed. */
  action: ControlAction | null;
  problem: string | null;
}

/** Requests waiting in the queue, oldest first; each file is removed as it is returned. */
export function drainControl(dir: string): ControlRequest[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .sort();
  } catch {
    return [];
  }
  const requests: ControlRequest[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let parsed: ControlAction | string;
    try {
      parsed = parseControl(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      parsed = 'the request file is not JSON';
    }
    try {
      unlinkSync(file);
    } catch {
      // already gone: another reader took it
      continue;
    }
    requests.push(typeof parsed === 'string' ? { file, action: null, problem: parsed } : { file, action: parsed, problem: null });
  }
  return requests;
}

/** Answers nobody will read any more (the command gave up waiting or died): removed after a minute. */
export function pruneAnswers(dir: string, now = Date.now()): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.answer')) continue;
      const file = path.join(dir, name);
      if (now - statSync(file).mtimeMs > 60_000) unlinkSync(file);
    }
  } catch {
    // nothing to prune
  }
}

/** Why a request cannot apply to this state, or null when it can. */
export function controlProblem(action: ControlAction, state: RunState, plan: RunPlan): string | null {
  if (action.action === 'pause' || action.action === 'resume' || action.action === 'approve-plan') return null;
  const task = plan.tasks.get(action.task);
  if (!task) return `unknown task '${action.task}'`;
  const status = state.tasks[action.task]?.status ?? 'pending';
  switch (action.action) {
    case 'retry':
      return status === 'running' ? `task '${action.task}' is running; retry it after it ends (or \`execplan stop ${action.task}\`)` : null;
    case 'skip':
      if (status === 'running') return `task '${action.task}' is running; it cannot be skipped now (\`execplan stop ${action.task}\` first)`;
      return status === 'done' || status === 'fresh' ? `task '${action.task}' is already ${status}` : null;
    case 'done':
      return status === 'running' ? `task '${action.task}' is running; wait for it or \`execplan stop ${action.task}\` first` : null;
    case 'approve':
      return task.model.gate === 'approve' ? null : `task '${action.task}' has no approval gate (gate: approve)`;
    case 'reject': {
      if (task.model.gate !== 'approve') return `task '${action.task}' has no approval gate (gate: approve)`;
      const running = action.reopened.filter((id) => state.tasks[id]?.status === 'running');
      return running.length ? `task(s) ${running.join(', ')} are running; reject after they end` : null;
    }
    case 'stop':
      return status === 'running' ? null : `task '${action.task}' is not running (it is ${status})`;
    default: {
      const unknown: never = action;
      return `unknown action ${JSON.stringify(unknown)}`;
    }
  }
}
