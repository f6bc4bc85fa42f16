/**
 * Transitive reduction of the task-to-task edges: an edge u -> v is redundant when v is reachable from
 * another successor of u. Only edges whose source has two or more successors and whose target has two or
 * more predecessors can be redundant, so reachability is computed only toward those targets ("columns"),
 * with bitsets, one block of columns at a time: memory stays bounded (about 16 MB) and the time is
 * O(edges x columns / 32), which is nothing for chains and trees and fine for 50,000 dense tasks.
 */
import type { IndexGraph } from './index-graph.js';

const maxWords = 4 * 1024 * 1024;

/**
 * Returns a flag per entry of graph.taskEdges: true when the edge is redundant. `windowWords`: the most
 * words the windowed reachability may take (see windowedRedundant) before the blocks are used instead.
 */
export function redundantEdges(graph: IndexGraph, order: readonly number[], windowWords = maxWords): boolean[] {
  const n = graph.taskCount;
  const { pos, succ, indegree } = successorsByPosition(graph, order);
  const { column, columnNode } = candidateColumns(succ, indegree);
  const redundant = new Set<number>();
  const columns = columnNode.length;
  if (columns > 0 && !windowedRedundant(succ, column, columnNode, windowWords, redundant)) {
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

/**
 * The same reachability with each node's bitset cut to the columns that are ever read from it: those
 * after the node itself, up to `reachUpTo[v]` (the last position any of v's predecessors tests, directly
 * or through the nodes before them). A dependency graph's edges mostly span a few layers, so a row is
 * a few words instead of one bit per column of the whole plan (a layered 10,000-task plan: ~20 words
 * against ~280). Every bit it sets is a column truly reached, and every bit that is tested is exact: a
 * predecessor's window never reaches further than its successors' (reachUpTo only grows along edges).
 * Returns false, doing nothing, when the windows would take more than `maxTotal` words.
 */
function windowedRedundant(succ: readonly number[][], column: Int32Array, columnNode: readonly number[], maxTotal: number, redundant: Set<number>): boolean {
  const n = succ.length;
  // The first column after each position (columns are numbered in position order).
  const firstAfter = new Int32Array(n + 1);
  for (let v = n - 1, c = columnNode.length; v >= 0; v--) {
    firstAfter[v] = c;
    if (column[v]! >= 0) c = column[v]!;
  }
  firstAfter[n] = columnNode.length;
  // The last position whose column is tested in a row of v: a tested node's own targets, and whatever
  // its predecessors need through it (positions ascend along edges, so one pass in position order).
  const reachUpTo = new Int32Array(n).fill(-1);
  for (let u = 0; u < n; u++) {
    const targets = succ[u]!;
    let need = reachUpTo[u]!;
    if (targets.length >= 2) for (let i = 0; i < targets.length; i++) if (column[targets[i]!]! >= 0 && targets[i]! > need) need = targets[i]!;
    for (let i = 0; i < targets.length; i++) if (reachUpTo[targets[i]!]! < need) reachUpTo[targets[i]!] = need;
  }
  // Row v covers the words [first[v], first[v] + words[v]) of the whole bitset, stored from offset[v].
  const first = new Int32Array(n);
  const words = new Int32Array(n);
  const offset = new Int32Array(n);
  let total = 0;
  for (let v = 0; v < n; v++) {
    const lo = firstAfter[v]!;
    const hi = reachUpTo[v]! < 0 ? -1 : firstAfter[reachUpTo[v]! + 1]! - 1;
    offset[v] = total;
    if (lo > hi) continue;
    first[v] = lo >> 5;
    words[v] = (hi >> 5) - (lo >> 5) + 1;
    total += words[v]!;
    if (total > maxTotal) return false;
  }
  const reach = new Uint32Array(total);
  for (let u = n - 1; u >= 0; u--) {
    if (words[u] === 0) continue;
    const targets = succ[u]!;
    const uFirst = first[u]!;
    const uEnd = uFirst + words[u]!;
    const uBase = offset[u]! - uFirst;
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i]!;
      const c = column[s]!;
      if (c >= 0 && c >> 5 < uEnd) reach[uBase + (c >> 5)]! |= 1 << (c & 31);
      const from = Math.max(uFirst, first[s]!);
      const to = Math.min(uEnd, first[s]! + words[s]!);
      const sBase = offset[s]! - first[s]!;
      for (let w = from; w < to; w++) reach[uBase + w]! |= reach[sBase + w]!;
    }
  }
  // An edge u -> s is redundant when another successor of u reaches s: the union of the successors'
  // rows, over the words of u's own target columns.
  let union = new Uint32Array(32);
  for (let u = 0; u < n; u++) {
    const targets = succ[u]!;
    if (targets.length < 2) continue;
    let lo = Infinity;
    let hi = -1;
    for (let i = 0; i < targets.length; i++) {
      const c = column[targets[i]!]!;
      if (c < 0) continue;
      lo = Math.min(lo, c >> 5);
      hi = Math.max(hi, c >> 5);
    }
    if (hi < 0) continue;
    const span = hi - lo + 1;
    if (union.length < span) union = new Uint32Array(span * 2);
    union.fill(0, 0, span);
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i]!;
      const from = Math.max(lo, first[s]!);
      const to = Math.min(hi + 1, first[s]! + words[s]!);
      const sBase = offset[s]! - first[s]!;
      for (let w = from; w < to; w++) union[w - lo]! |= reach[sBase + w]!;
    }
    for (let i = 0; i < targets.length; i++) {
      const s = targets[i]!;
      const c = column[s]!;
      if (c >= 0 && union[(c >> 5) - lo]! & (1 << (c & 31))) redundant.add(u * n + s);
    }
  }
  return true;
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
