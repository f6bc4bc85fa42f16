// The runner end to end against a bare spawn loop: `execplan run --concurrency 4` of 1,000 no-op tasks
// (layered DAG, 10 layers x 100, two dependencies each, every task `run: "true"`, non-TTY, state on),
// start-up included, vs a plain Node script that spawns `true` 1,000 times, 4 at a time (this file with
// --bare). Each case runs in a fresh process under /usr/bin/time, all cases interleaved; medians.
// Usage: npm run build && node bench/runner.mjs [runs=5]   (BEFORE=<other build>/bin/execplan.js adds that build's run)
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layeredDag, median, writeWorkspace } from './runner-dag.mjs';
import { timeNode } from './time-process.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--bare') {
  // The reference: what any runner must do at the least (start Node, spawn 1,000 processes, 4 at a time).
  const [file, ...args] = (process.argv[3] ?? 'true').split(' ');
  let started = 0;
  let running = 0;
  const pump = () => {
    while (running < 4 && started < 1000) {
      started++;
      running++;
      spawn(file, args, { stdio: 'ignore' }).on('close', () => {
        running--;
        pump();
      });
    }
  };
  pump();
} else {
  const runs = Number(process.argv[2] ?? 5);
  const bin = path.resolve(path.dirname(self), '..', 'bin', 'execplan.js');
  const dir = writeWorkspace(layeredDag(1000, 100));
  const env = { ...process.env, CI: '1' };
  const measure = (args, options = {}) => timeNode(args, { env, ...options });
  // Each run with state starts without one. The last run's state (2,000+ files and folders) is moved aside
  // and deleted at the end, not deleted right before the next run: ext4 skips recently freed inodes when
  // it allocates new ones, so a delete just before made every file the next run creates cost more (about
  // 0.3 s of the runner's CPU and 1 s of wall at load 6; bench/RESULTS.md, runner4).
  const trash = mkdtempSync(path.join(tmpdir(), 'execplan-bench-trash-'));
  let moved = 0;
  const fresh = () => {
    try {
      renameSync(path.join(dir, '.execplan'), path.join(trash, String(moved++)));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  };
  const cases = {
    'reference: node, spawn `true` x1000, 4 at a time': () => measure([self, '--bare', 'true']),
    'node, spawn `/bin/sh -c true` x1000, 4 at a time': () => measure([self, '--bare', '/bin/sh -c true']),
    'execplan run -j4 (state, journal, logs)': () => (fresh(), measure([bin, 'run', '--concurrency', '4'], { cwd: dir })),
    'execplan run -j4 --no-state': () => measure([bin, 'run', '--concurrency', '4', '--no-state'], { cwd: dir }),
    'execplan validate (start-up + plan load)': () => measure([bin, 'validate'], { cwd: dir }),
  };
  // BEFORE=<another build>/bin/execplan.js: that build's run too, in the same loop.
  if (process.env.BEFORE) cases['before: execplan run -j4 (state, journal, logs)'] = () => (fresh(), measure([process.env.BEFORE, 'run', '--concurrency', '4'], { cwd: dir }));
  const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const loadBefore = loadavg();
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(cases)) results[name].push(run());
  const m = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [k, { wall: median(v.map((x) => x.wall)), cpu: median(v.map((x) => x.cpu)), rss: median(v.map((x) => x.rss)) }]),
  );
  const ref = Object.values(m)[0];
  const load = (l) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(`runs: ${runs} (medians), 1,000 tasks, concurrency 4; load average before ${load(loadBefore)}, after ${load(loadavg())}`);
  console.log('| case | wall s | CPU s | peak RSS MB | wall / reference | CPU / reference |');
  console.log('|---|---|---|---|---|---|');
  for (const [k, v] of Object.entries(m))
    console.log(`| ${k} | ${v.wall.toFixed(2)} | ${v.cpu.toFixed(2)} | ${v.rss.toFixed(0)} | ${(v.wall / ref.wall).toFixed(2)}x | ${(v.cpu / ref.cpu).toFixed(2)}x |`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(trash, { recursive: true, force: true });
}
