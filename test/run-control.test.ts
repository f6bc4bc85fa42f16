// Run control end to end, with real processes: owned attempts (orphans looked up in /proc, not taken from
// the runner's word), execplan stop, answered control requests, one state per plan, the enforced journal,
// the lock, stdin plans, agent failure words, and no stack traces on a full or read-only disk.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { bin, cli, cliBackground, cliProcess, project, root } from './helpers/cli.js';

const env = { CI: '1', NO_COLOR: '1', EXECPLAN_KILL_GRACE_MS: '300', EXECPLAN_RETRY_BASE_MS: '20' };
const header = 'version: 1\nname: demo\ntitle: Demo\n';
const state = (dir: string, ...rest: string[]) => path.join(dir, '.execplan', 'demo', ...rest);

async function waitFor(file: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!existsSync(file)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} does not hold a pid`);
  return pid;
}

/** Alive and not a zombie, as /proc says (never the runner's word). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

function journal(dir: string): Array<Record<string, any>> {
  return readFileSync(state(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

const run = (dir: string, ...args: string[]) => cli(['run', ...args], { cwd: dir, env });
const verb = (dir: string, ...args: string[]) => cli(args, { cwd: dir, env });

// A task that starts a grandchild in its group and a daemon that leaves it (setsid), then waits forever
// (only a kill ends it); with a `go` file present it succeeds at once instead.
const spawner = (name: string) =>
  `if [ -f go ]; then echo done-${name}; exit 0; fi; sleep 300 & echo $! > ${name}.gc; setsid sleep 300 & echo $! > ${name}.esc; echo $$ > ${name}.pid; while true; do sleep 0.05; done`;
const pidsOf = (dir: string, name: string) => ['pid', 'gc', 'esc'].map((f) => readPid(path.join(dir, `${name}.${f}`)));

t.test('kill -9 of the runner: the old attempt is ended (even a setsid daemon) before the task runs again', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: first, title: First, run: "echo ran >> first.count" }\n  - { id: hang, title: Hang, needs: [first], run: "${spawner('hang')}" }\n` });
  const bg = cliBackground(['run'], { cwd: dir, env });
  await waitFor(path.join(dir, 'hang.pid'));
  const pids = pidsOf(dir, 'hang');
  bg.child.kill('SIGKILL');
  await bg.exited;
  t.ok(pids.every(alive), 'the orphans outlive the killed runner (what the next run must clean up)');
  const marker = readFileSync(`/proc/${pids[0]}/environ`, 'utf8').split('\0').find((v) => v.startsWith('EXECPLAN_ATTEMPT_ID='));
  t.match(marker, /^EXECPLAN_ATTEMPT_ID=\d{8}T\d{6}Z-\d+\/hang\/1$/, 'every attempt process carries its marker');
  writeFileSync(path.join(dir, 'go'), '');
  const again = await run(dir);
  t.equal(again.code, 0, again.stdout + again.stderr);
  t.notOk(pids.some(alive), "the interrupted attempt's leader, grandchild and setsid daemon are gone (/proc)");
  t.match(again.stdout, /note   hang: attempt 1 was interrupted; ended \d+ process\(es\) it left running \(pid [\d, ]+\); it runs again as a new attempt/);
  const records = journal(dir);
  const interrupted = records.find((r) => r.type === 'task-interrupted');
  t.ok(pids.every((p) => interrupted!.leftovers.ended.includes(p)), 'what was ended is journaled (leader, grandchild, daemon; maybe a passing sleep too)');
  t.ok(records.findIndex((r) => r.type === 'task-interrupted') < records.findIndex((r) => r.type === 'task-start' && r.attempt === 2), 'cleaned up before attempt 2 started');
  t.ok(records.some((r) => r.type === 'task-pgid' && r.task === 'hang' && r.pgid === pids[0]), "the attempt's process group is journaled");
  t.equal(readFileSync(path.join(dir, 'first.count'), 'utf8'), 'ran\n', 'the finished task did not re-run');
});

t.test('SIGHUP (a closed terminal) and SIGTERM stop the run like Ctrl-C: trees ended, state saved, lock released, exit 9', async (t) => {
  for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
    const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: hang, title: Hang, run: "${spawner('hang')}" }\n` });
    const bg = cliBackground(['run'], { cwd: dir, env });
    await waitFor(path.join(dir, 'hang.pid'));
    const pids = pidsOf(dir, 'hang');
    const started = Date.now();
    bg.child.kill(signal);
    t.equal(await bg.exited, 9, `${signal}: exit 9\n${bg.output()}`);
    t.ok(Date.now() - started < 5000, `${signal}: no wait for the daemon holding the pipe (${Date.now() - started} ms)`);
    t.notOk(pids.some(alive), `${signal}: leader, grandchild and setsid daemon are gone`);
    t.notOk(existsSync(state(dir, 'lock')), `${signal}: lock released`);
    t.match(journal(dir).at(-1), { type: 'run-end', outcome: 'aborted' });
  }
});

t.test('a timeout with a setsid daemon holding the output is reported on time, and the daemon is ended', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: t1, title: Daemon, timeout: 1s, run: "setsid sleep 300 & echo $! > d.pid; sleep 300" }\n  - { id: t2, title: Exits, run: "setsid sleep 300 & echo $! > e.pid; echo bye" }\n` });
  const started = Date.now();
  const r = await run(dir);
  const took = Date.now() - started;
  t.equal(r.code, 7, r.stdout);
  t.ok(took < 6000, `a 1 s timeout is reported within seconds, not when the daemon exits (${took} ms)`);
  t.match(r.stdout, /FAILED t1 \(attempt 1\): timed out after 1s/);
  t.match(r.stdout, /done   t2/, 'a task that exits while its daemon holds the pipe still ends');
  t.notOk(alive(readPid(path.join(dir, 'd.pid'))), 'the timed-out task\'s daemon is gone');
  t.notOk(alive(readPid(path.join(dir, 'e.pid'))), 'the finished task\'s daemon is gone');
});

t.test('execplan stop ends one running task, the run goes on; pause --stop stops the rest; both say when no run is active', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: long, title: Long, run: "${spawner('long')}" }\n  - { id: other, title: Other, run: "${spawner('other')}" }\n  - { id: after, title: After, needs: [long], run: "touch after.ran" }\n  - { id: quick, title: Quick, needs: [other], run: "touch quick.ran" }\n`,
  });
  const noRun = await verb(dir, 'stop', 'long');
  t.equal(noRun.code, 1);
  t.match(noRun.stderr, /execplan stop: no `execplan run` is active for this plan: there is nothing to stop/);
  const bg = cliBackground(['run'], { cwd: dir, env });
  await waitFor(path.join(dir, 'long.pid'));
  await waitFor(path.join(dir, 'other.pid'));
  const longPids = pidsOf(dir, 'long');
  const notRunning = await verb(dir, 'stop', 'after');
  t.equal(notRunning.code, 1, 'a task that is not running cannot be stopped');
  t.match(notRunning.stderr, /task 'after' is not running \(it is pending\)/);
  const stopped = await verb(dir, 'stop', 'long', '--reason', 'wrong approach');
  t.equal(stopped.code, 0, stopped.stderr);
  t.match(stopped.stdout, /^stop long: applied by the running execplan run \(pid \d+\): stopping it now \(its whole process tree\); it runs again on the next run\n$/);
  await waitUntil('long is stopped', () => !longPids.some(alive));
  t.ok(alive(readPid(path.join(dir, 'other.pid'))), 'the other task keeps running');
  const status = await verb(dir, 'status');
  t.match(status.stdout, /1 stopped/);
  const otherPids = pidsOf(dir, 'other');
  const paused = await verb(dir, 'pause', '--stop');
  t.match(paused.stdout, /pause: applied by the running execplan run \(pid \d+\): paused; stopping other/);
  t.equal(await bg.exited, 7, bg.output());
  t.notOk(otherPids.some(alive), 'pause --stop ended the other tree');
  t.match(bg.output(), /stop   long \(attempt 1 stopped: stopped by execplan stop: wrong approach\)/);
  t.match(bg.output(), /cancelled long: stopped by execplan stop: wrong approach; runs again on the next run/);
  t.notOk(existsSync(path.join(dir, 'after.ran')), 'the dependent of a stopped task does not run');
  t.match(journal(dir).filter((r) => r.type === 'task-stopped'), [{ task: 'long', reason: 'stopped by execplan stop: wrong approach' }, { task: 'other' }]);
  // The next run: resume, and the stopped tasks run again as new attempts.
  await verb(dir, 'resume');
  writeFileSync(path.join(dir, 'go'), '');
  const again = await run(dir);
  t.equal(again.code, 0, again.stdout);
  t.match(again.stdout, /start  long \(attempt 2\)/);
  t.ok(existsSync(path.join(dir, 'after.ran')) && existsSync(path.join(dir, 'quick.ran')));
  const pausedNoRun = await verb(dir, 'pause', '--stop');
  t.match(pausedNoRun.stdout, /pause: recorded; the next `execplan run` acts on it \(no `execplan run` is active, so no task was running to stop\)/);
});

t.test('control requests are answered truthfully: rejected requests are never reported as applied, malformed files never crash', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: hold, title: Hold, run: "touch hold.started; while [ ! -f go ]; do sleep 0.05; done" }\n  - { id: gated, title: Gated, run: "true", gate: approve }\n` });
  const queued = await verb(dir, 'approve', 'gated');
  t.match(queued.stdout, /^approve gated: recorded; the next `execplan run` acts on it\n$/, 'no runner: said so, no "applies it within a moment"');
  const bg = cliBackground(['run', '--wait'], { cwd: dir, env });
  await waitFor(path.join(dir, 'hold.started'));
  const control = state(dir, 'control');
  mkdirSync(control, { recursive: true });
  // Requests that get past (or skip) the command's own check are judged by the runner, which answers.
  const stamp = String(Date.now()).padStart(15, '0');
  writeFileSync(path.join(control, `${stamp}-1-0.json`), 'null');
  writeFileSync(path.join(control, `${stamp}-1-1.json`), JSON.stringify({ action: 'done', task: 'hold' }));
  writeFileSync(path.join(control, `${stamp}-1-2.json`), JSON.stringify({ action: 'skip', task: 'hold' }));
  await waitFor(path.join(control, `${stamp}-1-2.answer`));
  const answer = (n: number) => JSON.parse(readFileSync(path.join(control, `${stamp}-1-${n}.answer`), 'utf8'));
  t.same(answer(0), { ok: false, message: 'the request is not a JSON object' });
  t.same(answer(1), { ok: false, message: 'done needs a reason (--reason TEXT)' });
  t.same(answer(2), { ok: false, message: "task 'hold' is running; it cannot be skipped now (`execplan stop hold` first)" });
  const ok = await verb(dir, 'retry', 'gated');
  t.match(ok.stdout, /^retry gated: applied by the running execplan run \(pid \d+\)\n$/);
  writeFileSync(path.join(dir, 'go'), '');
  await waitUntil('hold done', () => journal(dir).some((r) => r.type === 'task-end' && r.task === 'hold'));
  const skip = await verb(dir, 'skip', 'hold');
  t.equal(skip.code, 1, 'skip of a finished task is refused');
  t.match(skip.stderr, /task 'hold' is already done/);
  bg.child.kill('SIGINT');
  await bg.exited;
  t.notMatch(bg.output(), /TypeError|at .*\.js:\d+/, 'no stack trace in the runner');
  t.match(bg.output(), /note   control request rejected: the request is not a JSON object/);
});

t.test('one state per plan: a.yaml and b.yaml in one folder never share a run; an old single-plan state is moved and resumed', async (t) => {
  const plan = (name: string) => `version: 1\nname: ${name}\ntasks:\n  - { id: one, title: One, run: "echo ${name} >> ran.txt" }\n  - { id: two, title: Two, needs: [one], run: "exit 1" }\n`;
  const dir = project({ 'a.yaml': plan('a'), 'b.yaml': plan('b') });
  t.equal((await run(dir, 'a.yaml')).code, 7);
  const b = await run(dir, 'b.yaml');
  t.equal(b.code, 7);
  t.match(b.stdout, /\(new\): 2 of 2 task\(s\) to run/, "b.yaml does not resume a.yaml's run");
  t.ok(existsSync(path.join(dir, '.execplan/a/journal.jsonl')) && existsSync(path.join(dir, '.execplan/b/journal.jsonl')));
  const a = await run(dir, 'a.yaml');
  t.match(a.stdout, /\(resume\): 1 of 2 task\(s\) to run/, "a.yaml resumes its own run: its finished task is not re-run");
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'a\nb\n');
  // The layout of earlier versions: .execplan/{journal.jsonl,state.json,logs,...} shared by the folder.
  const legacy = project({ 'plan.yaml': `${header}tasks:\n  - { id: one, title: One, run: "echo one >> ran.txt" }\n  - { id: two, title: Two, needs: [one], run: "test -f go" }\n` });
  t.equal((await run(legacy)).code, 7);
  for (const name of readdirSync(state(legacy))) renameSync(state(legacy, name), path.join(legacy, '.execplan', name));
  writeFileSync(path.join(legacy, 'go'), '');
  const resumed = await run(legacy);
  t.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  t.match(resumed.stderr, /note: moved the run state of \.execplan to \.execplan\/demo \(one state directory per plan\)/);
  t.match(resumed.stdout, /resuming: 1 task\(s\) already finished are not re-run/);
  t.equal(readFileSync(path.join(legacy, 'ran.txt'), 'utf8'), 'one\n');
  t.equal((await verb(legacy, 'verify')).code, 0, 'the moved history is intact');
});

t.test('the journal is the law: a torn tail is cut and kept, any other damage stops every mutating command (exit 8)', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "true" }\n  - { id: b, title: B, run: "exit 1" }\n  - { id: g, title: G, run: "true", gate: approve, needs: [b] }\n` });
  t.equal((await run(dir)).code, 7);
  const file = state(dir, 'journal.jsonl');
  const original = readFileSync(file, 'utf8');
  // Two torn lines at the end (a crash in the middle of writes): the history is kept, the run goes on.
  writeFileSync(file, `${original}{"seq":99,"ts":"2026\n{"se`);
  const verifyTorn = await verb(dir, 'verify');
  t.equal(verifyTorn.code, 0, 'a torn tail is not damage');
  t.match(verifyTorn.stdout, /warning journal-torn-tail/);
  t.equal((await verb(dir, 'status')).code, 0, 'status reads past a torn tail');
  const resumed = await run(dir);
  t.equal(resumed.code, 7);
  t.match(resumed.stderr, /note: the journal ended in a torn write .*line \d+\): cut off after the last good record; the \d+ byte\(s\) are kept in \.execplan\/demo\/journal\.jsonl\.torn-\d+/);
  t.match(resumed.stdout, /\(resume\)/, 'resumed, history kept');
  t.equal((await verb(dir, 'verify')).code, 0, 'verify intact after the cut');
  const good = readFileSync(file, 'utf8');
  const lines = good.split('\n');
  const damaged: Array<[string, string, RegExp]> = [
    ['a null line', [...lines.slice(0, 2), 'null', ...lines.slice(2)].join('\n'), /journal\.jsonl:3:1: error journal-not-record/],
    ['a record edited from failed to done', good.replace('"status":"failed"', '"status":"done"'), /journal-broken-chain/],
  ];
  for (const [what, text, expected] of damaged) {
    writeFileSync(file, text);
    const verify = await verb(dir, 'verify');
    t.equal(verify.code, 8, `${what}: verify exits 8`);
    t.match(verify.stdout, expected);
    const status = await verb(dir, 'status');
    t.equal(status.code, 8, `${what}: status refuses`);
    t.notMatch(status.stderr, /TypeError/);
    for (const args of [['run'], ['retry', 'b'], ['skip', 'b'], ['done', 'b', '--reason', 'by hand'], ['approve', 'g'], ['pause']]) {
      const r = await verb(dir, ...args);
      t.equal(r.code, 8, `${what}: ${args[0]} refuses`);
      t.match(r.stderr, expected);
      t.match(r.stderr, /the run history is damaged \(\d+ problem\(s\)\): nothing was changed\. Run `execplan verify` for details; `execplan run --fresh` archives it and starts over/);
    }
    t.equal(readFileSync(file, 'utf8'), text, `${what}: nothing was appended`);
  }
  const fresh = await run(dir, '--fresh');
  t.equal(fresh.code, 7);
  t.match(fresh.stderr, /--fresh: previous state archived in \.execplan\/demo\/archive\//);
  t.equal((await verb(dir, 'verify')).code, 0);
});

t.test('the lock: one winner on a stale lock, pid reuse is not a live holder, a directory gets a clear message', async (t) => {
  const dir = project({});
  const lockModule = path.join(root, 'dist', 'runner', 'lock.js');
  // Two processes released at the same instant on the same stale lock, 30 times: exactly one wins each time.
  const racer = `import { acquireLock } from ${JSON.stringify(lockModule)};
const [file, at] = [process.argv[2], Number(process.argv[3])];
while (Date.now() < at) {}
const r = acquireLock(file, 'run');
process.stdout.write(r.ok ? 'won' : 'lost');
// Stay alive (a live holder) until the test has both answers.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));`;
  writeFileSync(path.join(dir, 'racer.mjs'), racer);
  let exactlyOne = 0;
  const trials = 30;
  for (let i = 0; i < trials; i++) {
    const lock = path.join(dir, `lock${i}`);
    writeFileSync(lock, JSON.stringify({ pid: 999_999_999, start: 1, kind: 'run', host: (await import('node:os')).hostname(), startedAt: 'then' }));
    const at = Date.now() + 600;
    const children = [0, 1].map(() => spawn(process.execPath, [path.join(dir, 'racer.mjs'), lock, String(at)], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outs = await Promise.all(children.map((child) => new Promise<string>((resolve) => child.stdout.once('data', (c) => resolve(String(c))))));
    for (const child of children) child.stdin.end();
    if (outs.filter((o) => o === 'won').length === 1) exactlyOne++;
  }
  t.equal(exactlyOne, trials, `exactly one runner took over the stale lock in ${exactlyOne} of ${trials} trials`);
  // pid reuse: the lock names a live pid (this test process) with another start time: not a live holder.
  const plan = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "true" }\n` });
  mkdirSync(state(plan), { recursive: true });
  writeFileSync(state(plan, 'lock'), JSON.stringify({ pid: process.pid, start: 1, kind: 'run', host: (await import('node:os')).hostname(), startedAt: 'long ago' }));
  const reused = await run(plan);
  t.equal(reused.code, 0, reused.stderr);
  t.match(reused.stderr, new RegExp(`note: the previous run \\(pid ${process.pid}\\) ended without cleaning up`));
  mkdirSync(state(plan, 'lock'));
  const directory = await run(plan);
  t.equal(directory.code, 6);
  t.match(directory.stderr, /cannot start: .*lock is a directory, not a lock file; remove it \(rmdir\) if no execplan is running/);
});

t.test('execplan run - reads the plan from stdin; state and working directory are the current folder', async (t) => {
  const dir = project({});
  const text = `${header}tasks:\n  - { id: a, title: A, run: "pwd > where.txt" }\n`;
  const piped = cliProcess(['run', '-'], { cwd: dir, env, input: text });
  t.equal(piped.code, 0, piped.stderr);
  t.equal(readFileSync(path.join(dir, 'where.txt'), 'utf8').trim(), dir);
  t.ok(existsSync(state(dir, 'journal.jsonl')), 'state in ./.execplan/demo');
  const devStdin = cliProcess(['run', '/dev/stdin'], { cwd: dir, env, input: text });
  t.equal(devStdin.code, 0, devStdin.stderr);
  t.notOk(existsSync('/dev/.execplan'), 'never state in /dev');
  t.match(devStdin.stdout, /\(new\)/);
});

t.test('agent failures carry the agent\'s own words; a task done by hand hands on the person\'s reason', async (t) => {
  const fakeBin = path.join(root, 'test', 'fixtures', 'agents', 'bin');
  const dir = project({
    'spec.md': '# Spec\n',
    'plan.yaml': `version: 1\nname: demo\nspec: spec.md\ntasks:\n  - { id: impl, title: Implement, agent: { profile: claude } }\n  - { id: next, title: Next, needs: [impl], agent: { profile: claude } }\n`,
  });
  const agentEnv = { ...env, PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_RECORD: path.join(dir, '.records'), FAKE_AGENT_MODE: 'error-result' };
  const r = await cli(['run'], { cwd: dir, env: agentEnv });
  t.equal(r.code, 7);
  t.match(r.stdout, /FAILED impl \(attempt 1\): the agent reported an error: could not finish/, 'is_error with exit 0, in its words');
  t.match(r.stdout, /\n  FAILED impl: the agent reported an error: could not finish/, 'in the run summary');
  t.equal(r.stdout.match(/agent-1: failed/g)?.length ?? 0, 1, 'the end of the agent is told once');
  const status = await verb(dir, 'status');
  t.match(status.stdout, /impl: the agent reported an error: could not finish/);
  t.match(JSON.parse(readFileSync(state(dir, 'handoffs', 'impl.json'), 'utf8')), { failure: 'the agent reported an error: could not finish' });
  const failing = await cli(['run'], { cwd: dir, env: { ...agentEnv, FAKE_AGENT_MODE: 'fail' } });
  t.match(failing.stdout, /FAILED impl \(attempt 2\): exited with code 3: fake agent: something went wrong/, "the CLI's last error line");
  await verb(dir, 'done', 'impl', '--reason', 'Implemented by hand in src/impl.ts');
  const ok = await cli(['run'], { cwd: dir, env: { ...agentEnv, FAKE_AGENT_MODE: 'ok' } });
  t.equal(ok.code, 0, ok.stdout);
  const records = readdirSync(path.join(dir, '.records')).filter((f) => f.endsWith('.json')).sort((a, b) => parseInt(a) - parseInt(b));
  const prompt = JSON.parse(readFileSync(path.join(dir, '.records', records.at(-1)!), 'utf8')).stdin as string;
  t.match(prompt, /### impl: Implement \(done \(forced: Implemented by hand in src\/impl\.ts\)\)\nCompleted by hand: Implemented by hand in src\/impl\.ts/);
  t.notMatch(prompt, /could not finish|something went wrong/, 'the old failure is not quoted as the upstream result');
});

t.test('no stack traces: a full disk, an unusable logs folder, a read-only state folder: one line, exit code, lock released, trees ended', async (t) => {
  const plan = `${header}tasks:\n  - { id: w, title: Writes, run: "echo $$ > w.pid; sleep 300 & echo $! > w.gc; echo line; sleep 300" }\n`;
  // The log of attempt 1 is /dev/full: the first line written gets ENOSPC.
  const full = project({ 'plan.yaml': plan });
  mkdirSync(state(full, 'logs', 'w'), { recursive: true });
  symlinkSync('/dev/full', state(full, 'logs', 'w', '1.log'));
  const r = await run(full);
  t.equal(r.code, 7, r.stdout + r.stderr);
  t.match(r.stdout, /note   cannot write the log .*1\.log \((ENOSPC: no space left on the device|ELOOP[^)]*)\): stopping the run/);
  t.notMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  t.notOk(existsSync(state(full, 'lock')), 'lock released');
  t.notOk(alive(readPid(path.join(full, 'w.pid'))) || alive(readPid(path.join(full, 'w.gc'))), 'the task tree was ended');
  // A logs "folder" that is a file: every log write fails with ENOTDIR.
  const notDir = project({ 'plan.yaml': plan });
  mkdirSync(state(notDir), { recursive: true });
  writeFileSync(state(notDir, 'logs'), '');
  const r2 = await run(notDir);
  t.equal(r2.code, 7);
  t.match(r2.stdout, /cannot write the log .* \((ENOTDIR|EEXIST)[^)]*\): stopping the run/);
  t.notOk(existsSync(state(notDir, 'lock')));
  // A read-only state folder (a read-only tmpfs when we may mount one; root ignores file modes).
  const ro = project({ 'plan.yaml': plan });
  mkdirSync(path.join(ro, '.execplan'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', path.join(ro, '.execplan')], { encoding: 'utf8' }).status === 0;
  if (mounted) {
    t.teardown(() => void spawnSync('umount', [path.join(ro, '.execplan')]));
    const r3 = await run(ro);
    t.equal(r3.code, 6, r3.stderr);
    t.match(r3.stderr, /^execplan: cannot start: cannot write the run state in \.execplan\/demo \(EROFS\)\n$/);
  } else t.comment('skipped the read-only tmpfs case: mount is not permitted here');
});

t.test('the rest: a missing cwd, the helper keeps the grace period, --fresh after a refused preflight, plan-order ties', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, cwd: nowhere, run: "true" }\n` });
  const missing = await run(dir);
  t.match(missing.stdout, /FAILED a \(attempt 1\): could not start: working directory .*nowhere does not exist \(cwd:\)/);
  t.notMatch(missing.stdout, /spawn \/bin\/sh ENOENT/);
  // Helper mode: SIGTERM to the runner's whole process group still lets a task clean up within the grace period.
  const trap = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "trap 'sleep 0.3; touch cleaned; exit 1' TERM; touch started; while true; do sleep 0.05; done" }\n` });
  const child = spawn(process.execPath, [bin, 'run'], { cwd: trap, env: { ...process.env, ...env, EXECPLAN_SPAWN: 'helper', EXECPLAN_KILL_GRACE_MS: '3000' }, detached: true, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitFor(path.join(trap, 'started'));
  process.kill(-child.pid!, 'SIGTERM');
  t.equal(await exited, 9);
  t.ok(existsSync(path.join(trap, 'cleaned')), 'the task got its grace period (its TERM trap finished)');
  // --fresh does not archive a state when preflight then refuses to start.
  const agentPlan = project({ 'spec.md': '# S\n', 'plan.yaml': `version: 1\nname: demo\nspec: spec.md\ntasks:\n  - { id: a, title: A, run: "true" }\n  - { id: b, title: B, agent: { profile: claude }, needs: [a] }\n` });
  t.equal((await cli(['run', '--only', 'a'], { cwd: agentPlan, env })).code, 0);
  const refused = await cli(['run', '--fresh'], { cwd: agentPlan, env: { ...env, PATH: '/nonexistent' } });
  t.equal(refused.code, 6, refused.stderr);
  t.notOk(existsSync(state(agentPlan, 'archive')), 'nothing archived');
  t.ok(existsSync(state(agentPlan, 'journal.jsonl')), 'the state is where it was');
  // Ties in the schedule launch in plan order (then id), as docs/plan-format.md says.
  const ties = project({ 'plan.yaml': `${header}tasks:\n  - { id: zeta, title: Z, run: "true" }\n  - { id: alpha, title: A, run: "true" }\n  - { id: mid, title: M, run: "true" }\n` });
  t.equal((await run(ties, '--concurrency', '1')).code, 0);
  t.same(journal(ties).filter((r) => r.type === 'task-start').map((r) => r.task), ['zeta', 'alpha', 'mid']);
  const dry = await run(ties, '--dry-run', '--fresh');
  t.match(dry.stdout, /1\. zeta\n2\. alpha\n3\. mid/);
});

const noScript = spawnSync('script', ['--version']).error ? 'script(1) is not installed' : false;
t.test('on a terminal, --only: the header counts only the selected tasks', { skip: noScript }, async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "echo a" }\n  - { id: b, title: B, run: "echo b" }\n  - { id: c, title: C, run: "echo c; sleep 0.6" }\n` });
  const ttyEnv = { ...process.env, NO_COLOR: '1' } as NodeJS.ProcessEnv;
  delete ttyEnv.CI;
  const r = spawnSync('script', ['-qfc', `stty rows 40 cols 100; ${process.execPath} ${bin} run --only c`, '/dev/null'], { cwd: dir, env: ttyEnv, encoding: 'utf8' });
  t.match(r.stdout, /\d\/1 finished/);
  t.notMatch(r.stdout, /\d\/3 finished/);
});

t.test('the kill -9 / resume soak, 3 cycles (bench/kill-resume-soak.mjs runs 50)', async (t) => {
  const r = spawnSync(process.execPath, [path.join(root, 'bench', 'kill-resume-soak.mjs'), '--cycles', '3', '--tasks', '20', '--json'], { encoding: 'utf8' });
  const report = JSON.parse(r.stdout);
  t.match(report, { finishedReRun: 0, twoAttemptsAlive: 0, lostAttemptLogs: 0, verifyIntact: true, lastRunExit: 0, leftovers: 0 }, r.stdout + r.stderr);
});
