// One Node process timed by /usr/bin/time, for the benches that compare whole processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let timeFile = null;

/** Wall s, CPU s (user + sys, the whole tree) and peak RSS (MB) of `node ...args`; throws unless it exits 0. */
export function timeNode(args, options = {}) {
  if (timeFile === null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'execplan-bench-time-'));
    timeFile = path.join(dir, 'time');
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  // -o: the child's own stderr stays out of the figures.
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', process.execPath, ...args], { stdio: 'ignore', ...options });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  const [wall, user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rss: rss / 1024 };
}
