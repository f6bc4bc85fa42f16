/** The start of the commands that act on a run (run, status, the control verbs): the plan as the runner sees it. */
import type { PlanInvalid } from '../compiler/load.js';
import type { PlanModel, ResolvedSettings } from '../compiler/model.js';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import { sha256 } from '../compiler/artifacts/json.js';
import { buildRunPlan, type RunPlan, type RunPlanUse } from '../runner/plan-view.js';
import { statePaths } from '../runner/paths.js';
import type { CliIo } from './command.js';
import { configSettings } from './config.js';
import { codeStamp } from '../core/code-stamp.js';
import { planCacheKey, readCachedPlan, writeCachedPlan } from './plan-cache.js';
import { checkReadPlan, readPlanWithConfig, specsBreakRules, type LoadedPlan, type LoadPlanFailure, type PlanInput } from './plan-input.js';
import path from 'node:path';

export interface LoadedRunPlan {
  plan: RunPlan;
  model: PlanModel;
  input: PlanInput;
  /** The config that applies, and where it came from. */
  loaded: Pick<LoadedPlan, 'config' | 'configPath'>;
}

type RunPlanFailure = LoadPlanFailure | PlanInvalid | FailureOf<'plan-invalid'>;

/**
 * Loads the plan and its config. Warnings belong to `execplan validate`: a failure carries only the errors,
 * and the passes that can only warn are skipped. For the commands that only read or change the state
 * (`use` 'state'), the normalized plan of an earlier load of the same plan, config and execplan is reused
 * (plan-cache.ts): they then cost less than checking the plan does.
 */
export async function loadRunPlan(
  io: CliIo,
  given: string | undefined,
  configPath?: string,
  use: RunPlanUse = 'run',
  overrides: Partial<ResolvedSettings> = {},
  allowOutside: readonly string[] = [],
): Promise<Result<LoadedRunPlan, RunPlanFailure>> {
  const read = await readPlanWithConfig(io, given, configPath);
  if (!read.ok) return read;
  const { input, config, configPath: foundConfig } = read.value;
  const loaded = { config, configPath: foundConfig };
  const outside = allowOutside.map((a) => path.resolve(io.cwd, a));
  const planHash = sha256(input.text);
  const cache = use === 'state' ? cacheFor(input, planHash, { config: configSettings(config), overrides }) : null;
  const guessed = cache ? nameInText(input.text) : null;
  const cached = cache && guessed ? readCachedPlan(statePaths(input.dir, guessed).dir, cache.key) : null;
  // The spec documents are the one input of the front end on disk: checked again, so a spec that has
  // become a directory or a link out of the project gets the full load and its diagnostic.
  if (cached && !specsBreakRules(cached.model.source.spec, input.dir, outside)) {
    const { model, planVersion } = cached;
    return ok({ plan: buildRunPlan(model, input.dir, input.text, use, undefined, { planHash, planVersion }), model, input: { ...input, name: model.name }, loaded });
  }
  const outcome = await checkReadPlan(io, read.value, overrides, { allowOutside, analyze: use === 'run' ? 'when-strict' : false, schedule: true, warnings: false });
  if (!outcome.ok) return err({ kind: 'plan-invalid', diagnostics: outcome.error.diagnostics.filter((d) => d.severity === 'error') });
  const { model } = outcome.value;
  const plan = buildRunPlan(model, input.dir, input.text, use, outcome.value.compiled ?? undefined, { planHash });
  // Stored where the plan's state is (the model's name; the lookup found it from the text).
  if (cache) writeCachedPlan(statePaths(input.dir, model.name).dir, cache.key, { model, planVersion: plan.planVersion });
  return ok({ plan, model, input: outcome.value.input, loaded });
}

/** The key the cached model of this plan must have; null when execplan's own code cannot be read. */
function cacheFor(input: PlanInput, planHash: string, layers: unknown): { key: string } | null {
  try {
    return { key: planCacheKey({ file: input.file, textHash: planHash, layers, code: codeStamp() }) };
  } catch {
    return null;
  }
}

/**
 * The plan's `name` read off its top-level `name:` line without parsing the plan, to find its state
 * directory. Only a guess: the key covers the whole text, so a wrong guess finds no cache (a miss), never
 * a wrong model; the state directory itself is found from the model's name.
 */
function nameInText(text: string): string | null {
  const found = [...text.matchAll(/^name:[ \t]*(["']?)([a-z0-9][a-z0-9-]*)\1[ \t]*(?:#.*)?\r?$/gm)];
  return found.length === 1 ? found[0]![2]! : null;
}
