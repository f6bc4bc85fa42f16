// File-conflict scaling: node bench/conflicts.mjs [sizes...] (build first; DIST=path picks another build).
// Plans where every task shares broad globs, the case pairwise conflicts explode on. Two shapes:
//   all-src: every task declares `src/**` (every pair of tasks conflicts);
//   mixed:   each task declares one of four areas (`src/**`, `src/api/**`, `src/ui/**`, `docs/**`) and
//            its own file, and half of them name a shared file in the description.
// Each measurement runs in a fresh child process (its own peak RSS); medians of RUNS runs (default 3).
// Reference in the same run: parsing the same YAML alone.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';

const self = fileURLToPath(import.meta.url);
const dist = path.resolve(process.env.DIST ?? path.join(path.dirname(self), '..', 'dist'));

export function conflictPlanYaml(n, shape) {
  const areas = ['src/**', 'src/api/**', 'src/ui/**', 'docs/**'];
  const lines = ['version: 1', `name: conflicts-${shape}-${n}`, 'settings: { max_concurrency: 16, max_wave_size: 30 }', 'tasks:'];
  for (let i = 0; i < n; i++) {
    const needs = i >= 50 && i % 3 === 0 ? `, needs: [t${i - 50}]` : '';
    if (shape === 'all-src') lines.push(`  - { id: t${i}, title: Change part ${i}, estimate: ${1 + (i % 4)}, files: ["src/**"]${needs} }`);
    else {
      const area = areas[i % 4];
      const own = `src/m${i % 97}/f${i}.ts`;
      const text = i % 2 === 0 ? `, description: "Also touches src/shared/config.ts"` : '';
      lines.push(`  - { id: t${i}, title: Change part ${i}, estimate: ${1 + (i % 4)}, files: ["${area}", "${own}"]${text}${needs} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[2] === '--child') {
  const [, , , mode, n, shape] = process.argv;
  const text = conflictPlanYaml(Number(n), shape);
  const cpu0 = process.cpuUsage();
  let result = {};
  if (mode === 'parse') parse(text);
  else {
    const { loadPlan } = await import(pathToFileURL(path.join(dist, 'compiler/load.js')).href);
    const { compilePlan } = await import(pathToFileURL(path.join(dist, 'compiler/compile.js')).href);
    const { renderScheduleArtifacts: renderArtifacts } = await import(pathToFileURL(path.join(dist, 'compiler/artifacts/index.js')).href);
    const loaded = loadPlan('plan.yaml', text).value;
    const c0 = process.cpuUsage();
    const compiled = compilePlan(loaded.model);
    const c1 = process.cpuUsage(c0);
    const out = renderArtifacts(compiled);
    const c2 = process.cpuUsage(c0);
    const groups = Array.isArray(compiled.conflicts) ? compiled.conflicts.length : compiled.conflicts.groups.length;
    result = {
      compileCpuMs: (c1.user + c1.system) / 1000,
      renderCpuMs: (c2.user + c2.system - c1.user - c1.system) / 1000,
      dagMb: Buffer.byteLength(out['dag.json']) / 1e6,
      conflicts: groups,
      frontier: compiled.frontier.makespanHours,
      lb: compiled.frontier.lowerBound.hours,
    };
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ ...result, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

if (process.argv[1] !== self) {
  // Imported for conflictPlanYaml: nothing to run.
} else {
  const sizes = process.argv.slice(2).map(Number);
  const shapes = (process.env.SHAPES ?? 'all-src,mixed').split(',');
  const runs = Number(process.env.RUNS ?? 3);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const run = (mode, n, shape) =>
    JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=8192', self, '--child', mode, String(n), shape], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  console.log(`build: ${path.relative(process.cwd(), dist) || '.'}; CPU ms (user + system), median of ${runs} runs`);
  console.log('');
  console.log(
    '| shape | tasks | conflict entries | YAML parse (ms) | compilePlan (ms) | compile / parse | render dag+waves (ms) | dag.json (MB) | peak RSS (MB) | frontier h | lower bound h |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const shape of shapes) {
    for (const n of sizes.length ? sizes : [2000, 10000]) {
      const parses = [];
      const compiles = [];
      for (let k = 0; k < runs; k++) {
        parses.push(run('parse', n, shape));
        compiles.push(run('compile', n, shape));
      }
      const p = median(parses.map((x) => x.cpuMs));
      const m = (key) => median(compiles.map((x) => x[key]));
      const c = compiles[0];
      console.log(
        `| ${shape} | ${n} | ${c.conflicts} | ${p.toFixed(0)} | ${m('compileCpuMs').toFixed(0)} | ${(m('compileCpuMs') / p).toFixed(2)} | ${m('renderCpuMs').toFixed(0)} | ${m('dagMb').toFixed(2)} | ${m('maxRssMb').toFixed(0)} | ${c.frontier} | ${c.lb} |`,
      );
    }
  }
}
