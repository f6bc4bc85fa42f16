/**
 * Serial schedule generation (SSGS): takes nodes one by one from a precedence-feasible list and starts each
 * at the earliest time where its predecessors are done, every resource has room for its whole duration,
 * and no task it conflicts with (overlapping files) is running. Produces active schedules, the set that
 * always contains an optimal one. `reversed` schedules the mirrored project (successors first), used by
 * backward justification.
 */
import type { Problem } from './problem.js';
import { roundTime } from './time.js';

export class SerialScheduler {
  readonly start: Float64Array;
  readonly finish: Float64Array;
  makespan = 0;
  /** Deterministic work counter (segments and conflicts examined): sizes the optimizer's budget. */
  work = 0;
  private readonly placed: Uint8Array;
  private readonly resources: number;
  private times: Float64Array;
  private use: Int32Array;
  private segments = 1;

  constructor(
    private readonly problem: Problem,
    private readonly reversed = false,
  ) {
    const size = problem.size;
    this.start = new Float64Array(size);
    this.finish = new Float64Array(size);
    this.placed = new Uint8Array(size);
    this.resources = Math.max(1, problem.capacity.length);
    this.times = new Float64Array(2 * size + 2);
    this.use = new Int32Array((2 * size + 2) * this.resources);
  }

  /**
   * Schedules every node of `list` (a precedence-feasible permutation); returns the makespan, or NaN when
   * the pass was abandoned because it did more than `maxWork` units of work.
   */
  run(list: ArrayLike<number>, maxWork = Infinity): number {
    const workLimit = this.work + maxWork;
    const { problem } = this;
    this.placed.fill(0);
    this.segments = 1;
    this.times[0] = 0;
    this.use.fill(0, 0, this.resources);
    let makespan = 0;
    const before = this.reversed ? problem.succ : problem.pred;
    this.work += list.length;
    for (let k = 0; k < list.length; k++) {
      const j = list[k]!;
      let ready = 0;
      for (const p of before[j]!) if (this.finish[p]! > ready) ready = this.finish[p]!;
      const t = this.earliest(j, ready);
      this.place(j, t);
      if (this.work > workLimit) return NaN;
      if (this.finish[j]! > makespan) makespan = this.finish[j]!;
    }
    this.makespan = makespan;
    return makespan;
  }

  private find(t: number): number {
    let lo = 0;
    let hi = this.segments - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private earliest(j: number, ready: number): number {
    const { problem } = this;
    const d = problem.duration[j]!;
    if (d === 0) return ready;
    const demand = problem.demand[j]!;
    const conflicts = problem.conflicts[j]!;
    const R = this.resources;
    let t = ready;
    for (;;) {
      let moved = false;
      this.work += conflicts.length;
      for (const c of conflicts) {
        if (this.placed[c] && problem.duration[c]! > 0 && this.start[c]! < roundTime(t + d) && this.finish[c]! > t) {
          t = this.finish[c]!;
          moved = true;
        }
      }
      if (moved) continue;
      if (demand.length > 0) {
        const end = roundTime(t + d);
        for (let k = this.find(t); k < this.segments && this.times[k]! < end; k++) {
          this.work++;
          const row = k * R;
          let fits = true;
          for (const [r, units] of demand) {
            if (this.use[row + r]! + units > problem.capacity[r]!) {
              fits = false;
              break;
            }
          }
          if (!fits) {
            t = this.times[k + 1]!;
            moved = true;
            break;
          }
        }
      }
      if (!moved) return t;
    }
  }

  private split(t: number): number {
    const k = this.find(t);
    if (this.times[k] === t) return k;
    const R = this.resources;
    if (this.segments + 1 > this.times.length) this.grow();
    this.times.copyWithin(k + 2, k + 1, this.segments);
    this.use.copyWithin((k + 2) * R, (k + 1) * R, this.segments * R);
    this.times[k + 1] = t;
    this.use.copyWithin((k + 1) * R, k * R, (k + 1) * R);
    this.segments++;
    return k + 1;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const use = new Int32Array(this.use.length * 2);
    use.set(this.use);
    this.times = times;
    this.use = use;
  }

  private place(j: number, t: number): void {
    const { problem } = this;
    const d = problem.duration[j]!;
    this.start[j] = t;
    this.finish[j] = roundTime(t + d);
    this.placed[j] = 1;
    const demand = problem.demand[j]!;
    if (d === 0 || demand.length === 0) return;
    const a = this.split(t);
    const b = this.split(this.finish[j]!);
    const R = this.resources;
    for (let k = a; k < b; k++) for (const [r, units] of demand) this.use[k * R + r]! += units;
  }
}
