/**
 * The front half of the compiler: plan text -> diagnostics + normalized model. Pure (no fs, no clock).
 * Every problem it can find is reported in one run, sorted by position.
 */
import type { Plan } from '../types/plan.js';
import { compareDiagnostics, hasErrors, type Diagnostic } from './diagnostic.js';
import type { PlanModel } from './model.js';
import { normalizePlan, resolveSettings, type SettingsLayers } from './normalize.js';
import { checkSchema, pruneInvalid } from './schema-check.js';
import { checkSemantics } from './semantic.js';
import { parseSource, type SourceFile } from './source.js';

export interface LoadResult {
  diagnostics: Diagnostic[];
  source: SourceFile | null;
  /** The plan as written, once it passed the schema. */
  plan: Plan | null;
  /** The normalized plan, when there are no errors. */
  model: PlanModel | null;
}

export function loadPlan(file: string, text: string, layers: SettingsLayers = {}): LoadResult {
  const parsed = parseSource(file, text);
  const diagnostics = [...parsed.diagnostics];
  const done = (plan: Plan | null, model: PlanModel | null): LoadResult => ({
    diagnostics: diagnostics.sort(compareDiagnostics),
    source: parsed.source,
    plan,
    model,
  });
  if (!parsed.source || hasErrors(diagnostics)) return done(null, null);
  const schemaDiagnostics = checkSchema(parsed.source, parsed.value);
  diagnostics.push(...schemaDiagnostics);
  if (schemaDiagnostics.length > 0) {
    const pruned = pruneInvalid(parsed.value, schemaDiagnostics) as Plan | null;
    if (pruned) {
      // A task whose acceptance list was pruned for a schema error does have criteria: no false no-acceptance warning.
      const prunedAcceptance = new Set(schemaDiagnostics.filter((d) => d.path[0] === 'tasks' && d.path[2] === 'acceptance').map((d) => d.path[1]));
      diagnostics.push(...checkSemantics(parsed.source, pruned, resolveSettings(pruned, layers))
        .filter((d) => !(d.code === 'no-acceptance' && prunedAcceptance.has(d.path[1]!))));
    }
    return done(null, null);
  }
  const plan = parsed.value as Plan;
  const settings = resolveSettings(plan, layers);
  diagnostics.push(...checkSemantics(parsed.source, plan, settings));
  if (hasErrors(diagnostics)) return done(plan, null);
  return done(plan, normalizePlan(plan, layers));
}
