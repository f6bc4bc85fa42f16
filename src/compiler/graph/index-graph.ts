/**
 * The dependency graph on integer nodes: tasks 0..n-1 in plan order, then one zero-duration barrier node
 * between consecutive non-empty phases. A barrier keeps phase edges linear (n + n, not n x n).
 */
import type { PlanModel } from '../model.js';
import { sortAscending } from '../sort-lists.js';

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
  // Each scheduled edge's ends, then its repeats dropped: the edges grouped by their source (a counting
  // sort, declaration order kept within a group) and each group's targets stamped, which finds the
  // repeats without a Set of every pair. Indexed loops: this runs once per compile, mostly before the JIT
  // has optimized it, and there a for...of allocates an iterator result per element.
  const edgeFrom = new Int32Array(model.edges.length);
  const edgeTo = new Int32Array(model.edges.length);
  let m = 0;
  for (let i = 0; i < model.edges.length; i++) {
    const e = model.edges[i]!;
    if (!e.scheduled) continue;
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    edgeFrom[m] = from;
    edgeTo[m++] = to;
  }
  const groupAt = new Int32Array(n + 1);
  for (let i = 0; i < m; i++) groupAt[edgeFrom[i]! + 1]!++;
  for (let v = 0; v < n; v++) groupAt[v + 1]! += groupAt[v]!;
  const grouped = new Int32Array(m);
  const fill = groupAt.slice(0, n);
  for (let i = 0; i < m; i++) grouped[fill[edgeFrom[i]!]!++] = i;
  const repeat = new Uint8Array(m);
  const stamp = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    for (let k = groupAt[v]!; k < groupAt[v + 1]!; k++) {
      const i = grouped[k]!;
      if (stamp[edgeTo[i]!] === v) repeat[i] = 1;
      else stamp[edgeTo[i]!] = v;
    }
  }
  const taskEdges: Array<[number, number]> = [];
  for (let i = 0; i < m; i++) if (!repeat[i]) taskEdges.push([edgeFrom[i]!, edgeTo[i]!]);

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
  for (let i = 0; i < taskEdges.length; i++) link(taskEdges[i]![0], taskEdges[i]![1]);
  barriers.forEach((barrier, k) => {
    const node = n + k;
    for (const t of byPhase.get(barrier.fromPhase)!) link(t, node);
    for (const t of byPhase.get(barrier.toPhase)!) link(node, t);
  });
  for (let v = 0; v < size; v++) {
    sortAscending(succ[v]!);
    sortAscending(pred[v]!);
  }
  const hours = [...model.tasks.map((t) => t.hours), ...barriers.map(() => 0)];
  return { taskCount: n, size, succ, pred, taskEdges, barriers, hours };
}
