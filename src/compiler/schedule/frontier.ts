/**
 * The rolling-frontier schedule: a resource-constrained schedule of the whole plan (precedence, phase
 * barriers, resource capacities, the concurrency limit and enforced file conflicts hold at every instant),
 * optimized within an iteration budget, with its lower bound and utilization.
 */
import type { FileConflicts, FrontierSchedule, LowerBound } from '../compiled.js';
import type { IndexGraph } from '../graph/index-graph.js';
import type { PlanModel } from '../model.js';
import { listByStart } from './justify.js';
import { defaultBudget, defaultWorkLimit, keyedTopologicalOrder, minDefaultBudget, optimize } from './optimize.js';
import { parallelSchedule } from './parallel-sgs.js';
import { buildProblem, byProblemNode, type Problem } from './problem.js';
import { SerialScheduler } from './serial-sgs.js';
import { roundHours, roundRatio } from '../rounding.js';

/**
 * `latestFinish`: per index-graph node, from the critical-path pass (analyzeGraph). `problem` may be
 * passed in when the caller already built it (the schedule-risk replay uses the same one).
 */
export function buildFrontier(
  model: PlanModel,
  graph: IndexGraph,
  conflicts: FileConflicts,
  criticalPathHours: number,
  latestFinish: Float64Array,
  problem: Problem = buildProblem(model, graph, conflicts),
): FrontierSchedule {
  const lft = byProblemNode(problem, latestFinish);
  const baseline = parallelSchedule(problem, lft);
  const baselineList = listByStart(problem, baseline.start);
  const bound = lowerBoundOf(model, problem, criticalPathHours, conflicts);
  // A baseline that meets the lower bound is optimal: the budget is reported but not spent.
  const optimal = baseline.makespan <= bound.hours + 1e-9;
  const budget = model.settings.optimizeIterations ?? defaultBudget(probeWork(problem, baselineList), problem.taskCount);

  let start = baseline.start;
  let finish = baseline.finish;
  let makespan = baseline.makespan;
  let evaluated = 0;
  if (budget > 0 && problem.size > 0 && !optimal) {
    const seeds = [baselineList, keyedTopologicalOrder(problem, lft)];
    const result = optimize(problem, lft, seeds, budget, bound.hours);
    evaluated = result.schedulesEvaluated;
    if (result.best.makespan < makespan) {
      start = result.start;
      finish = result.finish;
      makespan = result.best.makespan;
    }
  }
  return describe(model, problem, start, finish, makespan, bound, {
    method: methodOf(optimal, budget, evaluated, makespan < baseline.makespan),
    seed: problem.seed.toString(16).padStart(8, '0'),
    budget,
    schedulesEvaluated: evaluated,
    baselineMakespanHours: roundHours(baseline.makespan),
  });
}

/** Work units of one serial pass over the baseline's order: what one schedule generation costs on this plan. */
function probeWork(problem: Problem, list: Int32Array): number {
  const probe = new SerialScheduler(problem);
  // Abandoned past the point where the default budget would be below its minimum anyway.
  const makespan = probe.run(list, defaultWorkLimit / minDefaultBudget + 1);
  return Number.isNaN(makespan) ? NaN : probe.work;
}

/** Each resource's units x hours used over what its capacity offers for the whole makespan. */
function resourceUtilization(problem: Problem, makespan: number): Record<string, number> {
  const n = problem.taskCount;
  const utilization: Record<string, number> = {};
  problem.resourceNames.forEach((name, r) => {
    let used = 0;
    // Indexed (here and below): run once per compile, mostly unoptimized, where for...of allocates per element.
    for (let v = 0; v < n; v++) {
      const demand = problem.demand[v]!;
      for (let i = 0; i < demand.length; i++) if (demand[i]![0] === r) used += demand[i]![1] * problem.duration[v]!;
    }
    utilization[name] = makespan > 0 ? roundRatio(used / (problem.capacity[r]! * makespan)) : 0;
  });
  return utilization;
}

/** The most tasks with a duration running at once in this schedule. */
function peakConcurrency(problem: Problem, start: Float64Array, finish: Float64Array): number {
  const n = problem.taskCount;
  // Peak concurrency from a sweep over start and finish times (finishes first at equal times), each
  // sorted on its own as plain numbers: no event records to allocate and sort.
  let busy = 0;
  for (let v = 0; v < n; v++) if (problem.duration[v]! > 0) busy++;
  const starts = new Float64Array(busy);
  const finishes = new Float64Array(busy);
  for (let v = 0, k = 0; v < n; v++) {
    if (problem.duration[v]! <= 0) continue;
    starts[k] = start[v]!;
    finishes[k++] = finish[v]!;
  }
  starts.sort();
  finishes.sort();
  let running = 0;
  let peak = 0;
  for (let a = 0, b = 0; a < busy;) {
    if (finishes[b]! <= starts[a]!) {
      running--;
      b++;
    } else {
      running++;
      a++;
      peak = Math.max(peak, running);
    }
  }
  return peak;
}

function describe(
  model: PlanModel,
  problem: Problem,
  start: Float64Array,
  finish: Float64Array,
  makespanRaw: number,
  lowerBound: LowerBound,
  optimizer: FrontierSchedule['optimizer'],
): FrontierSchedule {
  const n = problem.taskCount;
  const ids = problem.planIndex.map((i) => model.tasks[i]!.id);
  // Launch priority: by start; ties by id (node order is id order).
  const nodes = Array.from({ length: n }, (_, v) => v).sort((a, b) => start[a]! - start[b]! || a - b);
  const makespan = roundHours(makespanRaw);
  const schedule = nodes.map((v) => ({ task: ids[v]!, start: roundHours(start[v]!), finish: roundHours(finish[v]!) }));

  let work = 0;
  for (let v = 0; v < n; v++) work += problem.duration[v]!;
  const utilization = resourceUtilization(problem, makespan);
  const limit = model.settings.maxConcurrency;
  const peak = peakConcurrency(problem, start, finish);
  const initialFrontier = nodes.filter((v) => start[v] === 0).map((v) => ids[v]!);
  return {
    schedule,
    priority: schedule.map((s) => s.task),
    initialFrontier,
    maxConcurrencyLimit: limit,
    makespanHours: makespan,
    lowerBound,
    gap: lowerBound.hours > 0 ? roundRatio((makespan - lowerBound.hours) / lowerBound.hours) : 0,
    utilization: { concurrency: makespan > 0 ? roundRatio(work / (limit * makespan)) : 0, resources: utilization },
    averageConcurrency: makespan > 0 ? roundRatio(work / makespan) : 0,
    maxConcurrency: peak,
    optimizer,
  };
}

/** The best of: critical path, per-resource work / capacity, total work / concurrency limit. */
function lowerBoundOf(model: PlanModel, problem: Problem, criticalPathHours: number, conflicts: FileConflicts): LowerBound {
  const n = problem.taskCount;
  let work = 0;
  const resourceWork = new Float64Array(problem.capacity.length);
  for (let v = 0; v < n; v++) {
    work += problem.duration[v]!;
    const demand = problem.demand[v]!;
    for (let i = 0; i < demand.length; i++) resourceWork[demand[i]![0]]! += demand[i]![1] * problem.duration[v]!;
  }
  const resourceHours: Record<string, number> = {};
  problem.resourceNames.forEach((name, r) => (resourceHours[name] = roundHours(resourceWork[r]! / problem.capacity[r]!)));
  const limit = model.settings.maxConcurrency;
  const concurrencyHours = problem.concurrencyResource >= 0 ? roundHours(work / limit) : 0;
  const candidates: Array<[string, number]> = [
    ['critical_path', criticalPathHours],
    ['concurrency', concurrencyHours],
  ];
  for (const name of problem.resourceNames) candidates.push([`resource:${name}`, resourceHours[name]!]);
  const files = filesBound(problem, conflicts);
  if (files) candidates.push([`files:${files.pattern}`, files.hours]);
  const [binding, hours] = candidates.reduce((best, c) => (c[1] > best[1] + 1e-9 ? c : best));
  return { hours: roundHours(hours), criticalPathHours, resourceHours, concurrencyHours, binding, ...(files ? { filesHours: files } : {}) };
}

/**
 * The holders of a pattern whose overlap with itself is enforced run one at a time, so their total hours
 * bound the makespan. Returns the largest such total (first pattern on ties), or null without one.
 */
function filesBound(problem: Problem, conflicts: FileConflicts): { pattern: string; hours: number } | null {
  const work = new Float64Array(problem.patternCount);
  for (let v = 0; v < problem.taskCount; v++) {
    const holds = problem.holds[v]!;
    for (let i = 0; i < holds.length; i++) work[holds[i]!]! += problem.duration[v]!;
  }
  let best: { pattern: string; hours: number } | null = null;
  for (let p = 0; p < problem.patternCount; p++) {
    if (!problem.excludes[p]!.includes(p) || work[p]! <= 0) continue;
    if (!best || work[p]! > best.hours + 1e-9) best = { pattern: conflicts.patterns[p]!.pattern, hours: roundHours(work[p]!) };
  }
  return best;
}

/** What actually produced the schedule, in words (no claim about a search that did not run). */
function methodOf(optimal: boolean, budget: number, evaluated: number, improved: boolean): string {
  const baseline = 'parallel SGS (LFT) baseline';
  if (optimal) return `${baseline}; it meets the lower bound, so no search was needed`;
  if (budget === 0 || evaluated === 0) return `${baseline}; no search (the plan is too large for the default budget, or optimize_iterations is 0)`;
  const search = `genetic algorithm on activity lists with serial SGS and double justification (${evaluated} schedules)`;
  return improved ? `${baseline}, improved by a ${search}` : `${baseline}, kept: a ${search} found nothing shorter`;
}
