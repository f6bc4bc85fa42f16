/**
 * Parallel schedule generation: time moves forward from decision point to decision point; at each, the
 * eligible nodes are started in priority order while they fit (resources, concurrency, running conflicts).
 * One pass with the latest-finish-time priority is the baseline the optimizer must beat.
 *
 * The pass runs many times per compile (the baseline, every Monte Carlo replay, one relaxed pass per
 * resource), so its inner loops read flat typed arrays (the problem's lists laid out once per problem and
 * shared by every pass over it) and its heaps compare inline rather than through a callback. The order
 * of every start is exactly what the plain description above gives: same comparisons, same heap moves.
 */
import type { Problem } from './problem.js';
import { roundHours } from '../rounding.js';

/** Lower key = started first; ties by node number. Returns start and finish times. */
export function parallelSchedule(problem: Problem, key: ArrayLike<number>): { start: Float64Array; finish: Float64Array; makespan: number } {
  const pass = new ParallelScheduler(problem);
  const makespan = pass.run(key);
  return { start: pass.start, finish: pass.finish, makespan };
}

/**
 * The problem's per-node lists as offsets into flat arrays (node v's entries are [at[v], at[v + 1])).
 * Depends only on the graph, the demands and the file patterns, never on durations or capacities, so
 * a replay with sampled durations or a relaxed capacity shares it.
 */
interface FlatProblem {
  succAt: Int32Array;
  succ: Int32Array;
  predCount: Int32Array;
  demandAt: Int32Array;
  demandResource: Int32Array;
  demandUnits: Float64Array;
  holdsAt: Int32Array;
  holds: Int32Array;
  excludesAt: Int32Array;
  excludes: Int32Array;
}

/** Laid out once per set of lists (keyed by the successor lists, checked against the others). */
const flatCache = new WeakMap<object, { pred: unknown; demand: unknown; holds: unknown; excludes: unknown; flat: FlatProblem }>();

function flatten(lists: readonly (readonly number[])[]): { at: Int32Array; items: Int32Array } {
  const at = new Int32Array(lists.length + 1);
  for (let v = 0; v < lists.length; v++) at[v + 1] = at[v]! + lists[v]!.length;
  const items = new Int32Array(at[lists.length]!);
  for (let v = 0; v < lists.length; v++) items.set(lists[v]!, at[v]);
  return { at, items };
}

function flatOf(problem: Problem): FlatProblem {
  const cached = flatCache.get(problem.succ);
  if (cached && cached.pred === problem.pred && cached.demand === problem.demand && cached.holds === problem.holds && cached.excludes === problem.excludes) return cached.flat;
  const size = problem.size;
  const succ = flatten(problem.succ);
  const predCount = new Int32Array(size);
  for (let v = 0; v < size; v++) predCount[v] = problem.pred[v]!.length;
  const demandAt = new Int32Array(size + 1);
  for (let v = 0; v < size; v++) demandAt[v + 1] = demandAt[v]! + problem.demand[v]!.length;
  const demandResource = new Int32Array(demandAt[size]!);
  const demandUnits = new Float64Array(demandAt[size]!);
  for (let v = 0; v < size; v++) {
    let k = demandAt[v]!;
    for (const [r, units] of problem.demand[v]!) {
      demandResource[k] = r;
      demandUnits[k++] = units;
    }
  }
  const holds = flatten(problem.holds);
  const excludes = flatten(problem.excludes);
  const flat: FlatProblem = {
    succAt: succ.at,
    succ: succ.items,
    predCount,
    demandAt,
    demandResource,
    demandUnits,
    holdsAt: holds.at,
    holds: holds.items,
    excludesAt: excludes.at,
    excludes: excludes.items,
  };
  flatCache.set(problem.succ, { pred: problem.pred, demand: problem.demand, holds: problem.holds, excludes: problem.excludes, flat });
  return flat;
}

/**
 * A binary min-heap of items ordered by (key of the item's node, node). An item is a node itself, except
 * in the eligible heap, where a marker (size + pattern) stands for its pattern's parked heap and sorts
 * as that heap's most urgent node, fixed while the marker is queued (nothing is parked there meanwhile).
 * The same sift rules as graph/heap.ts's MinHeap, so the same comparisons give the same order.
 */
class KeyHeap {
  items = new Int32Array(16);
  nodes = new Int32Array(16);
  size = 0;
  constructor(private readonly key: ArrayLike<number>) {}

  /** The item's node is the item, unless given. */
  push(item: number, node = item): void {
    if (this.size === this.items.length) this.grow();
    const { items, nodes, key } = this;
    const k = key[node]!;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = nodes[parent]!;
      if ((key[p]! - k || p - node) <= 0) break;
      items[i] = items[parent]!;
      nodes[i] = p;
      i = parent;
    }
    items[i] = item;
    nodes[i] = node;
  }

  /** The most urgent item's node (the heap must not be empty). */
  topNode(): number {
    return this.nodes[0]!;
  }

  pop(): number {
    const { items, nodes, key } = this;
    const top = items[0]!;
    const n = --this.size;
    if (n > 0) {
      const last = items[n]!;
      const lastNode = nodes[n]!;
      const lastKey = key[lastNode]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        let c = nodes[child]!;
        if (child + 1 < n) {
          const d = nodes[child + 1]!;
          if ((key[d]! - key[c]! || d - c) < 0) {
            child++;
            c = d;
          }
        }
        if ((key[c]! - lastKey || c - lastNode) >= 0) break;
        items[i] = items[child]!;
        nodes[i] = c;
        i = child;
      }
      items[i] = last;
      nodes[i] = lastNode;
    }
    return top;
  }

  private grow(): void {
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.items = items;
    const nodes = new Int32Array(this.nodes.length * 2);
    nodes.set(this.nodes);
    this.nodes = nodes;
  }
}

/**
 * One problem's pass, reusable: `run` schedules again from scratch with the problem's current durations
 * (a Monte Carlo replay rewrites them between runs) and overwrites `start` and `finish`.
 */
export class ParallelScheduler {
  readonly start: Float64Array;
  readonly finish: Float64Array;
  makespan = 0;
  /**
   * The nodes with a duration in the order they finished: by finish time, then node number (the running
   * heap's order), so the nodes finishing at one instant are a run of it (a binary search finds them).
   */
  readonly finishOrder: Int32Array;
  /** How many of finishOrder's entries this run wrote. */
  finished = 0;
  private readonly size: number;
  private readonly flat: FlatProblem;
  private readonly waiting: Int32Array;
  private readonly use: Int32Array;
  private readonly capacity: Float64Array;
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
  private parked: Array<KeyHeap | null> = [];
  private readonly markerQueued: Uint8Array;
  private eligible!: KeyHeap;
  private readonly running: KeyHeap;
  private key: ArrayLike<number> = [];
  private readonly setAside: Int32Array;
  /** Zero-duration nodes among the eligible: they may start even when the concurrency limit is reached. */
  private eligibleZero = 0;
  private done = 0;
  private t = 0;

  constructor(private readonly problem: Problem) {
    const size = (this.size = problem.size);
    this.flat = flatOf(problem);
    this.start = new Float64Array(size);
    this.finish = new Float64Array(size);
    this.finishOrder = new Int32Array(size);
    this.waiting = new Int32Array(size);
    this.use = new Int32Array(problem.capacity.length);
    this.capacity = Float64Array.from(problem.capacity);
    this.excluded = new Int32Array(problem.patternCount);
    this.markerQueued = new Uint8Array(problem.patternCount);
    this.running = new KeyHeap(this.finish);
    this.setAside = new Int32Array(size);
  }

  /** Lower key = started first; ties by node number. Returns the makespan. */
  run(key: ArrayLike<number>): number {
    const { size, problem } = this;
    this.key = key;
    this.waiting.set(this.flat.predCount);
    this.use.fill(0);
    this.excluded.fill(0);
    this.markerQueued.fill(0);
    this.parked = new Array<KeyHeap | null>(problem.patternCount).fill(null);
    this.eligible = new KeyHeap(key);
    this.running.size = 0;
    this.eligibleZero = this.done = this.t = this.makespan = this.finished = 0;
    this.start.fill(0);
    this.finish.fill(0);
    for (let v = 0; v < size; v++) if (this.waiting[v] === 0) this.makeEligible(v);
    while (this.done < size) {
      this.startWhatFits();
      if (this.done >= size) break;
      this.advance();
    }
    return this.makespan;
  }

  /**
   * Starts what fits now, most urgent first. Once the concurrency limit is reached only zero-duration
   * tasks could still start, so the scan stops early; tasks that did not fit wait for the next event.
   */
  private startWhatFits(): void {
    const { problem, eligible, use, setAside } = this;
    const duration = problem.duration;
    const conc = problem.concurrencyResource;
    const concCapacity = conc >= 0 ? this.capacity[conc]! : 0;
    let aside = 0;
    while (eligible.size > 0) {
      if (conc >= 0 && use[conc]! >= concCapacity && this.eligibleZero === 0) break;
      const j = this.nextCandidate(eligible.pop());
      if (j < 0) continue;
      const zero = duration[j]! === 0;
      if (zero) this.eligibleZero--;
      if (!zero && !this.fits(j)) {
        const p = this.blockingPattern(j);
        // Parked unless its pattern's marker is still queued in this scan (the marker's order would change).
        if (p >= 0 && !this.markerQueued[p]) (this.parked[p] ??= new KeyHeap(this.key)).push(j);
        else setAside[aside++] = j;
        continue;
      }
      this.startNode(j, zero);
    }
    for (let k = 0; k < aside; k++) this.makeEligible(setAside[k]!);
  }

  /** The node an eligible-heap item stands for (a marker gives its heap's most urgent node), or -1. */
  private nextCandidate(item: number): number {
    if (item < this.size) return item;
    const p = item - this.size;
    this.markerQueued[p] = 0;
    // Excluded again since it was queued: every node parked here still cannot start.
    if (this.excluded[p]! > 0) return -1;
    const j = this.parked[p]!.pop();
    this.queueMarker(p);
    return j;
  }

  private startNode(j: number, zero: boolean): void {
    const t = this.t;
    this.start[j] = t;
    const finish = (this.finish[j] = roundHours(t + this.problem.duration[j]!));
    if (finish > this.makespan) this.makespan = finish;
    if (zero) this.release(j);
    else {
      const { demandAt, demandResource, demandUnits } = this.flat;
      for (let k = demandAt[j]!, end = demandAt[j + 1]!; k < end; k++) this.use[demandResource[k]!]! += demandUnits[k]!;
      this.hold(j, 1);
      this.running.push(j);
    }
  }

  /** Moves time to the next finish and completes every node finishing then. */
  private advance(): void {
    const { running, finish } = this;
    if (running.size === 0) throw new Error('parallel schedule stalled: the graph is not acyclic');
    const next = running.pop();
    this.t = finish[next]!;
    this.finishNode(next);
    while (running.size > 0) {
      const peek = running.pop();
      if (finish[peek]! > this.t) {
        running.push(peek);
        break;
      }
      this.finishNode(peek);
    }
  }

  private finishNode(v: number): void {
    this.finishOrder[this.finished++] = v;
    const { demandAt, demandResource, demandUnits } = this.flat;
    for (let k = demandAt[v]!, end = demandAt[v + 1]!; k < end; k++) this.use[demandResource[k]!]! -= demandUnits[k]!;
    this.hold(v, -1);
    this.release(v);
  }

  private release(v: number): void {
    this.done++;
    const { succAt, succ } = this.flat;
    const waiting = this.waiting;
    for (let k = succAt[v]!, end = succAt[v + 1]!; k < end; k++) {
      const s = succ[k]!;
      if (--waiting[s]! === 0) this.makeEligible(s);
    }
  }

  private makeEligible(v: number): void {
    this.eligible.push(v);
    if (this.problem.duration[v]! === 0) this.eligibleZero++;
  }

  private hold(v: number, delta: number): void {
    const { holdsAt, holds, excludesAt, excludes } = this.flat;
    const excluded = this.excluded;
    for (let h = holdsAt[v]!, hEnd = holdsAt[v + 1]!; h < hEnd; h++) {
      const q = holds[h]!;
      for (let k = excludesAt[q]!, end = excludesAt[q + 1]!; k < end; k++) {
        const p = excludes[k]!;
        excluded[p]! += delta;
        if (delta < 0 && excluded[p] === 0) this.queueMarker(p);
      }
    }
  }

  private queueMarker(p: number): void {
    const parked = this.parked[p];
    if (this.markerQueued[p] || this.excluded[p]! > 0 || !parked || parked.size === 0) return;
    this.markerQueued[p] = 1;
    this.eligible.push(this.size + p, parked.topNode());
  }

  private blockingPattern(j: number): number {
    const { holdsAt, holds } = this.flat;
    for (let h = holdsAt[j]!, end = holdsAt[j + 1]!; h < end; h++) if (this.excluded[holds[h]!]! > 0) return holds[h]!;
    return -1;
  }

  /** A node with a duration fits when every resource has room and none of its patterns is excluded. */
  private fits(j: number): boolean {
    const { demandAt, demandResource, demandUnits, holdsAt, holds } = this.flat;
    const { use, capacity, excluded } = this;
    for (let k = demandAt[j]!, end = demandAt[j + 1]!; k < end; k++) {
      const r = demandResource[k]!;
      if (use[r]! + demandUnits[k]! > capacity[r]!) return false;
    }
    for (let h = holdsAt[j]!, end = holdsAt[j + 1]!; h < end; h++) if (excluded[holds[h]!]! > 0) return false;
    return true;
  }
}
