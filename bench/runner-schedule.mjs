// Realized schedule: a plan of `sleep` tasks (sleep = estimate x scale) with deps, a capacity-1 resource
// and a concurrency limit. Measured wall time of `execplan run` (minus the CLI's start-up, measured as
// `execplan validate` on the same plan) vs the compiled rolling-frontier makespan_hours x scale.
// Usage: npm run build && node bench/runner-schedule.mjs [runs=3] [secondsPerHour=0.25]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './runner-dag.mjs';

const runs = Number(process.argv[2] ?? 3);
const scale = Number(process.argv[3] ?? 0.25);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'execplan.js');
const { loadPlan } = await import(path.join(root, 'dist/compiler/load.js'));
const { compilePlan } = await import(path.join(root, 'dist/compiler/compile.js'));

// id, hours, needs, uses the db
const tasks = [
  ['schema', 2, [], true],
  ['seed', 1, ['schema'], true],
  ['api-users', 3, ['schema'], false],
  ['api-orders', 4, ['schema'], false],
  ['migrate-a', 2, [], true],
  ['migrate-b', 1, ['migrate-a'], true],
  ['ui-shell', 3, [], false],
  ['ui-users', 2, ['ui-shell', 'api-users'], false],
  ['ui-orders', 2, ['ui-shell', 'api-orders'], false],
  ['reports', 3, ['seed', 'migrate-b'], true],
  ['docs', 1, [], false],
  ['e2e', 2, ['ui-users', 'ui-orders', 'reports'], false],
];
const yaml = ['version: 1', 'name: sched', 'title: Sched', 'settings: { max_concurrency: 3 }', 'resources:', '  db: { capacity: 1 }', 'tasks:'];
for (const [id, hours, needs, db] of tasks) {
  yaml.push(
    `  - { id: ${id}, title: Run ${id}, estimate: ${hours}, run: "sleep ${(hours * scale).toFixed(3)}", acceptance: [ok]${needs.length ? `, needs: [${needs.join(', ')}]` : ''}${db ? ', resources: { db: 1 }' : ''} }`,
  );
}
const dir = mkdtempSync(path.join(tmpdir(), 'execplan-sched-'));
writeFileSync(path.join(dir, 'plan.yaml'), `${yaml.join('\n')}\n`);
const model = loadPlan('plan.yaml', readFileSync(path.join(dir, 'plan.yaml'), 'utf8')).value.model;
const makespan = compilePlan(model).frontier.makespanHours;
const env = { ...process.env, CI: '1' };
const time = (args) => {
  const t0 = performance.now();
  spawnSync(process.execPath, [bin, ...args], { cwd: dir, env, stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
};
const walls = [];
const startups = [];
for (let i = 0; i < runs; i++) {
  walls.push(time(['run', '--concurrency', '3', '--fresh']));
  startups.push(time(['validate']));
}
const wall = median(walls) - median(startups);
const promised = makespan * scale;
console.log(`${tasks.length} sleep tasks, concurrency 3, db capacity 1, ${scale} s per estimated hour, ${runs} runs (medians)`);
console.log(
  `compiled makespan ${makespan} h = ${promised.toFixed(2)} s; realized ${wall.toFixed(2)} s (run ${median(walls).toFixed(2)} s - start-up ${median(startups).toFixed(2)} s) = ${(wall / promised).toFixed(2)}x`,
);
rmSync(dir, { recursive: true, force: true });
