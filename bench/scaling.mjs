// Compile scaling: node bench/scaling.mjs [sizes...] (build first). Each measurement runs in a fresh child
// process (so peak RSS is its own); medians of 3 runs. Reference in the same run: parsing the YAML alone.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { layeredPlanYaml } from './gen-layered.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const [, , , mode, n] = process.argv;
  const text = layeredPlanYaml(Number(n));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let result = {};
  if (mode === 'parse') {
    parse(text);
  } else {
    const { loadPlan } = await import('../dist/compiler/load.js');
    const { compilePlan } = await import('../dist/compiler/compile.js');
    const loaded = loadPlan('plan.yaml', text).value;
    const t1 = performance.now();
    const cpu1 = process.cpuUsage(cpu0);
    const compiled = compilePlan(loaded.model);
    const t2 = performance.now();
    const cpu2 = process.cpuUsage(cpu0);
    result = {
      loadMs: t1 - t0,
      compileMs: t2 - t1,
      loadCpuMs: (cpu1.user + cpu1.system) / 1000,
      compileCpuMs: (cpu2.user + cpu2.system - cpu1.user - cpu1.system) / 1000,
      edges: compiled.graph.metrics.edges,
      conflicts: compiled.conflicts.groups.length,
      waves: compiled.waves.makespanHours,
      frontier: compiled.frontier.makespanHours,
      lb: compiled.frontier.lowerBound.hours,
      evaluated: compiled.frontier.optimizer.schedulesEvaluated,
    };
  }
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ ...result, totalMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const sizes = process.argv.slice(2).map(Number);
const runs = Number(process.env.RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const run = (mode, n) => JSON.parse(execFileSync(process.execPath, [self, '--child', mode, String(n)], { encoding: 'utf8' }));
console.log('CPU time (user + system) of the process, median of ' + runs + ' runs; wall time in brackets.');
console.log('');
console.log(
  '| tasks | edges | file conflicts | YAML parse only (ms) | loadPlan (ms) | compilePlan (ms) | compilePlan / parse | load + compile / parse | peak RSS compile (MB) | peak RSS parse only (MB) | schedules | waves h | frontier h | lower bound h |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const n of sizes.length ? sizes : [1000, 10000, 50000]) {
  const parses = [];
  const compiles = [];
  for (let k = 0; k < runs; k++) {
    parses.push(run('parse', n));
    compiles.push(run('compile', n));
  }
  const p = median(parses.map((x) => x.cpuMs));
  const pWall = median(parses.map((x) => x.totalMs));
  const c = compiles[0];
  const load = median(compiles.map((x) => x.loadCpuMs));
  const comp = median(compiles.map((x) => x.compileCpuMs));
  const total = median(compiles.map((x) => x.cpuMs));
  const w = (key) => median(compiles.map((x) => x[key])).toFixed(0);
  console.log(
    `| ${n} | ${c.edges} | ${c.conflicts} | ${p.toFixed(0)} [${pWall.toFixed(0)}] | ${load.toFixed(0)} [${w('loadMs')}] | ${comp.toFixed(0)} [${w('compileMs')}] | ${(comp / p).toFixed(2)} | ${(total / p).toFixed(2)} | ${median(compiles.map((x) => x.maxRssMb)).toFixed(0)} | ${median(parses.map((x) => x.maxRssMb)).toFixed(0)} | ${c.evaluated} | ${c.waves} | ${c.frontier} | ${c.lb} |`,
  );
}
