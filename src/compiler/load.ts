/**
 * The front half of the compiler: plan text -> diagnostics + normalized model. Pure (no fs, no clock).
 * Every problem it can find is reported in one run, sorted by position.
 */
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import type { Plan } from '../types/plan.js';
import { compareDiagnostics, hasErrors, type Diagnostic } from './diagnostic.js';
import type { PlanModel } from './model.js';
import { normalizePlan, resolveSettings, type SettingsLayers } from './normalize.js';
import { checkSchema, pruneInvalid } from './schema-check.js';
import { checkSemantics } from './semantic.js';
import { parseSource, type SourceFile } from './source.js';

/** A plan that loaded: no errors; `diagnostics` are its warnings. */
export interface LoadedPlanText {
  source: SourceFile;
  /** The plan as written. */
  plan: Plan;
  /** The normalized plan. */
  model: PlanModel;
  diagnostics: Diagnostic[];
}

/**
 * A plan with errors. `source` once the text parsed and `plan` once it passed the schema come along, so a
 * caller can still point into the file or check what the compiler cannot (spec files on disk).
 */
export type PlanInvalid = FailureOf<'plan-invalid'> & { file: string; source: SourceFile | null; plan: Plan | null };

export type LoadResult = Result<LoadedPlanText, PlanInvalid>;

/** Every diagnostic of a load, errors or warnings. */
export function loadDiagnostics(result: LoadResult): Diagnostic[] {
  return result.ok ? result.value.diagnostics : result.error.diagnostics;
}

export function loadPlan(file: string, text: string, layers: SettingsLayers = {}): LoadResult {
  const parsed = parseSource(file, text);
  const diagnostics = [...parsed.diagnostics];
  const invalid = (plan: Plan | null): LoadResult => err({ kind: 'plan-invalid', diagnostics: diagnostics.sort(compareDiagnostics), file, source: parsed.source, plan });
  if (!parsed.source || hasErrors(diagnostics)) return invalid(null);
  const schemaDiagnostics = checkSchema(parsed.source, parsed.value);
  diagnostics.push(...schemaDiagnostics);
  if (schemaDiagnostics.length > 0) {
    const pruned = pruneInvalid(parsed.value, schemaDiagnostics) as Plan | null;
    if (pruned) {
      // A task whose acceptance list was pruned for a schema error does have criteria: no false no-acceptance warning.
      const prunedAcceptance = new Set(schemaDiagnostics.filter((d) => d.path[0] === 'tasks' && d.path[2] === 'acceptance').map((d) => d.path[1]));
      diagnostics.push(...checkSemantics(parsed.source, pruned, resolveSettings(pruned, layers)).filter((d) => !(d.code === 'no-acceptance' && prunedAcceptance.has(d.path[1]))));
    }
    return invalid(null);
  }
  const plan = parsed.value as Plan;
  const settings = resolveSettings(plan, layers);
  diagnostics.push(...checkSemantics(parsed.source, plan, settings));
  if (hasErrors(diagnostics)) return invalid(plan);
  return ok({ source: parsed.source, plan, model: normalizePlan(plan, layers), diagnostics: diagnostics.sort(compareDiagnostics) });
}
