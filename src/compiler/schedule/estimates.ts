/**
 * Probabilistic estimates from PERT three-point estimates. A task's duration is approximated by a normal
 * distribution with the PERT mean (o + 4m + p) / 6 and standard deviation (p - o) / 6 (a task with a
 * single-point estimate is deterministic). A wave ends with its slowest task, so P(wave <= x) is the product
 * of its tasks' P(T <= x) (tasks independent); its quantiles are found by bisection. Whole-plan totals add
 * the waves as independent normals (mean = wave p50, sigma from the wave's p95 - p50).
 */
import type { Estimates } from '../compiled.js';
import { roundHours } from '../rounding.js';

export interface TaskSpread {
  mean: number;
  sigma: number;
}

const z80 = 0.8416212335729143;
const z95 = 1.6448536269514722;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function probabilityAllDone(tasks: readonly TaskSpread[], x: number): number {
  let p = 1;
  for (const t of tasks) {
    if (t.sigma <= 0) {
      if (x < t.mean) return 0;
    } else {
      p *= normalCdf((x - t.mean) / t.sigma);
    }
  }
  return p;
}

/** The q-quantile of the time at which every task of the wave is done. */
export function maxQuantile(tasks: readonly TaskSpread[], q: number): number {
  if (tasks.length === 0) return 0;
  let lo = 0;
  let hi = 0;
  for (const t of tasks) {
    lo = Math.max(lo, t.mean);
    hi = Math.max(hi, t.mean + 9 * t.sigma);
  }
  if (probabilityAllDone(tasks, lo) >= q) return lo;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (probabilityAllDone(tasks, mid) >= q) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function waveEstimates(tasks: readonly TaskSpread[]): Estimates {
  return {
    p50Hours: roundHours(maxQuantile(tasks, 0.5)),
    p80Hours: roundHours(maxQuantile(tasks, 0.8)),
    p95Hours: roundHours(maxQuantile(tasks, 0.95)),
  };
}

export function totalEstimates(waves: readonly Estimates[]): Estimates {
  let mean = 0;
  let variance = 0;
  for (const w of waves) {
    mean += w.p50Hours;
    const sigma = (w.p95Hours - w.p50Hours) / z95;
    variance += sigma * sigma;
  }
  const sigma = Math.sqrt(variance);
  return { p50Hours: roundHours(mean), p80Hours: roundHours(mean + z80 * sigma), p95Hours: roundHours(mean + z95 * sigma) };
}
