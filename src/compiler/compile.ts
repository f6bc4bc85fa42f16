/**
 * The back half of the compiler: a validated PlanModel -> CompiledPlan (graph, conflicts, wave schedule,
 * rolling-frontier schedule). Pure and deterministic; the caller must have stopped on loadPlan's errors.
 */
import type { CompiledPlan } from './compiled.js';
import type { CompileInputs } from './compile-analysis.js';
import { findConflicts } from './conflicts.js';
import { applyContested } from './contested.js';
import { analyzeGraph } from './graph/analyze.js';
import type { PlanModel } from './model.js';
import { qualityMetrics } from './analysis/quality.js';
import { buildFrontier } from './schedule/frontier.js';
import { scheduleInsights } from './schedule/insights.js';
import { buildProblem } from './schedule/problem.js';
import { scheduleRisk } from './schedule/risk.js';
import { buildWaves } from './schedule/waves.js';

export type { CompiledPlan } from './compiled.js';
export { compileForAnalysis, type CompileInputs } from './compile-analysis.js';

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

export function compilePlan(plan: PlanModel, inputs: CompileInputs = {}): CompiledPlan {
  const { model, contested } = applyContested(plan, inputs.contested ?? []);
  const { graph, index, latestFinish } = analyzeGraph(model);
  const conflicts = findConflicts(model);
  const latestStart = model.tasks.map((t) => graph.timing[t.id]!.latestStart);
  const waves = buildWaves(model, index, conflicts, latestStart);
  const problem = buildProblem(model, index, conflicts);
  const frontier = buildFrontier(model, index, conflicts, graph.criticalPathHours, latestFinish, problem);
  const risk = scheduleRisk(model, problem, frontier, waves);
  const insights = scheduleInsights(model, problem, frontier, waves, risk, latestFinish);
  return { model, graph, conflicts, waves, frontier, risk, insights, quality: qualityMetrics(model, graph), contested };
}
