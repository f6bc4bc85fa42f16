/**
 * The runner's TaskExecutor contract (src/runner/executor.ts on the runner branch), mirrored structurally
 * until that module is on main; then this file re-exports it. Keep in sync; do not extend here.
 */
import type { TaskKind, TaskModel } from '../compiler/model.js';

export interface ExecutorContext {
  planDir: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
}

export interface AttemptProgress {
  message?: string;
  fraction?: number;
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number };
}

export interface AttemptInput {
  task: TaskModel;
  attempt: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  onProgress: (progress: AttemptProgress) => void;
}

export type KillReason = 'timeout' | 'interrupt' | 'cancel';

export type AttemptOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'signalled'; signal: string }
  | { kind: 'killed'; reason: KillReason }
  | { kind: 'error'; message: string };

export interface AttemptHandle {
  pid: number | null;
  done: Promise<AttemptOutcome>;
  kill(reason: KillReason): void;
}

export interface PreflightProblem {
  task: string | null;
  message: string;
}

export interface TaskExecutor {
  kind: Exclude<TaskKind, 'manual'>;
  preflight(tasks: readonly TaskModel[], context: ExecutorContext): Promise<PreflightProblem[]>;
  start(input: AttemptInput, context: ExecutorContext): AttemptHandle;
}
