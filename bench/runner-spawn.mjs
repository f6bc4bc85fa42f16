// Per-spawn cost of execa 9.6.1 vs node:child_process.spawn (the runner's choice), 4 at a time,
// /bin/sh -c true, detached, output piped. Usage: node bench/runner-spawn.mjs [spawns=500] [runs=5]
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { median } from './runner-dag.mjs';

const spawns = Number(process.argv[2] ?? 500);
const runs = Number(process.argv[3] ?? 5);

async function pool(start) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < spawns) {
      next++;
      await start();
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return (performance.now() - t0) / spawns;
}

const viaSpawn = () => new Promise((resolve) => spawn('/bin/sh', ['-c', 'true'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }).on('close', resolve));
const viaExeca = () => execa('/bin/sh', ['-c', 'true'], { detached: true, reject: false });

const result = { spawn: [], execa: [] };
for (let i = 0; i < runs; i++) {
  result.spawn.push(await pool(viaSpawn));
  result.execa.push(await pool(viaExeca));
}
const s = median(result.spawn);
const e = median(result.execa);
console.log(`${spawns} spawns x ${runs} runs, concurrency 4, median wall time per spawn: child_process ${s.toFixed(2)} ms, execa ${e.toFixed(2)} ms (${(e / s).toFixed(2)}x)`);
