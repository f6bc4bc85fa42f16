// Schedule quality on PSPLIB J30: node bench/psplib.mjs [limit] (build first: npm run build).
// Reads ../shared/bench-data/psplib relative to the repo root; prints a Markdown summary.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlan } from '../dist/compiler/load.js';
import { compilePlan } from '../dist/compiler/compile.js';
import { psplibDataDir, smToPlanYaml } from './psplib-convert.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = psplibDataDir(root);
const set = process.env.PSPLIB_SET ?? 'j30';
const limit = Number(process.argv[2] ?? Infinity);
const optimum = new Map(
  readFileSync(path.join(dataDir, `${set}-optimum.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [file, value] = l.split(',');
      return [file, Number(value)];
    }),
);
const files = readdirSync(path.join(dataDir, set))
  .filter((f) => f.endsWith('.sm'))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  .slice(0, limit);

const rows = [];
for (const file of files) {
  const text = smToPlanYaml(readFileSync(path.join(dataDir, set, file), 'utf8'), file.replace(/\.sm$/, '').replace(/[^a-z0-9]+/g, '-'));
  const t0 = process.hrtime.bigint();
  const result = loadPlan(file, text);
  if (!result.ok) throw new Error(`${file}: ${result.error.diagnostics.map((d) => d.message).join('; ')}`);
  const loaded = result.value;
  const t1 = process.hrtime.bigint();
  const compiled = compilePlan(loaded.model);
  const t2 = process.hrtime.bigint();
  const opt = optimum.get(file);
  rows.push({
    file,
    opt,
    frontier: compiled.frontier.makespanHours,
    baseline: compiled.frontier.optimizer.baselineMakespanHours,
    waves: compiled.waves.makespanHours,
    lb: compiled.frontier.lowerBound.hours,
    loadMs: Number(t1 - t0) / 1e6,
    compileMs: Number(t2 - t1) / 1e6,
    evaluated: compiled.frontier.optimizer.schedulesEvaluated,
  });
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const dev = (key) => rows.map((r) => (100 * (r[key] - r.opt)) / r.opt);
const pct = (xs) => (xs.filter((x) => x < 1e-9).length / xs.length) * 100;
const f = (x, d = 2) => x.toFixed(d);
const frontierDev = dev('frontier');
const baselineDev = dev('baseline');
console.log(`PSPLIB ${set.toUpperCase()}, ${rows.length} instances`);
console.log('');
console.log('| schedule | avg % above optimum | max % | % optimal |');
console.log('|---|---|---|---|');
console.log(`| rolling frontier (GA + justification) | ${f(mean(frontierDev))} | ${f(Math.max(...frontierDev))} | ${f(pct(frontierDev), 1)} |`);
console.log(`| baseline: one parallel SGS pass, LFT priority | ${f(mean(baselineDev))} | ${f(Math.max(...baselineDev))} | ${f(pct(baselineDev), 1)} |`);
const waveDev = dev('waves');
console.log(`| wave schedule (Kahn layering, waves as barriers) | ${f(mean(waveDev))} | ${f(Math.max(...waveDev))} | ${f(pct(waveDev), 1)} |`);
console.log('');
console.log(
  `compilePlan per instance: median ${f(median(rows.map((r) => r.compileMs)))} ms, max ${f(Math.max(...rows.map((r) => r.compileMs)))} ms; loadPlan median ${f(median(rows.map((r) => r.loadMs)))} ms`,
);
console.log(`schedules evaluated per instance: median ${median(rows.map((r) => r.evaluated))} (stops early at the lower bound)`);
console.log(
  `frontier makespan / wave makespan: mean ${f(mean(rows.map((r) => r.frontier / r.waves)), 3)} (frontier ${f(100 * (1 - mean(rows.map((r) => r.frontier / r.waves))), 1)} % shorter)`,
);
if (process.env.PSPLIB_WORST) {
  for (const r of [...rows].sort((a, b) => (b.frontier - b.opt) / b.opt - (a.frontier - a.opt) / a.opt).slice(0, 10)) console.log(r);
}
