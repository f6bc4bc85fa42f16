// Is bench/gen-rcpsp.mjs's generator as hard as PSPLIB's? The real J30 set (480 instances, proven optima)
// against 480 generated with J30's own parameters (NC 1.5 / 1.8 / 2.1, RF 0.25-1, RS 0.2 / 0.5 / 0.7 / 1, ten
// per cell), the same build, the same statistics: how far the frontier, the single parallel pass and the best
// lower bound sit above the critical path, and the instances' shape. If the generated set were harder than
// PSPLIB's, the gap between the 120-job figures and the J120 literature would say little about the search.
// Usage: npm run build && node bench/rcpsp-calibrate.mjs      (DIST=<other build>/dist for another build)
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSet } from './gen-rcpsp.mjs';
import { instanceToPlanYaml, parseSm, psplibDataDir } from './psplib-convert.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.DIST ?? path.join(root, 'dist');
const { loadPlan } = await import(pathToFileURL(path.join(dist, 'compiler/load.js')).href);
const { compilePlan } = await import(pathToFileURL(path.join(dist, 'compiler/compile.js')).href);
const dataDir = psplibDataDir(root);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const above = (rows, key) => mean(rows.map((r) => (100 * (r[key] - r.cp)) / r.cp)).toFixed(2);

function measure(items) {
  return items.map(({ name, instance }) => {
    const fr = compilePlan(loadPlan(`${name}.yaml`, instanceToPlanYaml(instance, name)).value.model).frontier;
    const real = instance.requests.slice(1, -1);
    return {
      cp: fr.lowerBound.criticalPathHours,
      frontier: fr.makespanHours,
      baseline: fr.optimizer.baselineMakespanHours,
      lb: fr.lowerBound.hours,
      arcsPerNode: instance.successors.reduce((s, x) => s + x.length, 0) / instance.jobs,
      resourcesPerJob: mean(real.map((r) => r.filter((x) => x > 0).length)),
      optimum: instance.optimum,
    };
  });
}

const optimum = new Map(
  readFileSync(path.join(dataDir, 'j30-optimum.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map(([file, value]) => [file, Number(value)]),
);
const files = readdirSync(path.join(dataDir, 'j30')).filter((f) => f.endsWith('.sm'));
const real = measure(
  files.map((f) => ({
    name: f.replace(/\.sm$/, '').replace(/[^a-z0-9]+/g, '-'),
    instance: { ...parseSm(readFileSync(path.join(dataDir, 'j30', f), 'utf8')), optimum: optimum.get(f) },
  })),
);
const generated = measure(generateSet(30, [0.2, 0.5, 0.7, 1.0], 10, { prefix: 'j30g', seedBase: 777_000 }));

console.log('| set | instances | frontier: avg % above CP | one parallel pass (LFT) | best lower bound | optimum | mean CP | arcs per node | resources per job |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [label, rows] of [
  ['PSPLIB J30', real],
  ['generated, J30 parameters', generated],
]) {
  const opt = rows[0].optimum === undefined ? '-' : above(rows, 'optimum');
  console.log(
    `| ${label} | ${rows.length} | ${above(rows, 'frontier')} | ${above(rows, 'baseline')} | ${above(rows, 'lb')} | ${opt} | ${mean(rows.map((r) => r.cp)).toFixed(1)} | ${mean(rows.map((r) => r.arcsPerNode)).toFixed(2)} | ${mean(rows.map((r) => r.resourcesPerJob)).toFixed(2)} |`,
  );
}
