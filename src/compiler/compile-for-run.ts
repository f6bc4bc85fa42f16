/**
 * The part of the back half of the compiler that `execplan run` needs, in a module of its own so that a
 * run's start-up loads only the passes it reads. Pure and deterministic, like compile.ts.
 */
import type { CompileInputs } from './compile-analysis.js';
import type { CompiledPlan } from './compiled.js';
import { findConflicts } from './conflicts.js';
import { applyContested } from './contested.js';
import { analyzeGraph } from './graph/analyze.js';
import type { PlanModel } from './model.js';
import { buildFrontier } from './schedule/frontier.js';
import { buildProblem } from './schedule/problem.js';
import { buildWaves } from './schedule/waves.js';

/**
 * What a run reads of the compiled plan: the file conflicts (its locks), the optimized frontier schedule
 * (its launch order) and, for a wave_based run only, the waves (its barriers). Exactly compilePlan's
 * values for these, without the parts only the artifacts show (Monte Carlo risk, insights, quality metrics).
 */
export type RunSchedule = Pick<CompiledPlan, 'model' | 'conflicts' | 'frontier'> & { waves: CompiledPlan['waves'] | null };

/** The part of compilePlan that a run of a rolling-frontier plan needs (see RunSchedule): the same frontier, at a fraction of the cost. */
export function compileForRun(plan: PlanModel, inputs: CompileInputs = {}): RunSchedule {
  const { model } = applyContested(plan, inputs.contested ?? []);
  const { graph, index, latestFinish } = analyzeGraph(model);
  const conflicts = findConflicts(model);
  const problem = buildProblem(model, index, conflicts);
  const frontier = buildFrontier(model, index, conflicts, graph.criticalPathHours, latestFinish, problem);
  const waves =
    model.settings.executionModel === 'wave_based'
      ? buildWaves(
          model,
          index,
          conflicts,
          model.tasks.map((t) => graph.timing[t.id]!.latestStart),
        )
      : null;
  return { model, conflicts, frontier, waves };
}
