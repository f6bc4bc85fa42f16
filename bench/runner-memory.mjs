// Memory: a task printing 1 GB to stdout; the runner streams it to the log and must stay under 150 MB RSS.
// Peak RSS (VmHWM) of the execplan process is read from /proc while it runs.
// Usage: npm run build && node bench/runner-memory.mjs [megabytes=1024]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const mb = Number(process.argv[2] ?? 1024);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'execplan.js');
const dir = mkdtempSync(path.join(tmpdir(), 'execplan-mem-'));
// 100-byte lines (99 chars + newline)
writeFileSync(
  path.join(dir, 'plan.yaml'),
  `version: 1\nname: mem\ntitle: Mem\ntasks:\n  - { id: big, title: Print big, acceptance: [ok], run: "yes $(printf 'x%.0s' $(seq 1 99)) | head -c ${mb * 1024 * 1024}" }\n`,
);
const t0 = performance.now();
const child = spawn(process.execPath, [bin, 'run'], {
  cwd: dir,
  env: { ...process.env, CI: '1', EXECPLAN_SPAWN: process.env.EXECPLAN_SPAWN ?? 'direct' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let peak = 0;
const sample = setInterval(() => {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
  } catch {
    // exited
  }
}, 50);
const code = await new Promise((resolve) => child.on('close', resolve));
clearInterval(sample);
const seconds = (performance.now() - t0) / 1000;
// One state directory per plan (.execplan/<name>/); older builds kept it in .execplan/ itself.
const perPlan = path.join(dir, '.execplan/mem/logs/big/1.log');
const log = statSync(existsSync(perPlan) ? perPlan : path.join(dir, '.execplan/logs/big/1.log')).size;
console.log(
  `exit ${code}; ${mb} MB printed in ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(0)} MB/s); log ${(log / 1048576).toFixed(0)} MB; peak RSS of execplan ${peak.toFixed(0)} MB (limit 150)`,
);
rmSync(dir, { recursive: true, force: true });
