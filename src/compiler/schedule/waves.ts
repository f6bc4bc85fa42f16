/**
 * The wave schedule: Kahn layering under limits. A task is ready for a wave when all its scheduled
 * predecessors (and every task of earlier phases) sit in earlier waves. Ready tasks are placed by least
 * slack (critical work first), then plan order, while the wave has room: at most min(max_wave_size,
 * max_concurrency) tasks, no resource beyond its capacity (an exclusive resource: one task), and no two
 * tasks whose files conflict. A ready task that does not fit is deferred; the first deferral of each task
 * for each reason is recorded in the wave it was pushed out of.
 */
import type { Deferral, FileConflicts, Wave, WaveSchedule } from '../compiled.js';
import { blockersOf } from '../conflicts.js';
import type { IndexGraph } from '../graph/index-graph.js';
import type { PlanModel } from '../model.js';
import { totalEstimates, waveEstimates } from './estimates.js';
import { roundHours } from '../rounding.js';
import { IndexedMinHeap, MinHeap } from '../graph/heap.js';

export function buildWaves(model: PlanModel, graph: IndexGraph, conflicts: FileConflicts, latestStart: ArrayLike<number>): WaveSchedule {
  return new WaveBuilder(model, graph, conflicts, latestStart).build();
}

/**
 * One build of the wave schedule. Ready tasks wait in `future` until their first wave, then in the bucket
 * of the file patterns that block them (tasks with the same blockers share a bucket). Once one task of a
 * bucket is blocked by the files of a wave, all of it is, so a wave skips the bucket at once instead of
 * looking at each of its tasks: a wave costs the buckets it visits, not every ready task.
 */
class WaveBuilder {
  private readonly n: number;
  private readonly capacity: number;
  private readonly sizeReason: Deferral['reason'];
  private readonly resourceCapacity: Map<string, number>;
  private readonly blockers: number[][];
  /** Per file pattern: the tasks of the current wave holding it. */
  private readonly holdersInWave: number[][];
  private readonly waveOf: Int32Array;
  private readonly readyFrom: Int32Array;
  private readonly waiting: Int32Array;
  /** Tasks that just became ready, with the first wave they may join. */
  private pool: Array<{ task: number; from: number }> = [];
  private readonly future: MinHeap;
  private readonly buckets: Bucket[] = [];
  private readonly bucketOfBlockers = new Map<readonly number[], number>();
  private readonly waves: Wave[] = [];
  // Deferrals are recorded once per task and reason, so the file stays linear in the plan's size.
  private readonly reasonsSeen = new Map<number, Set<string>>();
  private readonly lastConsidered: Int32Array;
  private readonly placed: Uint8Array;
  private readonly byUrgency: (a: number, b: number) => number;
  /**
   * The non-empty buckets, most urgent first by their most urgent task, kept from wave to wave: a wave
   * pops the few buckets it takes tasks from instead of queueing all of them again. Urgency is a strict
   * order (ties by task number), so the buckets come out in the same order however the heap was filled.
   */
  private readonly queue: IndexedMinHeap;

  constructor(
    private readonly model: PlanModel,
    private readonly graph: IndexGraph,
    private readonly conflicts: FileConflicts,
    latestStart: ArrayLike<number>,
  ) {
    const n = (this.n = graph.taskCount);
    const { maxWaveSize, maxConcurrency } = model.settings;
    this.capacity = Math.min(maxWaveSize, maxConcurrency);
    this.sizeReason = maxConcurrency < maxWaveSize ? 'concurrency' : 'size';
    this.resourceCapacity = new Map(model.resources.map((r) => [r.name, r.capacity]));
    this.blockers = blockersOf(conflicts);
    this.holdersInWave = conflicts.patterns.map(() => []);
    this.waveOf = new Int32Array(graph.size).fill(-1);
    this.readyFrom = new Int32Array(n);
    this.waiting = new Int32Array(graph.size);
    this.lastConsidered = new Int32Array(n).fill(-1);
    this.placed = new Uint8Array(n);
    this.byUrgency = (a, b) => latestStart[a]! - latestStart[b]! || a - b;
    this.future = new MinHeap((a, b) => this.readyFrom[a]! - this.readyFrom[b]! || a - b);
    this.queue = new IndexedMinHeap((x, y) => this.byUrgency(this.buckets[x]!.tasks.peek()!, this.buckets[y]!.tasks.peek()!));
  }

  build(): WaveSchedule {
    const { graph, n } = this;
    for (let v = 0; v < graph.size; v++) this.waiting[v] = graph.pred[v]!.length;
    for (let v = 0; v < graph.size; v++) {
      if (this.waiting[v] !== 0) continue;
      if (v < n) this.pool.push({ task: v, from: 0 });
      else {
        this.waveOf[v] = 0;
        this.resolve(v);
      }
    }
    this.flushPool();
    let placedCount = 0;
    for (let w = 0; placedCount < n; w++) {
      this.admit(w);
      placedCount += this.fillWave(w);
    }
    return this.finish();
  }

  /** Called when v has been placed (or, for a barrier, when its last predecessor has): its successors may be ready. */
  private resolve(v: number): void {
    const { graph, n, waveOf } = this;
    // Indexed loops (here and in fillWave, closeWave): run once per compile, mostly unoptimized, where a
    // for...of allocates an iterator result per element.
    const succs = graph.succ[v]!;
    for (let k = 0; k < succs.length; k++) {
      const s = succs[k]!;
      if (--this.waiting[s]! !== 0) continue;
      let from = 0;
      const preds = graph.pred[s]!;
      for (let i = 0; i < preds.length; i++) {
        const p = preds[i]!;
        from = Math.max(from, p < n ? waveOf[p]! + 1 : waveOf[p]!);
      }
      if (s < n) this.pool.push({ task: s, from });
      else {
        waveOf[s] = from;
        this.resolve(s);
      }
    }
  }

  private flushPool(): void {
    for (let i = 0; i < this.pool.length; i++) {
      const p = this.pool[i]!;
      this.readyFrom[p.task] = p.from;
      this.future.push(p.task);
    }
    this.pool = [];
  }

  private static readonly noBlockers: readonly number[] = [];

  private bucketKey(t: number): readonly number[] {
    return this.blockers[t]!.length > 0 ? this.blockers[t]! : WaveBuilder.noBlockers;
  }

  /** The number of the bucket of t's blockers (created on first use). */
  private bucketOf(t: number): number {
    const key = this.bucketKey(t);
    let b = this.bucketOfBlockers.get(key);
    if (b === undefined) {
      b = this.buckets.length;
      this.bucketOfBlockers.set(key, b);
      this.buckets.push({ blockers: key, tasks: new MinHeap(this.byUrgency), unrecorded: [], skips: [], runOf: [], runEnd: [] });
    }
    return b;
  }

  private record(wave: number, t: number, deferral: Deferral): void {
    const key = deferral.reason === 'resource' ? `resource:${deferral.resource}` : deferral.reason;
    const seen = this.reasonsSeen.get(t) ?? new Set<string>();
    this.reasonsSeen.set(t, seen);
    if (seen.has(key)) return;
    seen.add(key);
    this.waves[wave]!.deferred.push(deferral);
  }

  /** Tasks whose first wave is `w` move from `future` into their buckets. */
  private admit(w: number): void {
    for (;;) {
      const next = this.future.pop();
      if (next === undefined) break;
      if (this.readyFrom[next]! > w) {
        this.future.push(next);
        break;
      }
      const k = this.bucketOf(next);
      const b = this.buckets[k]!;
      b.tasks.push(next);
      b.unrecorded.push(next);
      this.queue.update(k);
      this.lastConsidered[next] = this.readyFrom[next]! - 1;
    }
  }

  /** Fills wave `w` by urgency, bucket by bucket; returns how many tasks it placed. */
  private fillWave(w: number): number {
    const { model, buckets, conflicts } = this;
    const wave: Wave = { waveNumber: w + 1, tasks: [], estimates: { p50Hours: 0, p80Hours: 0, p95Hours: 0 }, startHours: 0, phases: [], resourceUsage: {}, deferred: [] };
    this.waves.push(wave);
    const inWave: number[] = [];
    const usage = new Map<string, number>();
    const setAside: number[] = [];
    const queue = this.queue;
    const skipped: number[] = [];
    while (inWave.length < this.capacity && queue.size > 0) {
      const k = queue.pop();
      const b = buckets[k]!;
      if (this.skipIfFilesClash(b, w)) {
        skipped.push(k);
        continue;
      }
      const t = b.tasks.pop()!;
      if (b.tasks.size > 0) queue.update(k);
      const task = model.tasks[t]!;
      // Not looked at in the waves since it was last considered (the bucket was not skipped either): the
      // wave was already full then.
      const missed = firstUnskipped(b, this.lastConsidered[t]! + 1);
      if (missed < w) this.record(missed, t, { task: task.id, reason: this.sizeReason });
      this.lastConsidered[t] = w;
      const full = Object.keys(task.resources)
        .sort()
        .find((name) => (usage.get(name) ?? 0) + task.resources[name]! > (this.resourceCapacity.get(name) ?? Infinity));
      if (full !== undefined) {
        this.record(w, t, { task: task.id, reason: 'resource', resource: full });
        setAside.push(t);
        continue;
      }
      inWave.push(t);
      this.placed[t] = 1;
      const held = conflicts.heldBy[t]!;
      for (let i = 0; i < held.length; i++) this.holdersInWave[held[i]!]!.push(t);
      for (const [name, units] of Object.entries(task.resources)) usage.set(name, (usage.get(name) ?? 0) + units);
    }
    for (const k of skipped) queue.update(k);
    for (const t of setAside) {
      const k = this.bucketOfBlockers.get(this.bucketKey(t))!;
      buckets[k]!.tasks.push(t);
      queue.update(k);
    }
    this.closeWave(w, wave, inWave, usage);
    return inWave.length;
  }

  /** When a task of the wave holds files that block the bucket, every task of it is pushed out of this wave. */
  private skipIfFilesClash(b: Bucket, w: number): boolean {
    const clash = new Set<number>();
    for (const q of b.blockers) for (const c of this.holdersInWave[q]!) clash.add(c);
    if (clash.size === 0) return false;
    const conflictsWith = [...clash].sort((x, y) => x - y).map((c) => this.model.tasks[c]!.id);
    for (const t of b.unrecorded) if (!this.placed[t]) this.record(w, t, { task: this.model.tasks[t]!.id, reason: 'files', conflictsWith });
    b.unrecorded = [];
    skip(b, w);
    return true;
  }

  /** The wave's tasks are placed: files released, successors readied, the wave described. */
  private closeWave(w: number, wave: Wave, inWave: number[], usage: Map<string, number>): void {
    const { model } = this;
    for (let k = 0; k < inWave.length; k++) {
      const held = this.conflicts.heldBy[inWave[k]!]!;
      for (let i = 0; i < held.length; i++) this.holdersInWave[held[i]!]!.length = 0;
    }
    if (inWave.length === 0) throw new Error('wave schedule made no progress: the graph is not acyclic');
    for (let k = 0; k < inWave.length; k++) this.waveOf[inWave[k]!] = w;
    for (let k = 0; k < inWave.length; k++) this.resolve(inWave[k]!);
    this.flushPool();
    inWave.sort((a, b) => a - b);
    const phases = [...new Set(inWave.map((t) => model.tasks[t]!.phaseIndex).filter((p) => p >= 0))].sort((a, b) => a - b);
    wave.tasks = inWave.map((t) => model.tasks[t]!.id);
    wave.estimates = waveEstimates(inWave.map((t) => spreadOf(model, t)));
    wave.phases = phases.map((p) => model.phases[p]!.id);
    wave.resourceUsage = Object.fromEntries([...usage.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Deferrals in urgency order, start times from the waves' P50 durations, and the totals. */
  private finish(): WaveSchedule {
    const { model, waves } = this;
    const byId = new Map(model.tasks.map((t) => [t.id, t.index]));
    for (const wave of waves) wave.deferred.sort((a, b) => this.byUrgency(byId.get(a.task)!, byId.get(b.task)!) || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    let clock = 0;
    for (const wave of waves) {
      wave.startHours = roundHours(clock);
      clock += wave.estimates.p50Hours;
    }
    const totals = totalEstimates(waves.map((w) => w.estimates));
    return { maxWaveSize: model.settings.maxWaveSize, waveCapacity: this.capacity, waves, totals, makespanHours: roundHours(clock) };
  }
}

function spreadOf(model: PlanModel, t: number): { mean: number; sigma: number } {
  const task = model.tasks[t]!;
  return { mean: task.hours, sigma: Math.max(0, (task.pert.pessimistic - task.pert.optimistic) / 6) };
}

interface Bucket {
  blockers: readonly number[];
  tasks: MinHeap;
  /** Tasks of the bucket whose 'files' deferral may not be recorded yet. */
  unrecorded: number[];
  /** Waves in which the whole bucket was skipped (blocked by files), ascending, in runs of consecutive waves. */
  skips: number[];
  runOf: number[];
  runEnd: number[];
}

function skip(b: Bucket, w: number): void {
  const last = b.skips.length - 1;
  if (last >= 0 && b.skips[last] === w) return;
  if (last >= 0 && b.skips[last] === w - 1) {
    b.runOf.push(b.runOf[last]!);
    b.runEnd[b.runOf[last]!] = w;
  } else {
    b.runOf.push(b.runEnd.length);
    b.runEnd.push(w);
  }
  b.skips.push(w);
}

/** The first wave >= from in which the bucket was not skipped. */
function firstUnskipped(b: Bucket, from: number): number {
  let lo = 0;
  let hi = b.skips.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b.skips[mid]! >= from) hi = mid;
    else lo = mid + 1;
  }
  return lo < b.skips.length && b.skips[lo] === from ? b.runEnd[b.runOf[lo]!]! + 1 : from;
}
