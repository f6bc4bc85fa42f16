/**
 * Transitive reduction of the task-to-task edges: an edge u -> v is redundant when v is reachable from
 * another successor of u. Reachability is computed with bitsets one block of target columns at a time,
 * so memory stays bounded (about 16 MB) and the time is O(edges x tasks / 64) even for 50,000 tasks.
 */
import type { IndexGraph } from './index-graph.js';

const maxWords = 4 * 1024 * 1024;

/** Returns a flag per entry of graph.taskEdges: true when the edge is redundant. */
export function redundantEdges(graph: IndexGraph, order: readonly number[]): boolean[] {
  const n = graph.taskCount;
  const pos = new Int32Array(n);
  const byPos: number[] = [];
  for (const v of order) if (v < n) {
    pos[v] = byPos.length;
    byPos.push(v);
  }
  // Task-only successor lists, by topological position.
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of graph.taskEdges) succ[pos[a]!]!.push(pos[b]!);

  const redundantPairs = new Set<number>();
  const columnsWanted = Math.max(32, Math.min(Math.ceil(n / 32) * 32, Math.floor(maxWords / Math.max(1, n)) * 32));
  const words = columnsWanted / 32;
  const reach = new Uint32Array(Math.max(1, n * words));
  const union = new Uint32Array(words);
  for (let lo = 0; lo < n; lo += columnsWanted) {
    const hi = Math.min(n, lo + columnsWanted);
    // Nodes at position >= hi cannot reach columns below hi: only positions < hi matter.
    reach.fill(0, 0, hi * words);
    for (let u = hi - 1; u >= 0; u--) {
      const base = u * words;
      for (const s of succ[u]!) {
        if (s >= hi) continue;
        if (s >= lo) reach[base + ((s - lo) >> 5)]! |= 1 << ((s - lo) & 31);
        const sBase = s * words;
        for (let w = 0; w < words; w++) reach[base + w]! |= reach[sBase + w]!;
      }
    }
    for (let u = 0; u < hi; u++) {
      const targets = succ[u]!;
      if (targets.length < 2) continue;
      if (!targets.some((s) => s >= lo && s < hi)) continue;
      union.fill(0);
      for (const s of targets) {
        if (s >= hi) continue;
        const sBase = s * words;
        for (let w = 0; w < words; w++) union[w]! |= reach[sBase + w]!;
      }
      for (const s of targets) {
        if (s < lo || s >= hi) continue;
        if (union[(s - lo) >> 5]! & (1 << ((s - lo) & 31))) redundantPairs.add(u * n + s);
      }
    }
  }
  return graph.taskEdges.map(([a, b]) => redundantPairs.has(pos[a]! * n + pos[b]!));
}
