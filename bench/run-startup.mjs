// The fixed cost of `execplan run`: a one-task plan (`run: "true"`), -j4, fresh state each run, non-TTY,
// against `node -e 0` (Node's own start) in the same loop. CPU is user + sys of the whole process tree
// from /usr/bin/time (10 ms resolution: use 20 runs or more); all cases interleaved; medians.
// Usage: npm run build && node bench/run-startup.mjs [runs=20]   (BEFORE=<other build>/bin/execplan.js adds that build's run)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './runner-dag.mjs';
import { timeNode } from './time-process.mjs';

const runs = Number(process.argv[2] ?? 20);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'execplan.js');
const dir = mkdtempSync(path.join(tmpdir(), 'execplan-bench-startup-'));
writeFileSync(
  path.join(dir, 'plan.yaml'),
  'version: 1\nname: one\ntitle: One\nsettings: { max_concurrency: 4 }\ntasks:\n  - { id: t1, title: Run t1, run: "true", estimate: 1, acceptance: [done] }\n',
);
const env = { ...process.env, CI: '1' };
const measure = (args) => {
  rmSync(path.join(dir, '.execplan'), { recursive: true, force: true });
  return timeNode(args, { cwd: dir, env });
};
const cases = {
  'reference: node -e 0': () => measure(['-e', '0']),
  'execplan run -j4, one task': () => measure([bin, 'run', '--concurrency', '4']),
};
if (process.env.BEFORE) cases['before: execplan run -j4, one task'] = () => measure([process.env.BEFORE, 'run', '--concurrency', '4']);
const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const before = loadavg();
for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(cases)) results[name].push(run());
const after = loadavg();
rmSync(dir, { recursive: true, force: true });
const ref = median(results['reference: node -e 0'].map((r) => r.cpu));
console.log(`runs: ${runs} (medians); load average before ${before.map((l) => l.toFixed(1)).join(' ')}, after ${after.map((l) => l.toFixed(1)).join(' ')}`);
console.log('| case | wall s | CPU s | CPU / reference |\n|---|---|---|---|');
for (const [name, list] of Object.entries(results)) {
  const cpu = median(list.map((r) => r.cpu));
  console.log(`| ${name} | ${median(list.map((r) => r.wall)).toFixed(3)} | ${cpu.toFixed(3)} | ${(cpu / ref).toFixed(2)}x |`);
}
