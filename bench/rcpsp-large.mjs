// Schedule quality on generated 60- and 120-job RCPSP instances (bench/gen-rcpsp.mjs: PSPLIB's generator
// parameters, seeded): % above the critical-path lower bound for the rolling frontier with its default
// budget, and for the compiler's single-pass baseline in the same run.
// Usage: npm run build && node bench/rcpsp-large.mjs [sets=60,120] [every=1: take every Nth instance]
//   DIST=/path/to/other/dist measures another build (e.g. main's) on the same instances.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSet } from './gen-rcpsp.mjs';
import { instanceToPlanYaml } from './psplib-convert.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.DIST ?? path.join(root, 'dist');
const { loadPlan } = await import(pathToFileURL(path.join(dist, 'compiler/load.js')).href);
const { compilePlan } = await import(pathToFileURL(path.join(dist, 'compiler/compile.js')).href);
const sets = (process.argv[2] ?? '60,120').split(',').map(Number);
const every = Number(process.argv[3] ?? 1);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x, d = 2) => x.toFixed(d);
console.log(`build: ${path.relative(process.cwd(), dist) || dist}`);
console.log(
  '| set | instances | frontier: avg % above CP bound | baseline (one parallel SGS pass, LFT): avg % above CP bound | frontier vs best lower bound (avg %) | avg % of the CP bound the best lower bound adds | schedules evaluated (median) | compile ms wall (median / max) | compile ms CPU (median / max) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const jobs of sets) {
  const rows = [];
  for (const { name, instance } of generateSet(jobs).filter((_, k) => k % every === 0)) {
    const loaded = loadPlan(`${name}.yaml`, instanceToPlanYaml(instance, name));
    if (!loaded.model) throw new Error(`${name}: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const fr = compilePlan(loaded.model).frontier;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    const cp = fr.lowerBound.criticalPathHours;
    if (Math.abs(cp - instance.criticalPath) > 1e-9) throw new Error(`${name}: critical path ${cp}, generator says ${instance.criticalPath}`);
    rows.push({
      name,
      cp,
      lb: fr.lowerBound.hours,
      frontier: fr.makespanHours,
      baseline: fr.optimizer.baselineMakespanHours,
      evaluated: fr.optimizer.schedulesEvaluated,
      ms,
      cpuMs,
    });
  }
  const above = (key, bound = 'cp') => rows.map((r) => (100 * (r[key] - r[bound])) / r[bound]);
  console.log(
    `| J${jobs} (generated) | ${rows.length} | ${f(mean(above('frontier')))} | ${f(mean(above('baseline')))} | ${f(mean(above('frontier', 'lb')))} | ${f(mean(above('lb')))} | ${median(rows.map((r) => r.evaluated))} | ${f(median(rows.map((r) => r.ms)), 0)} / ${f(Math.max(...rows.map((r) => r.ms)), 0)} | ${f(median(rows.map((r) => r.cpuMs)), 0)} / ${f(Math.max(...rows.map((r) => r.cpuMs)), 0)} |`,
  );
  if (process.env.RCPSP_ROWS) for (const r of rows) console.log(JSON.stringify(r));
}
