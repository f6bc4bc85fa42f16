// Runner overhead: 1,000 `true` tasks in a layered DAG at concurrency 4, non-TTY.
// execplan run (state on / --no-state) vs `make -j4` on the same DAG vs a bare Node loop spawning the same
// processes (/bin/sh -c true, detached) with the same concurrency and the same dependencies.
// Usage: npm run build && node bench/runner-overhead.mjs [runs=5]
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layeredDag, median, writeWorkspace } from './runner-dag.mjs';

const runs = Number(process.argv[2] ?? 5);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'execplan.js');
const nodes = layeredDag(1000, 100);
const dir = writeWorkspace(nodes);

function time(fn) {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

async function bareLoop(stdio) {
  const t0 = performance.now();
  const remaining = new Map(nodes.map((n) => [n.id, n.deps.length]));
  const dependents = new Map(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const d of n.deps) dependents.get(d).push(n.id);
  const ready = nodes.filter((n) => n.deps.length === 0).map((n) => n.id);
  let running = 0;
  let done = 0;
  await new Promise((resolve) => {
    const pump = () => {
      while (running < 4 && ready.length) {
        const id = ready.shift();
        running++;
        const child = spawn('/bin/sh', ['-c', 'true'], { detached: true, stdio });
        child.on('close', () => {
          running--;
          done++;
          for (const d of dependents.get(id)) if (remaining.set(d, remaining.get(d) - 1).get(d) === 0) ready.push(d);
          if (done === nodes.length) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return (performance.now() - t0) / 1000;
}

const env = { ...process.env, CI: '1' };
const results = { bareIgnore: [], barePipe: [], make: [], execplanState: [], execplanNoState: [], nodeStartup: [] };
for (let i = 0; i < runs; i++) {
  results.bareIgnore.push(await bareLoop('ignore'));
  results.barePipe.push(await bareLoop(['ignore', 'pipe', 'pipe']));
  results.make.push(time(() => spawnSync('make', ['-s', '-j4', '-C', dir], { stdio: 'ignore' })));
  rmSync(path.join(dir, '.execplan'), { recursive: true, force: true });
  results.execplanState.push(time(() => spawnSync(process.execPath, [bin, 'run', '--concurrency', '4'], { cwd: dir, env, stdio: 'ignore' })));
  results.execplanNoState.push(time(() => spawnSync(process.execPath, [bin, 'run', '--concurrency', '4', '--no-state'], { cwd: dir, env, stdio: 'ignore' })));
  // What the CLI costs before it runs anything: start-up + parse + validate the 1,000-task plan.
  results.nodeStartup.push(time(() => spawnSync(process.execPath, [bin, 'validate'], { cwd: dir, env, stdio: 'ignore' })));
}
const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
console.log(
  `runs: ${runs}, tasks: ${nodes.length}, concurrency 4 (medians, seconds); load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(16)} ${v.toFixed(2)}  (${(v / m.bareIgnore).toFixed(2)}x bare loop)`);
console.log(
  `execplan run minus plan load (validate): ${(m.execplanState - m.nodeStartup).toFixed(2)} s = ${((m.execplanState - m.nodeStartup) / m.bareIgnore).toFixed(2)}x bare loop`,
);
console.log(`durability cost (state on / --no-state): ${(m.execplanState / m.execplanNoState).toFixed(2)}x`);
rmSync(dir, { recursive: true, force: true });
