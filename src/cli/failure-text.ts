/** What the user reads for each expected failure: main.ts prints it on stderr, once, for every command. */
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../compiler/diagnostic.js';
import type { Failure, FailureOf } from '../core/failure.js';
import { unreachable } from '../core/unreachable.js';

export interface FailureContext {
  /** The command that failed, for the `execplan <command>:` prefix. */
  name: string;
  usage: string;
  /** Where the command ran: paths in messages are shown relative to it. */
  cwd: string;
}

const plural = (n: number, noun: string) => `${noun}${n === 1 ? '' : 's'}`;

/** "2 errors, 1 warning" */
function problemCount(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const count = (n: number, noun: string) => `${n} ${plural(n, noun)}`;
  return `${count(errors, 'error')}${warnings ? `, ${count(warnings, 'warning')}` : ''}`;
}

function diagnosticLines(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.length === 0 ? '' : `${diagnostics.map(formatDiagnostic).join('\n')}\n`;
}

/** A message of no one command: `execplan: ...`. */
const general = (message: string) => `execplan: ${message}\n`;

function stateDamaged(failure: FailureOf<'state-damaged'>): string {
  return `${failure.journal}: ${failure.detail}: the run state is damaged; see \`execplan verify\`, or start over with \`execplan run --fresh\` (the old state is archived)`;
}

/** The stderr text for a failure ('' when whoever failed has already said so, e.g. the runner's summary). */
export function failureText(failure: Failure, command: FailureContext): string {
  const own = (message: string) => `execplan ${command.name}: ${message}\n`;
  switch (failure.kind) {
    case 'usage':
      return `execplan ${command.name}: ${failure.message}\nUsage: ${command.usage}\n`;
    case 'unconfirmed':
      return own(failure.message);
    case 'plan-unreadable':
      return general(planUnreadable(failure));
    case 'config-missing':
      return general(`--config ${failure.file}: ${failure.isDirectory ? 'is a directory; name the config file' : 'no such file'}`);
    case 'config-invalid':
    case 'plan-invalid':
      return diagnosticLines(failure.diagnostics);
    case 'import-unreadable':
      return `${diagnosticLines(failure.diagnostics)}${general(`${failure.source} cannot be imported as ${failure.format}; nothing written`)}`;
    case 'import-invalid':
      return `${diagnosticLines(failure.diagnostics)}${general('the imported plan does not validate (the positions above are in the generated plan); nothing written')}`;
    case 'control-rejected':
      return own(failure.reason.kind === 'refused' ? failure.reason.message : stateDamaged(failure.reason));
    case 'control-unanswered':
      return own(`sent to the running execplan run (pid ${failure.pid}), which has not answered yet: it is not known to be applied; check \`execplan status\``);
    case 'spec-rejected':
      return own(`${failure.code}: ${failure.message}`);
    case 'input-unusable':
    case 'agent-failed':
    case 'control-unwritten':
      return own(failure.message);
    case 'agent-blocked':
      return own(failure.notice);
    case 'write-failed':
      return own(`${failure.message}${failure.planOnStdout ? '; the drafted plan follows on stdout' : ''}`);
    case 'state-damaged':
      return general(`${failure.resuming ? 'cannot resume: ' : ''}${stateDamaged(failure)}`);
    case 'history-damaged':
      return damageReport(command.cwd, failure.journal, failure.problems);
    case 'history-modified':
      return `${failure.journal}: ${failure.problems} problem(s) in ${failure.records} records: the history was modified; \`execplan run --fresh\` archives it and starts over\n`;
    case 'lock-held':
      return general(lockHeld(failure));
    case 'cannot-start':
      return failure.problems.map((p) => general(`cannot start: ${p}`)).join('');
    case 'no-attempt':
      return own(noAttempt(failure));
    case 'stale':
      return staleArtifacts(failure);
    case 'integrate-conflict':
      return integrateConflict(failure);
    case 'agent-missing':
      return own(`agent command '${failure.binary}' (profile ${failure.profile}) not found on PATH: ${failure.installHint}`);
    case 'draft-invalid':
      // Every diagnostic points into the kept answer, not into the plan that was asked for.
      return `${failure.diagnostics.map((d) => formatDiagnostic({ ...d, file: failure.rejectedFile })).join('\n')}\n` + own(draftInvalid(failure));
    case 'beads-import-failed':
      return general(beadsImportFailed(failure));
    case 'validate-failed':
      return failure.summary && failure.cause.kind === 'plan-invalid' ? `${failure.file}: ${problemCount(failure.cause.diagnostics)}\n` : '';
    case 'diff-invalid':
      return `${diagnosticLines(failure.diagnostics)}${general(`${failure.name} is not a valid plan; fix it to compare it`)}`;
    case 'workflow-stale':
      // One file, so one line says it (not compile --check's list of artifacts).
      return `${failure.planFile}: ${failure.workflow} is ${failure.missing ? 'missing' : 'stale'}; run \`${failure.rerun}\` and commit the result\n`;
    case 'edit-refused':
      return general(`${failure.file}: ${failure.message}; nothing was changed`);
    case 'edit-invalid':
      return `${diagnosticLines(failure.diagnostics)}${general(`refused: the edit would make ${failure.file} invalid (the positions above are in the edited plan); nothing was written`)}`;
    case 'edit-unconfirmed':
      return general(`are you sure? ${failure.doubts.join('; ')}. Pass --yes to ${failure.dryRun ? 'accept it' : 'write it anyway'}; nothing was written`);
    case 'assess-failed':
      return own(failure.message);
    case 'single-plan-invalid':
      return `${diagnosticLines(failure.diagnostics)}${own('the one-task plan does not validate; nothing written')}`;
    case 'run-failed':
    case 'aborted':
    case 'journal-unreadable':
      // Already said: the runner's summary, or verify's listing of the journal's problems on stdout.
      return '';
    default:
      return unreachable(failure, 'failure');
  }
}

function planUnreadable(failure: FailureOf<'plan-unreadable'>): string {
  switch (failure.problem) {
    case 'missing':
      return `${failure.file}: no such file${failure.defaulted ? ' (no plan.yaml in this directory: pass a path, or run `execplan init`)' : ''}`;
    case 'directory':
      return `${failure.file} is a directory; pass the plan file (e.g. ${path.join(failure.file, 'plan.yaml')})`;
    case 'unreadable':
      return `${failure.file}: cannot read it (${failure.code})`;
    default:
      return unreachable(failure.problem, 'plan problem');
  }
}

function lockHeld({ stateDir, holder }: FailureOf<'lock-held'>): string {
  return `cannot start: ${stateDir} is in use by another execplan ${holder.kind} (pid ${holder.pid}, since ${holder.startedAt}); wait for it, or check \`execplan status\``;
}

function noAttempt({ task, attempts, wanted }: FailureOf<'no-attempt'>): string {
  return attempts.length === 0 ? `task '${task}' has no attempts yet` : `task '${task}' has attempts ${attempts.join(', ')}; no attempt ${wanted}`;
}

/** compile --check: every stale artifact on its own line, and the command that brings them up to date. */
function staleArtifacts({ planFile, stale, rerun }: FailureOf<'stale'>): string {
  return `${planFile}: ${stale.length} stale ${plural(stale.length, 'artifact')}; run \`${rerun}\` and commit the result:\n${stale.map((s) => `  ${s}\n`).join('')}`;
}

/** What conflicted, what state the merge left (nothing after a dry run), and the advice from earlier conflicts. */
function integrateConflict(failure: FailureOf<'integrate-conflict'>): string {
  const { stream, branch, into, files } = failure;
  const what = `integrate: merging stream ${stream} (${branch}) into ${into} conflicts in ${files.join(', ')}`;
  const then = failure.dryRun
    ? ' (dry run: nothing changed)'
    : `; that merge was undone, ${into} holds the streams merged before it. Merge ${branch} into ${into} by hand, or re-plan so the streams touch different files`;
  return general(`${what}${then}`) + (failure.advice ? general(failure.advice) : '');
}

function draftInvalid({ rounds, rejectedFile }: FailureOf<'draft-invalid'>): string {
  return `no valid plan after ${rounds} ${plural(rounds, 'round')}; the last answer is in ${rejectedFile}`;
}

/** The written file is kept in every case: the message says how to import it by hand. */
function beadsImportFailed({ cause, file }: FailureOf<'beads-import-failed'>): string {
  switch (cause.kind) {
    case 'missing':
      return `--import needs the beads CLI \`bd\` on PATH (not found); ${file} was written, import it later with \`bd import -i ${file}\``;
    case 'spawn':
      return `could not start bd: ${cause.message}`;
    case 'exit':
      return `bd import failed (exit ${cause.code}); ${file} is kept, run \`bd import -i ${file}\` yourself`;
    default:
      return unreachable(cause, 'bd import cause');
  }
}

/**
 * One line per problem (as `execplan verify` prints them) and the way out. Here rather than with the state
 * loading: every command imports this module, and importing the state modules for it cost each start-up.
 */
export function damageReport(cwd: string, journal: string, problems: ReadonlyArray<{ line: number; code: string; message: string }>): string {
  const shown = path.relative(cwd, journal);
  const lines = problems.slice(0, 5).map((p) => `${shown}:${p.line}:1: error ${p.code} ${p.message}`);
  if (problems.length > 5) lines.push(`... and ${problems.length - 5} more (execplan verify lists them all)`);
  lines.push(
    `execplan: the run history is damaged (${problems.length} problem(s)): nothing was changed. Run \`execplan verify\` for details; \`execplan run --fresh\` archives it and starts over`,
  );
  return `${lines.join('\n')}\n`;
}
