#!/usr/bin/env node
// Kill -9 / resume soak: a 40-task plan run again and again, the runner killed with SIGKILL at a random
// moment each cycle (its task trees left behind, as a crash leaves them), then resumed. It checks, by the
// tasks' own records and /proc rather than by the runner's word:
//   finished tasks re-run   a task-start after the task's task-end done in the same journal
//   two attempts alive      a task found another attempt of itself alive when it started (/proc), or the
//                           sampler saw two attempt markers of one task alive at the same time
//   lost attempt logs       an attempt whose line, printed >= --log-window ms (300) before its runner was killed, is not in
//                           its log file
//   verify intact           execplan verify exits 0 after every cycle
// Usage: node bench/kill-resume-soak.mjs [--cycles 50] [--tasks 40] [--concurrency 8] [--seed 1] [--log-window 300] [--json]
// (--log-window: how long before the kill a line must have been printed to count as due in the log. A line
// travels task -> spawn helper -> runner -> log file; on a loaded machine each hop can wait for a core, so
// the test suite gives it longer than an idle soak needs.)
// (npm run build first; the test suite runs a 3-cycle version.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// EXECPLAN_BIN: another build to compare with (e.g. the main branch's bin/execplan.js).
const bin = process.env.EXECPLAN_BIN ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'execplan.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const cycles = arg('cycles', 50);
const taskCount = arg('tasks', 40);
const concurrency = String(arg('concurrency', 8));
let seed = arg('seed', 1);
const logWindow = arg('log-window', 300);
const json = process.argv.includes('--json');
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

const dir = mkdtempSync(path.join(tmpdir(), 'execplan-soak-'));
// One state directory per plan (.execplan/<name>/); builds before that kept it in .execplan/ itself.
const perPlan = path.join(dir, '.execplan', 'soak');
let stateDir = perPlan;
mkdirSync(path.join(dir, 'out'));
mkdirSync(path.join(dir, 'pids'));

// The task: refuses silently to count itself twice, prints numbered lines, and keeps its own record of
// what it printed (with the time) beside the runner's log.
writeFileSync(
  path.join(dir, 'task.sh'),
  `t=$EXECPLAN_TASK; a=$EXECPLAN_ATTEMPT
for prev in $(cat pids/$t pids/$t.gc 2>/dev/null); do
  if grep -q '^[0-9]* ([^)]*) [^Z]' /proc/$prev/stat 2>/dev/null && tr '\\0' '\\n' < /proc/$prev/environ 2>/dev/null | grep -qx "EXECPLAN_TASK=$t"; then echo "$t $a $prev" >> overlap.log; fi
done
echo $$ > pids/$t
# A silent grandchild: it never writes to the dead runner's pipe, so only the next run can end it.
sleep 30 > /dev/null 2>&1 &
echo $! > pids/$t.gc
i=0
while [ $i -lt $1 ]; do
  echo "line $i of $t"
  echo "$(date +%s%3N) line $i of $t" >> out/$t.$a
  i=$((i+1))
  sleep 0.15
done
`,
);
const tasks = [];
for (let i = 0; i < taskCount; i++) {
  const layer = Math.floor(i / 10);
  const needs = layer === 0 ? [] : [`t${(layer - 1) * 10 + Math.floor(random() * 10)}`];
  const lines = 3 + Math.floor(random() * 10);
  tasks.push(`  - { id: t${i}, title: Task ${i}, run: "sh task.sh ${lines}"${needs.length ? `, needs: [${needs.join(', ')}]` : ''} }`);
}
writeFileSync(path.join(dir, 'plan.yaml'), `version: 1\nname: soak\ntitle: Soak\ntasks:\n${tasks.join('\n')}\n`);

const env = { ...process.env, CI: '1', NO_COLOR: '1', EXECPLAN_KILL_GRACE_MS: '300' };
const counts = { cycles: 0, killed: 0, completedRuns: 0, finishedReRun: 0, twoAttemptsAlive: 0, interruptedAttempts: 0, lostAttemptLogs: 0, verifyFailures: 0 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Attempt markers alive per task right now (/proc), to catch two attempts of one task side by side. */
function sampleOverlap() {
  const byTask = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat[stat.lastIndexOf(')') + 2] === 'Z') continue;
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue;
    }
    const marker = environ.split('\0').find((v) => v.startsWith('EXECPLAN_ATTEMPT_ID='));
    if (!marker) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
    } catch {
      continue;
    }
    const task = marker.split('/').at(-2);
    if (!byTask.has(task)) byTask.set(task, new Set());
    byTask.get(task).add(marker);
  }
  return [...byTask.values()].filter((s) => s.size > 1).length;
}

function journal() {
  if (!existsSync(perPlan) && existsSync(path.join(dir, '.execplan', 'journal.jsonl'))) stateDir = path.join(dir, '.execplan');
  try {
    return readFileSync(path.join(stateDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

/** Finished tasks started again within one journal (one series of resumed runs). */
function reRuns(records) {
  const finished = new Set();
  let n = 0;
  for (const r of records) {
    if (r.type === 'task-end' && r.status === 'done') finished.add(r.task);
    if (r.type === 'task-fresh') finished.add(r.task);
    if (r.type === 'task-reset') finished.delete(r.task);
    if (r.type === 'task-start' && finished.has(r.task)) n++;
  }
  return n;
}

/** Attempts of this cycle whose early lines (>= logWindow ms before the kill) are missing from the log. */
function lostLogs(startedFiles, killAt) {
  let lost = 0;
  for (const file of startedFiles) {
    const [task, attempt] = file.split('.');
    const printed = readFileSync(path.join(dir, 'out', file), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean);
    const due = printed.filter((l) => Number(l.split(' ')[0]) <= killAt - logWindow).map((l) => l.slice(l.indexOf(' ') + 1));
    if (due.length === 0) continue;
    let log = '';
    try {
      log = readFileSync(path.join(stateDir, 'logs', task, `${attempt}.log`), 'utf8');
    } catch {
      log = '';
    }
    const logged = new Set(log.split('\n'));
    if (due.some((l) => !logged.has(l))) lost++;
  }
  return lost;
}

const started = Date.now();
let seen = new Set();
for (let cycle = 0; cycle < cycles; cycle++) {
  counts.cycles++;
  const fresh = existsSync(path.join(stateDir, 'journal.jsonl')) && journal().at(-1)?.type === 'run-end' && journal().at(-1)?.outcome === 'completed';
  if (fresh) {
    counts.finishedReRun += reRuns(journal());
    counts.interruptedAttempts += journal().filter((r) => r.type === 'task-interrupted').length;
  }
  const child = spawn(process.execPath, [bin, 'run', '--concurrency', concurrency, ...(fresh ? ['--fresh'] : [])], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.on('data', (c) => (stdout += c));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let ended = null;
  exited.then((e) => (ended = e));
  // The kill lands while tasks run: a random moment after the first task started (start-up of the CLI
  // on a loaded machine takes seconds, and a kill before it tests nothing).
  while (!ended && !/^start {2}/m.test(stdout)) await sleep(10);
  const deadline = Date.now() + 100 + random() * 1500;
  while (Date.now() < deadline && !ended) {
    counts.twoAttemptsAlive += sampleOverlap() > 0 ? 1 : 0;
    await sleep(20);
  }
  let killAt = Date.now();
  if (!ended) {
    child.kill('SIGKILL');
    counts.killed++;
  }
  const result = await exited;
  if (result.code === 0) counts.completedRuns++;
  else if (result.signal !== 'SIGKILL' && result.code !== 7) throw new Error(`cycle ${cycle}: run exited ${result.code} ${result.signal}\n${stderr}`);
  if (ended) killAt = Date.now();
  const files = readdirSync(path.join(dir, 'out'));
  const newFiles = files.filter((f) => !seen.has(f));
  seen = new Set(files);
  counts.lostAttemptLogs += lostLogs(newFiles, killAt);
  const verify = spawnSync(process.execPath, [bin, 'verify'], { cwd: dir, env, encoding: 'utf8' });
  if (verify.status !== 0) counts.verifyFailures++;
}
// The last resume, with no kill: everything finishes and the old attempts are ended first.
const last = spawnSync(process.execPath, [bin, 'run', '--concurrency', concurrency], { cwd: dir, env, encoding: 'utf8' });
const records = journal();
counts.finishedReRun += reRuns(records);
counts.interruptedAttempts += records.filter((r) => r.type === 'task-interrupted').length;
counts.twoAttemptsAlive += existsSync(path.join(dir, 'overlap.log')) ? readFileSync(path.join(dir, 'overlap.log'), 'utf8').trim().split('\n').filter(Boolean).length : 0;
const verified = spawnSync(process.execPath, [bin, 'verify'], { cwd: dir, env, encoding: 'utf8' }).status === 0 && counts.verifyFailures === 0;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
// Nothing of the soak may be left running.
const leftovers = sampleOverlap();
rmSync(dir, { recursive: true, force: true });
const report = { ...counts, lastRunExit: last.status, verifyIntact: verified, seconds: Number(seconds), leftovers };
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  process.stdout.write(
    `kill-resume soak: ${counts.cycles} cycles (${counts.killed} kill -9, ${counts.completedRuns} runs completed) on a ${taskCount}-task plan in ${seconds}s\n` +
      `  finished tasks re-run:          ${counts.finishedReRun}\n` +
      `  two attempts of one task alive: ${counts.twoAttemptsAlive}\n` +
      `  lost attempt logs:              ${counts.lostAttemptLogs} (attempts missing a line printed >= ${logWindow} ms before the kill; ${counts.interruptedAttempts} attempts were interrupted)\n` +
      `  verify intact:                  ${verified ? 'yes' : 'no'}\n` +
      `  last resume exit:               ${last.status}\n`,
  );
}
const bad = counts.finishedReRun + counts.twoAttemptsAlive + counts.lostAttemptLogs > 0 || !verified || last.status !== 0;
process.exit(bad ? 1 : 0);
