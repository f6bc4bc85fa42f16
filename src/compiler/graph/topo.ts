/**
 * Topological order and Kahn layers, iterative (a 10,000-task chain is fine).
 * The `toposort` package recurses once per node along a path and overflows the stack on long chains, and
 * its order depends on edge insertion order, so it is not used here (see docs/scheduling.md).
 */
import type { IndexGraph } from './index-graph.js';
import { MinHeap } from './heap.js';

/**
 * Kahn's algorithm over all nodes. Among ready nodes a barrier goes first, then tasks by `rank`
 * (plan order by default). Returns null if the graph has a cycle (the front end rejects those first).
 */
export function topologicalOrder(graph: IndexGraph, rank: (task: number) => number = (t) => t): number[] | null {
  const indegree = new Int32Array(graph.size);
  for (let v = 0; v < graph.size; v++) indegree[v] = graph.pred[v]!.length;
  const key = (v: number) => (v >= graph.taskCount ? -1 : rank(v));
  const heap = new MinHeap((a, b) => key(a) - key(b) || a - b);
  for (let v = 0; v < graph.size; v++) if (indegree[v] === 0) heap.push(v);
  const order: number[] = [];
  while (heap.size > 0) {
    const v = heap.pop()!;
    order.push(v);
    for (const w of graph.succ[v]!) if (--indegree[w]! === 0) heap.push(w);
  }
  return order.length === graph.size ? order : null;
}

/**
 * Layer of every node: a task with no predecessor is in layer 1, otherwise one more than its deepest
 * predecessor; a barrier takes the layer of its deepest predecessor (it has no width of its own).
 */
export function kahnLayers(graph: IndexGraph, order: readonly number[]): Int32Array {
  const layer = new Int32Array(graph.size);
  for (const v of order) {
    let deepest = 0;
    for (const p of graph.pred[v]!) if (layer[p]! > deepest) deepest = layer[p]!;
    layer[v] = v < graph.taskCount ? deepest + 1 : deepest;
  }
  return layer;
}
