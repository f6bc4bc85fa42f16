// Schedule quality on generated 60- and 120-job RCPSP instances (bench/gen-rcpsp.mjs: PSPLIB's generator,
// seeded): % above the critical-path lower bound for the rolling frontier, and for the compiler's
// single-pass baseline in the same run.
// Usage: npm run build && node bench/rcpsp-large.mjs [sets=60,120,120p] [every=1: take every Nth instance]
//   sets: 60 / 120 = one instance per cell, RS 0.1-0.7 (the set measured since the start);
//         60p / 120p = PSPLIB's J120 parameters (RS 0.1-0.5), PER_CELL instances per cell (2); PSPLIB's own J60
//         uses J30's RS 0.2 / 0.5 / 0.7 / 1, so 60p is harder than J60 (bench/rcpsp-calibrate.mjs checks the generator).
//   REPEATS=<r> runs each instance on r random streams (see planText); unset = 1, the stream measured so far.
//   SEED=<n> generates a fresh 60p / 120p set (same parameters, other seeds; unset = the set measured so far).
//   SCHEDULES=5000 sets optimize_iterations (the literature's yardstick); unset = the default budget.
//   DIST=/path/to/other/dist measures another build (e.g. main's) on the same instances.
//   RCPSP_ROWS=1 prints one JSON line per instance.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSet, psplibSet } from './gen-rcpsp.mjs';
import { instanceToPlanYaml } from './psplib-convert.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.DIST ?? path.join(root, 'dist');
const { loadPlan } = await import(pathToFileURL(path.join(dist, 'compiler/load.js')).href);
const { compilePlan } = await import(pathToFileURL(path.join(dist, 'compiler/compile.js')).href);
const sets = (process.argv[2] ?? '60,120,120p').split(',');
const every = Number(process.argv[3] ?? 1);
const perCell = Number(process.env.PER_CELL ?? 2);
const schedules = process.env.SCHEDULES ? Number(process.env.SCHEDULES) : null;
// SEED=<n>: a fresh `60p` / `120p` set of the same parameters (instances seeded from n instead of the default).
// REPEATS=<r>: each instance r times on r random streams (the averages are over all of them): a changed
// stream alone moves the average of 60 instances by up to ~0.3 points, more than most search changes.
const repeats = Number(process.env.REPEATS ?? 1);
const seedBase = process.env.SEED ? (jobs) => jobs * 1000 + Number(process.env.SEED) : undefined;

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x, d = 2) => x.toFixed(d);
/**
 * The plan text of an instance, with the budget fixed when SCHEDULES is set. Repeat `r` > 0 raises the
 * concurrency limit by r: it is far above the job count, so it never binds and the problem is the same, but
 * it is part of the optimizer's seed, so each repeat runs the search on another random stream.
 */
const planText = (instance, name, r = 0) => {
  let text = instanceToPlanYaml(instance, name);
  if (r > 0) text = text.replace(/max_concurrency: (\d+)/, (_, n) => `max_concurrency: ${Number(n) + r}`);
  return schedules === null ? text : text.replace('settings: { ', `settings: { optimize_iterations: ${schedules}, `);
};
console.log(
  `build: ${path.relative(process.cwd(), dist) || dist}; budget: ${schedules ?? 'default'}; load average: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(
  '| set | instances | frontier: avg % above CP bound | baseline (one parallel SGS pass, LFT): avg % above CP bound | frontier vs best lower bound (avg %) | avg % of the CP bound the best lower bound adds | schedules evaluated (median) | compile ms wall (median / max) | compile ms CPU (median / max) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const set of sets) {
  const jobs = Number.parseInt(set, 10);
  const entries = set.endsWith('p') ? psplibSet(jobs, perCell, seedBase?.(jobs)) : generateSet(jobs);
  const label = set.endsWith('p')
    ? `J${jobs} (PSPLIB parameters, RS 0.1-0.5, ${perCell} per cell${process.env.SEED ? `, seed ${process.env.SEED}` : ''}${repeats > 1 ? `, ${repeats} streams each` : ''})`
    : `J${jobs} (generated, RS 0.1-0.7)`;
  const rows = [];
  for (const [{ name, rs, instance }, repeat] of entries.filter((_, k) => k % every === 0).flatMap((e) => Array.from({ length: repeats }, (_, r) => [e, r]))) {
    const loaded = loadPlan(`${name}.yaml`, planText(instance, name, repeat));
    if (!loaded.ok) throw new Error(`${name}: ${loaded.error.diagnostics.map((d) => d.message).join('; ')}`);
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const fr = compilePlan(loaded.value.model).frontier;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    const cp = fr.lowerBound.criticalPathHours;
    if (Math.abs(cp - instance.criticalPath) > 1e-9) throw new Error(`${name}: critical path ${cp}, generator says ${instance.criticalPath}`);
    rows.push({
      name,
      ...(repeats > 1 ? { repeat } : {}),
      rs,
      cp,
      lb: fr.lowerBound.hours,
      frontier: fr.makespanHours,
      baseline: fr.optimizer.baselineMakespanHours,
      evaluated: fr.optimizer.schedulesEvaluated,
      ms,
      cpuMs,
    });
    if (process.env.RCPSP_ROWS) console.log(JSON.stringify(rows.at(-1)));
  }
  const above = (key, bound = 'cp') => rows.map((r) => (100 * (r[key] - r[bound])) / r[bound]);
  console.log(
    `| ${label} | ${rows.length} | ${f(mean(above('frontier')))} | ${f(mean(above('baseline')))} | ${f(mean(above('frontier', 'lb')))} | ${f(mean(above('lb')))} | ${median(rows.map((r) => r.evaluated))} | ${f(median(rows.map((r) => r.ms)), 0)} / ${f(Math.max(...rows.map((r) => r.ms)), 0)} | ${f(median(rows.map((r) => r.cpuMs)), 0)} / ${f(Math.max(...rows.map((r) => r.cpuMs)), 0)} |`,
  );
}
