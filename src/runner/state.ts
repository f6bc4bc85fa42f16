/**
 * Run state: the fold of the journal (see journal.ts). `applyRecord` is the only way state changes, so
 * replaying the journal after a crash gives exactly the state the runner had.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic, writeFileAtomicInBackground } from '../core/atomic-write.js';
import type { JournalHead, JournalRecord } from './journal.js';
import { genesis } from './journal.js';
import type { AttemptStatus, RunOutcome } from './records.js';
import type { LimitWarning } from '../core/task-status.js';
import { unreachable } from '../core/unreachable.js';

export type { TaskStatus } from '../core/task-status.js';
import type { TaskStatus } from '../core/task-status.js';

export interface AttemptState {
  n: number;
  runId: string;
  status: AttemptStatus;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  reason: string | null;
  log: string;
  /** False when the attempt printed nothing (no log file was created). */
  logged: boolean;
  /** EXECPLAN_ATTEMPT_ID of its processes, and its process group once known (finding what is left of it). */
  marker?: string;
  pgid?: number;
}

export interface TaskState {
  status: TaskStatus;
  attempts: AttemptState[];
  /** Hash of the task definition the status belongs to. */
  definition: string | null;
  /** Fingerprint of the last success (inputs + command + env + upstream), for freshness. */
  fingerprint: string | null;
  approved: boolean;
  /** `execplan done --reason` / `skip`: who decided, and why. */
  forced: string | null;
  /** Note given with `execplan retry --note`, passed to the next attempt. */
  note: string | null;
  /** Failures since the last reset; retries are counted against it. */
  failuresSinceReset: number;
  /** This run could not bring upstream work into its worktree (cleared when a run starts). */
  blocked?: { stream: string; branch: string; into: string; files: string[] } | null;
  /** Paths its last commit changed outside its scope (worktree runs). */
  outOfScope?: string[];
  /** Times a rejected gate sent this task back for new attempts. */
  rework?: number;
  /** Sign-offs on this task's gate, oldest first. */
  decisions?: Decision[];
  /** Its last attempt stopped at a limit of its agent profile (absent otherwise), so status can say why it waits. */
  limited?: { limit: 'usage-limit' | 'rate-limit'; pool: string; resumeAt: string | null };
}

/** A timestamped sign-off: who approved or rejected a gate, why, and which attempt they judged. */
export interface Decision {
  decision: 'approved' | 'rejected';
  actor: string;
  reason: string | null;
  at: string;
  attempt: number | null;
  /** For a rejection: the tasks it re-opened. */
  reopened?: string[];
}

/** An approval of a plan's meaning (its hash), needed before `run` when the plan requires approval. */
export interface PlanApproval {
  plan: string;
  planVersion: string;
  actor: string;
  reason: string | null;
  at: string;
}

export interface RunState {
  version: 1;
  journal: JournalHead;
  runId: string | null;
  /** null while no run has ended (or one is active). */
  lastOutcome: RunOutcome | null;
  activePid: number | null;
  paused: boolean;
  planHash: string | null;
  tasks: Record<string, TaskState>;
  /** With --worktrees: the branches of this state, fixed at its first worktree run. */
  branches?: { base: string; streams: Record<string, { branch: string; tip: string }> };
  planApprovals?: PlanApproval[];
  /** The latest usage-limit warning of each agent profile (pool), with the task whose agent reported it. */
  limitWarnings?: Record<string, LimitWarning & { task: string; at: string }>;
}

export function emptyState(): RunState {
  return { version: 1, journal: { seq: 0, hash: genesis }, runId: null, lastOutcome: null, activePid: null, paused: false, planHash: null, tasks: {} };
}

export function taskState(state: RunState, id: string): TaskState {
  let task = state.tasks[id];
  if (!task) {
    task = { status: 'pending', attempts: [], definition: null, fingerprint: null, approved: false, forced: null, note: null, failuresSinceReset: 0 };
    state.tasks[id] = task;
  }
  return task;
}

/** Folds one record into the state (mutates; returns it for chaining). */
export function applyRecord(state: RunState, record: JournalRecord, hash: string): RunState {
  state.journal = { seq: record.seq, hash };
  switch (record.type) {
    case 'run-start':
      state.runId = record.runId;
      state.activePid = record.pid;
      state.lastOutcome = null;
      state.planHash = record.planHash;
      for (const task of Object.values(state.tasks)) task.blocked = null;
      // A limit warning with no reset time lasts only as long as the run that reported it is the latest.
      for (const [pool, w] of Object.entries(state.limitWarnings ?? {})) if (w.resetsAt === null) delete state.limitWarnings![pool];
      break;
    case 'plan':
      for (const [id, definition] of Object.entries(record.definitions)) taskState(state, id).definition = definition;
      break;
    case 'task-reset': {
      const task = taskState(state, record.task);
      task.status = 'pending';
      task.failuresSinceReset = 0;
      task.forced = null;
      break;
    }
    case 'task-start':
    case 'task-pgid':
    case 'task-stopped':
    case 'task-end':
    case 'task-limited':
    case 'task-interrupted':
      applyAttemptRecord(state, record);
      break;
    case 'task-retry':
    case 'task-fresh':
    case 'task-wait':
    case 'task-blocked':
    case 'task-scope':
      applyTaskRecord(state, record);
      break;
    case 'limit-warning':
      (state.limitWarnings ??= {})[record.pool] = { pool: record.pool, window: record.window, resetsAt: record.resetsAt, task: record.task, at: record.ts };
      break;
    case 'control':
      applyControlRecord(state, record);
      break;
    case 'branches':
      state.branches = { base: record.base, streams: record.streams };
      break;
    case 'run-end':
      state.lastOutcome = record.outcome;
      state.activePid = null;
      break;
    default:
      return unreachable(record, 'journal record');
  }
  return state;
}

type AttemptRecord = Extract<JournalRecord, { type: 'task-start' | 'task-pgid' | 'task-stopped' | 'task-end' | 'task-limited' | 'task-interrupted' }>;

/** An attempt started, learned its process group, or ended (done, failed, limited, stopped, interrupted). */
function applyAttemptRecord(state: RunState, record: AttemptRecord): void {
  switch (record.type) {
    case 'task-start':
      startAttempt(state, record);
      break;
    case 'task-pgid': {
      const attempt = taskState(state, record.task).attempts.find((a) => a.n === record.attempt);
      if (attempt) attempt.pgid = record.pgid;
      break;
    }
    case 'task-stopped': {
      const task = taskState(state, record.task);
      const attempt = task.attempts.find((a) => a.n === record.attempt);
      if (attempt) Object.assign(attempt, { status: 'stopped', endedAt: record.ts, reason: record.reason });
      task.status = 'stopped';
      break;
    }
    case 'task-end':
      endAttempt(state, record);
      break;
    case 'task-limited': {
      const task = taskState(state, record.task);
      const attempt = task.attempts.find((a) => a.n === record.attempt);
      if (attempt) Object.assign(attempt, { status: 'limited', endedAt: record.ts, reason: `${record.limit} of ${record.pool}: ${record.message}` });
      task.status = 'pending';
      task.limited = { limit: record.limit, pool: record.pool, resumeAt: record.resumeAt };
      break;
    }
    case 'task-interrupted': {
      const task = taskState(state, record.task);
      const attempt = task.attempts.find((a) => a.n === record.attempt);
      if (attempt) Object.assign(attempt, { status: 'interrupted', endedAt: record.ts, reason: record.reason });
      task.status = 'pending';
      break;
    }
    default:
      return unreachable(record, 'attempt record');
  }
}

/** A new attempt runs: the task is no longer blocked or held back by a usage limit. */
function startAttempt(state: RunState, record: Extract<AttemptRecord, { type: 'task-start' }>): void {
  const task = taskState(state, record.task);
  task.status = 'running';
  task.blocked = null;
  delete task.limited;
  task.attempts.push({
    n: record.attempt,
    runId: record.runId,
    status: 'running',
    startedAt: record.ts,
    endedAt: null,
    exitCode: null,
    reason: null,
    log: record.log,
    logged: false,
    ...(record.marker ? { marker: record.marker } : {}),
  });
}

/** An attempt finished: done records what it was done for (and clears the retry note), a failure counts against the retries. */
function endAttempt(state: RunState, record: Extract<AttemptRecord, { type: 'task-end' }>): void {
  const task = taskState(state, record.task);
  const attempt = task.attempts.find((a) => a.n === record.attempt);
  if (attempt) Object.assign(attempt, { status: record.status, endedAt: record.ts, exitCode: record.exitCode, reason: record.reason, logged: record.logged });
  task.status = record.status;
  if (record.status === 'done') {
    task.fingerprint = record.fingerprint;
    task.note = null;
  } else task.failuresSinceReset++;
}

type TaskRecord = Extract<JournalRecord, { type: 'task-retry' | 'task-fresh' | 'task-wait' | 'task-blocked' | 'task-scope' }>;

/** A task's state changed between attempts: retried, up to date, waiting, blocked on a merge, out of scope. */
function applyTaskRecord(state: RunState, record: TaskRecord): void {
  switch (record.type) {
    case 'task-retry':
      taskState(state, record.task).status = 'pending';
      break;
    case 'task-fresh': {
      const task = taskState(state, record.task);
      task.status = 'fresh';
      task.fingerprint = record.fingerprint;
      break;
    }
    case 'task-wait':
      // History for reports: why a ready task started late; the task's status does not change.
      break;
    case 'task-blocked':
      taskState(state, record.task).blocked = { stream: record.stream, branch: record.branch, into: record.into, files: record.files };
      break;
    case 'task-scope':
      taskState(state, record.task).outOfScope = record.outOfScope;
      break;
    default:
      return unreachable(record, 'task record');
  }
}

function applyControlRecord(state: RunState, record: Extract<JournalRecord, { type: 'control' }>): void {
  switch (record.action) {
    case 'retry': {
      const task = taskState(state, record.task);
      if (task.status !== 'running') task.status = 'pending';
      task.failuresSinceReset = 0;
      task.forced = null;
      task.note = record.note ?? null;
      break;
    }
    case 'skip': {
      const task = taskState(state, record.task);
      task.status = 'skipped';
      task.forced = 'skipped by execplan skip';
      break;
    }
    case 'done': {
      const task = taskState(state, record.task);
      task.status = 'done';
      task.forced = record.reason;
      task.fingerprint = null;
      break;
    }
    case 'approve': {
      const task = taskState(state, record.task);
      task.approved = true;
      (task.decisions ??= []).push({ decision: 'approved', actor: record.actor, reason: record.reason ?? null, at: record.ts, attempt: record.attempt ?? null });
      break;
    }
    case 'reject':
      applyReject(state, record);
      break;
    case 'approve-plan':
      (state.planApprovals ??= []).push({ plan: record.plan, planVersion: record.planVersion, actor: record.actor, reason: record.reason ?? null, at: record.ts });
      break;
    case 'pause':
      state.paused = true;
      break;
    case 'stop':
      // The attempt's end (task-stopped) changes the task; the request itself is history.
      break;
    case 'resume':
      state.paused = false;
      break;
    default:
      return unreachable(record, 'control action');
  }
}

/** A rejected gate: it waits for a new decision, and the tasks it re-opens run again. */
function applyReject(state: RunState, record: Extract<JournalRecord, { type: 'control'; action: 'reject' }>): void {
  const gate = taskState(state, record.task);
  // The gate waits for a new decision on the reworked result.
  gate.approved = false;
  (gate.decisions ??= []).push({ decision: 'rejected', actor: record.actor, reason: record.reason, at: record.ts, attempt: record.attempt ?? null, reopened: record.reopened });
  for (const id of record.reopened) {
    const task = taskState(state, id);
    if (task.status !== 'running') task.status = 'pending';
    // A cleared fingerprint: the task runs again even though its inputs did not change.
    task.fingerprint = null;
    task.forced = null;
    task.failuresSinceReset = 0;
    task.rework = (task.rework ?? 0) + 1;
  }
}

/** Atomic replace: temp file + fsync + rename (a reader sees the old or the new file, never half); returns the text written. */
export function writeSnapshot(file: string, state: RunState): string {
  const text = `${JSON.stringify(state)}\n`;
  writeFileAtomic(file, text, { fsync: true, mode: 0o600 });
  return text;
}

/**
 * The same, with the fsync on the thread pool (the run loop keeps going); `done` runs after the rename
 * (with the error when the write failed). `text` is the state serialized when its journal head was durable.
 * The caller keeps one in flight at a time.
 */
export function writeSnapshotInBackground(file: string, text: string, stillCurrent: () => boolean, done: (error: Error | null) => void): void {
  // A synchronous snapshot written meanwhile is newer: never replace it with this one.
  writeFileAtomicInBackground(file, text, stillCurrent, done, 0o600);
}

export function readSnapshot(file: string): RunState | null {
  try {
    return parseSnapshot(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** A snapshot's text as a state, or null when there is none or it is not one. */
export function parseSnapshot(text: string | null): RunState | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as RunState;
    return parsed?.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}
