// The runner's pure helpers: globs, redaction, line splitting, hash chain, launch priority; the process-group lifecycle.
import t from 'tap';
import { expandGlobs, globMatchesAnything, globToRegExp } from '../src/runner/glob.js';
import { redactSecrets } from '../src/secrets/index.js';
import { LineSplitter } from '../src/runner/lines.js';
import { GroupLifecycle, shellArgs, spawnGroup } from '../src/runner/process-group.js';
import { execFileSync, spawn } from 'node:child_process';
import { genesis, hashLine, JournalWriter, verifyJournal } from '../src/runner/journal.js';
import { StorageError } from '../src/runner/storage-error.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { RunPlan } from '../src/runner/plan-view.js';
import { dependencyClosure } from '../src/runner/selection.js';
import { waitReasons } from '../src/runner/wait-reason.js';
import { describeWaitLine, type WaitReason } from '../src/core/task-status.js';
import { tempDir } from './helpers/cli.js';
import { LaunchOrder } from '../src/runner/handoff-artifacts.js';
import { emptyState } from '../src/runner/state.js';
import { resolveActor } from '../src/runner/actor.js';

t.test('globs', async (t) => {
  t.ok(globToRegExp('src/**/*.ts').test('src/a/b/c.ts'));
  t.ok(globToRegExp('src/**/*.ts').test('src/c.ts'));
  t.notOk(globToRegExp('src/*.ts').test('src/a/c.ts'));
  t.ok(globToRegExp('{a,b}.txt').test('b.txt'));
  const dir = tempDir('execplan-glob-');
  mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const f of ['src/a.ts', 'src/deep/b.ts', 'src/c.md', 'node_modules/x.ts', 'top.ts']) writeFileSync(path.join(dir, f), '');
  t.same(expandGlobs(dir, ['src/**/*.ts']), ['src/a.ts', 'src/deep/b.ts']);
  t.same(expandGlobs(dir, ['**/*.ts']), ['src/a.ts', 'src/deep/b.ts', 'top.ts'], 'node_modules is never walked');
  t.same(expandGlobs(dir, ['top.ts', 'missing.ts']), ['top.ts']);
  // A directory names everything below it, as in `files:` (otherwise a task with `inputs: [src/]` is
  // "fresh" whatever changes in src).
  t.same(expandGlobs(dir, ['src/']), ['src/a.ts', 'src/c.md', 'src/deep/b.ts']);
  t.same(expandGlobs(dir, ['./src']), ['src/a.ts', 'src/c.md', 'src/deep/b.ts']);
  t.same(expandGlobs(dir, ['src/{*.ts,*.md}']), ['src/a.ts', 'src/c.md'], 'wildcards inside braces');
  t.same(expandGlobs(dir, ['src/[ab].ts']), ['src/a.ts'], 'character classes');
  mkdirSync(path.join(dir, 'empty'));
  t.ok(globMatchesAnything(dir, 'empty'), 'an output directory exists even when empty, like a make target');
  t.ok(globMatchesAnything(dir, 'src/'));
  t.notOk(globMatchesAnything(dir, 'missing/'));
  t.notOk(globMatchesAnything(dir, 'src/*.js'));
});

t.test('redaction', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP', /AKIA/],
    ['token ghp_abcdefghijklmnopqrstuvwxyz0123456789', /ghp_/],
    ['ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz', /sk-ant/],
    ['postgres://admin:s3cretpw@db.internal:5432/app', /s3cretpw/],
    ['Authorization: Bearer abcdefghijklmnop123456', /abcdefghijklmnop123456/],
    ['{"password": "hunter2hunter2"}', /hunter2/],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', /MIIEow/],
  ];
  for (const [text, secret] of cases) t.notMatch(redactSecrets(text), secret, text);
  t.equal(redactSecrets('postgres://admin:s3cretpw@db.internal:5432/app'), 'postgres://admin:[REDACTED:connection-string]@db.internal:5432/app');
  t.equal(redactSecrets('compiled 42 files in 3.1s'), 'compiled 42 files in 3.1s', 'ordinary lines untouched');
});

t.test('line splitter emits whole lines only, across chunks, and bounds long lines', async (t) => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push(Buffer.from('he'));
  s.push(Buffer.from('llo\r\nwor'));
  t.same(lines, ['hello']);
  s.push(Buffer.from([0xe2, 0x82])); // a UTF-8 character split across chunks
  s.push(Buffer.from([0xac, 0x0a]));
  t.same(lines, ['hello', 'wor€']);
  s.push(Buffer.from('x'.repeat(200_000)));
  t.ok(lines.slice(2).every((l) => l.length <= 65536) && lines.length >= 4, 'a huge line is cut, not buffered');
  s.push(Buffer.from('tail'));
  s.end();
  t.match(lines.at(-1), /tail$/);
});

t.test('process group: stdin in, whole lines or chunks out, a timeout, a kill that waits for the pid', async (t) => {
  const lines: string[] = [];
  const long = 'x'.repeat(100_000);
  const cat = spawnGroup({
    file: 'cat',
    args: [],
    cwd: tmpdir(),
    env: process.env,
    stdin: `a\n${long}\nlast`,
    graceMs: 200,
    output: { lines: (l) => lines.push(l), maxLine: Infinity },
  });
  t.same(await cat.done, { kind: 'exited', exitCode: 0 });
  t.same(lines, ['a', long, 'last'], 'the prompt went in; a long line stays whole with maxLine Infinity');

  const chunks: Buffer[] = [];
  const printer = spawnGroup({
    ...shellArgs('head -c 300000 /dev/zero; echo done >&2; exit 3'),
    cwd: tmpdir(),
    env: process.env,
    graceMs: 200,
    // every chunk waits a turn before the next: the stream is paused meanwhile, nothing is lost
    output: {
      chunks: (chunk, stream) => {
        if (stream === 'stdout') chunks.push(chunk);
        return new Promise<void>((resolve) => setImmediate(resolve));
      },
    },
  });
  t.same(await printer.done, { kind: 'exited', exitCode: 3 });
  t.equal(Buffer.concat(chunks).length, 300000, 'chunk mode with backpressure relays every byte');

  const slow = spawnGroup({ file: 'sleep', args: ['30'], cwd: tmpdir(), env: process.env, graceMs: 200, timeoutMs: 100, output: { lines: () => {} } });
  t.same(await slow.done, { kind: 'killed', reason: 'timeout' });

  const missing = spawnGroup({ file: 'execplan-no-such-program', args: [], cwd: tmpdir(), env: process.env, graceMs: 200, output: { lines: () => {} } });
  t.match(await missing.done, { kind: 'error', message: /ENOENT/ });

  // The spawn helper's case: the kill is asked before the pid is known, and applies when it arrives.
  const life = new GroupLifecycle(5000);
  life.kill('interrupt');
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  life.started(child.pid!);
  t.equal(await exited, 'SIGTERM', 'SIGTERM went to the group once the pid was known');
  t.same(await life.end({ kind: 'signalled', signal: 'SIGTERM' }), { kind: 'killed', reason: 'interrupt' });
});

t.test('hash chain', async (t) => {
  const a = JSON.stringify({ seq: 1, prev: genesis, type: 'plan' });
  const b = JSON.stringify({ seq: 2, prev: hashLine(a), type: 'run-end' });
  t.same(verifyJournal(`${a}\n${b}\n`, { seq: 2, hash: hashLine(b) }).problems, []);
  const swapped = verifyJournal(`${b}\n${a}\n`, null).problems.map((p) => p.code);
  t.ok(swapped.includes('journal-broken-chain'));
  t.match(verifyJournal(`${a}\n`, { seq: 2, hash: hashLine(b) }).problems, [{ code: 'journal-head-mismatch' }]);
});

t.test('preflight: a task kind without an executor, or a failing executor preflight, stops the run before it starts', async (t) => {
  const { modelOf } = await import('./helpers/cli.js');
  const { buildRunPlan } = await import('../src/runner/plan-view.js');
  const { Runner } = await import('../src/runner/runner.js');
  const { NullStore } = await import('../src/runner/store.js');
  const { statePaths } = await import('../src/runner/paths.js');
  const text = 'version: 1\nname: p\ntitle: P\ntasks:\n  - { id: a, title: Run a, run: "true" }\n  - { id: b, title: Write b, agent: { prompt: "x" }, needs: [a] }\n';
  const model = modelOf(text);
  const plan = buildRunPlan(model, '/nonexistent', text);
  const options = (executors: object) => ({
    concurrency: 1,
    keepGoing: false,
    only: null,
    force: false,
    wait: false,
    graceMs: 10,
    retryBaseMs: 10,
    executors,
    env: {},
    onEvent: () => {},
    exitCodeOf: () => 0,
  });
  const command = {
    kind: 'command',
    preflight: async () => [],
    start: () => {
      throw new Error('must not start');
    },
  };
  const bare = new Runner(plan, new NullStore(), statePaths('/nonexistent', 'p'), options({ command }));
  t.same(await bare.preflight(), ['no executor for agent tasks (b)']);
  const failing = {
    kind: 'agent',
    preflight: async (tasks: Array<{ id: string }>) => [{ task: tasks[0]!.id, message: 'agent CLI `claude` not found on PATH' }],
    start: () => {
      throw new Error('must not start');
    },
  };
  const withAgent = new Runner(plan, new NullStore(), statePaths('/nonexistent', 'p'), options({ command, agent: failing }));
  t.same(await withAgent.preflight(), ['b: agent CLI `claude` not found on PATH']);
});

t.test('--only selects the dependency closure iteratively (a 50,000-task chain)', async (t) => {
  const n = 50_000;
  const tasks = new Map(Array.from({ length: n }, (_, i) => [`t${i}`, { deps: i === 0 ? [] : [`t${i - 1}`] }]));
  const plan = { tasks } as unknown as RunPlan;
  t.equal(dependencyClosure(plan, [`t${n - 1}`]).size, n);
  t.same([...dependencyClosure(plan, ['t2', 't1'])], ['t2', 't1', 't0']);
});

t.test('wait reasons: a failure far upstream in a 50,000-task chain, linear and without recursion', async (t) => {
  const n = 50_000;
  const order = Array.from({ length: n }, (_, i) => ({
    model: { id: `t${i}`, phaseIndex: -1, phase: null, kind: 'command', gate: null },
    deps: i === 0 ? [] : [`t${i - 1}`],
  }));
  const plan = { tasks: new Map(order.map((task) => [task.model.id, task])), order } as unknown as RunPlan;
  const text = (reason: WaitReason | null, task: string) => (reason === null ? 'ready' : describeWaitLine(reason, task));
  const why = waitReasons(plan, (id) => (id === 't0' ? 'failed' : 'pending'), false);
  t.equal(text(why(plan.tasks.get(`t${n - 1}`)!, false), `t${n - 1}`), 'blocked: upstream failed (t0)');
  t.equal(text(why(plan.tasks.get('t1')!, false), 't1'), 'blocked: upstream failed (t0)');
  const none = waitReasons(plan, (id) => (id === 't0' ? 'done' : 'pending'), false);
  t.equal(text(none(plan.tasks.get('t1')!, false), 't1'), 'ready');
  t.equal(text(none(plan.tasks.get('t2')!, false), 't2'), 'needs t1');
});

t.test("hand-off step order: the runner's launch-order index gives each attempt the place a full sort gives it", async (t) => {
  // Starts in a scrambled order, with ties on the start time (broken by task id, then attempt number).
  const state = emptyState();
  const starts: Array<[string, string, number]> = [];
  for (let i = 0; i < 60; i++) {
    const task = `t${(i * 37) % 23}`;
    const n = (state.tasks[task]?.attempts.length ?? 0) + 1;
    const startedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, (i * 13) % 17)).toISOString();
    (state.tasks[task] ??= {
      status: 'pending',
      attempts: [],
      definition: null,
      fingerprint: null,
      approved: false,
      forced: null,
      note: null,
      failuresSinceReset: 0,
    }).attempts.push({
      n,
      runId: 'r',
      status: 'done',
      startedAt,
      endedAt: null,
      exitCode: null,
      reason: null,
      log: '',
      logged: false,
    });
    starts.push([startedAt, task, n]);
  }
  const sorted = [...starts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]));
  const built = new LaunchOrder(state);
  for (const [i, [at, task, n]] of sorted.entries()) t.equal(built.place(at, task, n), i + 1, `${task}#${n}`);
  // Built from half the starts, then told of the others one by one (as the runner journals them).
  const half = emptyState();
  for (const [, task, n] of starts.slice(0, 30)) {
    const s = (half.tasks[task] ??= { ...state.tasks[task]!, attempts: [] });
    s.attempts.push({ ...state.tasks[task]!.attempts.find((a) => a.n === n)! });
  }
  const grown = new LaunchOrder(half);
  for (const [at, task, n] of starts.slice(30)) grown.add(at, task, n);
  for (const [i, [at, task, n]] of sorted.entries()) t.equal(grown.place(at, task, n), i + 1);
  t.equal(built.place('2026-01-01T00:00:00.000Z', 'nobody', 1), null, 'an attempt the state does not have');
});

t.test('journal batch mode: one write per turn, on disk before the caller acts, nothing after a refused write', async (t) => {
  const dir = tempDir('execplan-journal-batch-');
  const file = path.join(dir, 'journal.jsonl');
  const writer = new JournalWriter(file, { seq: 0, hash: genesis });
  const errors: StorageError[] = [];
  writer.batchWrites((error) => errors.push(error));
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  writer.append({ type: 'task-reset', task: 'a', reason: 'new run' }, new Date());
  writer.append({ type: 'task-reset', task: 'b', reason: 'new run' }, new Date());
  t.equal(lines().length, 0, 'appended records wait for the end of the turn');
  await Promise.resolve();
  t.equal(lines().length, 2, 'both went out at the end of the turn');
  writer.append({ type: 'task-reset', task: 'c', reason: 'new run' }, new Date());
  writer.writePending();
  t.equal(lines().length, 3, 'writePending: on disk before the caller acts on it');
  t.same(verifyJournal(readFileSync(file, 'utf8'), writer.current).problems, [], 'the chain is whole');
  // A refused write (here: the descriptor closed under it) stops the journal: no gap in the chain later.
  writer.close();
  writer.append({ type: 'task-reset', task: 'd', reason: 'new run' }, new Date());
  await Promise.resolve();
  t.equal(errors.length, 1, 'the refused write is reported');
  t.match(errors[0]!.message, /cannot write the journal/);
  t.throws(() => writer.writePending(), { code: 'EBADF', what: 'write the journal' }, 'and every later write is refused too');
  t.ok(errors[0] instanceof StorageError);
  t.equal(lines().length, 3);
});

t.test('the actor from git: one `git config` reads name and email as `git config --get` gives each', async (t) => {
  const home = tempDir('execplan-actor-');
  const repo = path.join(home, 'repo');
  mkdirSync(repo);
  const env = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', USER: 'os-user' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, stdio: 'ignore' });
  git('init', '-q');
  t.equal(resolveActor(env, repo), `os-user@${hostname()}`, 'neither set: the OS user');
  // A key set twice takes its last value; a value is trimmed; a newline inside a value stays.
  git('config', '--add', 'user.name', 'First');
  git('config', '--add', 'user.name', ' Ada  Lovelace ');
  t.equal(resolveActor(env, repo), 'Ada  Lovelace', 'name only');
  git('config', 'user.email', 'ada@example.com');
  t.equal(resolveActor(env, repo), 'Ada  Lovelace <ada@example.com>');
  git('config', '--unset-all', 'user.name');
  git('config', 'user.name', 'two\nlines');
  t.equal(resolveActor(env, repo), 'two\nlines <ada@example.com>');
  // A key with no value at all (`[user] name`) is '' for `git config --get`: the email alone.
  writeFileSync(path.join(repo, '.git', 'config'), `${readFileSync(path.join(repo, '.git', 'config'), 'utf8')}[user]\n\tname\n`);
  t.equal(resolveActor(env, repo), 'ada@example.com');
  t.equal(resolveActor({ ...env, EXECPLAN_ACTOR: ' bot ' }, repo), 'bot');
});
