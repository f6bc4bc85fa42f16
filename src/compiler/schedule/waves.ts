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
import { roundTime } from './time.js';
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
      if (--waiting[s] !== 0) continue;
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
  // Ready tasks wait in `future` until their first wave, then in `ready` (most urgent first).
  const ready = new MinHeap(byUrgency);
  const future = new MinHeap((a, b) => readyFrom[a]! - readyFrom[b]! || a - b);
  for (const p of pool) {
    readyFrom[p.task] = p.from;
    future.push(p.task);
  }
  pool = [];
  const waves: Wave[] = [];
  // Deferrals are recorded once per task and reason, so the file stays linear in the plan's size.
  const reasonsSeen = new Map<number, Set<string>>();
  const lastConsidered = new Int32Array(n).fill(-1);
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
    const admit = () => {
      for (;;) {
        const next = future.pop();
        if (next === undefined) return;
        if (readyFrom[next]! > w) {
          future.push(next);
          return;
        }
        ready.push(next);
        lastConsidered[next] = readyFrom[next]! - 1;
      }
    };
    admit();
    const wave: Wave = { waveNumber: w + 1, tasks: [], estimates: { p50Hours: 0, p80Hours: 0, p95Hours: 0 }, startHours: 0, phases: [], resourceUsage: {}, deferred: [] };
    waves.push(wave);
    const inWave: number[] = [];
    const usage = new Map<string, number>();
    const setAside: number[] = [];
    while (inWave.length < capacity && ready.size > 0) {
      const t = ready.pop()!;
      const task = model.tasks[t]!;
      // Not looked at in the waves since it was last considered: the wave was already full then.
      if (lastConsidered[t]! + 1 < w) record(lastConsidered[t]! + 1, t, { task: task.id, reason: sizeReason });
      lastConsidered[t] = w;
      let deferral: Deferral | null = null;
      const full = Object.keys(task.resources)
        .sort()
        .find((name) => (usage.get(name) ?? 0) + task.resources[name]! > (resourceCapacity.get(name) ?? Infinity));
      if (full !== undefined) deferral = { task: task.id, reason: 'resource', resource: full };
      else {
        const clash = new Set<number>();
        for (const q of blockers[t]!) for (const c of holdersInWave[q]!) if (c !== t) clash.add(c);
        if (clash.size > 0) deferral = { task: task.id, reason: 'files', conflictsWith: [...clash].sort((a, b) => a - b).map((c) => model.tasks[c]!.id) };
      }
      if (deferral) {
        record(w, t, deferral);
        setAside.push(t);
        continue;
      }
      inWave.push(t);
      for (const p of conflicts.heldBy[t]!) holdersInWave[p]!.push(t);
      for (const [name, units] of Object.entries(task.resources)) usage.set(name, (usage.get(name) ?? 0) + units);
    }
    for (const t of setAside) ready.push(t);
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
