/**
 * Schedule risk by Monte Carlo: how likely each completion time is, not only the expected makespan.
 * Every run samples each task's duration from its three-point range (PERT beta) or its t-shirt size's
 * range, then replays the frontier schedule with those durations: ready tasks start in the launch priority
 * while they fit (dependencies, phase barriers, resources, the concurrency limit, file conflicts and
 * avoid_concurrent_with pairs), and a task that in the schedule waited for others to make room also waits
 * for them (the tasks that finish when it starts). With every task at its expected duration the replay is
 * the schedule itself, so the distribution is about the durations, not about the replay. For the wave
 * model the waves run one after another, each as long as its slowest task. The runs give P50/P80/P95 of both, and how often each task is on the
 * critical path (its criticality index). Pure and deterministic: the generator is seeded from the problem's
 * hash, and the number of runs is derived from a work count, never from time.
 */
import type { PlanModel, TaskModel } from '../model.js';
import type { FrontierSchedule, WaveSchedule } from '../compiled.js';
import { ParallelScheduler } from './parallel-sgs.js';
import type { Problem } from './problem.js';
import { createRandom } from './prng.js';
import { roundHours as roundTime } from '../rounding.js';
import { lowerBound } from '../../core/lower-bound.js';

export interface CompletionEstimate {
  /** With every task at its expected duration. */
  optimalHours: number;
  p50Hours: number;
  p80Hours: number;
  p95Hours: number;
}

export interface ScheduleRisk {
  /** Number of sampled runs. */
  runs: number;
  /** Seed of the sampler (hex), derived from the problem. */
  seed: string;
  /** Tasks whose duration varies between runs (a range or a size); the others are fixed. */
  uncertainTasks: number;
  frontier: CompletionEstimate;
  waves: CompletionEstimate;
  /** Per task id: share of the runs in which it was on the critical path of the frontier replay (0..1). */
  criticality: Record<string, number>;
}

/** Work units (nodes + arcs + demands) all runs together may cost, and the bounds on the number of runs. */
export const riskWorkLimit = 300_000;
export const maxRuns = 200;
export const minRuns = 10;

/** Hours of the sizes, in order, so a size samples between its neighbours. */
const sizeOrder = ['XS', 'S', 'M', 'L', 'XL'] as const;

/** A task's sampling range: PERT (optimistic, likely, pessimistic), or null when its duration is fixed. */
export function rangeOf(task: TaskModel, model: PlanModel): [number, number, number] | null {
  if (task.durationSource === 'size' && task.source.size !== undefined) {
    const k = sizeOrder.indexOf(task.source.size);
    const hours = sizeOrder.map((s) => model.settings.sizeHours[s]);
    const likely = hours[k]!;
    const low = k > 0 ? Math.min(likely, hours[k - 1]!) : likely / 2;
    const high = k < sizeOrder.length - 1 ? Math.max(likely, hours[k + 1]!) : likely * 2;
    return high > low ? [low, likely, high] : null;
  }
  const { optimistic, likely, pessimistic } = task.pert;
  return pessimistic > optimistic ? [optimistic, likely, pessimistic] : null;
}

/** Standard normal by Box-Muller (one of the pair; simplicity over speed). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape >= 1, 1) by Marsaglia and Tsang (2000). */
function gamma(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** PERT beta on [o, p] with mode m: alpha = 1 + 4 (m - o) / (p - o), beta = 1 + 4 (p - m) / (p - o). */
export function samplePert(o: number, m: number, p: number, random: () => number): number {
  const a = 1 + (4 * (m - o)) / (p - o);
  const b = 1 + (4 * (p - m)) / (p - o);
  const x = gamma(a, random);
  const y = gamma(b, random);
  return o + ((p - o) * x) / (x + y);
}

/** q-quantile of sorted values (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** How many runs the work limit allows for this problem. */
export function runCount(problem: Problem): number {
  let unit = problem.size;
  for (let v = 0; v < problem.size; v++) unit += problem.pred[v]!.length + problem.demand[v]!.length + problem.holds[v]!.length;
  return Math.max(minRuns, Math.min(maxRuns, Math.floor(riskWorkLimit / Math.max(1, unit))));
}

export function scheduleRisk(model: PlanModel, base: Problem, frontier: FrontierSchedule, waves: WaveSchedule): ScheduleRisk {
  const n = base.taskCount;
  const taskOf = base.planIndex.map((i) => model.tasks[i]!);
  const nodeOf = new Map(taskOf.map((t, v) => [t.id, v]));
  // The node of each schedule entry, looked up once for gatedProblem's two passes.
  const scheduled = Int32Array.from(frontier.schedule, (s) => nodeOf.get(s.task)!);
  const problem = gatedProblem(base, frontier, scheduled);
  // The launch order: rank in the frontier priority; barriers and hand-over events pass as soon as they are due.
  const key = new Float64Array(problem.size).fill(-1);
  frontier.priority.forEach((id, rank) => (key[nodeOf.get(id)!] = rank));
  const frontierMakespan = frontier.makespanHours;
  const ranges = taskOf.map((t) => rangeOf(t, model));
  const uncertain = ranges.filter((r) => r !== null).length;
  const waveNodes = waves.waves.map((w) => w.tasks.map((id) => nodeOf.get(id)!));

  const runs = uncertain === 0 ? 1 : runCount(base);
  const seed = (problem.seed ^ 0x5bd1e995) >>> 0;
  const random = createRandom(seed);
  const duration = new Float64Array(problem.size);
  const sampled: Problem = { ...problem, duration };
  const frontierSamples = new Float64Array(runs);
  const waveSamples = new Float64Array(runs);
  const critical = new Float64Array(n);
  // One scheduler for every run: it re-reads the sampled durations, and its arrays are reused.
  const replay = new ParallelScheduler(sampled);
  for (let run = 0; run < runs; run++) {
    for (let v = 0; v < n; v++) {
      const r = ranges[v];
      duration[v] = r ? roundTime(samplePert(r[0], r[1], r[2], random)) : problem.duration[v]!;
    }
    const makespan = replay.run(key);
    frontierSamples[run] = makespan;
    markCritical(sampled, replay, makespan, critical);
    let total = 0;
    // Indexed loops (here and in the helpers): a compile runs this once, much of it before the JIT has
    // optimized it, where a for...of allocates an iterator result per element.
    for (let w = 0; w < waveNodes.length; w++) {
      const nodes = waveNodes[w]!;
      let longest = 0;
      for (let i = 0; i < nodes.length; i++) longest = Math.max(longest, duration[nodes[i]!]!);
      total += longest;
    }
    waveSamples[run] = total;
  }
  frontierSamples.sort();
  waveSamples.sort();
  const estimate = (sorted: Float64Array, optimal: number): CompletionEstimate => ({
    optimalHours: roundTime(optimal),
    p50Hours: roundTime(quantile(sorted, 0.5)),
    p80Hours: roundTime(quantile(sorted, 0.8)),
    p95Hours: roundTime(quantile(sorted, 0.95)),
  });
  const criticality: Record<string, number> = {};
  taskOf.forEach((t, v) => {
    if (critical[v]! > 0) criticality[t.id] = Math.round((critical[v]! / runs) * 1e4) / 1e4;
  });
  return {
    runs,
    seed: seed.toString(16).padStart(8, '0'),
    uncertainTasks: uncertain,
    frontier: estimate(frontierSamples, frontierMakespan),
    waves: estimate(waveSamples, waves.makespanHours),
    criticality,
  };
}

/**
 * The problem with the schedule's hand-overs as precedence. A task that starts at t > 0 started then
 * because something it needed was freed at t: a slot (when the concurrency limit binds), units of a
 * resource it holds, or a file pattern it must not run beside. It gets a zero-duration event node after
 * the tasks finishing at t that held that thing, one node per (t, slot | resource | pattern), shared by
 * every task starting at t that needed the same thing. Each task finishes into at most a few such nodes,
 * so the problem stays linear. Acyclic: an event's predecessors finish when its successors start.
 */
function gatedProblem(problem: Problem, frontier: FrontierSchedule, scheduled: Int32Array): Problem {
  const finishing = new Map<number, number[]>();
  for (let i = 0; i < scheduled.length; i++) {
    const s = frontier.schedule[i]!;
    const v = scheduled[i]!;
    if (problem.duration[v]! > 0) (finishing.get(s.finish) ?? finishing.set(s.finish, []).get(s.finish)!).push(v);
  }
  // The problem's own lists are shared, and a node's copied only when it gains an arc.
  const pred = problem.pred.slice();
  const succ = problem.succ.slice();
  const ownPred = new Uint8Array(problem.size);
  const ownSucc = new Uint8Array(problem.size);
  const predOf = (v: number) => (v >= problem.size || ownPred[v] ? pred[v]! : ((ownPred[v] = 1), (pred[v] = [...pred[v]!])));
  const succOf = (v: number) => (v >= problem.size || ownSucc[v] ? succ[v]! : ((ownSucc[v] = 1), (succ[v] = [...succ[v]!])));
  // Events by instant and what they free: slots by the instant alone (a number key: printing a time as a
  // text key for each of thousands of tasks cost more than the rest of this pass), the rest by text.
  const slots = new Map<number, number>();
  const events = new Map<string, number>();
  const eventNode = <K>(known: Map<K, number>, key: K, holders: () => number[]): number | null => {
    let e = known.get(key);
    if (e === undefined) {
      const from = holders();
      if (from.length === 0) return null;
      e = pred.length;
      known.set(key, e);
      pred.push(from);
      succ.push([]);
      for (let i = 0; i < from.length; i++) succOf(from[i]!).push(e);
    }
    return e;
  };
  const conc = problem.concurrencyResource;
  for (let i = 0; i < scheduled.length; i++) {
    const s = frontier.schedule[i]!;
    const k = scheduled[i]!;
    const t = s.start;
    const done = finishing.get(t);
    if (t <= 0 || !done || problem.duration[k]! <= 0) continue;
    if (conc >= 0) {
      // One gate, the slot (the usual case: no list of gates per task).
      const e = eventNode(slots, t, () => done);
      if (e !== null) {
        succOf(e).push(k);
        predOf(k).push(e);
      }
      continue;
    }
    // A node gets at most a few gates: a list in first-added order, as a Set would iterate them.
    const gates: number[] = [];
    const add = (e: number | null) => e !== null && !gates.includes(e) && gates.push(e);
    for (const [r] of problem.demand[k]!) add(eventNode(events, `${t}|r${r}`, () => done.filter((v) => problem.demand[v]!.some(([x]) => x === r))));
    for (const p of problem.blockedBy[k]!) add(eventNode(events, `${t}|p${p}`, () => done.filter((v) => problem.holds[v]!.includes(p))));
    for (const e of gates) {
      succOf(e).push(k);
      predOf(k).push(e);
    }
  }
  if (slots.size === 0 && events.size === 0) return problem;
  const size = pred.length;
  const duration = new Float64Array(size);
  duration.set(problem.duration);
  const none: number[] = [];
  const extra = size - problem.size;
  return {
    ...problem,
    size,
    duration,
    pred,
    succ,
    demand: [...problem.demand, ...Array.from({ length: extra }, (): Array<[number, number]> => [])],
    holds: [...problem.holds, ...Array.from({ length: extra }, () => none)],
    blockedBy: [...problem.blockedBy, ...Array.from({ length: extra }, () => none)],
  };
}

/**
 * Adds one to `count` for every task on a critical path of this replay: the tasks finishing at the
 * makespan, and, going back, what made each of them start when it did — a predecessor finishing at that
 * instant, or else (it waited for room) the tasks that finished then and freed it. Those are found in the
 * replay's finish order (`replay.finishOrder`, sorted by finish time), not in a table of every finish
 * time built per run.
 */
function markCritical(problem: Problem, replay: ParallelScheduler, makespan: number, count: Float64Array): void {
  const { start, finish, finishOrder, finished } = replay;
  const size = problem.size;
  const onPath = new Uint8Array(size);
  const stack: number[] = [];
  for (let v = 0; v < size; v++) {
    if (finish[v]! >= makespan && makespan > 0) {
      onPath[v] = 1;
      stack.push(v);
    }
  }
  while (stack.length > 0) {
    const v = stack.pop()!;
    const s = start[v]!;
    if (s <= 0) continue;
    let driven = false;
    const preds = problem.pred[v]!;
    for (let i = 0; i < preds.length; i++) {
      const p = preds[i]!;
      if (finish[p] !== s) continue;
      driven = true;
      if (!onPath[p]) {
        onPath[p] = 1;
        stack.push(p);
      }
    }
    if (driven) continue;
    // The first node of the finish order that finishes at s or later, then every one finishing at s.
    for (let i = lowerBound(finished, (k) => finish[finishOrder[k]!]! < s); i < finished && finish[finishOrder[i]!]! === s; i++) {
      const p = finishOrder[i]!;
      if (!onPath[p]) {
        onPath[p] = 1;
        stack.push(p);
      }
    }
  }
  for (let v = 0; v < problem.taskCount; v++) if (onPath[v]) count[v]!++;
}
