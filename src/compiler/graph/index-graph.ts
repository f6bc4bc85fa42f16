/**
 * The dependency graph on integer nodes: tasks 0..n-1 in plan order, then one zero-duration barrier node
 * between consecutive non-empty phases. A barrier keeps phase edges linear (n + n, not n x n).
 */
import type { PlanModel } from '../model.js';

export interface IndexGraph {
  /** Number of tasks (nodes 0..taskCount-1). */
  taskCount: number;
  /** Tasks + barrier nodes. */
  size: number;
  /** Successors and predecessors of each node, deduplicated, ascending. */
  succ: number[][];
  pred: number[][];
  /** Task-to-task scheduled edges (deduplicated), as [from, to] in plan order of declaration. */
  taskEdges: Array<[number, number]>;
  /** For barrier node taskCount + k: the phases it separates (indices into model.phases). */
  barriers: Array<{ fromPhase: number; toPhase: number }>;
  /** Expected hours of each node (0 for barriers). */
  hours: number[];
}

export function buildIndexGraph(model: PlanModel): IndexGraph {
  const n = model.tasks.length;
  const byId = new Map(model.tasks.map((t) => [t.id, t.index]));
  const seen = new Set<number>();
  const taskEdges: Array<[number, number]> = [];
  for (const e of model.edges) {
    if (!e.scheduled) continue;
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    const key = from * n + to;
    if (seen.has(key)) continue;
    seen.add(key);
    taskEdges.push([from, to]);
  }

  const byPhase = new Map<number, number[]>();
  for (const t of model.tasks) {
    if (t.phaseIndex < 0) continue;
    const list = byPhase.get(t.phaseIndex) ?? [];
    list.push(t.index);
    byPhase.set(t.phaseIndex, list);
  }
  const nonEmpty = [...byPhase.keys()].sort((a, b) => a - b);
  const barriers: IndexGraph['barriers'] = [];
  for (let k = 0; k + 1 < nonEmpty.length; k++) barriers.push({ fromPhase: nonEmpty[k]!, toPhase: nonEmpty[k + 1]! });

  const size = n + barriers.length;
  const succ: number[][] = Array.from({ length: size }, () => []);
  const pred: number[][] = Array.from({ length: size }, () => []);
  const link = (a: number, b: number) => {
    succ[a]!.push(b);
    pred[b]!.push(a);
  };
  for (const [a, b] of taskEdges) link(a, b);
  barriers.forEach((barrier, k) => {
    const node = n + k;
    for (const t of byPhase.get(barrier.fromPhase)!) link(t, node);
    for (const t of byPhase.get(barrier.toPhase)!) link(node, t);
  });
  for (const list of succ) list.sort((a, b) => a - b);
  for (const list of pred) list.sort((a, b) => a - b);
  const hours = [...model.tasks.map((t) => t.hours), ...barriers.map(() => 0)];
  return { taskCount: n, size, succ, pred, taskEdges, barriers, hours };
}
