// `execplan status` vs `execplan validate` on a generated 2,000-task plan with a run state (every task
// done, from a real run of `true` commands): status reads the plan, its file locks and the state, and
// must not pay for the schedule optimizer. Each command in a fresh process, alternated, median of RUNS.
// Usage: npm run build && node bench/status.mjs [tasks=2000] [runs=5]
// BASELINE_BIN=<another build's bin/execplan.js> adds its status, timed in the same loop (before/after).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';
import { median } from './runner-dag.mjs';

const n = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 5);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'execplan.js');
const dir = mkdtempSync(path.join(tmpdir(), 'execplan-bench-status-'));
const env = { ...process.env, CI: '1' };
// CPU time (user + system) of each child, written by the child itself at exit: on a shared machine it
// varies far less than wall time.
const cpuFile = path.join(dir, 'cpu.txt');
const preload = path.join(dir, 'cpu-at-exit.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)); });\n`,
);

try {
  // Every task gets a command, so a real run leaves a real journal of n tasks behind.
  writeFileSync(path.join(dir, 'plan.yaml'), layeredPlanYaml(n).replace(/acceptance: \[ok\] \}/g, 'acceptance: [ok], run: "true" }'));
  const run = spawnSync(process.execPath, [bin, 'run', '--concurrency', '8'], { cwd: dir, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`setup run failed (${run.status}): ${run.stdout.slice(-500)}${run.stderr.slice(-500)}`);

  const time = (args, program = bin) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--require', preload, program, ...args], { cwd: dir, env, encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
    return { wall, cpu: Number(readFileSync(cpuFile, 'utf8')) };
  };
  const commands = [
    ['execplan validate (reference)', ['validate']],
    ['execplan status', ['status']],
    ['execplan status --json', ['status', '--json']],
    // A control verb with no runner alive: loads the plan and the state, journals the request, exit 0.
    ['execplan resume (a control verb)', ['resume']],
  ];
  if (process.env.BASELINE_BIN) commands.push(['execplan status, baseline build', ['status'], process.env.BASELINE_BIN]);
  const results = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach(([, args, program], k) => results[k].push(time(args, program)));
  const med = (k, key) => median(results[k].map((r) => r[key]));
  console.log(`${n} tasks, median of ${runs}, each command in a fresh process, alternated (ms)`);
  console.log('| command | CPU median | CPU / validate | wall median | wall / validate | CPU runs |');
  console.log('|---|---|---|---|---|---|');
  commands.forEach(([name], k) => {
    const runsCpu = results[k].map((r) => Math.round(r.cpu)).join(', ');
    console.log(
      `| ${name} | ${Math.round(med(k, 'cpu'))} | ${(med(k, 'cpu') / med(0, 'cpu')).toFixed(2)} | ${Math.round(med(k, 'wall'))} | ${(med(k, 'wall') / med(0, 'wall')).toFixed(2)} | ${runsCpu} |`,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
