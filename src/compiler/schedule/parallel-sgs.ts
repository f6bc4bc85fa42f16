/**
 * Parallel schedule generation: time moves forward from decision point to decision point; at each, the
 * eligible nodes are started in priority order while they fit (resources, concurrency, running conflicts).
 * One pass with the latest-finish-time priority is the baseline the optimizer must beat.
 */
import type { Problem } from './problem.js';
import { roundHours } from '../rounding.js';
import { MinHeap } from '../graph/heap.js';

/** Lower key = started first; ties by node number. Returns start and finish times. */
export function parallelSchedule(problem: Problem, key: ArrayLike<number>): { start: Float64Array; finish: Float64Array; makespan: number } {
  const size = problem.size;
  const start = new Float64Array(size);
  const finish = new Float64Array(size);
  const waiting = new Int32Array(size);
  for (let v = 0; v < size; v++) waiting[v] = problem.pred[v]!.length;
  const use = new Int32Array(problem.capacity.length);
  // Per file pattern: how many (running node, held pattern) pairs exclude it. A node fits when none of the
  // patterns it holds is excluded: a cheap test, paid for once at each start and finish.
  const excluded = new Int32Array(problem.patternCount);
  const hold = (v: number, delta: number) => {
    for (const q of problem.holds[v]!) {
      for (const p of problem.excludes[q]!) {
        excluded[p]! += delta;
        if (delta < 0 && excluded[p] === 0) queueMarker(p);
      }
    }
  };
  const before = (a: number, b: number) => key[a]! - key[b]! || a - b;
  // Nodes blocked by an excluded pattern wait ("park") in that pattern's heap, and the eligible heap holds
  // one marker (size + pattern) for a parked heap whose pattern is free again, ordered by the heap's most
  // urgent node: a scan never re-examines, one by one, thousands of nodes waiting for one glob.
  const parked: Array<MinHeap | null> = new Array<MinHeap | null>(problem.patternCount).fill(null);
  const markerQueued = new Uint8Array(problem.patternCount);
  const nodeOf = (item: number) => (item < size ? item : parked[item - size]!.peek()!);
  const eligible = new MinHeap((a, b) => before(nodeOf(a), nodeOf(b)));
  const queueMarker = (p: number) => {
    if (markerQueued[p] || excluded[p]! > 0 || !parked[p] || parked[p].size === 0) return;
    markerQueued[p] = 1;
    eligible.push(size + p);
  };
  let eligibleZero = 0;
  const makeEligible = (v: number) => {
    eligible.push(v);
    if (problem.duration[v]! === 0) eligibleZero++;
  };
  for (let v = 0; v < size; v++) if (waiting[v] === 0) makeEligible(v);
  const running = new MinHeap((a, b) => finish[a]! - finish[b]! || a - b);
  const conc = problem.concurrencyResource;
  let done = 0;
  let t = 0;
  let makespan = 0;

  const release = (v: number) => {
    done++;
    for (const s of problem.succ[v]!) if (--waiting[s]! === 0) makeEligible(s);
  };
  const blockingPattern = (j: number) => {
    for (const p of problem.holds[j]!) if (excluded[p]! > 0) return p;
    return -1;
  };
  const fits = (j: number) => {
    if (problem.duration[j]! === 0) return true;
    for (const [r, units] of problem.demand[j]!) if (use[r]! + units > problem.capacity[r]!) return false;
    for (const p of problem.holds[j]!) if (excluded[p]! > 0) return false;
    return true;
  };

  while (done < size) {
    // Start what fits now, most urgent first. Once the concurrency limit is reached only zero-duration
    // tasks could still start, so the scan stops early; tasks that did not fit wait for the next event.
    const setAside: number[] = [];
    while (eligible.size > 0) {
      if (conc >= 0 && use[conc]! >= problem.capacity[conc]! && eligibleZero === 0) break;
      const item = eligible.pop()!;
      let j = item;
      if (item >= size) {
        const p = item - size;
        markerQueued[p] = 0;
        // Excluded again since it was queued: every node parked here still cannot start.
        if (excluded[p]! > 0) continue;
        j = parked[p]!.pop()!;
        queueMarker(p);
      }
      const zero = problem.duration[j]! === 0;
      if (zero) eligibleZero--;
      if (!fits(j)) {
        const p = blockingPattern(j);
        // Parked unless its pattern's marker is still queued in this scan (the marker's order would change).
        if (p >= 0 && !markerQueued[p]) (parked[p] ??= new MinHeap(before)).push(j);
        else setAside.push(j);
        continue;
      }
      start[j] = t;
      finish[j] = roundHours(t + problem.duration[j]!);
      if (finish[j]! > makespan) makespan = finish[j]!;
      if (zero) release(j);
      else {
        for (const [r, units] of problem.demand[j]!) use[r]! += units;
        hold(j, 1);
        running.push(j);
      }
    }
    for (const j of setAside) makeEligible(j);
    if (done >= size) break;
    const next = running.pop();
    if (next === undefined) throw new Error('parallel schedule stalled: the graph is not acyclic');
    t = finish[next]!;
    const finishOne = (v: number) => {
      for (const [r, units] of problem.demand[v]!) use[r]! -= units;
      hold(v, -1);
      release(v);
    };
    finishOne(next);
    while (running.size > 0) {
      const peek = running.pop()!;
      if (finish[peek]! > t) {
        running.push(peek);
        break;
      }
      finishOne(peek);
    }
  }
  return { start, finish, makespan };
}
