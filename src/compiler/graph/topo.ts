/**
 * Topological order and Kahn layers, iterative (a 10,000-task chain is fine).
 * The `toposort` package recurses once per node along a path and overflows the stack on long chains, and
 * its order depends on edge insertion order, so it is not used here (see docs/scheduling.md).
 */
import type { IndexGraph } from './index-graph.js';
import { MinHeap } from './heap.js';

/**
 * The one topological sort (Kahn's algorithm) of nodes 0..size-1 given their predecessor and successor
 * lists. With `compare`, the ready node that compares lowest goes next (a heap); without it, ready nodes
 * go first in, first out. The result is shorter than `size` when there is a cycle.
 */
export function topologicalSort(size: number, pred: ArrayLike<ArrayLike<number>>, succ: ArrayLike<readonly number[]>, compare?: (a: number, b: number) => number): Int32Array {
  const waiting = new Int32Array(size);
  for (let v = 0; v < size; v++) waiting[v] = pred[v]!.length;
  const out = new Int32Array(size);
  let k = 0;
  if (compare) {
    const heap = new MinHeap(compare);
    for (let v = 0; v < size; v++) if (waiting[v] === 0) heap.push(v);
    while (heap.size > 0) {
      const v = heap.pop()!;
      out[k++] = v;
      const next = succ[v]!;
      for (let i = 0; i < next.length; i++) if (--waiting[next[i]!]! === 0) heap.push(next[i]!);
    }
  } else {
    let tail = 0;
    for (let v = 0; v < size; v++) if (waiting[v] === 0) out[tail++] = v;
    for (; k < tail; k++) {
      const next = succ[out[k]!]!;
      for (let i = 0; i < next.length; i++) if (--waiting[next[i]!]! === 0) out[tail++] = next[i]!;
    }
  }
  return k === size ? out : out.subarray(0, k);
}

/**
 * All nodes of the plan's graph in order. Among ready nodes a barrier goes first, then tasks by `rank`
 * (plan order by default). Returns null if the graph has a cycle (the front end rejects those first).
 */
export function topologicalOrder(graph: IndexGraph, rank: (task: number) => number = (t) => t): number[] | null {
  const key = (v: number) => (v >= graph.taskCount ? -1 : rank(v));
  const order = topologicalSort(graph.size, graph.pred, graph.succ, (a, b) => key(a) - key(b) || a - b);
  return order.length === graph.size ? Array.from(order) : null;
}

/**
 * Layer of every node: a task with no predecessor is in layer 1, otherwise one more than its deepest
 * predecessor; a barrier takes the layer of its deepest predecessor (it has no width of its own).
 */
export function kahnLayers(graph: IndexGraph, order: readonly number[]): Int32Array {
  const layer = new Int32Array(graph.size);
  // Indexed loops (as in topologicalSort): run once per compile, mostly unoptimized, where a for...of
  // allocates an iterator result per element.
  for (let k = 0; k < order.length; k++) {
    const v = order[k]!;
    const preds = graph.pred[v]!;
    let deepest = 0;
    for (let i = 0; i < preds.length; i++) if (layer[preds[i]!]! > deepest) deepest = layer[preds[i]!]!;
    layer[v] = v < graph.taskCount ? deepest + 1 : deepest;
  }
  return layer;
}
