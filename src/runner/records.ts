/** What the journal records: every change of run state is one of these (state.json is their fold). */
import type { WaitReason } from '../core/task-status.js';
import type { LimitWarning } from '../core/task-status.js';
/** `stopped`: ended by `execplan stop` (or `pause --stop`); like interrupted, it runs again on the next run. `limited`: ended at a limit of its agent profile. */
export type AttemptStatus = 'running' | 'done' | 'failed' | 'interrupted' | 'stopped' | 'limited';

/**
 * A request from a person. `actor` names who asked (EXECPLAN_ACTOR, git's user, or the OS user: see
 * actor.ts), so the journal answers "who did this" with a name, not a process id.
 */
export type ControlAction = (
  | { action: 'retry'; task: string; note?: string }
  | { action: 'skip'; task: string }
  | { action: 'done'; task: string; reason: string }
  /** A sign-off on a gate; `attempt` is the attempt it judged (the gate's, or its upstream work's; null: none yet). */
  | { action: 'approve'; task: string; reason?: string; attempt?: number | null }
  /**
   * A gate sends work back: `reopened` are the tasks that get new attempts (the `to` task, or the gate's
   * direct upstream tasks, and everything between them and the gate; the gate itself when it already ran).
   * Computed by the command from the plan, so folding the journal needs no plan.
   */
  | { action: 'reject'; task: string; reason: string; to?: string; reopened: string[]; attempt?: number | null }
  /** Approval of a whole plan: `planVersion` is the hash of its meaning (see plan-approval.ts). */
  | { action: 'approve-plan'; plan: string; planVersion: string; reason?: string }
  /** Ends one running task's process tree now; the run goes on. */
  | { action: 'stop'; task: string; reason?: string }
  /** `stop: true` (`pause --stop`) also stops the running tasks. */
  | { action: 'pause'; stop?: boolean }
  | { action: 'resume' }
) & { actor?: string };

export type JournalBody =
  | { type: 'run-start'; runId: string; pid: number; planHash: string; concurrency: number; mode: 'new' | 'resume'; actor?: string }
  /** The task definitions of this run (hash per task) and which tasks are reset, and why. */
  | { type: 'plan'; definitions: Record<string, string> }
  | { type: 'task-reset'; task: string; reason: string }
  /**
   * `marker`: the value of EXECPLAN_ATTEMPT_ID in the attempt's environment, inherited by every process
   * it starts, so what is left of an attempt can be found (and ended) even after the runner died.
   */
  | { type: 'task-start'; task: string; attempt: number; runId: string; log: string; marker?: string }
  /** The attempt's process group, once its leader started. */
  | { type: 'task-pgid'; task: string; attempt: number; pgid: number }
  | {
      type: 'task-end';
      task: string;
      attempt: number;
      status: 'done' | 'failed';
      exitCode: number | null;
      reason: string | null;
      fingerprint: string | null;
      durationMs: number;
      logged: boolean;
    }
  /** `leftovers`: processes of the attempt still running when it was found interrupted, and what became of them. */
  | { type: 'task-interrupted'; task: string; attempt: number; reason: string; leftovers?: { ended: number[]; survived: number[] } }
  | { type: 'task-stopped'; task: string; attempt: number; reason: string }
  /**
   * The attempt stopped at a usage limit or a rate limit of its agent profile (`pool`): not the task's
   * failure. The task is pending again and its retries are untouched; `resumeAt` is when the runner
   * lets that profile start again (ISO time).
   */
  | { type: 'task-limited'; task: string; attempt: number; limit: 'usage-limit' | 'rate-limit'; pool: string; resumeAt: string | null; message: string; durationMs: number }
  /** A failed attempt is retried (retries:) after a backoff: the task is pending again, failures keep counting. */
  | { type: 'task-retry'; task: string; nextAttempt: number; delayMs: number }
  /** An agent's CLI warned that its profile nears a usage limit (journaled once per pool, window and reset). */
  | ({ type: 'limit-warning'; task: string } & LimitWarning)
  | { type: 'task-fresh'; task: string; fingerprint: string }
  /**
   * A scheduling decision: a ready task did not start because of `reason` (a slot: the concurrency limit is
   * reached; a resource or file lock held by other tasks; a gate's approval; an agent limit, the machine's
   * capacity or a budget). Journaled once per decision (when the reason changes), never per poll, so "why
   * did this start late" is answerable from the history.
   */
  | { type: 'task-wait'; task: string; reason: WaitReason }
  | ({ type: 'control'; by: number; actor: string } & ControlAction)
  /** A worktree run's branches: the base they start from and each stream's branch and tip (see src/agents/worktrees.ts). */
  | { type: 'branches'; base: string; streams: Record<string, { branch: string; tip: string }> }
  /** Bringing an upstream stream's work into the task's worktree conflicted: the task does not start this run. */
  | { type: 'task-blocked'; task: string; stream: string; branch: string; into: string; files: string[] }
  /** The task's commit changed paths outside its files/owns (or inside its excludes). */
  | { type: 'task-scope'; task: string; outOfScope: string[] }
  | { type: 'run-end'; runId: string; exitCode: number; outcome: RunOutcome };

export type RunOutcome = 'completed' | 'failed' | 'waiting' | 'aborted';
