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
  let eligible: number[] = [];
  for (let v = 0; v < size; v++) if (waiting[v] === 0) eligible.push(v);
  eligible.sort(before);
  const running = new MinHeap((a, b) => finish[a]! - finish[b]! || a - b);
  let done = 0;
  let t = 0;
  let makespan = 0;

  const release = (v: number, into: number[]) => {
    done++;
    for (const s of problem.succ[v]!) if (--waiting[s] === 0) into.push(s);
  };
  const fits = (j: number) => {
    if (problem.duration[j]! === 0) return true;
    for (const [r, units] of problem.demand[j]!) if (use[r]! + units > problem.capacity[r]!) return false;
    for (const c of problem.conflicts[j]!) if (started[c] && finish[c]! > t && problem.duration[c]! > 0) return false;
    return true;
  };

  while (done < size) {
    for (;;) {
      const released: number[] = [];
      const rest: number[] = [];
      for (const j of eligible) {
        if (!fits(j)) {
          rest.push(j);
          continue;
        }
        start[j] = t;
        finish[j] = roundTime(t + problem.duration[j]!);
        started[j] = 1;
        if (finish[j]! > makespan) makespan = finish[j]!;
        if (problem.duration[j]! === 0) {
          release(j, released);
        } else {
          for (const [r, units] of problem.demand[j]!) use[r]! += units;
          running.push(j);
        }
      }
      eligible = rest;
      if (released.length === 0) break;
      eligible = mergeSorted(eligible, released.sort(before), before);
    }
    if (done >= size) break;
    const next = running.pop();
    if (next === undefined) throw new Error('parallel schedule stalled: the graph is not acyclic');
    t = finish[next]!;
    const released: number[] = [];
    const finishOne = (v: number) => {
      for (const [r, units] of problem.demand[v]!) use[r]! -= units;
      release(v, released);
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
    eligible = mergeSorted(eligible, released.sort(before), before);
  }
  return { start, finish, makespan };
}

function mergeSorted(a: number[], b: number[], before: (x: number, y: number) => number): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(before(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
