/** The runner's TaskExecutor contract, re-exported for the agents module (one definition: src/runner/executor.ts). */
export type {
  AttemptHandle,
  AttemptInput,
  AttemptOutcome,
  AttemptProgress,
  ExecutorContext,
  KillReason,
  PreflightProblem,
  TaskExecutor,
} from '../runner/executor.js';
