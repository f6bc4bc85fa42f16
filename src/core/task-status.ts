/**
 * The one vocabulary for what a task is doing and why it is not running. The runner, `execplan status`,
 * the run summary and coordinator.json all speak it; only renderers (the `describe*` functions below and
 * the CLI) turn a wait reason into text, so no code decides anything by looking at a message.
 * Pure: the compiler imports it too.
 */

/**
 * What the state records for a task (the fold of its journal records). `stopped`: ended by `execplan
 * stop`; not re-run in this run, runs again on the next one (like interrupted).
 */
export type TaskStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'fresh' | 'stopped';

/**
 * What a task is shown as. A pending task is shown as `ready` (it may launch now), `blocked` (a failed
 * task upstream: nobody can help it but a retry or skip upstream) or `pending` (it waits for something
 * that will happen: a dependency, a phase, a person, a resource, a file lock). A running task whose
 * runner is gone is `interrupted`; at the end of a run, tasks the run stopped before starting are
 * `cancelled` (after a failure or Ctrl-C) or `waiting` (for a person).
 */
export type DisplayedStatus = TaskStatus | 'ready' | 'blocked' | 'interrupted' | 'cancelled' | 'waiting';

/** Statuses that let dependents run. */
export const satisfiedStatuses: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['done', 'fresh', 'skipped']);

/** Why a pending task does not run now. `null` where a reason is expected means: nothing, it is ready. */
export type WaitReason =
  /** Failed tasks upstream (sorted): the task cannot run until they are retried, skipped or marked done. */
  | { kind: 'upstream-failed'; tasks: string[] }
  /** Dependencies not finished yet, in the task's order. */
  | { kind: 'needs'; tasks: string[] }
  /** Phases are barriers: `earlier` are the first unfinished tasks of earlier phases, `count` how many there are. */
  | { kind: 'phase'; phase: string; earlier: string[]; count: number }
  /** A manual task: a person says it is done. */
  | { kind: 'manual' }
  /** An approval gate not yet approved. */
  | { kind: 'gate' }
  /** The run is paused. */
  | { kind: 'paused' }
  /** Every slot of the run's concurrency is in use (a ready task waits its turn). */
  | { kind: 'slot'; concurrency: number }
  /** Not enough units of a resource left: `held_by` are the running tasks using it. */
  | { kind: 'resource'; resource: string; held_by: string[] }
  /** A running task holds a file pattern this task must not run beside. */
  | { kind: 'file-lock'; pattern: string; held_by: string[] }
  /** The agent profile (`pool`) hit its usage limit: nothing of it starts before `until` (ISO time). */
  | { kind: 'usage-limit'; pool: string; until: string }
  /** The profile was rate limited: it backs off until `until` (ISO time, or null) and runs at most `concurrency` at once. */
  | { kind: 'rate-limit'; pool: string; until: string | null; concurrency: number }
  /** The machine is short of capacity (backpressure): `detail` says what, e.g. "memory 1.2 GiB free < 2 GiB". */
  | { kind: 'capacity'; detail: string }
  /** A budget is used up: no new agent starts. */
  | { kind: 'budget'; budget: string }
  /** The run ended before the task started (it was ready). */
  | { kind: 'not-started' }
  /** Its attempt was interrupted; it runs again on resume. */
  | { kind: 'interrupted' }
  /**
   * A worktree run could not bring an upstream stream's branch into the task's stream branch: merging
   * `branch` (stream `stream`) into `into` conflicts in `files`. Nothing runs it until that is resolved.
   */
  | { kind: 'merge-conflict'; stream: string; branch: string; into: string; files: string[] }
  /** `execplan stop` ended it (`reason`: the person's, or what the runner recorded); it runs again on the next run. */
  | { kind: 'stopped'; reason: string };

export type WaitKind = WaitReason['kind'];

/** A failed task upstream, or a merge conflict bringing upstream work in, blocks; every other reason is a wait for something that will happen. */
export function isBlocked(reason: WaitReason | null): boolean {
  return reason?.kind === 'upstream-failed' || reason?.kind === 'merge-conflict';
}

/** The reason as one line of text for `task` (status lists and run summaries). */
export function describeWaitReason(reason: WaitReason, task: string): string {
  switch (reason.kind) {
    case 'upstream-failed':
      return `upstream failed (${reason.tasks.join(', ')})`;
    case 'needs':
      return `needs ${reason.tasks.join(', ')}`;
    case 'phase':
      return `phase ${reason.phase} waits for earlier phases (${reason.earlier.join(', ')}${reason.count > 3 ? ', ...' : ''})`;
    case 'manual':
      return `manual task: run \`execplan done ${task} --reason TEXT\` when it is done`;
    case 'gate':
      return `approval: run \`execplan approve ${task}\``;
    case 'paused':
      return 'paused: run `execplan resume`';
    case 'slot':
      return `all ${reason.concurrency} slot${reason.concurrency === 1 ? '' : 's'} in use`;
    case 'resource':
      return `resource ${reason.resource} in use (held by ${reason.held_by.join(', ')})`;
    case 'file-lock':
      return `file lock ${reason.pattern} (held by ${reason.held_by.join(', ')})`;
    case 'usage-limit':
      return `usage limit of ${reason.pool}: resumes at ${clock(reason.until)}`;
    case 'rate-limit':
      return `rate limit of ${reason.pool}: ${reason.until ? `backing off until ${clock(reason.until)}, ` : ''}at most ${reason.concurrency} at once`;
    case 'capacity':
      return `waiting: ${reason.detail}`;
    case 'budget':
      return `budget used up: ${reason.budget}`;
    case 'not-started':
      return 'not started';
    case 'interrupted':
      return 'interrupted; runs again on resume';
    case 'merge-conflict':
      return `merge conflict in ${reason.files.join(', ') || 'the worktree'} while bringing in ${reason.stream}: merge ${reason.branch} into ${reason.into} yourself (or re-plan so the streams touch different files), then run again`;
    case 'stopped':
      return `${reason.reason}; runs again on the next run (or \`execplan retry ${task}\`)`;
    default: {
      const unknown: never = reason;
      throw new Error(`unknown wait reason ${JSON.stringify(unknown)}`);
    }
  }
}

/** "15:00" for today, "Dec 2 15:00" for another day (local time: where the person reading is). */
export function clock(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const hm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return at.toDateString() === now.toDateString() ? hm : `${at.toLocaleString('en-US', { month: 'short' })} ${at.getDate()} ${hm}`;
}

/** An agent profile held back by a limit, with the tasks waiting for it (status, dashboard and metrics show one per pool). */
export interface LimitHold {
  pool: string;
  kind: 'usage-limit' | 'rate-limit';
  /** When the profile may start agents again (ISO), when known. */
  until: string | null;
  tasks: string[];
}

/** The waiting tasks grouped by the limit that holds them, by pool name. */
export function limitHolds(waiting: ReadonlyArray<{ task: string; reason: WaitReason }>): LimitHold[] {
  const holds = new Map<string, LimitHold>();
  for (const { task, reason } of waiting) {
    if (reason.kind !== 'usage-limit' && reason.kind !== 'rate-limit') continue;
    const key = `${reason.pool}\0${reason.kind}`;
    const hold = holds.get(key) ?? { pool: reason.pool, kind: reason.kind, until: reason.until, tasks: [] };
    if (reason.until !== null && (hold.until === null || reason.until > hold.until)) hold.until = reason.until;
    hold.tasks.push(task);
    holds.set(key, hold);
  }
  return [...holds.values()].sort((a, b) => (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : a.kind < b.kind ? -1 : 1));
}

/** "usage limit of claude: resuming at 15:00, 3 tasks waiting", as the run says it. */
export function describeLimitHold(hold: LimitHold): string {
  const what = hold.kind === 'usage-limit' ? 'usage limit' : 'rate limit';
  const when = hold.until ? `resuming at ${clock(hold.until)}` : 'backing off';
  return `${what} of ${hold.pool}: ${when}, ${hold.tasks.length} task${hold.tasks.length === 1 ? '' : 's'} waiting`;
}

/** An agent CLI's warning that its profile nears a usage limit (still allowed). */
export interface LimitWarning {
  /** The agent profile (the limit's pool). */
  pool: string;
  /** The CLI's name for the window, e.g. five_hour; null when not given. */
  window: string | null;
  /** When the window resets (ISO), when the CLI says. */
  resetsAt: string | null;
}

/** The warning as status and the dashboard show it, with the task whose agent reported it. */
export function describeLimitWarning(w: LimitWarning & { task: string }): string {
  const window = w.window ? ` (${w.window.replace(/_/g, ' ')} window)` : '';
  return `warning: ${w.pool} is nearing its usage limit${window}${w.resetsAt ? `; it resets at ${clock(w.resetsAt)}` : ''} (reported by ${w.task})`;
}

/** As `execplan status` lists it: a blocked task's reason says so first. */
export function describeWaitLine(reason: WaitReason, task: string): string {
  return `${isBlocked(reason) ? 'blocked: ' : ''}${describeWaitReason(reason, task)}`;
}

/**
 * The task states coordinator.json documents for tools that read it (the artifact's wording, kept as it
 * is so the artifact stays stable); the keys are displayed statuses, except `awaiting_approval`, which
 * `execplan status` shows as pending with a `gate` wait reason.
 */
export const documentedTaskStates: ReadonlyArray<
  readonly [Extract<DisplayedStatus, 'blocked' | 'ready' | 'running' | 'done' | 'failed' | 'skipped'> | 'awaiting_approval', string]
> = [
  ['blocked', 'dependencies not met'],
  ['ready', 'in the frontier, waiting for a slot or a resource'],
  ['awaiting_approval', 'gate: approve, waiting for `execplan approve <id>`'],
  ['running', 'executing'],
  ['done', 'finished and its acceptance checks passed'],
  ['failed', 'failed after its retries'],
  ['skipped', 'skipped by the user'],
];
