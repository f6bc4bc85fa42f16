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
  const pass = new ParallelPass(problem, key);
  pass.run();
  return { start: pass.start, finish: pass.finish, makespan: pass.makespan };
}

/** The state of one pass: what runs, what waits, what each resource and file pattern has in use. */
class ParallelPass {
  readonly start: Float64Array;
  readonly finish: Float64Array;
  makespan = 0;
  private readonly size: number;
  private readonly waiting: Int32Array;
  private readonly use: Int32Array;
  /**
   * Per file pattern: how many (running node, held pattern) pairs exclude it. A node fits when none of the
   * patterns it holds is excluded: a cheap test, paid for once at each start and finish.
   */
  private readonly excluded: Int32Array;
  /**
   * Nodes blocked by an excluded pattern wait ("park") in that pattern's heap, and the eligible heap holds
   * one marker (size + pattern) for a parked heap whose pattern is free again, ordered by the heap's most
   * urgent node: a scan never re-examines, one by one, thousands of nodes waiting for one glob.
   */
  private readonly parked: Array<MinHeap | null>;
  private readonly markerQueued: Uint8Array;
  private readonly eligible: MinHeap;
  private readonly running: MinHeap;
  private readonly before: (a: number, b: number) => number;
  /** Zero-duration nodes among the eligible: they may start even when the concurrency limit is reached. */
  private eligibleZero = 0;
  private done = 0;
  private t = 0;

  constructor(
    private readonly problem: Problem,
    key: ArrayLike<number>,
  ) {
    const size = (this.size = problem.size);
    this.start = new Float64Array(size);
    this.finish = new Float64Array(size);
    this.waiting = new Int32Array(size);
    for (let v = 0; v < size; v++) this.waiting[v] = problem.pred[v]!.length;
    this.use = new Int32Array(problem.capacity.length);
    this.excluded = new Int32Array(problem.patternCount);
    this.parked = new Array<MinHeap | null>(problem.patternCount).fill(null);
    this.markerQueued = new Uint8Array(problem.patternCount);
    this.before = (a, b) => key[a]! - key[b]! || a - b;
    const nodeOf = (item: number) => (item < size ? item : this.parked[item - size]!.peek()!);
    this.eligible = new MinHeap((a, b) => this.before(nodeOf(a), nodeOf(b)));
    const finish = this.finish;
    this.running = new MinHeap((a, b) => finish[a]! - finish[b]! || a - b);
    for (let v = 0; v < size; v++) if (this.waiting[v] === 0) this.makeEligible(v);
  }

  run(): void {
    while (this.done < this.size) {
      this.startWhatFits();
      if (this.done >= this.size) break;
      this.advance();
    }
  }

  /**
   * Starts what fits now, most urgent first. Once the concurrency limit is reached only zero-duration
   * tasks could still start, so the scan stops early; tasks that did not fit wait for the next event.
   */
  private startWhatFits(): void {
    const { problem, eligible, use } = this;
    const conc = problem.concurrencyResource;
    const setAside: number[] = [];
    while (eligible.size > 0) {
      if (conc >= 0 && use[conc]! >= problem.capacity[conc]! && this.eligibleZero === 0) break;
      const j = this.nextCandidate(eligible.pop()!);
      if (j < 0) continue;
      const zero = problem.duration[j]! === 0;
      if (zero) this.eligibleZero--;
      if (!this.fits(j)) {
        const p = this.blockingPattern(j);
        // Parked unless its pattern's marker is still queued in this scan (the marker's order would change).
        if (p >= 0 && !this.markerQueued[p]) (this.parked[p] ??= new MinHeap(this.before)).push(j);
        else setAside.push(j);
        continue;
      }
      this.startNode(j, zero);
    }
    for (const j of setAside) this.makeEligible(j);
  }

  /** The node an eligible-heap item stands for (a marker gives its heap's most urgent node), or -1. */
  private nextCandidate(item: number): number {
    if (item < this.size) return item;
    const p = item - this.size;
    this.markerQueued[p] = 0;
    // Excluded again since it was queued: every node parked here still cannot start.
    if (this.excluded[p]! > 0) return -1;
    const j = this.parked[p]!.pop()!;
    this.queueMarker(p);
    return j;
  }

  private startNode(j: number, zero: boolean): void {
    const { problem, t } = this;
    this.start[j] = t;
    this.finish[j] = roundHours(t + problem.duration[j]!);
    if (this.finish[j] > this.makespan) this.makespan = this.finish[j]!;
    if (zero) this.release(j);
    else {
      for (const [r, units] of problem.demand[j]!) this.use[r]! += units;
      this.hold(j, 1);
      this.running.push(j);
    }
  }

  /** Moves time to the next finish and completes every node finishing then. */
  private advance(): void {
    const { running } = this;
    const next = running.pop();
    if (next === undefined) throw new Error('parallel schedule stalled: the graph is not acyclic');
    this.t = this.finish[next]!;
    this.finishNode(next);
    while (running.size > 0) {
      const peek = running.pop()!;
      if (this.finish[peek]! > this.t) {
        running.push(peek);
        break;
      }
      this.finishNode(peek);
    }
  }

  private finishNode(v: number): void {
    for (const [r, units] of this.problem.demand[v]!) this.use[r]! -= units;
    this.hold(v, -1);
    this.release(v);
  }

  private release(v: number): void {
    this.done++;
    for (const s of this.problem.succ[v]!) if (--this.waiting[s]! === 0) this.makeEligible(s);
  }

  private makeEligible(v: number): void {
    this.eligible.push(v);
    if (this.problem.duration[v]! === 0) this.eligibleZero++;
  }

  private hold(v: number, delta: number): void {
    const { problem, excluded } = this;
    for (const q of problem.holds[v]!) {
      for (const p of problem.excludes[q]!) {
        excluded[p]! += delta;
        if (delta < 0 && excluded[p] === 0) this.queueMarker(p);
      }
    }
  }

  private queueMarker(p: number): void {
    const parked = this.parked[p];
    if (this.markerQueued[p] || this.excluded[p]! > 0 || !parked || parked.size === 0) return;
    this.markerQueued[p] = 1;
    this.eligible.push(this.size + p);
  }

  private blockingPattern(j: number): number {
    for (const p of this.problem.holds[j]!) if (this.excluded[p]! > 0) return p;
    return -1;
  }

  private fits(j: number): boolean {
    const { problem } = this;
    if (problem.duration[j]! === 0) return true;
    for (const [r, units] of problem.demand[j]!) if (this.use[r]! + units > problem.capacity[r]!) return false;
    for (const p of problem.holds[j]!) if (this.excluded[p]! > 0) return false;
    return true;
  }
}
