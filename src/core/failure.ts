/**
 * Every expected failure of execplan, as one discriminated union. A kind carries the data its message
 * needs; the CLI alone turns a failure into text (`src/cli/failure-text.ts`) and an exit code
 * (`src/cli/exit-code.ts`), so a new kind is a type error until both say what it means.
 *
 * Modules below the CLI return `Result<T, Failure>` (or a narrower `Result<T, SomeKind>`); they never print.
 */
import type { Diagnostic } from '../compiler/diagnostic.js';

/** Who holds the state lock (the shape of the lock file). */
export interface LockHolder {
  pid: number;
  kind: 'run' | 'control';
  host: string;
  startedAt: string;
}

export type Failure =
  /** The command line is wrong: printed with the command's usage line. */
  | { kind: 'usage'; message: string }
  /** A legal but absurd value (concurrency 100,000; a 500-task plan for a one-page spec): asked about, `--yes` confirms. */
  | { kind: 'unconfirmed'; message: string }
  /** The plan file named (or the default plan.yaml) cannot be read. `defaulted`: no path was given. */
  | { kind: 'plan-unreadable'; file: string; problem: 'missing' | 'directory' | 'unreadable'; defaulted: boolean; code?: string }
  /** `--config FILE` names nothing, or a directory. */
  | { kind: 'config-missing'; file: string; isDirectory: boolean }
  /** The config file has problems (positions point into it). */
  | { kind: 'config-invalid'; diagnostics: Diagnostic[] }
  /** The plan has errors; the diagnostics to print (a command may leave out the warnings). */
  | { kind: 'plan-invalid'; diagnostics: Diagnostic[] }
  /** `execplan import`: the source is not what its format expects (the positions point into it); nothing was written. */
  | { kind: 'import-unreadable'; source: string; format: string; diagnostics: Diagnostic[] }
  /** `execplan import`: the plan made from the source does not validate (the positions point into that plan); nothing was written. */
  | { kind: 'import-invalid'; diagnostics: Diagnostic[] }
  /** A file or directory the command was told to use cannot serve (a spec that is not text, an output that exists). */
  | { kind: 'input-unusable'; message: string }
  /** A spec breaks the project rules (outside the project, not a file, too large): `code` is the diagnostic code. */
  | { kind: 'spec-rejected'; code: string; message: string }
  /** Writing a file failed; nothing half-written is left. `planOnStdout`: the drafted plan is printed instead. */
  | { kind: 'write-failed'; message: string; planOnStdout?: boolean }
  /** The run state (journal) cannot be read back. `resuming`: found when a run was about to resume it. */
  | { kind: 'state-damaged'; journal: string; detail: string; resuming: boolean }
  /**
   * The journal fails verification (a broken chain, an edited or unreadable record): commands that act on
   * the state refuse, one line per problem, and say how to start over.
   */
  | { kind: 'history-damaged'; journal: string; problems: Array<{ line: number; code: string; message: string }> }
  /** The journal's hash chain does not verify. */
  | { kind: 'history-modified'; journal: string; problems: number; records: number }
  /** Another execplan process holds the state directory. */
  | { kind: 'lock-held'; stateDir: string; holder: LockHolder }
  /** The run cannot start (an executor is missing, the worktrees cannot be made): one line per problem. */
  | { kind: 'cannot-start'; problems: string[] }
  /** `execplan logs`: the task has no attempt with that number (or none at all). */
  | { kind: 'no-attempt'; task: string; attempts: number[]; wanted: number | null }
  /** A control verb (retry, skip, ...) was refused: the state does not allow it, or cannot be read. */
  | { kind: 'control-rejected'; reason: { kind: 'refused'; message: string } | FailureOf<'state-damaged'> }
  /** A control verb could not write its request to the journal (the disk is full or read-only): nothing was recorded. */
  | { kind: 'control-unwritten'; message: string }
  /** A control request handed to a live runner that did not answer in time: it is not known to be applied. */
  | { kind: 'control-unanswered'; pid: number }
  /** `compile --check`: the artifacts on disk differ from a fresh compile. `rerun` is the command that fixes it. */
  | { kind: 'stale'; planFile: string; stale: string[]; rerun: string }
  /** The agent `execplan draft` needs is not installed. */
  | { kind: 'agent-missing'; binary: string; profile: string; installHint: string }
  /** The secret policy refused to send the spec to the agent. */
  | { kind: 'agent-blocked'; notice: string }
  /** The drafting agent failed (exited non-zero, timed out, could not be started). */
  | { kind: 'agent-failed'; message: string }
  /** The agent's last answer still does not validate; it was kept in `rejectedFile`. */
  | { kind: 'draft-invalid'; rejectedFile: string; diagnostics: Diagnostic[]; rounds: number }
  /** `export beads --import`: the file was written but `bd import` did not take it. */
  | { kind: 'beads-import-failed'; file: string; cause: { kind: 'missing' } | { kind: 'spawn'; message: string } | { kind: 'exit'; code: number } }
  /** `execplan integrate`: merging a stream branch conflicts (that merge was undone); `advice` when re-planning would help. */
  | { kind: 'integrate-conflict'; stream: string; branch: string; into: string; files: string[]; dryRun: boolean; advice: string | null }
  /** Tasks failed or wait for people; the runner already reported which. */
  | { kind: 'run-failed'; resumable: boolean }
  /** The run was interrupted (SIGINT/SIGTERM); the runner already reported it. */
  | { kind: 'aborted' }
  /**
   * `execplan validate` found problems and printed them as its report (stdout, text or JSON); `cause` picks
   * the exit code. `summary`: the text report ends with a count of errors and warnings on stderr.
   */
  | { kind: 'validate-failed'; cause: FailureOf<'plan-unreadable' | 'config-missing' | 'config-invalid' | 'plan-invalid'>; file: string; summary: boolean }
  /** `execplan diff`: one side is not a valid plan (its errors are shown), so the two cannot be compared. */
  | { kind: 'diff-invalid'; name: string; diagnostics: Diagnostic[] }
  /** `execplan verify`: the journal cannot be read; verify listed it on stdout with the other problems. */
  | { kind: 'journal-unreadable'; journal: string; code: string }
  /** `export github-actions --check`: the committed workflow is missing or differs from what the plan gives now. */
  | { kind: 'workflow-stale'; planFile: string; workflow: string; missing: boolean; rerun: string }
  /** `execplan task` / `dep`: the edit itself is refused (`invalid`: the plan cannot be edited as it is); nothing changed. */
  | { kind: 'edit-refused'; file: string; message: string; invalid: boolean }
  /** `execplan task` / `dep`: the edit would make the plan invalid (the positions are in the edited plan); nothing written. */
  | { kind: 'edit-invalid'; file: string; diagnostics: Diagnostic[] }
  /** `execplan task` / `dep`: the edit sets doubtful values; `--yes` confirms. */
  | { kind: 'edit-unconfirmed'; doubts: string[]; dryRun: boolean }
  /** `execplan assess` (and `draft --single`): the assessment failed; `reason` says how. */
  | { kind: 'assess-failed'; reason: 'blocked' | 'agent-failed' | 'invalid'; message: string }
  /** `execplan draft --single`: the one-task plan made from the assessment does not validate; nothing written. */
  | { kind: 'single-plan-invalid'; diagnostics: Diagnostic[] };

export type FailureKind = Failure['kind'];
export type FailureOf<K extends FailureKind> = Extract<Failure, { kind: K }>;
