/**
 * Serial schedule generation (SSGS): takes nodes one by one from a precedence-feasible list and starts each
 * at the earliest time where its predecessors are done, every resource has room for its whole duration,
 * and no task it conflicts with (overlapping files) is running. Files are checked per pattern: each pattern
 * keeps the union of the intervals its placed holders run in, so a task looks at the patterns that block
 * it, never at every task it conflicts with. Produces active schedules, the set that
 * always contains an optimal one. `reversed` schedules the mirrored project (successors first), used by
 * backward justification.
 */
import type { Problem } from './problem.js';
import { roundHours } from '../rounding.js';

// Indexed loops throughout: a compile runs one pass (the budget probe), much of it before the JIT has
// optimized this code, and there a for...of allocates an iterator result per element (a destructured
// pair, an iterator and its results).
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
  /** Per file pattern: disjoint busy intervals [starts[k], finishes[k]), ascending; null = none yet. */
  private busyStart: Array<number[] | null>;
  private busyFinish: Array<number[] | null>;
  private touched: number[] = [];

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
    this.busyStart = new Array<number[] | null>(problem.patternCount).fill(null);
    this.busyFinish = new Array<number[] | null>(problem.patternCount).fill(null);
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
    for (const p of this.touched) this.busyStart[p] = this.busyFinish[p] = null;
    this.touched = [];
    let makespan = 0;
    const before = this.reversed ? problem.succ : problem.pred;
    this.work += list.length;
    for (let k = 0; k < list.length; k++) {
      const j = list[k]!;
      let ready = 0;
      const preds = before[j]!;
      for (let i = 0; i < preds.length; i++) if (this.finish[preds[i]!]! > ready) ready = this.finish[preds[i]!]!;
      const t = this.earliest(j, ready);
      this.place(j, t);
      if (this.work > workLimit) return NaN;
      if (this.finish[j]! > makespan) makespan = this.finish[j]!;
    }
    this.makespan = makespan;
    return makespan;
  }

  /**
   * The segment holding time t: the last k with times[k] <= t. `from` is a segment known to start at or
   * before t (a pass that only moves later resumes where it was): searched from there with doubling
   * steps, so a short move costs a few probes instead of a search over every segment.
   */
  private find(t: number, from = 0): number {
    const times = this.times;
    let lo = from;
    let hi = this.segments - 1;
    if (from > 0) {
      let step = 1;
      while (lo + step <= hi && times[lo + step]! <= t) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(hi, lo + step - 1);
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private earliest(j: number, ready: number): number {
    const { problem } = this;
    const d = problem.duration[j]!;
    if (d === 0) return ready;
    const demand = problem.demand[j]!;
    const blockers = problem.blockedBy[j]!;
    const R = this.resources;
    let t = ready;
    // The segment of t, found again each time t moves; t only moves later, so each search resumes from the last.
    let at = 0;
    for (;;) {
      let moved = false;
      this.work += blockers.length;
      for (let b = 0; b < blockers.length; b++) {
        const q = blockers[b]!;
        const finishes = this.busyFinish[q];
        if (!finishes) continue;
        // Every t' in [t, end of the busy interval that [t, t + d) meets) would meet it too: skip them all.
        const k = firstAfter(finishes, t);
        if (k < finishes.length && this.busyStart[q]![k]! < roundHours(t + d)) {
          t = finishes[k]!;
          moved = true;
        }
      }
      if (moved) continue;
      if (demand.length > 0) {
        const end = roundHours(t + d);
        at = this.find(t, at);
        for (let k = at; k < this.segments && this.times[k]! < end; k++) {
          this.work++;
          const row = k * R;
          let fits = true;
          for (let i = 0; i < demand.length; i++) {
            const r = demand[i]![0];
            if (this.use[row + r]! + demand[i]![1] > problem.capacity[r]!) {
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
    this.finish[j] = roundHours(t + d);
    this.placed[j] = 1;
    if (d === 0) return;
    const holds = problem.holds[j]!;
    for (let i = 0; i < holds.length; i++) this.occupy(holds[i]!, t, this.finish[j]);
    const demand = problem.demand[j]!;
    if (demand.length === 0) return;
    const a = this.split(t);
    const b = this.split(this.finish[j]);
    const R = this.resources;
    for (let k = a; k < b; k++) for (let i = 0; i < demand.length; i++) this.use[k * R + demand[i]![0]]! += demand[i]![1];
  }

  /** Adds [from, to) to the pattern's busy intervals, merging those it meets or touches. */
  private occupy(p: number, from: number, to: number): void {
    const starts = this.busyStart[p];
    const finishes = this.busyFinish[p];
    if (!starts || !finishes) {
      this.busyStart[p] = [from];
      this.busyFinish[p] = [to];
      this.touched.push(p);
      return;
    }
    // Intervals k..m-1 meet or touch [from, to): finish >= from and start <= to.
    const k = firstAtLeast(finishes, from);
    let m = k;
    while (m < starts.length && starts[m]! <= to) m++;
    const lo = m > k ? Math.min(from, starts[k]!) : from;
    const hi = m > k ? Math.max(to, finishes[m - 1]!) : to;
    starts.splice(k, m - k, lo);
    finishes.splice(k, m - k, hi);
  }
}

/** First index whose value is > t (values ascending). */
function firstAfter(values: readonly number[], t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index whose value is >= t (values ascending). */
function firstAtLeast(values: readonly number[], t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
