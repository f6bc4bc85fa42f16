// Run control, the state side: one state per plan, the enforced journal, the lock, stdin plans, no stack
// traces on a full or read-only disk, and the rest (missing cwd, helper grace, --fresh, plan-order ties).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { bin, cli, cliProcess, project, root } from './helpers/cli.js';
import { alive, env, header, journal, readPid, run, state, verb, waitFor, waitForPid, waitUntil } from './helpers/run-control.js';

t.test('one state per plan: a.yaml and b.yaml in one folder never share a run; an old single-plan state is moved and resumed', async (t) => {
  const plan = (name: string) =>
    `version: 1\nname: ${name}\ntasks:\n  - { id: one, title: One, run: "echo ${name} >> ran.txt" }\n  - { id: two, title: Two, needs: [one], run: "exit 1" }\n`;
  const dir = project({ 'a.yaml': plan('a'), 'b.yaml': plan('b') });
  t.equal((await run(dir, 'a.yaml')).code, 7);
  const b = await run(dir, 'b.yaml');
  t.equal(b.code, 7);
  t.match(b.stdout, /\(new\): 2 of 2 task\(s\) to run/, "b.yaml does not resume a.yaml's run");
  t.ok(existsSync(path.join(dir, '.execplan/a/journal.jsonl')) && existsSync(path.join(dir, '.execplan/b/journal.jsonl')));
  const a = await run(dir, 'a.yaml');
  t.match(a.stdout, /\(resume\): 1 of 2 task\(s\) to run/, 'a.yaml resumes its own run: its finished task is not re-run');
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'a\nb\n');
  // The layout of earlier versions: .execplan/{journal.jsonl,state.json,logs,...} shared by the folder.
  const legacy = project({
    'plan.yaml': `${header}tasks:\n  - { id: one, title: One, run: "echo one >> ran.txt" }\n  - { id: two, title: Two, needs: [one], run: "test -f go" }\n`,
  });
  t.equal((await run(legacy)).code, 7);
  for (const name of readdirSync(state(legacy))) renameSync(state(legacy, name), path.join(legacy, '.execplan', name));
  // Earlier versions also kept an agent task's record as handoffs/<task>.json (now handoffs/<task>/agent.json).
  type LegacyState = { tasks: { one: { attempts: Array<{ runId: string }> } } };
  const firstRun = (JSON.parse(readFileSync(path.join(legacy, '.execplan/state.json'), 'utf8')) as LegacyState).tasks.one.attempts[0]?.runId;
  const usage = { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, turns: 1, toolCalls: 0 };
  const record = { task: 'one', runId: firstRun, attempt: 1, agent: 'claude', profile: 'claude', exitCode: 0, isError: false, summary: 'did one', usage, sessionId: 's-1' };
  mkdirSync(path.join(legacy, '.execplan/handoffs'), { recursive: true });
  writeFileSync(path.join(legacy, '.execplan/handoffs/one.json'), JSON.stringify(record));
  writeFileSync(path.join(legacy, 'go'), '');
  const resumed = await run(legacy);
  t.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  t.match(resumed.stderr, /note: moved the run state of \.execplan to \.execplan\/demo \(one state directory per plan\)/);
  t.match(resumed.stdout, /resuming: 1 task\(s\) already finished are not re-run/);
  t.equal(readFileSync(path.join(legacy, 'ran.txt'), 'utf8'), 'one\n');
  t.equal((await verb(legacy, 'verify')).code, 0, 'the moved history is intact');
  t.same(JSON.parse(readFileSync(state(legacy, 'handoffs/one/agent.json'), 'utf8')), record, "the old agent record moved into the task's folder");
  t.notOk(existsSync(state(legacy, 'handoffs/one.json')));
  t.match((await verb(legacy, 'status')).stdout, /Agent usage: 1 task, 10 input \+ 2 output tokens, 1 turns, 0 tool calls/, 'its usage still counts');
});

t.test('the journal is the law: a torn tail is cut and kept, any other damage stops every mutating command (exit 8)', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "true" }\n  - { id: b, title: B, run: "exit 1" }\n  - { id: g, title: G, run: "true", gate: approve, needs: [b] }\n`,
  });
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
  t.match(
    resumed.stderr,
    /note: the journal ended in a torn write .*line \d+\): cut off after the last good record; the \d+ byte\(s\) are kept in \.execplan\/demo\/journal\.jsonl\.torn-\d+/,
  );
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
      t.match(
        r.stderr,
        /the run history is damaged \(\d+ problem\(s\)\): nothing was changed\. Run `execplan verify` for details; `execplan run --fresh` archives it and starts over/,
      );
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
  // Two processes released at the same instant on the same stale lock, 30 times (one lock per trial,
  // one instant per trial): exactly one wins each time. Both stay alive (live holders) to the end.
  // Handshake: each racer says R once it is loaded; then both get the first instant on stdin. Between
  // instants a racer sleeps (Atomics.wait) and spins only the last milliseconds, so that both are on a
  // core at the instant without burning two cores for the whole race.
  const racer = `import { acquireLock } from ${JSON.stringify(lockModule)};
const [prefix, trials] = [process.argv[2], Number(process.argv[3])];
const nap = new Int32Array(new SharedArrayBuffer(4));
let input = '';
process.stdin.on('data', (chunk) => {
  if (input.includes('\\n')) return;
  input += chunk;
  if (!input.includes('\\n')) return;
  const t0 = Number(input.trim());
  for (let i = 0; i < trials; i++) {
    const at = t0 + i * 50;
    const ahead = at - Date.now() - 5;
    if (ahead > 0) Atomics.wait(nap, 0, 0, ahead);
    while (Date.now() < at) {}
    process.stdout.write(acquireLock(prefix + i, 'run').ok ? 'W' : 'L');
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdout.write('R');`;
  writeFileSync(path.join(dir, 'racer.mjs'), racer);
  const trials = 30;
  const host = (await import('node:os')).hostname();
  for (let i = 0; i < trials; i++) writeFileSync(path.join(dir, `lock${i}`), JSON.stringify({ pid: 999_999_999, start: 1, kind: 'run', host, startedAt: 'then' }));
  const children = [0, 1].map(() => spawn(process.execPath, [path.join(dir, 'racer.mjs'), path.join(dir, 'lock'), String(trials)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const outs = ['', ''];
  children.forEach((child, k) => child.stdout.on('data', (c) => (outs[k] += c)));
  await waitUntil('both racers loaded', () => outs.every((o) => o.startsWith('R')), 30_000);
  const t0 = Date.now() + 100;
  for (const child of children) child.stdin.write(`${t0}\n`);
  await waitUntil('both racers finished', () => outs.every((o) => o.length === trials + 1), 30_000);
  for (const child of children) child.stdin.end();
  for (let k = 0; k < 2; k++) outs[k] = outs[k]!.slice(1);
  let exactlyOne = 0;
  for (let i = 0; i < trials; i++) if ([outs[0]![i], outs[1]![i]].filter((o) => o === 'W').length === 1) exactlyOne++;
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

t.test('a runner killed by kill -9 whose parent has not reaped it (a zombie) no longer holds the state', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "test -f go || { echo $$ > a.pid; sleep 300; }" }\n` });
  // The runner's parent execs into sleep, which never waits for children: once killed, the runner stays a
  // zombie (kill(pid, 0) still succeeds on it) for as long as that parent lives.
  const parent = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} run >run.out 2>&1 & exec sleep 60`], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    detached: true,
    stdio: 'ignore',
  });
  t.teardown(() => void process.kill(-parent.pid!, 'SIGKILL'));
  const task = await waitForPid(path.join(dir, 'a.pid'));
  const runner = (JSON.parse(readFileSync(state(dir, 'lock'), 'utf8')) as { pid: number }).pid;
  process.kill(runner, 'SIGKILL');
  await waitUntil('the runner is a zombie', () => readFileSync(`/proc/${runner}/stat`, 'utf8').includes(') Z '));
  t.match((await verb(dir, 'status')).stdout, /^run \S+: interrupted \(no runner alive\)\n/, 'status does not call the zombie active');
  writeFileSync(path.join(dir, 'go'), '');
  const resumed = await run(dir);
  t.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  t.match(resumed.stderr, new RegExp(`note: the previous run \\(pid ${runner}\\) ended without cleaning up; resuming`), resumed.stderr);
  t.match(resumed.stdout, new RegExp(`a: attempt 1 was interrupted; ended \\d+ process\\(es\\) it left running \\(pid [^)]*${task}`));
  t.notOk(alive(task), "the killed run's task was ended");
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

t.test('no stack traces: a full disk, an unusable logs folder, a read-only state folder: one line, exit code, lock released, trees ended', async (t) => {
  const plan = `${header}tasks:\n  - { id: w, title: Writes, run: "echo $$ > w.pid; sleep 300 & echo $! > w.gc; echo line; sleep 300" }\n`;
  // A full disk: the logs folder is a tiny tmpfs, filled up first, so the first log line gets ENOSPC. (A
  // symlink to /dev/full no longer works: a link planted in the state folder is replaced, never followed.)
  const full = project({ 'plan.yaml': plan });
  const logs = state(full, 'logs');
  mkdirSync(logs, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logs]).status === 0) {
    t.teardown(() => void spawnSync('umount', [logs]));
    mkdirSync(path.join(logs, 'w'), { mode: 0o700 });
    try {
      for (let i = 0; i < 1000; i++) appendFileSync(path.join(logs, 'filler'), Buffer.alloc(4096));
    } catch {
      // full
    }
    const r = await run(full);
    t.equal(r.code, 7, r.stdout + r.stderr);
    t.match(r.stdout, /note   cannot write the log .*1\.log \(ENOSPC: no space left on the device[^)]*\): stopping the run/);
    t.notMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
    t.notOk(existsSync(state(full, 'lock')), 'lock released');
    t.notOk(alive(readPid(path.join(full, 'w.pid'))) || alive(readPid(path.join(full, 'w.gc'))), 'the task tree was ended');
  } else t.comment('skipped the full-disk case: mount is not permitted here');
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

t.test('a control verb the disk refuses: the journal write refused is one line, exit 6, nothing recorded; a refused snapshot is a warning', async (t) => {
  // A file-size limit makes the kernel refuse the write that would grow a file past it (EFBIG; Node
  // ignores SIGXFSZ), which needs neither root nor a mount: set at the journal's size, the request's
  // record cannot be appended; set between the journal's and the snapshot's, only state.json fails.
  if (spawnSync('prlimit', ['--version']).status !== 0) return void t.comment('skipped: prlimit is not installed');
  const tasks = Array.from({ length: 60 }, (_, i) => `  - { id: t${i}, title: Task ${i}, run: "true" }\n`).join('');
  const dir = project({ 'plan.yaml': `${header}tasks:\n${tasks}` });
  t.equal((await run(dir, '--only', 't0')).code, 0);
  const limited = (bytes: number, ...args: string[]) =>
    spawnSync('prlimit', [`--fsize=${bytes}`, process.execPath, bin, ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' });
  const journalText = readFileSync(state(dir, 'journal.jsonl'), 'utf8');
  const refused = limited(journalText.length, 'skip', 't1');
  t.equal(refused.status, 6, refused.stdout + refused.stderr);
  t.equal(refused.stdout, '');
  t.match(
    refused.stderr,
    /^execplan skip: cannot write the journal \S+journal\.jsonl \(EFBIG: file too large[^)]*\): nothing was recorded; free some space \(or make the state folder writable\) and send it again\n$/,
  );
  t.equal(readFileSync(state(dir, 'journal.jsonl'), 'utf8'), journalText, 'the journal is as it was');
  t.notOk(existsSync(state(dir, 'lock')), 'lock released');
  t.match((await verb(dir, 'status')).stdout, /1 done, 59 ready\n/, 'nothing was skipped');
  const snapshotSize = readFileSync(state(dir, 'state.json'), 'utf8').length;
  t.ok(snapshotSize > journalText.length + 4096, `the snapshot (${snapshotSize} bytes) is larger than the journal (${journalText.length}) and a record`);
  const noSnapshot = limited(journalText.length + 4096, 'skip', 't1');
  t.equal(noSnapshot.status, 0, noSnapshot.stderr);
  t.match(
    noSnapshot.stdout,
    /^skip t1: recorded; the next `execplan run` acts on it\nwarning: cannot write the state snapshot \S+state\.json \(EFBIG[^)]*\); the journal holds the request\n$/,
  );
  t.equal(noSnapshot.stderr, '');
  const status = await verb(dir, 'status');
  t.match(status.stdout, /1 done, 1 skipped, 58 ready\n/, 'the skip stands: status folds it from the journal');
  t.equal((await verb(dir, 'verify')).code, 0, 'the history is intact');
  t.equal((await verb(dir, 'skip', 't2')).code, 0, 'with the limit gone the next request is recorded');
});

t.test('the rest: a missing cwd, the helper keeps the grace period, --fresh after a refused preflight, plan-order ties', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: A, cwd: nowhere, run: "true" }\n` });
  const missing = await run(dir);
  t.match(missing.stdout, /FAILED a \(attempt 1\): could not start: working directory .*nowhere does not exist \(cwd:\)/);
  t.notMatch(missing.stdout, /spawn \/bin\/sh ENOENT/);
  // Helper mode: SIGTERM to the runner's whole process group still lets a task clean up within the grace period.
  const trap = project({
    'plan.yaml': `${header}tasks:\n  - { id: a, title: A, run: "trap 'sleep 0.3; touch cleaned; exit 1' TERM; touch started; while true; do sleep 0.05; done" }\n`,
  });
  const child = spawn(process.execPath, [bin, 'run'], {
    cwd: trap,
    env: { ...process.env, ...env, EXECPLAN_SPAWN: 'helper', EXECPLAN_KILL_GRACE_MS: '3000' },
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitFor(path.join(trap, 'started'));
  process.kill(-child.pid!, 'SIGTERM');
  t.equal(await exited, 9);
  t.ok(existsSync(path.join(trap, 'cleaned')), 'the task got its grace period (its TERM trap finished)');
  // --fresh does not archive a state when preflight then refuses to start.
  const agentPlan = project({
    'spec.md': '# S\n',
    'plan.yaml': `version: 1\nname: demo\nspec: spec.md\ntasks:\n  - { id: a, title: A, run: "true" }\n  - { id: b, title: B, agent: { profile: claude }, needs: [a] }\n`,
  });
  t.equal((await cli(['run', '--only', 'a'], { cwd: agentPlan, env })).code, 0);
  const refused = await cli(['run', '--fresh'], { cwd: agentPlan, env: { ...env, PATH: '/nonexistent' } });
  t.equal(refused.code, 6, refused.stderr);
  t.notOk(existsSync(state(agentPlan, 'archive')), 'nothing archived');
  t.ok(existsSync(state(agentPlan, 'journal.jsonl')), 'the state is where it was');
  // Ties in the schedule launch in plan order (then id), as docs/plan-format.md says.
  const ties = project({
    'plan.yaml': `${header}tasks:\n  - { id: zeta, title: Z, run: "true" }\n  - { id: alpha, title: A, run: "true" }\n  - { id: mid, title: M, run: "true" }\n`,
  });
  t.equal((await run(ties, '--concurrency', '1')).code, 0);
  t.same(
    journal(ties)
      .filter((r) => r.type === 'task-start')
      .map((r) => r.task),
    ['zeta', 'alpha', 'mid'],
  );
  const dry = await run(ties, '--dry-run', '--fresh');
  t.match(dry.stdout, /1\. zeta\n2\. alpha\n3\. mid/);
});

t.test('status and the control verbs reuse the plan model of an earlier load only while the plan, its config, its spec and execplan are unchanged', async (t) => {
  const plan = `${header}spec: spec.md\ntasks:\n  - { id: a, title: Make A, run: "true", acceptance: [ok] }\n  - { id: b, title: Make B, run: "exit 1", acceptance: [ok] }\n  - { id: c, title: Make C, run: "true", acceptance: [ok], deps: [{ task: b, confidence: 0.6 }] }\n`;
  // min_confidence 0.5 schedules c after b (failed): c is blocked. Without the config c is ready.
  const dir = project({ 'plan.yaml': plan, 'spec.md': '# Spec\n', 'execplan.config.yaml': 'min_confidence: 0.5\n' });
  t.equal((await run(dir)).code, 7);
  const cache = state(dir, 'plan-model.json');
  t.notOk(existsSync(cache), 'a run does not write it');
  const first = await verb(dir, 'status');
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /1 done, 1 failed, 1 blocked\n[^]*c: blocked: upstream failed \(b\)/);
  t.ok(existsSync(cache), 'status stored the model in the state directory');
  // The stored model is what status shows while the key matches: a task renamed in it shows up.
  const [key, body] = [readFileSync(cache, 'utf8').split('\n', 1)[0]!, readFileSync(cache, 'utf8').slice(readFileSync(cache, 'utf8').indexOf('\n') + 1)];
  writeFileSync(cache, `${key}\n${body.replaceAll('"id":"c"', '"id":"c-from-cache"')}`);
  t.match((await verb(dir, 'status', '--json')).stdout, /"c-from-cache"/, 'served from the cache');
  // A changed config: the key differs, the plan is loaded again (c is no longer held by b).
  writeFileSync(path.join(dir, 'execplan.config.yaml'), '# no settings\n');
  const configChanged = await verb(dir, 'status');
  t.match(configChanged.stdout, /1 done, 1 failed, 1 ready\nready: c\n/, configChanged.stdout);
  t.notMatch(readFileSync(cache, 'utf8'), /c-from-cache/, 'the stale model was replaced');
  // A changed plan (one byte of a title): loaded again.
  writeFileSync(cache, `${readFileSync(cache, 'utf8').replaceAll('"id":"c"', '"id":"c-from-cache"')}`);
  writeFileSync(path.join(dir, 'plan.yaml'), plan.replace('Make C', 'Make C!'));
  const planChanged = await verb(dir, 'status', '--json');
  t.notMatch(planChanged.stdout, /c-from-cache/);
  t.match(planChanged.stdout, /"ready": \[\n\s+"c"\n\s+\]/);
  // The spec is checked on disk every time: a spec that became a directory makes the plan invalid,
  // with the same diagnostic and exit code as a full load.
  rmSync(path.join(dir, 'spec.md'));
  mkdirSync(path.join(dir, 'spec.md'));
  for (const args of [['status'], ['resume']]) {
    const invalid = await verb(dir, ...args);
    t.equal(invalid.code, 5, `${args[0]} on a plan whose spec is a directory`);
    t.equal(invalid.stderr, "plan.yaml:4:7: error spec-not-file spec 'spec.md' is not a regular file (a directory); name a text file\n");
  }
  rmSync(path.join(dir, 'spec.md'), { recursive: true });
  writeFileSync(path.join(dir, 'spec.md'), '# Spec\n');
  // A plan that became invalid is never served from the cache, and an invalid plan is never stored.
  writeFileSync(path.join(dir, 'plan.yaml'), plan.replace('id: c, title: Make C', 'id: c, title: Make C, needs: [zz]'));
  const broken = await verb(dir, 'status');
  t.equal(broken.code, 5);
  t.match(broken.stderr, /^plan\.yaml:8:\d+: error unknown-task task 'c' depends on 'zz', which is not a task/);
  // A control verb reads the cache like status.
  writeFileSync(path.join(dir, 'plan.yaml'), plan);
  t.equal((await verb(dir, 'resume')).code, 0);
  t.equal((await verb(dir, 'status')).stdout, configChanged.stdout.replace(/\n$/, '') + '\n');
});

t.test("the cache key covers execplan's own code: any module file that changes size or time changes it", async (t) => {
  const { planCacheKey } = await import('../src/cli/plan-cache.js');
  const { codeStamp } = await import('../src/core/code-stamp.js');
  const code = project({ 'a.js': 'export const a = 1;\n', 'sub/b.js': 'export const b = 2;\n', 'notes.txt': 'not code\n' });
  const before = codeStamp(code);
  t.equal(codeStamp(code), before, 'stable');
  writeFileSync(path.join(code, 'notes.txt'), 'still not code\n');
  t.equal(codeStamp(code), before, 'a file that is not a module does not count');
  writeFileSync(path.join(code, 'sub/b.js'), 'export const b = 3;\n');
  utimesSync(path.join(code, 'sub/b.js'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  const edited = codeStamp(code);
  t.not(edited, before, 'an edited module');
  utimesSync(path.join(code, 'sub/b.js'), new Date(2002, 1, 1), new Date(2002, 1, 1));
  t.not(codeStamp(code), edited, 'a module with a new time and the same size');
  const inputs = { file: 'plan.yaml', textHash: 'x', layers: { config: {}, overrides: {} }, code: before };
  const key = planCacheKey(inputs);
  t.not(planCacheKey({ ...inputs, file: 'other.yaml' }), key);
  t.not(planCacheKey({ ...inputs, textHash: 'y' }), key);
  t.not(planCacheKey({ ...inputs, layers: { config: { minConfidence: 0.5 }, overrides: {} } }), key);
  t.not(planCacheKey({ ...inputs, code: edited }), key);
});

t.test('a journal checked once against its snapshot is not checked again until either file changes; damage is still found', async (t) => {
  const { checkedKey } = await import('../src/runner/journal-checked.js');
  const { codeStamp } = await import('../src/core/code-stamp.js');
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: Make A, run: "true" }\n  - { id: b, title: Make B, run: "exit 1", needs: [a] }\n` });
  t.equal((await run(dir)).code, 7);
  const note = state(dir, 'journal.checked');
  const vouched = () => `${checkedKey(readFileSync(state(dir, 'journal.jsonl'), 'utf8'), readFileSync(state(dir, 'state.json'), 'utf8'), codeStamp(path.join(root, 'dist')))}\n`;
  t.equal(readFileSync(note, 'utf8'), vouched(), 'a run leaves the note for the journal and snapshot it ended with');
  rmSync(note);
  const first = await verb(dir, 'status');
  t.match(first.stdout, /1 done, 1 failed\n/);
  t.equal(readFileSync(note, 'utf8'), vouched(), 'a clean full check leaves the note');
  // The note is what is trusted: a snapshot changed behind it, with a note forged for it, is what status shows.
  const journalText = readFileSync(state(dir, 'journal.jsonl'), 'utf8');
  const forged = readFileSync(state(dir, 'state.json'), 'utf8').replace('"status":"failed"', '"status":"skipped"');
  writeFileSync(state(dir, 'state.json'), forged);
  writeFileSync(note, `${checkedKey(journalText, forged, codeStamp(path.join(root, 'dist')))}\n`);
  t.match((await verb(dir, 'status')).stdout, /1 done, 1 skipped\n/, 'served from the snapshot');
  // Without a matching note the snapshot counts for nothing: the journal is the truth.
  writeFileSync(note, 'stale\n');
  t.match((await verb(dir, 'status')).stdout, /1 done, 1 failed\n/);
  // An edited record, with the note of the journal before it: the chain check runs and finds it.
  await verb(dir, 'status');
  const lines = journalText.split('\n');
  const i = lines.findIndex((l) => l.includes('"type":"task-end"'));
  lines[i] = lines[i]!.replace(/"ts":"[^"]+"/, '"ts":"2001-01-01T00:00:00.000Z"');
  writeFileSync(state(dir, 'journal.jsonl'), lines.join('\n'));
  for (const args of [['status'], ['resume']]) {
    const damaged = await verb(dir, ...args);
    t.equal(damaged.code, 8, `${args[0]}: ${damaged.stderr}`);
    t.match(damaged.stderr, /error journal-broken-chain/);
  }
  // The last record cut off: the snapshot's head no longer matches the journal.
  writeFileSync(state(dir, 'journal.jsonl'), journalText);
  t.equal((await verb(dir, 'status')).code, 0);
  writeFileSync(state(dir, 'journal.jsonl'), `${journalText.trimEnd().split('\n').slice(0, -1).join('\n')}\n`);
  const cut = await verb(dir, 'status');
  t.equal(cut.code, 8, cut.stderr);
  // A control verb leaves the note for the journal and snapshot it wrote (it holds their fold), so the
  // status after it takes the snapshot instead of checking the journal again.
  writeFileSync(state(dir, 'journal.jsonl'), journalText);
  t.equal((await verb(dir, 'status')).code, 0);
  rmSync(note);
  const skipped = await verb(dir, 'skip', 'b');
  t.equal(skipped.code, 0, skipped.stderr);
  t.equal(readFileSync(note, 'utf8'), vouched(), 'the note vouches for exactly the bytes the verb left');
  t.match((await verb(dir, 'status')).stdout, /1 done, 1 skipped\n/);
  // Bytes another writer appended after the verb are not vouched for: the next load checks them in full.
  appendFileSync(state(dir, 'journal.jsonl'), '{"seq":1}\n');
  const appended = await verb(dir, 'status');
  t.equal(appended.code, 8, appended.stderr);
});
