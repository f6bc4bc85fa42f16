/**
 * Double justification (Valls, Ballestin & Quintanilla 2005): shift every task as late as possible in
 * decreasing order of finish (a backward serial pass), then as early as possible in increasing order of
 * start (a forward serial pass). The makespan never grows and often shrinks.
 */
import type { Problem } from './problem.js';
import type { SerialScheduler } from './serial-sgs.js';

export interface Justified {
  /** The forward pass's list (sorted by start): a good activity list for the next round. */
  list: Int32Array;
  makespan: number;
}

export function justify(problem: Problem, forward: SerialScheduler, backward: SerialScheduler, start: Float64Array, finish: Float64Array): Justified {
  const size = problem.size;
  const topo = problem.topoPosition;
  const nodes = Array.from({ length: size }, (_, v) => v);
  nodes.sort((a, b) => finish[b]! - finish[a]! || topo[b]! - topo[a]!);
  const horizon = backward.run(nodes);
  // Mirror the backward schedule: a node's start is horizon minus its finish in mirrored time.
  const mirroredStart = new Float64Array(size);
  for (let v = 0; v < size; v++) mirroredStart[v] = horizon - backward.finish[v]!;
  nodes.sort((a, b) => mirroredStart[a]! - mirroredStart[b]! || topo[a]! - topo[b]!);
  const makespan = forward.run(nodes);
  return { list: listByStart(problem, forward.start), makespan };
}

/** Nodes sorted by start time, ties by topological position: always precedence-feasible. */
export function listByStart(problem: Problem, start: Float64Array): Int32Array {
  const topo = problem.topoPosition;
  const nodes = Array.from({ length: problem.size }, (_, v) => v);
  nodes.sort((a, b) => start[a]! - start[b]! || topo[a]! - topo[b]!);
  return Int32Array.from(nodes);
}
