/** The start of the commands that act on a run (run, status, the control verbs): the plan as the runner sees it. */
import type { PlanInvalid } from '../compiler/load.js';
import type { PlanModel, ResolvedSettings } from '../compiler/model.js';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import { buildRunPlan, type RunPlan, type RunPlanUse } from '../runner/plan-view.js';
import type { CliIo } from './command.js';
import { loadPlanWithConfig, type LoadedPlan, type LoadPlanFailure, type PlanInput } from './plan-input.js';

export interface LoadedRunPlan {
  plan: RunPlan;
  model: PlanModel;
  input: PlanInput;
  loaded: LoadedPlan;
}

/** Loads the plan and its config. Warnings belong to `execplan validate`: a failure carries only the errors. */
export async function loadRunPlan(
  io: CliIo,
  given: string | undefined,
  configPath?: string,
  use: RunPlanUse = 'run',
  overrides: Partial<ResolvedSettings> = {},
  allowOutside: readonly string[] = [],
): Promise<Result<LoadedRunPlan, LoadPlanFailure | PlanInvalid | FailureOf<'plan-invalid'>>> {
  const outcome = await loadPlanWithConfig(io, given, overrides, configPath, { allowOutside, analyze: use === 'run' ? 'when-strict' : false, schedule: true });
  if (!outcome.ok) {
    const failure = outcome.error;
    return failure.kind === 'plan-invalid' ? err({ kind: 'plan-invalid', diagnostics: failure.diagnostics.filter((d) => d.severity === 'error') }) : outcome;
  }
  const { model, input } = outcome.value;
  return ok({ plan: buildRunPlan(model, input.dir, input.text, use, outcome.value.compiled ?? undefined), model, input, loaded: outcome.value });
}
