/**
 * Transitive reduction of the task-to-task edges: an edge u -> v is redundant when v is reachable from
 * another successor of u. Only edges whose source has two or more successors and whose target has two or
 * more predecessors can be redundant, so reachability is computed only toward those targets ("columns"),
 * with bitsets, one block of columns at a time: memory stays bounded (about 16 MB) and the time is
 * O(edges x columns / 32), which is nothing for chains and trees and fine for 50,000 dense tasks.
 */
import type { IndexGraph } from './index-graph.js';

const maxWords = 4 * 1024 * 1024;

/** Returns a flag per entry of graph.taskEdges: true when the edge is redundant. */
export function redundantEdges(graph: IndexGraph, order: readonly number[]): boolean[] {
  const n = graph.taskCount;
  const { pos, succ, indegree } = successorsByPosition(graph, order);
  const { column, columnNode } = candidateColumns(succ, indegree);
  const redundant = new Set<number>();
  const columns = columnNode.length;
  if (columns > 0) {
    const blockColumns = Math.max(32, Math.min(Math.ceil(columns / 32) * 32, Math.floor(maxWords / Math.max(1, n)) * 32));
    const words = blockColumns / 32;
    // One reach array of the bounded size, reused by every block.
    const reach = new Uint32Array(n * words);
    for (let lo = 0; lo < columns; lo += blockColumns) {
      const hi = Math.min(columns, lo + blockColumns);
      // A node at or after the last column's position cannot reach any column of this block.
      const block: Block = { succ, column, words, reach, lo, hi, limit: columnNode[hi - 1]! };
      reachBlock(block);
      markRedundant(block, n, redundant);
    }
  }
  return graph.taskEdges.map(([a, b]) => redundant.has(pos[a]! * n + pos[b]!));
}

/** Each task's topological position, and the task-only successor lists and in-degrees by position. */
function successorsByPosition(graph: IndexGraph, order: readonly number[]): { pos: Int32Array; succ: number[][]; indegree: Int32Array } {
  const n = graph.taskCount;
  const pos = new Int32Array(n);
  let next = 0;
  // Indexed loops in this file: a compile runs it once, much of it unoptimized, where a for...of
  // allocates an iterator result per element.
  for (let k = 0; k < order.length; k++) if (order[k]! < n) pos[order[k]!] = next++;
  const succ: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (let i = 0; i < graph.taskEdges.length; i++) {
    const edge = graph.taskEdges[i]!;
    succ[pos[edge[0]]!]!.push(pos[edge[1]]!);
    indegree[pos[edge[1]]!]!++;
  }
  return { pos, succ, indegree };
}

/** Columns: targets of candidate edges (two or more predecessors, reached from a node with two or more successors), numbered in topological order. */
function candidateColumns(succ: readonly number[][], indegree: Int32Array): { column: Int32Array; columnNode: number[] } {
  const n = succ.length;
  const column = new Int32Array(n).fill(-1);
  const columnNode: number[] = [];
  for (let u = 0; u < n; u++) {
    if (succ[u]!.length < 2) continue;
    const targets = succ[u]!;
    for (let i = 0; i < targets.length; i++) if (indegree[targets[i]!]! >= 2 && column[targets[i]!] === -1) column[targets[i]!] = 1;
  }
  for (let v = 0; v < n; v++)
    if (column[v] === 1) {
      column[v] = columnNode.length;
      columnNode.push(v);
    }
  return { column, columnNode };
}

/** One block of columns [lo, hi): reach holds, per node before `limit`, a bitset of the block's columns it reaches. */
interface Block {
  succ: readonly number[][];
  column: Int32Array;
  words: number;
  reach: Uint32Array;
  lo: number;
  hi: number;
  limit: number;
}

/** Fills reach for the block, from the last node back (successors come later in topological order). */
function reachBlock({ succ, column, words, lo, hi, limit, reach }: Block): void {
  reach.fill(0, 0, limit * words);
  for (let u = limit - 1; u >= 0; u--) {
    const base = u * words;
    const targets = succ[u]!;
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i]!;
      if (s > limit) continue;
      const c = column[s]!;
      if (c >= lo && c < hi) reach[base + ((c - lo) >> 5)]! |= 1 << ((c - lo) & 31);
      if (s === limit) continue;
      const sBase = s * words;
      for (let w = 0; w < words; w++) reach[base + w]! |= reach[sBase + w]!;
    }
  }
}

/** An edge u -> s into the block is redundant when another successor of u reaches s. */
function markRedundant({ succ, column, words, lo, hi, limit, reach }: Block, n: number, redundant: Set<number>): void {
  const union = new Uint32Array(words);
  for (let u = 0; u < limit; u++) {
    const targets = succ[u]!;
    if (targets.length < 2 || !targets.some((s) => column[s]! >= lo && column[s]! < hi)) continue;
    union.fill(0);
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i]!;
      if (s >= limit) continue;
      const sBase = s * words;
      for (let w = 0; w < words; w++) union[w]! |= reach[sBase + w]!;
    }
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i]!;
      const c = column[s]!;
      if (c < lo || c >= hi) continue;
      if (union[(c - lo) >> 5]! & (1 << ((c - lo) & 31))) redundant.add(u * n + s);
    }
  }
}
