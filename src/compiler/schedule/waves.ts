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
import { roundHours as roundTime } from '../duration.js';
import { MinHeap } from '../graph/heap.js';

export function buildWaves(model: PlanModel, graph: IndexGraph, conflicts: FileConflicts, latestStart: ArrayLike<number>): WaveSchedule {
  const n = graph.taskCount;
  const { maxWaveSize, maxConcurrency } = model.settings;
  const capacity = Math.min(maxWaveSize, maxConcurrency);
  const sizeReason: Deferral['reason'] = maxConcurrency < maxWaveSize ? 'concurrency' : 'size';
  const resourceCapacity = new Map(model.resources.map((r) => [r.name, r.capacity]));
  const byId = new Map(model.tasks.map((t) => [t.id, t.index]));
  const blockers = blockersOf(conflicts);
  /** Per file pattern: the tasks of the current wave holding it. */
  const holdersInWave: number[][] = conflicts.patterns.map(() => []);

  const waveOf = new Int32Array(graph.size).fill(-1);
  const readyFrom = new Int32Array(n);
  const waiting = new Int32Array(graph.size);
  for (let v = 0; v < graph.size; v++) waiting[v] = graph.pred[v]!.length;
  /** Ready tasks with the first wave they may join. */
  let pool: Array<{ task: number; from: number }> = [];
  const resolve = (v: number) => {
    // Called when v has been placed (or, for a barrier, when its last predecessor has).
    for (const s of graph.succ[v]!) {
      if (--waiting[s]! !== 0) continue;
      let from = 0;
      for (const p of graph.pred[s]!) from = Math.max(from, p < n ? waveOf[p]! + 1 : waveOf[p]!);
      if (s < n) pool.push({ task: s, from });
      else {
        waveOf[s] = from;
        resolve(s);
      }
    }
  };
  for (let v = 0; v < graph.size; v++) {
    if (waiting[v] !== 0) continue;
    if (v < n) pool.push({ task: v, from: 0 });
    else {
      waveOf[v] = 0;
      resolve(v);
    }
  }

  const byUrgency = (a: number, b: number) => latestStart[a]! - latestStart[b]! || a - b;
  // Ready tasks wait in `future` until their first wave, then in the bucket of the file patterns that block
  // them (tasks with the same blockers share a bucket). Once one task of a bucket is blocked by the files of
  // a wave, all of it is, so a wave skips the bucket at once instead of looking at each of its tasks: a wave
  // costs the buckets it visits, not every ready task.
  const future = new MinHeap((a, b) => readyFrom[a]! - readyFrom[b]! || a - b);
  for (const p of pool) {
    readyFrom[p.task] = p.from;
    future.push(p.task);
  }
  pool = [];
  const buckets: Bucket[] = [];
  const bucketOfBlockers = new Map<readonly number[], number>();
  const noBlockers: readonly number[] = [];
  const bucketOf = (t: number): Bucket => {
    const key = blockers[t]!.length > 0 ? blockers[t]! : noBlockers;
    let b = bucketOfBlockers.get(key);
    if (b === undefined) {
      b = buckets.length;
      bucketOfBlockers.set(key, b);
      buckets.push({ blockers: key, tasks: new MinHeap(byUrgency), unrecorded: [], skips: [], runOf: [], runEnd: [] });
    }
    return buckets[b]!;
  };
  const bucketIndex = (t: number) => bucketOfBlockers.get(blockers[t]!.length > 0 ? blockers[t]! : noBlockers)!;
  const waves: Wave[] = [];
  // Deferrals are recorded once per task and reason, so the file stays linear in the plan's size.
  const reasonsSeen = new Map<number, Set<string>>();
  const lastConsidered = new Int32Array(n).fill(-1);
  const placed = new Uint8Array(n);
  const record = (wave: number, t: number, deferral: Deferral) => {
    const key = deferral.reason === 'resource' ? `resource:${deferral.resource}` : deferral.reason;
    const seen = reasonsSeen.get(t) ?? new Set<string>();
    reasonsSeen.set(t, seen);
    if (seen.has(key)) return;
    seen.add(key);
    waves[wave]!.deferred.push(deferral);
  };
  let placedCount = 0;
  for (let w = 0; placedCount < n; w++) {
    for (;;) {
      const next = future.pop();
      if (next === undefined) break;
      if (readyFrom[next]! > w) {
        future.push(next);
        break;
      }
      const b = bucketOf(next);
      b.tasks.push(next);
      b.unrecorded.push(next);
      lastConsidered[next] = readyFrom[next]! - 1;
    }
    const wave: Wave = { waveNumber: w + 1, tasks: [], estimates: { p50Hours: 0, p80Hours: 0, p95Hours: 0 }, startHours: 0, phases: [], resourceUsage: {}, deferred: [] };
    waves.push(wave);
    const inWave: number[] = [];
    const usage = new Map<string, number>();
    const setAside: number[] = [];
    const queue = new MinHeap((x, y) => byUrgency(buckets[x]!.tasks.peek()!, buckets[y]!.tasks.peek()!));
    buckets.forEach((b, k) => b.tasks.size > 0 && queue.push(k));
    while (inWave.length < capacity && queue.size > 0) {
      const k = queue.pop()!;
      const b = buckets[k]!;
      const clash = new Set<number>();
      for (const q of b.blockers) for (const c of holdersInWave[q]!) clash.add(c);
      if (clash.size > 0) {
        // Every task of the bucket is pushed out of this wave by the same files.
        const conflictsWith = [...clash].sort((x, y) => x - y).map((c) => model.tasks[c]!.id);
        for (const t of b.unrecorded) if (!placed[t]) record(w, t, { task: model.tasks[t]!.id, reason: 'files', conflictsWith });
        b.unrecorded = [];
        skip(b, w);
        continue;
      }
      const t = b.tasks.pop()!;
      if (b.tasks.size > 0) queue.push(k);
      const task = model.tasks[t]!;
      // Not looked at in the waves since it was last considered (the bucket was not skipped either): the
      // wave was already full then.
      const missed = firstUnskipped(b, lastConsidered[t]! + 1);
      if (missed < w) record(missed, t, { task: task.id, reason: sizeReason });
      lastConsidered[t] = w;
      const full = Object.keys(task.resources)
        .sort()
        .find((name) => (usage.get(name) ?? 0) + task.resources[name]! > (resourceCapacity.get(name) ?? Infinity));
      if (full !== undefined) {
        record(w, t, { task: task.id, reason: 'resource', resource: full });
        setAside.push(t);
        continue;
      }
      inWave.push(t);
      placed[t] = 1;
      for (const p of conflicts.heldBy[t]!) holdersInWave[p]!.push(t);
      for (const [name, units] of Object.entries(task.resources)) usage.set(name, (usage.get(name) ?? 0) + units);
    }
    for (const t of setAside) buckets[bucketIndex(t)]!.tasks.push(t);
    for (const t of inWave) for (const p of conflicts.heldBy[t]!) holdersInWave[p]!.length = 0;
    if (inWave.length === 0) throw new Error('wave schedule made no progress: the graph is not acyclic');
    for (const t of inWave) waveOf[t] = w;
    placedCount += inWave.length;
    for (const t of inWave) resolve(t);
    for (const p of pool) {
      readyFrom[p.task] = p.from;
      future.push(p.task);
    }
    pool = [];
    inWave.sort((a, b) => a - b);
    const phases = [...new Set(inWave.map((t) => model.tasks[t]!.phaseIndex).filter((p) => p >= 0))].sort((a, b) => a - b);
    wave.tasks = inWave.map((t) => model.tasks[t]!.id);
    wave.estimates = waveEstimates(inWave.map((t) => spreadOf(model, t)));
    wave.phases = phases.map((p) => model.phases[p]!.id);
    wave.resourceUsage = Object.fromEntries([...usage.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  for (const wave of waves) wave.deferred.sort((a, b) => byUrgency(byId.get(a.task)!, byId.get(b.task)!) || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  let clock = 0;
  for (const wave of waves) {
    wave.startHours = roundTime(clock);
    clock += wave.estimates.p50Hours;
  }
  const totals = totalEstimates(waves.map((w) => w.estimates));
  return { maxWaveSize, waveCapacity: capacity, waves, totals, makespanHours: roundTime(clock) };
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
