/**
 * execplan export beads [plan.yaml] [-o FILE] [--prefix P] [--import]: the plan as beads issues
 * (format in docs/contract.md), stamped with the current time; --import hands the file to `bd import`.
 * execplan export github-actions [plan.yaml] [-o FILE] [--concurrency N] [--runs-on LABEL] [--check]: the
 * plan as a GitHub Actions workflow, one job per task (docs/github-actions.md).
 */
import path from 'node:path';
import { exportGithubActions } from './export-github-actions.js';
import { buildBeadsIssues, renderBeadsJsonl } from '../../compiler/artifacts/beads.js';
import { redactDeep } from '../../compiler/artifacts/redact.js';
import { beadsStatusOf, type BeadsStatus } from '../../runner/beads-sync.js';
import { planState } from '../state-input.js';
import { tryLoadState } from '../../runner/store.js';
import { buildRunPlan } from '../../runner/plan-view.js';
import { statusView } from '../../runner/status.js';
import { rfc3339 } from '../../compiler/artifacts/timestamp.js';
import { compilePlan } from '../../compiler/compile.js';
import type { PlanModel } from '../../compiler/model.js';
import { err, ok } from '../../core/result.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { loadPlanWithConfig, printDiagnostics, type PlanInput } from '../plan-input.js';
import { shownPath, writeOneFile } from '../write-files.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export the plan to another tool: `export beads` writes beads.jsonl (`bd import` with --import); `export github-actions` writes a workflow',
  usage:
    'execplan export beads [plan.yaml] [-o FILE] [--prefix PREFIX] [--import] [--config FILE]\n' +
    '       execplan export github-actions [plan.yaml] [-o .github/workflows/execplan-<plan>.yml] [--concurrency N] [--runs-on LABEL] [--check] [--config FILE]',
  async run(args, io) {
    if (args[0] === 'github-actions') return exportGithubActions(args.slice(1), io);
    const { values, positionals } = parseCommandArgs(
      args,
      { output: { type: 'string', short: 'o' }, prefix: { type: 'string' }, import: { type: 'boolean', default: false }, config: { type: 'string' } },
      2,
    );
    const [target, planFile] = positionals;
    if (target !== 'beads')
      throw new UsageError(target === undefined ? 'name what to export to: beads or github-actions' : `cannot export to '${target}'; the targets are beads and github-actions`);
    if (values.prefix !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(values.prefix))
      throw new UsageError(`--prefix must be letters, digits, '_' or '-', starting with a letter, got '${values.prefix}'`);
    const outcome = await loadPlanWithConfig(io, planFile, {}, values.config);
    if (!outcome.ok) return outcome;
    const { diagnostics, model, input } = outcome.value;
    printDiagnostics(io, diagnostics);

    // An export records when it happened (unlike the compiled artifacts, which must be reproducible).
    const statuses = runStatuses(io, model, input);
    // An export is shared like the artifacts: it never holds a secret from the plan.
    const issues = buildBeadsIssues(redactDeep(compilePlan(model)), {
      timestamp: rfc3339(new Date()),
      prefix: values.prefix ?? model.source.settings?.beads?.prefix,
      statuses,
    });
    const jsonl = renderBeadsJsonl(issues);
    const out = values.output ?? (values.import ? path.join(input.dir, 'beads.jsonl') : undefined);
    if (values.import && out === '-') throw new UsageError('--import needs a file: drop `-o -`');
    if (out === undefined || out === '-') {
      io.stdout(jsonl);
      return ok();
    }
    const file = path.resolve(io.cwd, out);
    const shown = shownPath(io.cwd, file);
    if (file === input.absolute) throw new UsageError(`-o ${out} is the plan itself; name another file (e.g. beads.jsonl)`);
    const written = await writeOneFile(file, shown, jsonl);
    if (!written.ok) return written;
    io.stderr(`${input.file}: ${exportedCount(issues)} -> ${shown}\n`);
    if (!values.import) return ok();
    return bdImport(io, { file, shown, dir: input.dir });
  },
};

/** After a run, each issue carries its task's status from the run state (not always open). */
function runStatuses(io: CliIo, model: PlanModel, input: PlanInput): Map<string, BeadsStatus> {
  const loadedState = tryLoadState(
    planState(
      io,
      input,
      model.tasks.map((t) => t.id),
    ),
  );
  const runState = loadedState.ok ? loadedState.value.state : null;
  const runTasks = runState && runState.journal.seq > 0 ? statusView(buildRunPlan(model, input.dir, input.text, 'state'), runState, Date.now()).tasks : [];
  return new Map(runTasks.map((task) => [task.id, beadsStatusOf(task.status)] as const));
}

/** "4 tasks + 1 epic + 2 phase barriers" */
function exportedCount(issues: ReturnType<typeof buildBeadsIssues>): string {
  // Phase-barrier milestones are issues but not tasks of the plan.
  const barriers = issues.filter((i) => i.labels?.includes('kind:phase-barrier')).length;
  return `${issues.length - 1 - barriers} tasks + 1 epic${barriers ? ` + ${barriers} phase barrier${barriers === 1 ? '' : 's'}` : ''}`;
}

/** --import: hands the written file to `bd import`, showing what bd says. */
async function bdImport(io: CliIo, { file, shown, dir }: { file: string; shown: string; dir: string }): Promise<CommandResult> {
  // Loaded only here: execa costs ~100 ms of start-up that no other command needs.
  const { execa } = await import('execa');
  const result = await execa('bd', ['import', '-i', file], { cwd: dir, env: io.env, extendEnv: false, reject: false, all: true });
  if (result.exitCode === undefined) {
    // Not started at all: with reject: false execa reports the spawn error on the result.
    const missing = (result as { code?: string }).code === 'ENOENT';
    return err({ kind: 'beads-import-failed', file: shown, cause: missing ? { kind: 'missing' } : { kind: 'spawn', message: String(result.shortMessage) } });
  }
  if (result.all) io.stderr(result.all.endsWith('\n') ? result.all : `${result.all}\n`);
  if (result.exitCode !== 0) return err({ kind: 'beads-import-failed', file: shown, cause: { kind: 'exit', code: result.exitCode } });
  io.stderr(`imported into beads with bd import\n`);
  return ok();
}
