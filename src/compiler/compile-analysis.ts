/**
 * The part of the compiler that the planning analysis reads (see AnalysisInput), in a module of its own:
 * validate and the edit commands import it without the schedule modules, which only compile needs.
 */
import { analysisGraph } from './graph/analysis-graph.js';
import type { AnalysisInput } from './compiled.js';
import { applyContested, type ContestedInput } from './contested.js';
import type { PlanModel } from './model.js';
import { qualityMetrics } from './analysis/quality.js';

/** What the compiler is given besides the plan: the repository's contested files (conflict history). */
export interface CompileInputs {
  contested?: readonly ContestedInput[];
}

/**
 * The part of compilePlan that the planning analysis reads (see AnalysisInput): the same quality metrics,
 * contested files and the graph values the analysis reads, without the schedules, Monte Carlo risk,
 * insights and the rest of the graph (layers, transitive reduction, timing).
 */
export function compileForAnalysis(plan: PlanModel, inputs: CompileInputs = {}): AnalysisInput {
  const { model, contested } = applyContested(plan, inputs.contested ?? []);
  const graph = analysisGraph(model);
  return { model, graph, quality: qualityMetrics(model, graph), contested };
}
