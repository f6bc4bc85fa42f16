/**
 * Improvement of the frontier schedule: a genetic algorithm on activity lists (Hartmann 1998) decoded by
 * serial schedule generation, every schedule improved by double justification and written back into its
 * list. On plans of 60 tasks or more, schedules of equal makespan are ranked by the sum of their finish
 * times: the one that gets more work done early survives, which gives the search a direction across the
 * wide plateaus of equal makespan that large, resource-scarce plans have. The initial population is biased
 * random sampling around the latest-finish-time priority. On those larger plans a schedule that was already
 * justified is not justified again (a memo keyed by its start times), so the budget goes to new children.
 * There, too, half the pairs cross by the busiest interval of a parent's schedule (peak crossover): it
 * keeps the densely packed part of a good schedule whole, where two-point crossover on lists cuts it.
 * The work is bounded by a number of schedule generations (`budget`), never by time, and every random
 * choice comes from a seeded generator, so every machine computes the same schedule.
 */
import { topologicalSort } from '../graph/topo.js';
import { justify } from './justify.js';
import type { Problem } from './problem.js';
import { createRandom } from './prng.js';
import { SerialScheduler } from './serial-sgs.js';
import { lowerBound } from '../../core/lower-bound.js';

export interface Individual {
  list: Int32Array;
  makespan: number;
  /** Sum of the schedule's finish times, the tie-break between equal makespans (lower is better); 0 when unused. */
  totalFinish: number;
  /** Start times of its schedule, kept on plans with the tie-break for the peak crossover. */
  start?: Float64Array;
}

export interface OptimizeResult {
  best: Individual;
  /** Start times of the best schedule (from a final forward pass over its list). */
  start: Float64Array;
  finish: Float64Array;
  schedulesEvaluated: number;
}

const mutationRate = 0.05;
/** Share of the pairs crossed by their resource peaks (`peakCrossover`) on plans with the tie-break. */
const peakShare = 0.5;
/**
 * Plans with at least this many tasks break makespan ties by the sum of finish times (and use the peak
 * crossover and the justification memo). Measured at 5,000 schedules: it pays on PSPLIB's J60 and J120
 * and on generated 120-task sets; on PSPLIB's J30 it costs a little, so smaller plans rank by makespan alone.
 */
export const tieBreakMinTasks = 60;
/**
 * Generations without a better schedule before most of the population is replaced by new samples. On the
 * larger plans (those with the tie-break) a restart throws away more than it brings: the population keeps
 * improving on the plateau through the tie-break, so they wait twice as long.
 */
const stagnationLimit = 10;
const stagnationLimitLarge = 20;

/**
 * Most schedule generations granted by default to a plan of up to 60 tasks; larger plans get up to twice
 * as many (`budgetCap`), as long as the work limit below allows them.
 */
export const maxDefaultBudget = 5000;
/**
 * Work units (profile segments and conflicts examined by serial schedule generation) granted by default.
 * A deterministic count, not time: 5000 schedules of a 30-task plan use ~1 M; 10,000 of a 120-task
 * resource-constrained plan up to ~14 M; one schedule of a resource-saturated 10,000-task plan ~6 M.
 */
export const defaultWorkLimit = 10_000_000;

/** Below this many schedules the search cannot pay for itself: the default budget is then 0. */
export const minDefaultBudget = 10;

/**
 * The cap on the default budget for a plan of `tasks` tasks: 5,000 schedules up to 60 tasks, growing
 * linearly to 10,000 at 120 tasks and beyond. A larger plan has more orders worth trying; the cap rises
 * with it instead of the budget shrinking, and the work limit still bounds the cost.
 */
export function budgetCap(tasks: number): number {
  return Math.round(maxDefaultBudget * Math.min(2, Math.max(1, tasks / 60)));
}

/**
 * Default budget from the measured work of one serial pass (NaN: over the probe's limit): thousands for
 * small plans, none for huge ones. Where the work limit binds the budget does not depend on the cap, and
 * where the cap binds the population is full-sized either way, so a higher cap only ever adds schedules
 * to the same search: the result can only get better.
 */
export function defaultBudget(workPerSchedule: number, tasks = 0): number {
  if (!(workPerSchedule > 0)) return 0;
  const budget = Math.min(budgetCap(tasks), Math.floor(defaultWorkLimit / workPerSchedule));
  return budget >= minDefaultBudget ? budget : 0;
}

/** Stops early once a schedule reaches `lowerBound` (it cannot be beaten). */
export function optimize(problem: Problem, lft: Float64Array, seeds: Int32Array[], budget: number, lowerBound = 0): OptimizeResult {
  const search = new GeneticSearch(problem, lft, budget, lowerBound);
  search.seedPopulation(seeds);
  search.evolve();
  return search.result();
}

/** The best schedule seen, with its times: re-decoding a list need not give the same times. */
interface Best {
  makespan: number;
  start: Float64Array;
  finish: Float64Array;
  list: Int32Array;
}

/** One run of the genetic search: its population, its budget count and the best schedule so far. */
class GeneticSearch {
  private readonly random: () => number;
  private readonly forward: SerialScheduler;
  private readonly backward: SerialScheduler;
  private readonly size: number;
  private readonly edge: (a: number, b: number) => boolean;
  private readonly tieBreak: boolean;
  private evaluated = 0;
  private best: Best | null = null;
  private population: Individual[] = [];
  private bestMakespan = Infinity;
  /** Generations since the population's best last improved. */
  private stale = 0;
  /** Justified individuals by their forward schedule (`scheduleKey`), on plans with the tie-break. */
  private readonly justified: Map<string, Individual> | null;

  constructor(
    private readonly problem: Problem,
    private readonly lft: Float64Array,
    private readonly budget: number,
    private readonly lowerBound: number,
  ) {
    this.random = createRandom(problem.seed);
    this.forward = new SerialScheduler(problem);
    this.backward = new SerialScheduler(problem, true);
    this.size = Math.max(2, Math.min(40, Math.floor(budget / 30)));
    this.edge = (a, b) => binaryIncludes(problem.pred[b]!, a);
    this.tieBreak = problem.taskCount >= tieBreakMinTasks;
    this.justified = this.tieBreak ? new Map() : null;
  }

  /** The seeds first (at least one, whatever the budget), then biased random samples up to the population size. */
  seedPopulation(seeds: Int32Array[]): void {
    const { population } = this;
    for (const list of seeds) if (this.canSpend() || population.length === 0) population.push(this.evaluate(list));
    this.fill();
  }

  evolve(): void {
    while (this.evaluated + 1 <= this.budget && this.population.length >= 2 && !this.optimal()) {
      if (this.stale >= (this.tieBreak ? stagnationLimitLarge : stagnationLimit)) this.restart();
      else this.generation();
    }
  }

  result(): OptimizeResult {
    const found = this.best;
    if (!found) throw new Error('optimize needs a budget of at least one schedule');
    return {
      best: { list: found.list, makespan: found.makespan, totalFinish: this.total(found.finish) },
      start: found.start,
      finish: found.finish,
      schedulesEvaluated: this.evaluated,
    };
  }

  /** The forward scheduler's start times, for an individual on a plan with the tie-break (none otherwise). */
  private times(): { start?: Float64Array } {
    return this.tieBreak ? { start: this.forward.start.slice() } : {};
  }

  private total(finish: Float64Array): number {
    return this.tieBreak ? sum(finish) : 0;
  }

  private optimal(): boolean {
    return this.best !== null && this.best.makespan <= this.lowerBound + 1e-9;
  }

  private canSpend(): boolean {
    return this.evaluated < this.budget && !this.optimal();
  }

  private fill(): void {
    while (this.population.length < this.size && this.canSpend()) this.population.push(this.evaluate(sampleList(this.problem, this.lft, this.random)));
  }

  private remember(list: Int32Array): void {
    const { forward } = this;
    if (this.best && this.best.makespan <= forward.makespan) return;
    this.best = { makespan: forward.makespan, start: forward.start.slice(), finish: forward.finish.slice(), list };
  }

  /** A forward serial pass, then double justification (two more passes, counted) while the budget allows. */
  private evaluate(list: Int32Array): Individual {
    const { forward } = this;
    forward.run(list);
    this.evaluated++;
    this.remember(list);
    const first: Individual = { list, makespan: forward.makespan, totalFinish: this.total(forward.finish), ...this.times() };
    if (this.evaluated + 2 > this.budget) return first;
    // Justification depends on the schedule alone, not on the list that produced it: a schedule seen before
    // gets its earlier result without the two passes, which go to later children instead.
    const key = this.justified ? scheduleKey(forward.start) : '';
    // A hash collision would only hand this child another child's (consistent) result: the best schedule
    // is always taken from real passes (`remember`).
    const known = this.justified?.get(key);
    if (known) return known;
    const improved = justify(this.problem, forward, this.backward, forward.start.slice(), forward.finish.slice());
    this.evaluated += 2;
    this.remember(improved.list);
    // The forward scheduler now holds the justified schedule.
    const result = improved.makespan <= first.makespan ? { ...improved, totalFinish: this.total(forward.finish), ...this.times() } : first;
    this.justified?.set(key, result);
    return result;
  }

  /** A population stuck on one plateau gets fresh blood: keep the best quarter, resample the rest. */
  private restart(): void {
    this.population.length = Math.max(1, Math.floor(this.population.length / 4));
    this.fill();
    this.stale = 0;
  }

  /** Random pairs, two children each (two-point crossover, then mutation), then survival of the best. */
  private generation(): void {
    const { population, problem, random } = this;
    const children: Individual[] = [];
    const order = shuffle(
      population.map((_, k) => k),
      random,
    );
    for (let k = 0; k + 1 < order.length && this.evaluated + 1 <= this.budget; k += 2) {
      const mother = population[order[k]!]!.list;
      const father = population[order[k + 1]!]!.list;
      const q1 = Math.floor(random() * problem.size);
      const q2 = q1 + Math.floor(random() * (problem.size - q1 + 1));
      // On plans with the tie-break, half the pairs cross by their peaks instead (one interval length for both children).
      const peak = this.tieBreak && random() < peakShare ? 0.15 + 0.3 * random() : 0;
      for (const [x, xs, xm, y] of [
        [mother, population[order[k]!]!.start, population[order[k]!]!.makespan, father],
        [father, population[order[k + 1]!]!.start, population[order[k + 1]!]!.makespan, mother],
      ] as const) {
        if (this.evaluated + 1 > this.budget) break;
        const child = peak > 0 && xs ? peakCrossover(problem, x, xs, xm, y, peak) : crossover(x, y, q1, q2);
        mutate(child, this.edge, random);
        children.push(this.evaluate(child));
      }
    }
    this.survive(children);
  }

  /** The best distinct schedules among parents and children survive (`fitter` first); counts stagnation. */
  private survive(children: Individual[]): void {
    const all = [...this.population, ...children].sort(fitter);
    const seen = new Set<string>();
    const next: Individual[] = [];
    for (const ind of all) {
      const key = `${ind.makespan}:${fingerprint(ind.list)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      next.push(ind);
      if (next.length === this.size) break;
    }
    this.population = next;
    if (next[0]!.makespan < this.bestMakespan - 1e-9) {
      this.bestMakespan = next[0]!.makespan;
      this.stale = 0;
    } else this.stale++;
  }
}

/** Shorter makespan first; between equal makespans (where the tie-break is on), the one whose work finishes earlier in total. */
function fitter(a: Individual, b: Individual): number {
  return a.makespan - b.makespan || a.totalFinish - b.totalFinish;
}

/**
 * A schedule's identity for the justification memo: two 32-bit hashes of its start times (times are
 * rounded to whole micro-hours first, so equal schedules always meet).
 */
function scheduleKey(start: Float64Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let k = 0; k < start.length; k++) {
    const t = Math.round(start[k]! * 1e6);
    h1 = Math.imul(h1 ^ t, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (t + k), 0x5bd1e995) >>> 0;
  }
  return `${h1}:${h2}`;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k]!;
  return total;
}

/** Two-point crossover: head from x, middle in y's relative order, tail in x's order. Keeps precedence. */
function crossover(x: Int32Array, y: Int32Array, q1: number, q2: number): Int32Array {
  const n = x.length;
  const child = new Int32Array(n);
  const used = new Uint8Array(n);
  let k = 0;
  for (let i = 0; i < q1; i++) {
    child[k++] = x[i]!;
    used[x[i]!] = 1;
  }
  for (let i = 0; i < n && k < q2; i++) {
    const v = y[i]!;
    if (!used[v]) {
      child[k++] = v;
      used[v] = 1;
    }
  }
  for (let i = 0; i < n && k < n; i++) {
    const v = x[i]!;
    if (!used[v]) {
      child[k++] = v;
      used[v] = 1;
    }
  }
  return child;
}

/**
 * Peak crossover (Valls, Ballestin & Quintanilla 2008): the interval of the first parent's schedule, `share`
 * of its makespan long, where its resources are busiest is a part of the schedule worth keeping, so its
 * activities keep that parent's order; those before and after it take the other parent's order. Keeps
 * precedence: an activity's predecessors start no later than it does, so they are in its part or an earlier one.
 */
function peakCrossover(problem: Problem, x: Int32Array, start: Float64Array, makespan: number, y: Int32Array, share: number): Int32Array {
  const n = problem.size;
  const times = [...new Set([...start, ...start.map((s, v) => s + problem.duration[v]!)])].sort((a, b) => a - b);
  // Busy share of the capacities (summed over resources) in each elementary interval [times[i], times[i + 1]).
  const busy = new Float64Array(times.length);
  for (let v = 0; v < n; v++) {
    const end = start[v]! + problem.duration[v]!;
    let load = 0;
    for (const [r, units] of problem.demand[v]!) load += units / problem.capacity[r]!;
    if (load === 0 || end <= start[v]!) continue;
    for (let i = lowerBound(times.length, (k) => times[k]! < start[v]!); i + 1 < times.length && times[i]! < end - 1e-9; i++) busy[i] = busy[i]! + load;
  }
  const length = share * makespan;
  let from = 0;
  let most = -1;
  for (let i = 0; i < times.length && (i === 0 || times[i]! + length <= makespan + 1e-9); i++) {
    const a = times[i]!;
    let work = 0;
    for (let j = i; j + 1 < times.length && times[j]! < a + length; j++) work += busy[j]! * (Math.min(times[j + 1]!, a + length) - times[j]!);
    if (work > most) {
      most = work;
      from = a;
    }
  }
  const part = (v: number): number => (start[v]! < from - 1e-9 ? 0 : start[v]! < from + length - 1e-9 ? 1 : 2);
  const child = new Int32Array(n);
  let k = 0;
  for (const v of y) if (part(v) === 0) child[k++] = v;
  for (const v of x) if (part(v) === 1) child[k++] = v;
  for (const v of y) if (part(v) === 2) child[k++] = v;
  return child;
}

/** Swaps neighbours that do not depend on each other, each with a small probability. */
function mutate(list: Int32Array, edge: (a: number, b: number) => boolean, random: () => number): void {
  for (let i = 0; i + 1 < list.length; i++) {
    if (random() >= mutationRate) continue;
    const a = list[i]!;
    const b = list[i + 1]!;
    if (edge(a, b)) continue;
    list[i] = b;
    list[i + 1] = a;
  }
}

/**
 * Biased random sampling: a topological order where ready nodes are taken by latest finish time perturbed
 * by noise, so the lists stay close to the LFT rule but differ. O(n log n) even for huge plans.
 */
export function sampleList(problem: Problem, lft: Float64Array, random: () => number): Int32Array {
  const size = problem.size;
  let spread = 0;
  for (let v = 0; v < size; v++) spread = Math.max(spread, problem.duration[v]!);
  const key = new Float64Array(size);
  for (let v = 0; v < size; v++) key[v] = lft[v]! + (random() - 0.5) * 2 * spread;
  return keyedTopologicalOrder(problem, key);
}

/** The problem's nodes in a topological order, ready nodes by the lowest `key` (ties: lowest node). */
export function keyedTopologicalOrder(problem: Problem, key: ArrayLike<number>): Int32Array {
  return topologicalSort(problem.size, problem.pred, problem.succ, (a, b) => key[a]! - key[b]! || a - b);
}

function shuffle(items: number[], random: () => number): number[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function binaryIncludes(sorted: readonly number[], value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = sorted[mid]!;
    if (x === value) return true;
    if (x < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function fingerprint(list: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ list[i]!, 0x01000193) >>> 0;
  return h;
}
