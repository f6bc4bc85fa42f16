/**
 * The part of the dependency graph the planning analysis reads (AnalysisGraph): the scheduled edges, the
 * critical path's length and the edge density. analyzeGraph computes these with everything the artifacts
 * show (layers, transitive reduction, per-task timing, the critical path itself); on 10,000 tasks that
 * rest was most of validate's graph work, and validate reports only the analysis.
 */
import type { AnalysisGraph } from '../compiled.js';
import type { PlanModel } from '../model.js';
import { roundHours } from '../rounding.js';
import { buildIndexGraph } from './index-graph.js';
import { earliestStarts } from './critical.js';
import { topologicalSort } from './topo.js';

/** Scheduled task-to-task edges over all ordered pairs of distinct tasks, to 6 decimals; 0 below two tasks. */
export function edgeDensityOf(edges: number, tasks: number): number {
  return tasks > 1 ? Math.round((edges / (tasks * (tasks - 1))) * 1e6) / 1e6 : 0;
}

/** The same values as analyzeGraph(model).graph's edges, criticalPathHours and metrics.edgeDensity. */
export function analysisGraph(model: PlanModel): AnalysisGraph {
  const index = buildIndexGraph(model);
  const { size, pred, succ } = index;
  // Any topological order gives the same earliest starts (each is a max over its predecessors), so the
  // longest path needs neither analyzeGraph's tie-breaking heap nor its backward pass.
  const order = topologicalSort(size, pred, succ);
  if (order.length !== size) throw new Error('compileForAnalysis needs an acyclic plan: run loadPlan and stop on its errors first');
  const { length } = earliestStarts(index, order);
  return {
    edges: model.edges.filter((e) => e.scheduled),
    criticalPathHours: roundHours(length),
    metrics: { edgeDensity: edgeDensityOf(index.taskEdges.length, index.taskCount) },
  };
}
