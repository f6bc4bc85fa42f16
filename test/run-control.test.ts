// Run control end to end, with real processes: owned attempts (orphans looked up in /proc, not taken from
// the runner's word), signals, timeouts with escaped daemons, execplan stop, answered control requests,
// agent failure words, the TTY header, and the kill -9 / resume soak.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, cliBackground, cliTerminal, noTerminal, project, root } from './helpers/cli.js';
import { alive, env, header, journal, journaled, readPid, run, state, verb, waitFor, waitForPid, waitUntil } from './helpers/run-control.js';

// A task that starts a grandchild in its group and a daemon that leaves it (setsid), then waits forever
// (only a kill ends it); with a `go` file present it succeeds at once instead.
const spawner = (name: string) =>
  `if [ -f go ]; then echo done-${name}; exit 0; fi; sleep 300 & echo $! > ${name}.gc; setsid sleep 300 & echo $! > ${name}.esc; echo $$ > ${name}.pid; while true; do sleep 0.05; done`;
const pidsOf = (dir: string, name: string) => ['pid', 'gc', 'esc'].map((f) => readPid(path.join(dir, `${name}.${f}`)));

t.test('kill -9 of the runner: the old attempt is ended (even a setsid daemon) before the task runs again', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: first, title: First, run: "echo ran >> first.count" }\n  - { id: hang, title: Hang, needs: [first], run: "${spawner('hang')}" }\n`,
  });
  const bg = cliBackground(['run'], { cwd: dir, env });
  await waitForPid(path.join(dir, 'hang.pid'));
  // The runner journals the group at its next state flush after the spawn reports it (within ~500 ms); the
  // task prints its pid before that. Kill after the record is on disk, so what resume reads is what is tested.
  await waitUntil("the hang attempt's process group is journaled", () => journaled(dir, (r) => r.type === 'task-pgid' && r.task === 'hang'));
  const pids = pidsOf(dir, 'hang');
  bg.child.kill('SIGKILL');
  await bg.exited;
  t.ok(pids.every(alive), 'the orphans outlive the killed runner (what the next run must clean up)');
  const marker = readFileSync(`/proc/${pids[0]}/environ`, 'utf8')
    .split('\0')
    .find((v) => v.startsWith('EXECPLAN_ATTEMPT_ID='));
  t.match(marker, /^EXECPLAN_ATTEMPT_ID=\d{8}T\d{6}Z-\d+\/hang\/1$/, 'every attempt process carries its marker');
  writeFileSync(path.join(dir, 'go'), '');
  const again = await run(dir);
  t.equal(again.code, 0, again.stdout + again.stderr);
  t.notOk(pids.some(alive), "the interrupted attempt's leader, grandchild and setsid daemon are gone (/proc)");
  t.match(again.stdout, /note   hang: attempt 1 was interrupted; ended \d+ process\(es\) it left running \(pid [\d, ]+\); it runs again as a new attempt/);
  const records = journal(dir);
  const interrupted = records.find((r) => r.type === 'task-interrupted');
  t.ok(
    pids.every((p) => interrupted!.leftovers.ended.includes(p)),
    'what was ended is journaled (leader, grandchild, daemon; maybe a passing sleep too)',
  );
  t.ok(records.findIndex((r) => r.type === 'task-interrupted') < records.findIndex((r) => r.type === 'task-start' && r.attempt === 2), 'cleaned up before attempt 2 started');
  t.ok(
    records.some((r) => r.type === 'task-pgid' && r.task === 'hang' && r.pgid === pids[0]),
    "the attempt's process group is journaled",
  );
  t.equal(readFileSync(path.join(dir, 'first.count'), 'utf8'), 'ran\n', 'the finished task did not re-run');
});

t.test('SIGHUP (a closed terminal) and SIGTERM stop the run like Ctrl-C: trees ended, state saved, lock released, exit 9', async (t) => {
  for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
    const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: hang, title: Hang, run: "${spawner('hang')}" }\n` });
    const bg = cliBackground(['run'], { cwd: dir, env });
    await waitForPid(path.join(dir, 'hang.pid'));
    const pids = pidsOf(dir, 'hang');
    const started = Date.now();
    bg.child.kill(signal);
    t.equal(await bg.exited, 9, `${signal}: exit 9\n${bg.output()}`);
    t.ok(Date.now() - started < 30_000, `${signal}: no wait for the daemon holding the pipe (${Date.now() - started} ms)`);
    t.notOk(pids.some(alive), `${signal}: leader, grandchild and setsid daemon are gone`);
    t.notOk(existsSync(state(dir, 'lock')), `${signal}: lock released`);
    t.match(journal(dir).at(-1), { type: 'run-end', outcome: 'aborted' });
  }
});

t.test('a timeout with a setsid daemon holding the output is reported on time, and the daemon is ended', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: t1, title: Daemon, timeout: 1s, run: "setsid sleep 300 & echo $! > d.pid; sleep 300" }\n  - { id: t2, title: Exits, run: "setsid sleep 300 & echo $! > e.pid; echo bye" }\n`,
  });
  const started = Date.now();
  const r = await run(dir);
  const took = Date.now() - started;
  t.equal(r.code, 7, r.stdout);
  t.ok(took < 60_000, `a 1 s timeout is reported long before the 300 s daemon exits (${took} ms)`);
  t.match(r.stdout, /FAILED t1 \(attempt 1\): timed out after 1s/);
  t.match(r.stdout, /done   t2/, 'a task that exits while its daemon holds the pipe still ends');
  t.notOk(alive(readPid(path.join(dir, 'd.pid'))), "the timed-out task's daemon is gone");
  t.notOk(alive(readPid(path.join(dir, 'e.pid'))), "the finished task's daemon is gone");
});

t.test('execplan stop ends one running task, the run goes on; pause --stop stops the rest; both say when no run is active', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: long, title: Long, run: "${spawner('long')}" }\n  - { id: other, title: Other, run: "${spawner('other')}" }\n  - { id: after, title: After, needs: [long], run: "touch after.ran" }\n  - { id: quick, title: Quick, needs: [other], run: "touch quick.ran" }\n`,
  });
  const noRun = await verb(dir, 'stop', 'long');
  t.equal(noRun.code, 1);
  t.match(noRun.stderr, /execplan stop: no `execplan run` is active for this plan: there is nothing to stop/);
  const bg = cliBackground(['run'], { cwd: dir, env });
  await waitForPid(path.join(dir, 'long.pid'));
  await waitForPid(path.join(dir, 'other.pid'));
  const longPids = pidsOf(dir, 'long');
  const notRunning = await verb(dir, 'stop', 'after');
  t.equal(notRunning.code, 1, 'a task that is not running cannot be stopped');
  t.match(notRunning.stderr, /task 'after' is not running \(it is pending\)/);
  const stopped = await verb(dir, 'stop', 'long', '--reason', 'wrong approach');
  t.equal(stopped.code, 0, stopped.stderr);
  t.match(stopped.stdout, /^stop long: applied by the running execplan run \(pid \d+\): stopping it now \(its whole process tree\); it runs again on the next run\n$/);
  await waitUntil('long is stopped', () => !longPids.some(alive));
  t.ok(alive(readPid(path.join(dir, 'other.pid'))), 'the other task keeps running');
  // The tree is gone before the runner has journaled the stop: status reads the journal.
  await waitUntil('the stop is journaled', () => journaled(dir, (r) => r.type === 'task-stopped' && r.task === 'long'));
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
  t.match(
    journal(dir).filter((r) => r.type === 'task-stopped'),
    [{ task: 'long', reason: 'stopped by execplan stop: wrong approach' }, { task: 'other' }],
  );
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
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: hold, title: Hold, run: "touch hold.started; while [ ! -f go ]; do sleep 0.05; done" }\n  - { id: gated, title: Gated, run: "true", gate: approve }\n`,
  });
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
  await waitUntil('hold done', () => journaled(dir, (r) => r.type === 'task-end' && r.task === 'hold'));
  const skip = await verb(dir, 'skip', 'hold');
  t.equal(skip.code, 1, 'skip of a finished task is refused');
  t.match(skip.stderr, /task 'hold' is already done/);
  bg.child.kill('SIGINT');
  await bg.exited;
  t.notMatch(bg.output(), /TypeError|at .*\.js:\d+/, 'no stack trace in the runner');
  t.match(bg.output(), /note   control request rejected: the request is not a JSON object/);
});

t.test("agent failures carry the agent's own words; a task done by hand hands on the person's reason", async (t) => {
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
  t.match(JSON.parse(readFileSync(state(dir, 'handoffs', 'impl', 'agent.json'), 'utf8')), { failure: 'the agent reported an error: could not finish' });
  const failing = await cli(['run'], { cwd: dir, env: { ...agentEnv, FAKE_AGENT_MODE: 'fail' } });
  t.match(failing.stdout, /FAILED impl \(attempt 2\): exited with code 3: fake agent: something went wrong/, "the CLI's last error line");
  await verb(dir, 'done', 'impl', '--reason', 'Implemented by hand in src/impl.ts');
  const ok = await cli(['run'], { cwd: dir, env: { ...agentEnv, FAKE_AGENT_MODE: 'ok' } });
  t.equal(ok.code, 0, ok.stdout);
  const records = readdirSync(path.join(dir, '.records'))
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => parseInt(a) - parseInt(b));
  const prompt = JSON.parse(readFileSync(path.join(dir, '.records', records.at(-1)!), 'utf8')).stdin as string;
  t.match(prompt, /### impl: Implement \(done \(forced: Implemented by hand in src\/impl\.ts\)\)\nCompleted by hand: Implemented by hand in src\/impl\.ts/);
  t.notMatch(prompt, /could not finish|something went wrong/, 'the old failure is not quoted as the upstream result');
});

t.test('on a terminal, --only: the header counts only the selected tasks', { skip: noTerminal }, async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "echo a" }\n  - { id: b, title: B, run: "echo b" }\n  - { id: c, title: C, run: "echo c; sleep 0.6" }\n`,
  });
  const r = cliTerminal(['run', '--only', 'c'], { cwd: dir, env: { NO_COLOR: '1' }, rows: 40, cols: 100 });
  t.match(r.stdout, /\d\/1 finished/);
  t.notMatch(r.stdout, /\d\/3 finished/);
});

t.test('the kill -9 / resume soak, 3 cycles (bench/kill-resume-soak.mjs runs 50)', async (t) => {
  const r = spawnSync(process.execPath, [path.join(root, 'bench', 'kill-resume-soak.mjs'), '--cycles', '3', '--tasks', '20', '--log-window', '2000', '--json'], {
    encoding: 'utf8',
  });
  const report = JSON.parse(r.stdout);
  t.match(report, { finishedReRun: 0, twoAttemptsAlive: 0, lostAttemptLogs: 0, verifyIntact: true, lastRunExit: 0, leftovers: 0 }, r.stdout + r.stderr);
});
