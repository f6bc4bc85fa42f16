/** Builds the dependency graph section of a compiled plan: order, layers, reduction, critical path, metrics. */
import type { DependencyGraph, GraphMetrics, TaskTiming } from '../compiled.js';
import { roundHours } from '../rounding.js';
import type { PlanModel } from '../model.js';
import { edgeDensityOf } from './analysis-graph.js';
import { criticalPathMethod } from './critical.js';
import { buildIndexGraph, type IndexGraph } from './index-graph.js';
import { redundantEdges } from './reduce.js';
import { kahnLayers, topologicalOrder } from './topo.js';

export interface GraphAnalysis {
  graph: DependencyGraph;
  index: IndexGraph;
  /** Topological order of all nodes (tasks and barriers). */
  order: number[];
  /**
   * Latest finish of every node with unlimited resources, unrounded (the critical-path pass): the
   * scheduler's classic LFT priority, so it is computed once, here.
   */
  latestFinish: Float64Array;
}

function countByType(edges: PlanModel['edges']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of edges) out[e.type] = (out[e.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function analyzeGraph(model: PlanModel): GraphAnalysis {
  const index = buildIndexGraph(model);
  const order = topologicalOrder(index);
  if (!order) throw new Error('compilePlan needs an acyclic plan: run loadPlan and stop on its errors first');
  const ids = model.tasks.map((t) => t.id);
  const n = ids.length;
  const taskOrder = order.filter((v) => v < n);
  const layers = layersOf(index, order, ids);
  const reducedEdges = reducedEdgesOf(index, order, ids, taskOrder);
  const cpm = criticalPathMethod(index, order);
  const edges: EdgeClasses = {
    scheduled: model.edges.filter((e) => e.scheduled),
    softDeps: model.edges.filter((e) => !e.hard),
    lowConfidenceDeps: model.edges.filter((e) => e.hard && !e.scheduled),
  };
  const graph: DependencyGraph = {
    topoOrder: taskOrder.map((v) => ids[v]!),
    layers,
    edges: edges.scheduled,
    reducedEdges,
    softDeps: edges.softDeps,
    lowConfidenceDeps: edges.lowConfidenceDeps,
    phaseBarriers: index.barriers.map((b) => ({ from: model.phases[b.fromPhase]!.id, to: model.phases[b.toPhase]!.id })),
    criticalPath: cpm.path.map((v) => ids[v]!),
    criticalPathHours: roundHours(cpm.length),
    timing: timingOf(index, cpm, ids),
    metrics: graphMetrics(model, index, { layers, reducedEdges: reducedEdges.length, criticalPathHours: cpm.length, edges }),
  };
  return { graph, index, order, latestFinish: cpm.latestFinish };
}

type CriticalPath = ReturnType<typeof criticalPathMethod>;

/** The plan's edges by what the schedule does with them. */
interface EdgeClasses {
  scheduled: PlanModel['edges'];
  softDeps: PlanModel['edges'];
  lowConfidenceDeps: PlanModel['edges'];
}

/** Task ids by Kahn layer (a task's layer is one more than its deepest predecessor's). */
function layersOf(index: IndexGraph, order: number[], ids: readonly string[]): string[][] {
  const n = ids.length;
  const layerOf = kahnLayers(index, order);
  let layerCount = 0;
  for (let v = 0; v < n; v++) layerCount = Math.max(layerCount, layerOf[v]!);
  const layers: string[][] = Array.from({ length: layerCount }, () => []);
  for (let v = 0; v < n; v++) layers[layerOf[v]! - 1]!.push(ids[v]!);
  return layers;
}

/** The task edges the transitive reduction keeps, in topological order of their ends. */
function reducedEdgesOf(index: IndexGraph, order: number[], ids: readonly string[], taskOrder: readonly number[]): Array<[string, string]> {
  const position = new Int32Array(ids.length);
  taskOrder.forEach((v, k) => (position[v] = k));
  const redundant = redundantEdges(index, order);
  return index.taskEdges
    .filter((_, k) => !redundant[k])
    .sort((x, y) => position[x[0]]! - position[y[0]]! || position[x[1]]! - position[y[1]]!)
    .map(([a, b]) => [ids[a]!, ids[b]!] as [string, string]);
}

/** Earliest and latest start and finish, and slack, of every task with unlimited resources, rounded. */
function timingOf(index: IndexGraph, cpm: CriticalPath, ids: readonly string[]): Record<string, TaskTiming> {
  const timing: Record<string, TaskTiming> = {};
  for (let v = 0; v < ids.length; v++) {
    const h = index.hours[v]!;
    const es = roundHours(cpm.earliestStart[v]!);
    const lf = roundHours(cpm.latestFinish[v]!);
    timing[ids[v]!] = {
      earliestStart: es,
      earliestFinish: roundHours(es + h),
      latestStart: roundHours(lf - h),
      latestFinish: lf,
      slack: Math.max(0, roundHours(lf - h - es)),
    };
  }
  return timing;
}

function graphMetrics(model: PlanModel, index: IndexGraph, shape: { layers: string[][]; reducedEdges: number; criticalPathHours: number; edges: EdgeClasses }): GraphMetrics {
  const n = model.tasks.length;
  const { layers, edges } = shape;
  const touched = new Uint8Array(n);
  for (const [a, b] of index.taskEdges) touched[a] = touched[b] = 1;
  const edgeCount = index.taskEdges.length;
  return {
    minConfidenceApplied: model.settings.minConfidence,
    nodes: n,
    edges: edgeCount,
    edgeDensity: edgeDensityOf(edgeCount, n),
    widthApprox: layers.reduce((m, l) => Math.max(m, l.length), 0),
    widthMethod: 'kahn_layer_max',
    longestPath: layers.length,
    criticalPathHours: roundHours(shape.criticalPathHours),
    isolatedTasks: touched.reduce((sum, t) => sum + (t ? 0 : 1), 0),
    keptByType: countByType(edges.scheduled),
    droppedByType: countByType(model.edges.filter((e) => !e.scheduled)),
    lowConfidenceEdgesExcluded: edges.lowConfidenceDeps.length,
    softEdgesExcluded: edges.softDeps.length,
    reducedEdges: shape.reducedEdges,
    redundantEdges: edgeCount - shape.reducedEdges,
    mutualExclusionEdges: edges.scheduled.filter((e) => e.type === 'mutual_exclusion').length,
    resourceConstrainedTasks: model.tasks.filter((t) => Object.keys(t.resources).length > 0).length,
    phaseBarriers: index.barriers.length,
  };
}
