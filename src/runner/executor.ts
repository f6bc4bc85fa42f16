/**
 * TaskExecutor: how the runner executes one attempt of one kind of task. STABLE INTERFACE.
 *
 * The runner owns scheduling, state, logs, retries, acceptance checks and the UI; an executor only turns
 * one attempt of a task into a process (or any asynchronous work) and reports how it ended. A shell command
 * (`run:`) is executed by the command executor (command-executor.ts); an agent (`agent:`) by an executor
 * the agents module registers with the same shape, so an agent is just another kind of task.
 *
 * Contract:
 * - `preflight(tasks, context)` runs once before anything starts, with every task of this kind the run
 *   may launch. Returning problems fails the run with exit 6 ("cannot start") before any task runs
 *   (e.g. the agent CLI is missing).
 * - `start(task, attempt)` begins one attempt and returns at once with a handle. The executor reports
 *   output as whole lines through `attempt.onLine` (the runner redacts, logs and renders them; never call
 *   it with a partial line), optional progress/usage through `attempt.onProgress`, and resolves
 *   `handle.done` exactly once with the outcome. `handle.done` never rejects: failures are outcomes.
 * - `handle.kill(reason)` asks the attempt to stop (timeout, Ctrl-C, pause is NOT a kill): the executor
 *   must stop the whole process tree (grace period, then SIGKILL) and still resolve `done`
 *   (with kind 'killed'). Calling it twice forces (SIGKILL at once).
 * - The runner enforces `timeout:` by calling kill('timeout'); executors need not time themselves.
 */
import type { LimitWarning } from '../core/task-status.js';
import type { TaskKind, TaskModel } from '../compiler/model.js';

export interface ExecutorContext {
  /** Absolute directory of plan.yaml (default working directory). */
  planDir: string;
  /** Absolute .execplan directory (state, logs). */
  stateDir: string;
  /** Environment the runner itself got; executors add the task's env on top. */
  env: NodeJS.ProcessEnv;
}

export interface AttemptInput {
  task: TaskModel;
  /** 1-based attempt number of this task (retries and resumes create new attempts). */
  attempt: number;
  /** Absolute working directory (task cwd, else defaults.cwd, else planDir). */
  cwd: string;
  /** Environment for the child: runner env + defaults.env + task env + EXECPLAN_* variables. */
  env: NodeJS.ProcessEnv;
  /** Absolute path of this attempt's log file (the runner writes it; informational for executors). */
  logPath: string;
  /**
   * Receives one whole line of output (no trailing newline). `quiet`: the line belongs in the attempt log
   * only, not on the console (an agent's machine-readable event stream; its progress is reported instead).
   */
  onLine: (line: string, stream: 'stdout' | 'stderr', quiet?: boolean) => void;
  /** Optional progress and usage figures (e.g. agent tokens/cost), shown by the UI and kept in state. */
  onProgress: (progress: AttemptProgress) => void;
}

export interface AttemptProgress {
  /** Short human text, e.g. "editing src/api/login.ts". */
  message?: string;
  /** 0..1 when known. */
  fraction?: number;
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number };
  /** The agent's CLI says its profile is nearing a usage limit (still allowed): shown in status until the reset. */
  limitWarning?: LimitWarning;
}

export type AttemptOutcome = (
  | { kind: 'exited'; exitCode: number }
  /** Ended by a signal it did not get from us. */
  | { kind: 'signalled'; signal: string }
  /** Stopped by handle.kill(reason). */
  | { kind: 'killed'; reason: KillReason }
  /** Could not be started at all (spawn error); message says why. */
  | { kind: 'error'; message: string }
  /**
   * Ended by a limit of the service behind it, not by the task: a usage limit (nothing of `pool` should
   * start before `resetAtMs`) or a rate limit (back off, fewer at once). The runner re-queues the task
   * without counting a failure.
   */
  | { kind: 'limited'; limit: 'usage-limit' | 'rate-limit'; pool: string; resetAtMs: number | null; message: string }
) & {
  /** The leader ended while a descendant outside its process group still held its output open. */
  pipesHeld?: boolean;
  /**
   * Why the attempt failed in the executor's own words, when it knows better than the exit code (an
   * agent's error result, the CLI's last error line). Set on an exit 0, it makes the attempt a failure.
   */
  failure?: string;
};

/** `cancel`: `execplan stop` (or `pause --stop`) asked for this one task to end. */
export type KillReason = 'timeout' | 'interrupt' | 'cancel';

export interface AttemptHandle {
  /** Process id of the process-group leader, when there is a process. */
  pid: number | null;
  done: Promise<AttemptOutcome>;
  kill(reason: KillReason): void;
}

export interface PreflightProblem {
  task: string | null;
  message: string;
}

export interface TaskExecutor {
  /** The task kind this executor runs. Manual tasks have no executor: they wait for `execplan done`. */
  kind: Exclude<TaskKind, 'manual'>;
  preflight(tasks: readonly TaskModel[], context: ExecutorContext): Promise<PreflightProblem[]>;
  start(input: AttemptInput, context: ExecutorContext): AttemptHandle;
  /** The limit pool a task draws on (an agent profile), or null: tasks of a limited pool wait together. */
  pool?(task: TaskModel): string | null;
}

/** Registry the CLI fills before a run (the agents module registers its executor here). */
export type ExecutorRegistry = Partial<Record<Exclude<TaskKind, 'manual'>, TaskExecutor>>;
