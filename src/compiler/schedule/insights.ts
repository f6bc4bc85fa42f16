/**
 * What the two schedules say about resources and about each other, computed from them (never estimated
 * by hand): per resource, how many tasks and waves it takes, how busy it is and what it costs (the
 * makespan with its capacity relaxed to unlimited, against the real one); where tasks of the frontier wait
 * for a resource and for how long; snapshots of the frontier at phase boundaries and at regular times; and
 * the frontier against the waves in numbers.
 */
import type { FrontierSchedule, WaveSchedule } from '../compiled.js';
import type { PlanModel } from '../model.js';
import { parallelSchedule } from './parallel-sgs.js';
import { byProblemNode, type Problem } from './problem.js';
import type { ScheduleRisk } from './risk.js';
import { roundHours as roundTime } from '../rounding.js';

export interface ResourceUtilization {
  total_tasks: number;
  capacity: number;
  /** Waves with at least one task holding it. */
  waves_required: number;
  /** Busy share of its capacity over the frontier's makespan, in percent. */
  busy_percent: number;
  /** Makespan with this resource's capacity unlimited, same scheduler (parallel SGS, latest-finish priority). */
  relaxed_makespan_hours: number;
  /** Makespan with the real capacity, same scheduler: comparable to relaxed_makespan_hours. */
  constrained_makespan_hours: number;
  /** constrained - relaxed (never below 0): the hours this resource's capacity costs. */
  serialization_impact_hours: number;
}

export interface ResourceBottleneck {
  resource: string;
  serialization_impact_hours: number;
  busy_percent: number;
  impact: 'critical_path_extension' | 'none';
  affected_tasks: string[];
  mitigation: string;
}

export interface ResourceContention {
  resource: string;
  /** Tasks of the frontier that were ready but waited while this resource was full. */
  contention_points: number;
  estimated_wait_time_hours: number;
  affected_tasks: string[];
  mitigation: string;
}

export interface SimulationSnapshot {
  at_hours: number;
  /** start, interval, phase_boundary (phase `phase` is done), or end. */
  reason: 'start' | 'interval' | 'phase_boundary' | 'end';
  phase?: string;
  counts: { running: number; ready: number; blocked: number; completed: number };
  /** At most snapshotListLimit ids each, in launch priority; `counts` has the totals. */
  running: string[];
  ready: string[];
  blocked: string[];
  completed: string[];
  /** Units held of each resource, and tasks running (`tasks`). */
  resource_usage: Record<string, number>;
}

export interface ExecutionSimulation {
  interval_hours: number;
  snapshots: SimulationSnapshot[];
}

export interface Advantage {
  metric: 'makespan_hours' | 'p50_hours' | 'p95_hours' | 'utilization_percent';
  frontier: number;
  waves: number;
  /** frontier - waves. */
  delta: number;
  summary: string;
}

export interface ScheduleInsights {
  resourceUtilization: Record<string, ResourceUtilization>;
  resourceBottlenecks: ResourceBottleneck[];
  contentions: ResourceContention[];
  simulation: ExecutionSimulation;
  advantages: Advantage[];
}

/** Most ids per list in a snapshot, most tasks listed per bottleneck or contention. */
export const snapshotListLimit = 20;
export const affectedLimit = 20;
/** Most snapshots in execution_simulation. */
export const maxSnapshots = 24;

const r2 = (x: number) => Math.round(x * 100) / 100;

/** `latestFinish`: per index-graph node, from the critical-path pass (analyzeGraph). */
export function scheduleInsights(
  model: PlanModel,
  problem: Problem,
  frontier: FrontierSchedule,
  waves: WaveSchedule,
  risk: ScheduleRisk,
  latestFinish: Float64Array,
): ScheduleInsights {
  const n = problem.taskCount;
  const ids = problem.planIndex.map((i) => model.tasks[i]!.id);
  const nodeOf = new Map(ids.map((id, v) => [id, v]));
  const start = new Float64Array(problem.size);
  const finish = new Float64Array(problem.size);
  for (const s of frontier.schedule) {
    const v = nodeOf.get(s.task)!;
    start[v] = s.start;
    finish[v] = s.finish;
  }
  const ready = readyTimes(problem, start, finish);
  const rank = new Int32Array(n);
  frontier.priority.forEach((id, k) => (rank[nodeOf.get(id)!] = k));
  const byPriority = (a: number, b: number) => rank[a]! - rank[b]!;

  const utilization = resourceUtilization(model, problem, frontier, waves, ids, byProblemNode(problem, latestFinish));
  const bottlenecks = Object.entries(utilization)
    .map(([resource, u]): ResourceBottleneck => {
      const users = usersOf(problem, problem.resourceNames.indexOf(resource)).sort(byPriority);
      return {
        resource,
        serialization_impact_hours: u.serialization_impact_hours,
        busy_percent: u.busy_percent,
        impact: u.serialization_impact_hours > 0 ? 'critical_path_extension' : 'none',
        affected_tasks: users.slice(0, affectedLimit).map((v) => ids[v]!),
        mitigation:
          u.serialization_impact_hours > 0
            ? `Its capacity of ${u.capacity} costs ${r2(u.serialization_impact_hours)} h: raise the capacity, or combine or shorten the ${u.total_tasks} tasks that hold it`
            : 'None needed: unlimited capacity would not finish sooner',
      };
    })
    .sort((a, b) => b.serialization_impact_hours - a.serialization_impact_hours || b.busy_percent - a.busy_percent || (a.resource < b.resource ? -1 : 1));
  return {
    resourceUtilization: utilization,
    resourceBottlenecks: bottlenecks,
    contentions: contentions(problem, start, finish, ready, ids, byPriority),
    simulation: simulation(model, problem, frontier, start, finish, ready, ids, byPriority),
    advantages: advantages(model, frontier, waves, risk),
  };
}

/** When each node's dependencies (and phase barrier) are done in the given schedule; barriers get their time too. */
function readyTimes(problem: Problem, start: Float64Array, finish: Float64Array): Float64Array {
  const order = Array.from({ length: problem.size }, (_, v) => v).sort((a, b) => problem.topoPosition[a]! - problem.topoPosition[b]!);
  const ready = new Float64Array(problem.size);
  // Indexed loops (here and in contentions and usersOf): run once per compile, mostly unoptimized, where a
  // for...of or a destructured pair allocates per element.
  for (let k = 0; k < order.length; k++) {
    const v = order[k]!;
    const preds = problem.pred[v]!;
    let t = 0;
    for (let i = 0; i < preds.length; i++) t = Math.max(t, finish[preds[i]!]!);
    ready[v] = t;
    if (v >= problem.taskCount) start[v] = finish[v] = t;
  }
  return ready;
}

function usersOf(problem: Problem, r: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < problem.taskCount; v++) {
    const demand = problem.demand[v]!;
    for (let i = 0; i < demand.length; i++) {
      if (demand[i]![0] === r) {
        out.push(v);
        break;
      }
    }
  }
  return out;
}

function resourceUtilization(
  model: PlanModel,
  problem: Problem,
  frontier: FrontierSchedule,
  waves: WaveSchedule,
  ids: string[],
  lft: Float64Array,
): Record<string, ResourceUtilization> {
  if (problem.resourceNames.length === 0) return {};
  // The same scheduler on the same problem with the same priority is the frontier's baseline pass: its
  // makespan is already known (rounded as every finish time is, so it is the exact value).
  const constrained = frontier.optimizer.baselineMakespanHours;
  const out: Record<string, ResourceUtilization> = {};
  problem.resourceNames.forEach((name, r) => {
    const users = usersOf(problem, r);
    const userIds = new Set(users.map((v) => ids[v]!));
    const capacity = [...problem.capacity];
    capacity[r] = Number.POSITIVE_INFINITY;
    const relaxed = users.length > 0 ? parallelSchedule({ ...problem, capacity }, lft).makespan : constrained;
    out[name] = {
      total_tasks: users.length,
      capacity: problem.capacity[r]!,
      waves_required: waves.waves.filter((w) => w.tasks.some((t) => userIds.has(t))).length,
      busy_percent: r2((frontier.utilization.resources[name] ?? 0) * 100),
      relaxed_makespan_hours: roundTime(relaxed),
      constrained_makespan_hours: roundTime(constrained),
      serialization_impact_hours: roundTime(Math.max(0, constrained - relaxed)),
    };
  });
  void model;
  return out;
}

/**
 * Per resource: the tasks that were ready but did not start because the resource had no room at the
 * moment they became ready, and the hours they waited. One sweep over the schedule's events.
 */
function contentions(
  problem: Problem,
  start: Float64Array,
  finish: Float64Array,
  ready: Float64Array,
  ids: string[],
  byPriority: (a: number, b: number) => number,
): ResourceContention[] {
  const n = problem.taskCount;
  const waiting: number[] = [];
  for (let v = 0; v < n; v++) if (problem.duration[v]! > 0 && start[v]! - ready[v]! > 1e-9 && problem.demand[v]!.length > 0) waiting.push(v);
  if (waiting.length === 0 || problem.resourceNames.length === 0) return [];
  waiting.sort((a, b) => ready[a]! - ready[b]! || a - b);
  // Events as numbers, not records: 2v + 1 starts node v, 2v finishes it; by time, finishes first, then node.
  const events: number[] = [];
  for (let v = 0; v < n; v++) if (problem.duration[v]! > 0) events.push(2 * v + 1, 2 * v);
  const timeOf = (x: number) => ((x & 1) === 1 ? start[x >> 1]! : finish[x >> 1]!);
  events.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1));
  const use = new Float64Array(problem.capacity.length);
  const wait = new Float64Array(problem.resourceNames.length);
  const tasks: number[][] = problem.resourceNames.map(() => []);
  let e = 0;
  for (let w = 0; w < waiting.length; w++) {
    const v = waiting[w]!;
    const t = ready[v]!;
    for (; e < events.length && timeOf(events[e]!) <= t; e++) {
      const x = events[e]!;
      const delta = (x & 1) === 1 ? 1 : -1;
      const demand = problem.demand[x >> 1]!;
      for (let i = 0; i < demand.length; i++) use[demand[i]![0]]! += delta * demand[i]![1];
    }
    const demand = problem.demand[v]!;
    for (let i = 0; i < demand.length; i++) {
      const r = demand[i]![0];
      const units = demand[i]![1];
      if (r >= problem.resourceNames.length || r === problem.concurrencyResource) continue;
      if (use[r]! + units > problem.capacity[r]!) {
        wait[r]! += start[v]! - t;
        tasks[r]!.push(v);
      }
    }
  }
  return problem.resourceNames
    .map((resource, r) => ({ resource, r }))
    .filter(({ r }) => tasks[r]!.length > 0)
    .map(({ resource, r }) => ({
      resource,
      contention_points: tasks[r]!.length,
      estimated_wait_time_hours: roundTime(wait[r]!),
      affected_tasks: [...tasks[r]!]
        .sort(byPriority)
        .slice(0, affectedLimit)
        .map((v) => ids[v]!),
      mitigation:
        problem.capacity[r] === 1
          ? 'Exclusive: the tasks queue for it; shorten them, merge them, or take them off the critical path'
          : `At capacity ${problem.capacity[r]}: raise it, or spread the tasks that hold it over time`,
    }))
    .sort((a, b) => b.estimated_wait_time_hours - a.estimated_wait_time_hours || (a.resource < b.resource ? -1 : 1));
}

/** A readable step giving at most about 8 interval snapshots over the makespan. */
function intervalOf(makespan: number): number {
  const steps = [0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 96, 168, 336, 720];
  for (const s of steps) if (makespan / s <= 8) return s;
  return Math.ceil(makespan / 8 / 720) * 720;
}

function simulation(
  model: PlanModel,
  problem: Problem,
  frontier: FrontierSchedule,
  start: Float64Array,
  finish: Float64Array,
  ready: Float64Array,
  ids: string[],
  byPriority: (a: number, b: number) => number,
): ExecutionSimulation {
  const n = problem.taskCount;
  const makespan = frontier.makespanHours;
  const interval = intervalOf(makespan);
  const points = new Map<number, Pick<SimulationSnapshot, 'reason' | 'phase'>>();
  points.set(0, { reason: 'start' });
  // The moment each phase (but the last with tasks) is done: its last task finishes.
  const phaseEnd = new Map<string, number>();
  for (let v = 0; v < n; v++) {
    const phase = model.tasks[problem.planIndex[v]!]!.phase;
    if (phase !== null) phaseEnd.set(phase, Math.max(phaseEnd.get(phase) ?? 0, finish[v]!));
  }
  const phases = model.phases.filter((p) => phaseEnd.has(p.id)).slice(0, -1);
  for (const p of phases.slice(0, maxSnapshots / 2)) {
    const t = phaseEnd.get(p.id)!;
    if (!points.has(t) && t < makespan) points.set(t, { reason: 'phase_boundary', phase: p.id });
  }
  for (let t = interval; t < makespan && points.size < maxSnapshots - 1; t += interval) if (!points.has(roundTime(t))) points.set(roundTime(t), { reason: 'interval' });
  if (makespan > 0) points.set(makespan, { reason: 'end' });
  const order = Array.from({ length: n }, (_, v) => v).sort(byPriority);
  const snapshots = [...points.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, what]): SimulationSnapshot => {
      const lists = { running: [] as number[], ready: [] as number[], blocked: [] as number[], completed: [] as number[] };
      const usage: Record<string, number> = Object.fromEntries(problem.resourceNames.map((r) => [r, 0]));
      let tasks = 0;
      for (const v of order) {
        if (finish[v]! <= t) lists.completed.push(v);
        else if (start[v]! <= t) {
          lists.running.push(v);
          tasks++;
          for (const [r, units] of problem.demand[v]!) if (r < problem.resourceNames.length && r !== problem.concurrencyResource) usage[problem.resourceNames[r]!]! += units;
        } else if (ready[v]! <= t) lists.ready.push(v);
        else lists.blocked.push(v);
      }
      const cap = (list: number[]) => list.slice(0, snapshotListLimit).map((v) => ids[v]!);
      return {
        at_hours: t,
        ...what,
        counts: { running: lists.running.length, ready: lists.ready.length, blocked: lists.blocked.length, completed: lists.completed.length },
        running: cap(lists.running),
        ready: cap(lists.ready),
        blocked: cap(lists.blocked),
        completed: cap(lists.completed),
        resource_usage: { ...usage, tasks },
      };
    });
  return { interval_hours: interval, snapshots };
}

function advantages(model: PlanModel, frontier: FrontierSchedule, waves: WaveSchedule, risk: ScheduleRisk): Advantage[] {
  const work = model.tasks.reduce((s, t) => s + t.hours, 0);
  const limit = model.settings.maxConcurrency;
  const waveUtilization = waves.makespanHours > 0 ? (work / (limit * waves.makespanHours)) * 100 : 0;
  const frontierUtilization = frontier.utilization.concurrency * 100;
  const faster = (f: number, w: number, what: string) => {
    if (w <= 0 || f === w) return `${what}: the same (${r2(f)} h)`;
    const pct = r2(Math.abs(1 - f / w) * 100);
    return `${what}: ${pct} % ${f < w ? 'sooner' : 'later'} with the rolling frontier (${r2(f)} h vs ${r2(w)} h)`;
  };
  const row = (metric: Advantage['metric'], f: number, w: number, summary: string): Advantage => ({ metric, frontier: r2(f), waves: r2(w), delta: r2(f - w), summary });
  return [
    row('makespan_hours', frontier.makespanHours, waves.makespanHours, faster(frontier.makespanHours, waves.makespanHours, 'Expected completion')),
    row('p50_hours', risk.frontier.p50Hours, risk.waves.p50Hours, faster(risk.frontier.p50Hours, risk.waves.p50Hours, 'Median completion (simulated)')),
    row('p95_hours', risk.frontier.p95Hours, risk.waves.p95Hours, faster(risk.frontier.p95Hours, risk.waves.p95Hours, '95th percentile completion (simulated)')),
    row(
      'utilization_percent',
      frontierUtilization,
      waveUtilization,
      `Busy share of the ${limit} slots: ${r2(frontierUtilization)} % vs ${r2(waveUtilization)} % in waves (no waiting for the slowest task of a wave)`,
    ),
  ];
}
