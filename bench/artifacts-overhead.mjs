// What the full artifact contract (schedule risk, simulation, resource costs, quality metrics) adds to
// `execplan compile`: a generated plan compiled by a reference build (e.g. main's) and by this one,
// alternating, in the same run; medians of N runs of CPU seconds (user + sys) and wall seconds.
// Usage: npm run build && node bench/artifacts-overhead.mjs REFERENCE_CHECKOUT [tasks=1000] [runs=5]
// (REFERENCE_CHECKOUT: a built checkout, e.g. `git archive main | tar -x -C /tmp/ref`, then tsc there.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [reference, tasksArg, runsArg] = process.argv.slice(2);
if (!reference) {
  console.error('usage: node bench/artifacts-overhead.mjs REFERENCE_CHECKOUT [tasks=1000] [runs=5]');
  process.exit(1);
}
const tasks = Number(tasksArg ?? 1000);
const runs = Number(runsArg ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(bin, plan, out) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, bin, 'compile', plan, '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr}`);
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + sys };
}

const work = mkdtempSync(path.join(tmpdir(), 'execplan-bench-artifacts-'));
try {
  const plan = path.join(work, 'plan.yaml');
  writeFileSync(plan, layeredPlanYaml(tasks, 1));
  const builds = [
    ['reference', path.resolve(reference, 'bin', 'execplan.js')],
    ['this build', path.join(root, 'bin', 'execplan.js')],
  ];
  const results = new Map(builds.map(([name]) => [name, []]));
  for (let k = 0; k < runs; k++) {
    for (const [name, bin] of builds) results.get(name).push(measure(bin, plan, path.join(work, `out-${name.replace(/\W/g, '')}`)));
  }
  const rows = builds.map(([name]) => ({ name, cpu: median(results.get(name).map((m) => m.cpu)), wall: median(results.get(name).map((m) => m.wall)) }));
  const [ref, mine] = rows;
  console.log(`execplan compile of a ${tasks}-task layered plan, medians of ${runs} runs (alternating builds)`);
  console.log('| build | CPU s | wall s |');
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.cpu.toFixed(2)} | ${r.wall.toFixed(2)} |`);
  console.log(`ratio (this / reference): CPU ${(mine.cpu / ref.cpu).toFixed(3)}, wall ${(mine.wall / ref.wall).toFixed(3)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
