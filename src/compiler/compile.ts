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

// The run's part lives in a module of its own: `execplan run` then loads none of what only the
// artifacts show (risk, insights, quality metrics).
export { compileForRun, type RunSchedule } from './compile-for-run.js';

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
