/** What the runner tells its renderers (TTY, plain lines, NDJSON). `--json` prints these objects as they are. */
import type { DisplayedStatus, WaitReason } from '../core/task-status.js';
import type { AttemptProgress } from './executor.js';
import type { RunOutcome } from './records.js';

export interface FailureSummary {
  task: string;
  reason: string;
  /** Log path relative to the plan directory, or null when the attempt printed nothing. */
  log: string | null;
}

/** A task the run ended without: why (renderers turn `reason` into text; `--json` adds it as `for`). */
export interface WaitingTask {
  task: string;
  status: Extract<DisplayedStatus, 'blocked' | 'cancelled' | 'waiting'>;
  reason: WaitReason;
}

export type RunEvent =
  | { event: 'run-start'; runId: string; mode: 'new' | 'resume'; tasks: number; toRun: number; concurrency: number }
  | { event: 'notice'; message: string }
  | { event: 'task-start'; task: string; title: string; attempt: number }
  /** `quiet`: for the log and machine readers (--json), not for the console (an agent's raw event stream). */
  | { event: 'task-output'; task: string; stream: 'stdout' | 'stderr'; line: string; quiet?: boolean }
  | { event: 'task-progress'; task: string; progress: AttemptProgress }
  | { event: 'task-end'; task: string; attempt: number; status: 'done' | 'failed'; durationMs: number; reason: string | null; log: string | null; retryInMs: number | null }
  | { event: 'task-fresh'; task: string }
  | { event: 'task-interrupted'; task: string; attempt: number }
  /** An attempt stopped at a limit of its agent profile: the task waits (no retry used) until `resumeAtMs`. */
  | { event: 'task-limited'; task: string; attempt: number; limit: 'usage-limit' | 'rate-limit'; pool: string; resumeAtMs: number | null; message: string }
  /** Ended by `execplan stop` / `pause --stop`; it runs again on the next run. */
  | { event: 'task-stopped'; task: string; attempt: number; reason: string }
  | {
      event: 'run-end';
      runId: string;
      exitCode: number;
      outcome: RunOutcome;
      durationMs: number;
      counts: Partial<Record<DisplayedStatus, number>>;
      failures: FailureSummary[];
      /** Tasks that cannot start without someone: `execplan done|approve|resume`, or a failed upstream. */
      waiting: WaitingTask[];
      summary: string;
    };
