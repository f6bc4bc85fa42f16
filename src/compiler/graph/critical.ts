/** Critical-path method on the index graph (unlimited resources): earliest/latest times and one longest path. */
import type { IndexGraph } from './index-graph.js';

const eps = 1e-9;

export interface Cpm {
  earliestStart: Float64Array;
  latestFinish: Float64Array;
  /** Length of the longest path in hours. */
  length: number;
  /** Tasks (not barriers) of one longest path, in order. */
  path: number[];
}

/**
 * The forward pass: each node's earliest start (the latest finish of its predecessors) in a topological
 * `order`, and the longest path's length. Any topological order gives the same values.
 */
export function earliestStarts(graph: Pick<IndexGraph, 'size' | 'hours' | 'pred'>, order: ArrayLike<number> & Iterable<number>): { earliestStart: Float64Array; length: number } {
  const { size, hours, pred } = graph;
  const es = new Float64Array(size);
  let length = 0;
  // Indexed loops: run once per compile, mostly unoptimized, where a for...of allocates per element.
  for (let k = 0; k < order.length; k++) {
    const v = order[k]!;
    const preds = pred[v]!;
    let start = 0;
    for (let i = 0; i < preds.length; i++) start = Math.max(start, es[preds[i]!]! + hours[preds[i]!]!);
    es[v] = start;
    length = Math.max(length, start + hours[v]!);
  }
  return { earliestStart: es, length };
}

export function criticalPathMethod(graph: IndexGraph, order: readonly number[]): Cpm {
  const { size, hours, pred, succ } = graph;
  const { earliestStart: es, length } = earliestStarts(graph, order);
  const lf = new Float64Array(size);
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k]!;
    let finish = length;
    const succs = succ[v]!;
    for (let i = 0; i < succs.length; i++) finish = Math.min(finish, lf[succs[i]!]! - hours[succs[i]!]!);
    lf[v] = finish;
  }
  // Walk back from the lowest-numbered task that ends last, always to the lowest-numbered tight predecessor.
  const path: number[] = [];
  let end = -1;
  for (let v = 0; v < graph.taskCount; v++) {
    if (es[v]! + hours[v]! >= length - eps) {
      end = v;
      break;
    }
  }
  let cursor = end;
  while (cursor >= 0) {
    if (cursor < graph.taskCount) path.push(cursor);
    let next = -1;
    for (const p of pred[cursor]!) {
      if (Math.abs(es[p]! + hours[p]! - es[cursor]!) <= eps) {
        // Prefer a task over a barrier so the path names real work; among equals the lowest number.
        if (next === -1 || (next >= graph.taskCount && p < graph.taskCount)) next = p;
      }
    }
    cursor = next;
  }
  path.reverse();
  return { earliestStart: es, latestFinish: lf, length, path };
}
