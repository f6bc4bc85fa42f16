/**
 * The resource-constrained scheduling problem (RCPSP) behind the rolling frontier, on integer nodes.
 * Nodes are the tasks sorted by id (so the order of tasks in plan.yaml does not change the result), then the
 * phase-barrier nodes. The concurrency limit is one more renewable resource that every real task holds one
 * unit of, dropped when it cannot bind.
 */
import type { FileConflicts } from '../compiled.js';
import { blockersOf } from '../conflicts.js';
import type { IndexGraph } from '../graph/index-graph.js';
import { sortAscending } from '../sort-lists.js';
import { topologicalSort } from '../graph/topo.js';
import type { PlanModel } from '../model.js';
import { hash32 } from './prng.js';

export interface Problem {
  size: number;
  /** Number of real tasks (nodes 0..taskCount-1). */
  taskCount: number;
  /** Plan index of each task node. */
  planIndex: number[];
  duration: Float64Array;
  pred: number[][];
  succ: number[][];
  /** Per node: [resource, units] pairs. */
  demand: Array<Array<[number, number]>>;
  capacity: number[];
  resourceNames: string[];
  /** Index of the concurrency resource in `capacity`, or -1 when it cannot bind. */
  concurrencyResource: number;
  /** Number of file patterns (FileConflicts.patterns). */
  patternCount: number;
  /** Per node: the file patterns it holds while it runs (empty for zero-duration nodes). */
  holds: number[][];
  /** Per node: it cannot overlap in time any node holding one of these patterns (enforced file conflicts). */
  blockedBy: number[][];
  /** Per pattern: the patterns an enforced overlap ties it to (FileConflicts.excludes). */
  excludes: number[][];
  /** Position of each node in a topological order (tie-breaks that must respect precedence). */
  topoPosition: Int32Array;
  seed: number;
}

export function buildProblem(model: PlanModel, graph: IndexGraph, conflicts: FileConflicts): Problem {
  const byId = [...model.tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const nodes = renumber(graph, byId);
  const resources = resourcesOf(model, byId, nodes.size);
  const files = filesOf(conflicts, byId, nodes.duration, nodes.size);
  const topoPosition = topologicalPositions(nodes.size, nodes.pred, nodes.succ);
  const limit = model.settings.maxConcurrency;
  return {
    size: nodes.size,
    taskCount: graph.taskCount,
    planIndex: byId.map((t) => t.index),
    duration: nodes.duration,
    pred: nodes.pred,
    succ: nodes.succ,
    ...resources,
    patternCount: conflicts.patterns.length,
    ...files,
    excludes: conflicts.excludes,
    topoPosition,
    seed: seedOf(limit, byId, graph.taskCount, { ...nodes, ...resources, ...files }),
  };
}

type Task = PlanModel['tasks'][number];

/** The index graph on problem nodes: tasks by id, then the barriers, which keep their numbers. */
function renumber(graph: IndexGraph, byId: Task[]): { size: number; duration: Float64Array; pred: number[][]; succ: number[][] } {
  const size = graph.size;
  const nodeOfPlan = new Int32Array(size);
  byId.forEach((t, node) => (nodeOfPlan[t.index] = node));
  for (let b = graph.taskCount; b < size; b++) nodeOfPlan[b] = b;
  const duration = new Float64Array(size);
  const pred: number[][] = Array.from({ length: size }, () => []);
  const succ: number[][] = Array.from({ length: size }, () => []);
  for (let v = 0; v < size; v++) {
    const node = nodeOfPlan[v]!;
    duration[node] = graph.hours[v]!;
    // Indexed: this runs once per compile, mostly before the JIT has optimized it, where a for...of
    // allocates an iterator result per element.
    const out = graph.succ[v]!;
    const into = graph.pred[v]!;
    for (let i = 0; i < out.length; i++) succ[node]!.push(nodeOfPlan[out[i]!]!);
    for (let i = 0; i < into.length; i++) pred[node]!.push(nodeOfPlan[into[i]!]!);
  }
  for (const list of pred) sortAscending(list);
  for (const list of succ) sortAscending(list);
  return { size, duration, pred, succ };
}

/** Capacities (resources by name, then the concurrency limit when it can bind) and each node's demand. */
function resourcesOf(model: PlanModel, byId: Task[], size: number): Pick<Problem, 'capacity' | 'resourceNames' | 'concurrencyResource' | 'demand'> {
  const resourceNames = model.resources.map((r) => r.name).sort();
  const capacity = resourceNames.map((name) => model.resources.find((r) => r.name === name)!.capacity);
  const resourceIndex = new Map(resourceNames.map((name, k) => [name, k]));
  const busyTasks = byId.filter((t) => t.hours > 0).length;
  const limit = model.settings.maxConcurrency;
  const concurrencyResource = limit < busyTasks ? capacity.length : -1;
  if (concurrencyResource >= 0) capacity.push(limit);
  const demand: Problem['demand'] = Array.from({ length: size }, () => []);
  byId.forEach((t, node) => {
    for (const name of Object.keys(t.resources).sort()) {
      const r = resourceIndex.get(name);
      if (r !== undefined) demand[node]!.push([r, t.resources[name]!]);
    }
    if (concurrencyResource >= 0 && t.hours > 0) demand[node]!.push([concurrencyResource, 1]);
  });
  return { capacity, resourceNames, concurrencyResource, demand };
}

/** The file patterns each node holds and is blocked by. Zero-duration nodes occupy no instant, so they neither hold nor wait for files. */
function filesOf(conflicts: FileConflicts, byId: Task[], duration: Float64Array, size: number): Pick<Problem, 'holds' | 'blockedBy'> {
  const blockers = blockersOf(conflicts);
  const holds: number[][] = Array.from({ length: size }, () => []);
  const blockedBy: number[][] = Array.from({ length: size }, () => []);
  byId.forEach((t, node) => {
    if (duration[node]! <= 0) return;
    holds[node] = conflicts.heldBy[t.index]!;
    blockedBy[node] = blockers[t.index]!;
  });
  return { holds, blockedBy };
}

/** The seed covers everything the schedule depends on, in an order independent of plan order. */
function seedOf(limit: number, byId: Task[], taskCount: number, p: Pick<Problem, 'size' | 'duration' | 'succ' | 'capacity' | 'demand' | 'holds' | 'blockedBy'>): number {
  const parts: string[] = [`${limit}`, p.capacity.join(',')];
  byId.forEach((t, node) =>
    parts.push(
      `${t.id}|${p.duration[node]}|${p.demand[node]!.join(';')}|${p.succ[node]!.join(',')}|${p.holds[node]!.length ? `${p.holds[node]!.join(',')}>${p.blockedBy[node]!.join(',')}` : ''}`,
    ),
  );
  for (let b = taskCount; b < p.size; b++) parts.push(`barrier|${p.succ[b]!.join(',')}`);
  return hash32(parts.join('\n'));
}

function topologicalPositions(size: number, pred: number[][], succ: number[][]): Int32Array {
  const position = new Int32Array(size);
  topologicalSort(size, pred, succ).forEach((v, k) => (position[v] = k));
  return position;
}

/**
 * Per-node values of the index graph (numbered in plan order) renumbered for the problem (tasks by id,
 * then the barriers, which keep their numbers): e.g. the critical-path pass's latest finish times.
 */
export function byProblemNode(problem: Problem, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(problem.size);
  for (let node = 0; node < problem.size; node++) out[node] = values[node < problem.taskCount ? problem.planIndex[node]! : node]!;
  return out;
}
