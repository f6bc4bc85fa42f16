// Why the runner trails a bare spawn loop: Node's spawn forks the whole parent, so its cost grows with the
// parent's size. The same 4-at-a-time loop of `/bin/sh -c true` (detached, piped) in a bare process and in
// a process that loaded and compiled the 1,000-task bench plan, as execplan run does.
// Usage: npm run build && node bench/runner-forksize.mjs [spawns=600] [runs=3]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layeredDag, median, writeWorkspace } from './runner-dag.mjs';

const [, , mode, spawnsArg, runsArg] = process.argv;
const spawns = Number((mode === 'light' || mode === 'heavy' ? spawnsArg : mode) ?? 600);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function loop(n) {
  const t0 = performance.now();
  let started = 0;
  await new Promise((resolve) => {
    let running = 0;
    const pump = () => {
      while (running < 4 && started < n) {
        started++;
        running++;
        spawn('/bin/sh', ['-c', 'true'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }).on('close', () => {
          running--;
          if (started >= n && running === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return (performance.now() - t0) / n;
}

if (mode === 'light' || mode === 'heavy') {
  let keep = null;
  if (mode === 'heavy') {
    const { loadPlan } = await import(path.join(root, 'dist/compiler/load.js'));
    const { compilePlan } = await import(path.join(root, 'dist/compiler/compile.js'));
    const r = loadPlan('plan.yaml', readFileSync(process.env.BENCH_PLAN, 'utf8')).value;
    keep = [r, compilePlan(r.model)];
  }
  const ms = await loop(spawns);
  console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1048576, kept: Boolean(keep) }));
} else {
  const runs = Number(runsArg ?? 3);
  const dir = writeWorkspace(layeredDag(1000, 100));
  const env = { ...process.env, BENCH_PLAN: path.join(dir, 'plan.yaml') };
  const me = fileURLToPath(import.meta.url);
  const res = { light: [], heavy: [] };
  let rss = { light: 0, heavy: 0 };
  for (let i = 0; i < runs; i++) {
    for (const m of ['light', 'heavy']) {
      const out = JSON.parse(spawnSync(process.execPath, [me, m, String(spawns)], { env, encoding: 'utf8' }).stdout);
      res[m].push(out.ms);
      rss[m] = out.rssMb;
    }
  }
  const l = median(res.light);
  const h = median(res.heavy);
  console.log(
    `${spawns} spawns x ${runs} runs: bare process (${rss.light.toFixed(0)} MB RSS) ${l.toFixed(2)} ms/spawn; after loading+compiling the 1,000-task plan (${rss.heavy.toFixed(0)} MB RSS) ${h.toFixed(2)} ms/spawn = ${(h / l).toFixed(2)}x`,
  );
  rmSync(dir, { recursive: true, force: true });
}
