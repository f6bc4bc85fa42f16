// execplan run and its control commands, end to end: real processes in temp dirs, handshakes by files.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli as cliInProcess, cliBackground, cliTerminal, noTerminal, project, root, tempDir } from './helpers/cli.js';
import { alive, env as baseEnv, header, journal, readPid, waitFor, waitForPid, waitUntil } from './helpers/run-control.js';

const workspace = (plan: string) => project({ 'plan.yaml': plan }, 'execplan-runner-');

/** The CLI in this process (same code as bin/execplan.js, without 0.5 s of start-up per call). */
async function cli(dir: string, ...args: string[]) {
  return cliEnv(dir, {}, ...args);
}

async function cliEnv(dir: string, env: Record<string, string>, ...args: string[]) {
  const r = await cliInProcess(args, { cwd: dir, env: { ...baseEnv, ...env } });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const background = (dir: string, ...args: string[]) => cliBackground(args, { cwd: dir, env: baseEnv });

function starts(dir: string): string[] {
  return journal(dir)
    .filter((r) => r.type === 'task-start')
    .map((r) => r.task);
}

t.test('runs in dependency order, non-TTY output is one line per event, state and logs are written', async (t) => {
  const dir = workspace(`${header}tasks:
  - { id: a, title: Build a, run: "echo hello from a", estimate: 1 }
  - { id: b, title: Build b, run: ["echo one", "echo two >&2"], needs: [a] }
  - { id: c, title: Build c, run: "true", needs: [a] }
  - { id: d, title: Build d, run: "echo password=hunter2secret", needs: [b, c] }
`);
  const r = await cli(dir, 'run');
  t.equal(r.code, 0, r.out + r.err);
  t.match(r.out, /^execplan run \S+ \(new\): 4 of 4 task\(s\) to run, concurrency 10$/m);
  t.match(r.out, /^start  a$/m);
  t.match(r.out, /^a \| hello from a$/m);
  t.match(r.out, /^b \| two$/m);
  t.match(r.out, /^done   d \d+\.\ds$/m);
  t.match(r.out, /^completed: 4 done in /m);
  const order = starts(dir);
  t.equal(order[0], 'a');
  t.equal(order[3], 'd');
  // secrets never reach the log nor the terminal
  t.match(readFileSync(path.join(dir, '.execplan/demo/logs/d/1.log'), 'utf8'), /password=\[REDACTED(:password)?\]/);
  t.notMatch(r.out, /hunter2secret/);
  t.notOk(existsSync(path.join(dir, '.execplan/demo/logs/c/1.log')), 'a silent task leaves no log file');
  const state = JSON.parse(readFileSync(path.join(dir, '.execplan/demo/state.json'), 'utf8'));
  t.same(
    Object.values(state.tasks).map((s: any) => s.status),
    ['done', 'done', 'done', 'done'],
  );
  t.notOk(existsSync(path.join(dir, '.execplan/demo/lock')), 'lock released');
  const runs = readFileSync(path.join(dir, '.execplan/demo/runs', `${state.runId}.json`), 'utf8');
  t.match(JSON.parse(runs), { exitCode: 0, outcome: 'completed', tasks: { b: { status: 'done', attempts: [{ attempt: 1, log: '.execplan/demo/logs/b/1.log' }] } } });
  t.equal((await cli(dir, 'verify')).code, 0);

  // Through the Node spawn helpers (what plans with 50+ command tasks use without the native one): same events, same output.
  const json = await cliEnv(dir, { EXECPLAN_SPAWN: 'helper' }, 'run', '--json', '--no-state');
  t.equal(json.code, 0);
  const events = json.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.equal(events[0].event, 'run-start');
  t.match(events.at(-1), { event: 'run-end', exitCode: 0, outcome: 'completed' });
  t.ok(events.some((e) => e.event === 'task-output' && e.task === 'a' && e.line === 'hello from a'));
  // And spawned by the runner itself (where the native helper is not built and the plan is small).
  const direct = await cliEnv(dir, { EXECPLAN_SPAWN: 'direct' }, 'run', '--json', '--no-state');
  t.equal(direct.code, 0);
  t.ok(direct.out.split('\n').some((l) => l.includes('"task-output"') && l.includes('hello from a')));

  const only = await cli(dir, 'run', '--fresh', '--only', 'b');
  t.equal(only.code, 0, only.out);
  t.same(starts(dir), ['a', 'b'], '--only runs the task and what it needs');
  t.equal((await cli(dir, 'run', '--only', 'nope')).code, 1);
});

t.test('launch order, concurrency limit, resources, files and phases are honoured', async (t) => {
  const dir = workspace(`${header}resources:
  db: { capacity: 1 }
phases:
  - { id: one, title: One }
  - { id: two, title: Two }
tasks:
  - { id: p, title: Run p, run: "true", phase: one, estimate: 1 }
  - { id: q, title: Run q, run: "true", phase: one, estimate: 1, resources: { db: 1 } }
  - { id: r, title: Run r, run: "true", phase: one, estimate: 1, resources: { db: 1 } }
  - { id: s, title: Run s, run: "true", phase: one, estimate: 1, files: ["src/**"] }
  - { id: u, title: Run u, run: "true", phase: one, estimate: 1, files: ["src/api/x.ts"] }
  - { id: z, title: Run z, run: "true", phase: one, estimate: 5 }
  - { id: w, title: Run w, run: "true", phase: two, estimate: 1 }
`);
  const r = await cli(dir, 'run', '--concurrency', '3');
  t.equal(r.code, 0, r.out + r.err);
  // The compiled frontier priority: p, q, s, z start at hour 0 (r waits for q's db, u for s's files), ties by id.
  t.same(starts(dir).slice(0, 3), ['p', 'q', 's'], 'launch order = compiled frontier priority');
  // Intervals from the journal: at most 3 at once, never q with r, never s with u, w after all of phase one.
  const running = new Set<string>();
  let max = 0;
  for (const rec of journal(dir)) {
    if (rec.type === 'task-start') {
      running.add(rec.task);
      max = Math.max(max, running.size);
      t.notOk(running.has('q') && running.has('r'), 'db capacity 1');
      t.notOk(running.has('s') && running.has('u'), 'overlapping files');
      if (rec.task === 'w') t.equal(running.size, 1, 'phase barrier');
    }
    if (rec.type === 'task-end') running.delete(rec.task);
  }
  t.ok(max <= 3);
  const dry = await cli(dir, 'run', '--dry-run', '--fresh');
  t.equal(dry.code, 0);
  t.match(dry.out, /1\. p\n2\. q\n3\. s\n4\. z\n5\. r\n6\. u\n7\. w\n/);
});

t.test('failure policy, keep-going, retries, acceptance checks', async (t) => {
  const plan = `${header}tasks:
  - { id: bad, title: Fail, run: "echo oops; exit 3", estimate: 5 }
  - { id: after, title: Run after, run: "true", needs: [bad] }
  - { id: other, title: Run other, run: "true", estimate: 1 }
  - { id: flaky, title: Run flaky, run: "echo try; echo x >> tries; test $(wc -l < tries) -ge 2", retries: 2, estimate: 1 }
  - { id: checked, title: Run checked, run: "echo hi > out.txt", acceptance: [{ file: out.txt, contains: bye }], estimate: 1 }
`;
  const dir = workspace(plan);
  const r = await cli(dir, 'run', '--concurrency', '1');
  t.equal(r.code, 7, r.out);
  t.same(starts(dir), ['bad'], 'stops launching after the first failure');
  t.match(r.out, /FAILED bad: exited with code 3 \(log: \.execplan\/demo\/logs\/bad\/1\.log\)/);
  t.match(r.out, /^  blocked after: upstream failed \(bad\)$/m);
  t.match(r.out, /^  cancelled other: not started$/m);
  t.match(r.out, /1 blocked, 3 cancelled, 1 failed/);

  const dir2 = workspace(plan);
  const k = await cli(dir2, 'run', '--keep-going', '--concurrency', '1');
  t.equal(k.code, 7);
  t.notOk(starts(dir2).includes('after'), 'never runs downstream of a failure');
  t.match(k.out, /FAILED flaky \(attempt 1\)/);
  t.match(k.out, /retry  flaky in/);
  t.match(k.out, /^done   flaky/m);
  t.equal(readFileSync(path.join(dir2, 'tries'), 'utf8').split('\n').length - 1, 2, 'retried once, then passed');
  t.match(k.out, /FAILED checked: acceptance check failed: file out\.txt contains "bye": text not found/);
  t.match(k.out, /^done   other/m);
  const status = JSON.parse((await cli(dir2, 'status', '--json')).out);
  t.match(status, { active: false, counts: { done: 2, failed: 2, blocked: 1 } });
  t.match((await cli(dir2, 'logs', 'flaky', '--attempt', '1')).err, /flaky attempt 1: failed \(exited with code 1\)/);
});

t.test('timeout kills the whole process tree, grandchild included', async (t) => {
  const dir = workspace(`${header}tasks:
  - { id: slow, title: Run slow, run: "sh -c 'sleep 30 & echo $! > gc.pid; wait'", timeout: 3s }
`);
  const r = await cliEnv(dir, { EXECPLAN_SPAWN: 'helper' }, 'run');
  t.equal(r.code, 7, r.out + r.err);
  t.match(r.out, /FAILED slow \(attempt 1\): timed out after 3s \(process tree killed\)/);
  const pid = readPid(path.join(dir, 'gc.pid'));
  t.notOk(alive(pid), 'grandchild is gone');
});

t.test('through the spawn helper, what a finished task left in its process group is killed with it', async (t) => {
  // The helper says whether the group was empty once the leader ended; here it is not (a background
  // sleep that does not hold the output), so the runner must still kill the group.
  const dir = workspace(`${header}tasks:
  - { id: bg, title: Run bg, run: "sleep 30 > /dev/null 2>&1 & echo $! > bg.pid" }
  - { id: after, title: Run after, needs: [bg], run: "true" }
`);
  const r = await cliEnv(dir, { EXECPLAN_SPAWN: 'helper' }, 'run');
  t.equal(r.code, 0, r.out + r.err);
  const pid = readPid(path.join(dir, 'bg.pid'));
  // SIGKILL was sent before the run ended; the process is gone once the kernel has delivered it.
  await waitUntil('the background sleep is killed', () => !alive(pid));
  t.pass('the background member is gone');
});

t.test('Ctrl-C stops the tree and exits 9; the next run resumes with a new attempt', async (t) => {
  const dir = workspace(`${header}tasks:
  - { id: first, title: Run first, run: "echo ran >> first.count" }
  - { id: long, title: Run long, needs: [first], run: "if [ -f go ]; then exit 0; fi; sh -c 'sleep 30 & echo $! > gc.pid; wait' & touch started; wait" }
`);
  const run = background(dir, 'run');
  await waitFor(path.join(dir, 'started'));
  await waitForPid(path.join(dir, 'gc.pid'));
  run.child.kill('SIGINT');
  t.equal(await run.exited, 9, run.output());
  t.match(run.output(), /stop   long \(attempt 1 interrupted\)/);
  t.notOk(alive(readPid(path.join(dir, 'gc.pid'))), 'grandchild killed');
  writeFileSync(path.join(dir, 'go'), '');
  const again = await cli(dir, 'run');
  t.equal(again.code, 0, again.out);
  t.match(again.out, /start  long \(attempt 2\)/);
  t.equal(readFileSync(path.join(dir, 'first.count'), 'utf8'), 'ran\n', 'finished task not re-run');
});

t.test('kill -9 of the runner: lock contention, then resume re-runs only the interrupted task', async (t) => {
  const dir = workspace(`${header}tasks:
  - { id: a, title: Run a, run: "echo a >> ran.txt" }
  - { id: b, title: Run b, run: "echo b >> ran.txt", needs: [a] }
  - { id: hang, title: Run hang, needs: [b], run: "echo hang >> ran.txt; if [ -f go ]; then exit 0; fi; echo $$ > hang.pid; while [ ! -f go ]; do sleep 0.05; done" }
  - { id: last, title: Run last, run: "echo last >> ran.txt", needs: [hang] }
`);
  const run = background(dir, 'run');
  await waitForPid(path.join(dir, 'hang.pid'));
  const second = await cli(dir, 'run');
  t.equal(second.code, 6, 'a second run on the same state cannot start');
  t.match(second.err, /in use by another execplan run \(pid \d+/);
  run.child.kill('SIGKILL');
  await run.exited;
  // the orphaned task (own process group) is still running: stop it as a crashed machine would
  const hangPid = readPid(path.join(dir, 'hang.pid'));
  process.kill(-hangPid, 'SIGKILL');
  await waitUntil('the killed task is gone', () => !alive(hangPid));
  const status = await cli(dir, 'status');
  t.match(status.out, /interrupted \(no runner alive\)/);
  writeFileSync(path.join(dir, 'go'), '');
  const again = await cli(dir, 'run');
  t.equal(again.code, 0, again.out + again.err);
  // A member of the killed group may still be exiting when the run looks (a kill is not instant): then the
  // run ends it and says so.
  t.match(again.out, /note   hang: attempt 1 was interrupted; (ended \d+ process\(es\) it left running \(pid [\d, ]+\); )?it runs again as a new attempt/);
  t.match(again.out, /resuming: 2 task\(s\) already finished are not re-run/);
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'a\nb\nhang\nhang\nlast\n', 'a and b ran once');
  t.match(
    journal(dir).find((r) => r.type === 'task-interrupted'),
    { task: 'hang', attempt: 1 },
  );
  t.equal((await cli(dir, 'verify')).code, 0);
});

t.test('control commands act on a live run: approve, done, pause/resume, skip, retry', async (t) => {
  const dir = workspace(`${header}tasks:
  - { id: gated, title: Deploy gated, run: "touch gated.ran", gate: approve }
  - { id: manual, title: Review manual }
  - { id: end, title: Run end, run: "touch end.ran", needs: [gated, manual] }
`);
  const run = background(dir, 'run', '--wait');
  await waitFor(path.join(dir, '.execplan', 'demo', 'journal.jsonl'));
  t.equal((await cli(dir, 'approve', 'end')).code, 1, 'no gate on end');
  const paused = await cli(dir, 'pause');
  t.match(paused.out, /pause: applied by the running execplan run \(pid \d+\)/);
  const approved = await cli(dir, 'approve', 'gated');
  t.match(approved.out, /approve gated: applied by the running/);
  t.notOk(existsSync(path.join(dir, 'gated.ran')), 'paused: nothing launched');
  t.match((await cli(dir, 'status')).out, /PAUSED/);
  await cli(dir, 'resume');
  await waitFor(path.join(dir, 'gated.ran'));
  const done = await cli(dir, 'done', 'manual', '--reason', 'reviewed by Ana');
  t.equal(done.code, 0, done.err);
  t.equal(await run.exited, 0, run.output());
  t.ok(existsSync(path.join(dir, 'end.ran')));
  t.match(
    journal(dir).find((r) => r.type === 'control' && r.action === 'done'),
    { task: 'manual', reason: 'reviewed by Ana' },
  );

  // Without a live run the command applies the request itself.
  const dir2 = workspace(`${header}tasks:
  - { id: x, title: Fail x, run: "test -n \\"$EXECPLAN_NOTE\\"" }
  - { id: y, title: Run y, run: "true", needs: [x] }
`);
  t.equal((await cli(dir2, 'run')).code, 7);
  t.match((await cli(dir2, 'retry', 'x', '--note', 'use the fix')).out, /recorded; the next `execplan run` acts on it/);
  const rerun = await cli(dir2, 'run');
  t.equal(rerun.code, 0, rerun.out);
  t.match(rerun.out, /start  x \(attempt 2\)/);
  const dir3 = workspace(`${header}tasks:
  - { id: x, title: Fail x, run: "exit 1" }
  - { id: y, title: Run y, run: "true", needs: [x] }
`);
  await cli(dir3, 'run');
  t.equal((await cli(dir3, 'skip', 'x')).code, 0);
  const skipped = await cli(dir3, 'run');
  t.equal(skipped.code, 0, skipped.out);
  t.same(starts(dir3), ['x', 'y']);
});

t.test('fingerprints: fresh when inputs are unchanged and outputs exist; --force; plan edits re-run changed tasks', async (t) => {
  const plan = `${header}tasks:
  - { id: gen, title: Generate gen, run: "cat src/*.txt > out.txt; echo gen >> count", inputs: ["src/*.txt"], outputs: [out.txt] }
  - { id: use, title: Use use, run: "cat out.txt > use.txt; echo use >> count", inputs: [out.txt], outputs: [use.txt], needs: [gen] }
`;
  const dir = workspace(plan);
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'a.txt'), 'one\n');
  const count = () => readFileSync(path.join(dir, 'count'), 'utf8').trim().split('\n');
  t.equal((await cli(dir, 'run')).code, 0);
  const again = await cli(dir, 'run');
  t.match(again.out, /fresh  gen \(up to date, not re-run\)\nfresh  use/);
  t.same(count(), ['gen', 'use']);
  t.match((await cli(dir, 'run', '--dry-run')).out, /gen  \(fresh: up to date, would be skipped\)/);
  writeFileSync(path.join(dir, 'src', 'a.txt'), 'two\n');
  await cli(dir, 'run');
  t.same(count(), ['gen', 'use', 'gen', 'use'], 'changed input re-runs it and its dependents');
  rmSync(path.join(dir, 'use.txt'));
  await cli(dir, 'run');
  t.same(count().slice(4), ['use'], 'missing output re-runs only that task');
  await cli(dir, 'run', '--force');
  t.equal(count().length, 7);

  // A resumed run re-runs tasks whose definition changed (and says so).
  writeFileSync(path.join(dir, 'plan.yaml'), `${plan}  - { id: boom, title: Fail boom, run: "exit 1", needs: [use] }\n`);
  t.equal((await cli(dir, 'run')).code, 7);
  writeFileSync(path.join(dir, 'plan.yaml'), `${plan.replace('echo use >> count', 'echo use2 >> count')}  - { id: boom, title: Fail boom, run: "true", needs: [use] }\n`);
  const changed = await cli(dir, 'run');
  t.equal(changed.code, 0, changed.out);
  t.match(changed.out, /plan changed since the last run: re-running use, boom/);
  t.equal(count().at(-1), 'use2');
  const fresh = await cli(dir, 'run', '--fresh');
  t.match(fresh.err, /previous state archived in \.execplan\/demo\/archive\//);
});

t.test('journal tampering is detected by execplan verify', async (t) => {
  const dir = workspace(`${header}tasks:
  - { id: a, title: Run a, run: "true" }
  - { id: b, title: Run b, run: "exit 1" }
`);
  await cli(dir, 'run');
  const file = path.join(dir, '.execplan', 'demo', 'journal.jsonl');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, original.replace('"status":"failed"', '"status":"done"'));
  const edited = await cli(dir, 'verify');
  t.equal(edited.code, 8);
  t.match(edited.out, /journal\.jsonl:\d+:1: error journal-broken-chain record \d+ does not follow/);
  writeFileSync(file, original.split('\n').slice(0, -2).join('\n') + '\n');
  const truncated = await cli(dir, 'verify');
  t.equal(truncated.code, 8);
  t.match(truncated.out, /journal-head-mismatch/);
  const lines = original.split('\n');
  writeFileSync(file, [...lines.slice(0, 2), 'garbage', ...lines.slice(2)].join('\n'));
  const damaged = await cli(dir, 'run');
  t.equal(damaged.code, 8, 'a damaged history is not resumed');
  t.match(damaged.err, /journal\.jsonl:3:1: error journal-not-json record is not valid JSON\n[\s\S]*the run history is damaged[\s\S]*execplan run --fresh/);
  t.match((await cli(dir, 'verify')).out, /journal\.jsonl:3:1: error journal-not-json/);
});

t.test('on a terminal: a bounded live display (header + one row per slot), NO_COLOR, then the summary', { skip: noTerminal }, async (t) => {
  const tasks = Array.from({ length: 40 }, (_, i) => `  - { id: t${i}, title: Run t${i}, run: "echo out${i}" }`).join('\n');
  const dir = workspace(`${header}tasks:\n${tasks}\n  - { id: slow, title: Run slow, run: "echo tick; sleep 0.6" }\n`);
  const r = cliTerminal(['run', '--concurrency', '2'], { cwd: dir, env: { ...baseEnv, NO_COLOR: '1' }, rows: 40, cols: 100 });
  const out = r.stdout;
  t.match(out, /\d+\/41 finished/);
  t.match(out, /completed: 41 done/);
  // eslint-disable-next-line no-control-regex -- the ANSI colour escape is what must be absent
  t.notMatch(out, /\x1b\[3\dm/, 'no colour with NO_COLOR');
  // Each frame redraws at most header + 2 slot rows (+ notices): never one row per task.
  const frames = out.split('\x1b[G').map((f) => f.split('\n').filter((l) => /idle|·/.test(l)).length);
  t.ok(Math.max(...frames) >= 1, 'the live display drew at least one frame with slot rows');
  t.ok(Math.max(...frames) <= 3, `rows per frame: ${Math.max(...frames)}`);
});

t.test('examples/make: a second run is all fresh; an edit re-runs only what depends on it', async (t) => {
  const example = path.join(root, 'examples', 'make');
  const dir = tempDir('execplan-example-');
  cpSync(example, dir, { recursive: true, filter: (src) => !/[\\/](build|\.execplan)$/.test(src) });
  const first = await cli(dir, 'run');
  t.equal(first.code, 0, first.out);
  t.match((await cli(dir, 'run')).out, /completed: 4 fresh/);
  writeFileSync(path.join(dir, 'src', 'subject.txt'), 'wide world\n');
  const edited = await cli(dir, 'run');
  t.same(edited.out.match(/^start {2}\S+/gm), ['start  subject', 'start  page', 'start  checksum']);
  t.match(edited.out, /fresh  greeting/);
});
