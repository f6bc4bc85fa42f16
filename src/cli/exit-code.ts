/**
 * The exit codes of the CLI (documented in docs/contract.md and in `execplan --help`). The CLI is the only
 * place that picks one: everything below it returns a `Failure`, and `exitCodeOf` maps each kind here.
 */
import type { Diagnostic } from '../compiler/diagnostic.js';
import type { Failure, FailureOf } from '../core/failure.js';
import { unreachable } from '../core/unreachable.js';
import type { RunOutcome } from '../runner/records.js';

export const ExitCode = {
  ok: 0,
  badArguments: 1,
  cycle: 3,
  resourceConflict: 4,
  invalidPlan: 5,
  cannotStart: 6,
  failedResumable: 7,
  failedNotResumable: 8,
  aborted: 9,
  stale: 10,
  /** `execplan integrate`: merging a stream branch conflicts (the merge was undone). */
  integrateConflict: 11,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes whose presence selects a more specific exit code than "invalid plan". */
const exitCodeByDiagnostic: Record<string, ExitCode> = {
  'dependency-cycle': ExitCode.cycle,
  'resource-over-capacity': ExitCode.resourceConflict,
};

/**
 * The exit code for a set of diagnostics: 0 without errors; otherwise invalid plan (5), unless every
 * error is a cycle (3) or an unresolvable resource conflict (4). Anything else wrong takes precedence,
 * because a plan that does not even parse cleanly is "invalid" first.
 */
export function exitCodeFor(diagnostics: readonly Diagnostic[]): ExitCode {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return ExitCode.ok;
  const specific = new Set(errors.map((d) => exitCodeByDiagnostic[d.code] ?? ExitCode.invalidPlan));
  if (specific.has(ExitCode.invalidPlan)) return ExitCode.invalidPlan;
  if (specific.has(ExitCode.cycle)) return ExitCode.cycle;
  return ExitCode.resourceConflict;
}

export function exitCodeOf(failure: Failure): ExitCode {
  switch (failure.kind) {
    case 'usage':
    case 'unconfirmed':
    case 'plan-unreadable':
    case 'config-missing':
    case 'input-unusable':
    case 'write-failed':
    case 'no-attempt':
    case 'control-rejected':
      return ExitCode.badArguments;
    case 'plan-invalid':
    case 'import-invalid':
      return invalidPlanExitCode(failure.diagnostics);
    case 'config-invalid':
    case 'draft-invalid':
    case 'import-unreadable':
      return ExitCode.invalidPlan;
    case 'lock-held':
    case 'cannot-start':
    case 'control-unwritten':
    case 'agent-missing':
    case 'agent-blocked':
    case 'beads-import-failed':
      return ExitCode.cannotStart;
    case 'spec-rejected':
      return ExitCode.invalidPlan;
    case 'control-unanswered':
      return ExitCode.failedResumable;
    case 'run-failed':
      return failure.resumable ? ExitCode.failedResumable : ExitCode.failedNotResumable;
    case 'state-damaged':
    case 'history-damaged':
    case 'history-modified':
    case 'agent-failed':
      return ExitCode.failedNotResumable;
    case 'aborted':
      return ExitCode.aborted;
    case 'stale':
      return ExitCode.stale;
    case 'integrate-conflict':
      return ExitCode.integrateConflict;
    case 'validate-failed':
      return exitCodeOf(failure.cause);
    case 'diff-invalid':
    case 'edit-invalid':
      return exitCodeOf({ kind: 'plan-invalid', diagnostics: failure.diagnostics });
    case 'journal-unreadable':
      return ExitCode.failedNotResumable;
    case 'workflow-stale':
      return ExitCode.stale;
    case 'edit-refused':
      return failure.invalid ? ExitCode.invalidPlan : ExitCode.badArguments;
    case 'edit-unconfirmed':
      return ExitCode.badArguments;
    case 'assess-failed':
      return assessExitCode(failure.reason);
    case 'single-plan-invalid':
      return ExitCode.invalidPlan;
    default:
      return unreachable(failure, 'failure');
  }
}

/** A plan without a model always has an error; should the diagnostics be only warnings, it is still invalid. */
function invalidPlanExitCode(diagnostics: readonly Diagnostic[]): ExitCode {
  const code = exitCodeFor(diagnostics);
  return code === ExitCode.ok ? ExitCode.invalidPlan : code;
}

function assessExitCode(reason: FailureOf<'assess-failed'>['reason']): ExitCode {
  switch (reason) {
    case 'blocked':
      return ExitCode.cannotStart;
    case 'agent-failed':
      return ExitCode.failedNotResumable;
    case 'invalid':
      return ExitCode.invalidPlan;
    default:
      return unreachable(reason, 'assess failure');
  }
}

/** The exit code a run ends with, recorded in the journal and the run summary. */
export function exitCodeOfRun(outcome: RunOutcome): ExitCode {
  switch (outcome) {
    case 'completed':
      return ExitCode.ok;
    case 'failed':
    case 'waiting':
      return ExitCode.failedResumable;
    case 'aborted':
      return ExitCode.aborted;
    default:
      return unreachable(outcome, 'run outcome');
  }
}
