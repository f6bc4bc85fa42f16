/**
 * Parallel schedule generation: time moves forward from decision point to decision point; at each, the
 * eligible nodes are started in priority order while they fit (resources, concurrency, running conflicts).
 * One pass with the latest-finish-time priority is the baseline the optimizer must beat.
 */
import type { Problem } from './problem.js';
import { roundTime } from './time.js';
import { MinHeap } from '../graph/heap.js';

/** Lower key = started first; ties by node number. Returns start and finish times. */
export function parallelSchedule(problem: Problem, key: ArrayLike<number>): { start: Float64Array; finish: Float64Array; makespan: number } {
  const size = problem.size;
  const start = new Float64Array(size);
  const finish = new Float64Array(size);
  const started = new Uint8Array(size);
  const waiting = new Int32Array(size);
  for (let v = 0; v < size; v++) waiting[v] = problem.pred[v]!.length;
  const use = new Int32Array(problem.capacity.length);
  const before = (a: number, b: number) => key[a]! - key[b]! || a - b;
  const eligible = new MinHeap(before);
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
    for (const s of problem.succ[v]!) if (--waiting[s] === 0) makeEligible(s);
  };
  const fits = (j: number) => {
    if (problem.duration[j]! === 0) return true;
    for (const [r, units] of problem.demand[j]!) if (use[r]! + units > problem.capacity[r]!) return false;
    for (const c of problem.conflicts[j]!) if (started[c] && finish[c]! > t && problem.duration[c]! > 0) return false;
    return true;
  };

  while (done < size) {
    // Start what fits now, most urgent first. Once the concurrency limit is reached only zero-duration
    // tasks could still start, so the scan stops early; tasks that did not fit wait for the next event.
    const setAside: number[] = [];
    while (eligible.size > 0) {
      if (conc >= 0 && use[conc]! >= problem.capacity[conc]! && eligibleZero === 0) break;
      const j = eligible.pop()!;
      const zero = problem.duration[j]! === 0;
      if (zero) eligibleZero--;
      if (!fits(j)) {
        setAside.push(j);
        continue;
      }
      start[j] = t;
      finish[j] = roundTime(t + problem.duration[j]!);
      started[j] = 1;
      if (finish[j]! > makespan) makespan = finish[j]!;
      if (zero) release(j);
      else {
        for (const [r, units] of problem.demand[j]!) use[r]! += units;
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
