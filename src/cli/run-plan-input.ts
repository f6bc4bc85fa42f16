/** The start of the commands that act on a run (run, status, the control verbs): the plan as the runner sees it. */
import { exitCodeFor, type ExitCode } from '../compiler/diagnostic.js';
import type { PlanModel, ResolvedSettings } from '../compiler/model.js';
import { buildRunPlan, type RunPlan } from '../runner/plan-view.js';
import type { CliIo } from './command.js';
import { loadPlanWithConfig, printDiagnostics, type LoadedPlan, type PlanInput } from './plan-input.js';

export type LoadRunPlanOutcome = { ok: true; plan: RunPlan; model: PlanModel; input: PlanInput; loaded: LoadedPlan } | { ok: false; exitCode: ExitCode };

/** Loads the plan and its config; on failure prints why and gives the exit code. Warnings belong to `execplan validate`: only errors are printed. */
export async function loadRunPlan(io: CliIo, given: string | undefined, configPath?: string, overrides: Partial<ResolvedSettings> = {}): Promise<LoadRunPlanOutcome> {
  const outcome = await loadPlanWithConfig(io, given, overrides, configPath);
  if (!outcome.ok) {
    if (outcome.message) io.stderr(`execplan: ${outcome.message}\n`);
    printDiagnostics(io, outcome.diagnostics);
    return { ok: false, exitCode: outcome.exitCode };
  }
  const { model, input, diagnostics } = outcome.loaded;
  if (!model) {
    printDiagnostics(io, diagnostics.filter((d) => d.severity === 'error'));
    return { ok: false, exitCode: exitCodeFor(diagnostics) };
  }
  return { ok: true, plan: buildRunPlan(model, input.dir, input.text, outcome.loaded.compiled ?? undefined), model, input, loaded: outcome.loaded };
}
