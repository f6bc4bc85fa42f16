// The floor of the runner's process layout: 1,000 `true` tasks, 4 at a time, driven through the spawn
// helpers (dist/runner/spawn-client.js, the runner's own) by a process that does nothing else (no plan, no
// state, no journal, no events), against the bare spawn loop of bench/runner.mjs. Whatever execplan run
// costs above the "via N helpers" rows is the runner's own work; the gap between those rows and the bare
// loop is the helper hop itself (IPC both ways, output pipes per task).
// Usage: npm run build && node bench/runner-floor.mjs [runs=5]
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './runner-dag.mjs';
import { timeNode } from './time-process.mjs';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');

if (process.argv[2] === '--drive') {
  const { SpawnHelper } = await import(path.join(root, 'dist/runner/spawn-client.js'));
  const helper = SpawnHelper.start(Number(process.argv[3]));
  const env = { ...process.env };
  let started = 0;
  let running = 0;
  let done = 0;
  await new Promise((resolve) => {
    const pump = () => {
      while (running < 4 && started < 1000) {
        started++;
        running++;
        // A task's own variables, as the runner sends them: the helper gets only the changes.
        const handle = helper.spawnTree('true', { cwd: tmpdir(), env: { ...env, EXECPLAN_TASK: `t${started}` }, graceMs: 0, onLine() {} });
        void handle.done.then(() => {
          running--;
          if (++done === 1000) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  helper.close();
} else {
  const runs = Number(process.argv[2] ?? 5);
  const measure = (args) => timeNode(args);
  const cases = {
    'reference: node, spawn `true` x1000, 4 at a time': () => measure([path.join(root, 'bench/runner.mjs'), '--bare', 'true']),
    'via 1 spawn helper': () => measure([self, '--drive', '1']),
    'via 2 spawn helpers': () => measure([self, '--drive', '2']),
  };
  const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const loadBefore = loadavg();
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(cases)) results[name].push(run());
  const m = Object.entries(results).map(([k, v]) => [k, median(v.map((x) => x.wall)), median(v.map((x) => x.cpu))]);
  const load = (l) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(`runs: ${runs} (medians); load average before ${load(loadBefore)}, after ${load(loadavg())}`);
  console.log('| case | wall s | CPU s | wall / reference | CPU / reference |');
  console.log('|---|---|---|---|---|');
  for (const [k, wall, cpu] of m) console.log(`| ${k} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${(wall / m[0][1]).toFixed(2)}x | ${(cpu / m[0][2]).toFixed(2)}x |`);
}
