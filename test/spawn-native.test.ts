// The native spawn helper (src/runner/native/spawn-helper.c through spawn-native.ts): what a task's
// command sees and what the runner hears back, the same as from Node's own spawn.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { NativeSpawnHelper, nativeHelperPath } from '../src/runner/spawn-native.js';
import { tempDir } from './helpers/cli.js';
import { alive, waitForPid, waitUntil } from './helpers/run-control.js';

const built = nativeHelperPath();
if (process.platform === 'linux') t.ok(built, 'npm run build built the native spawn helper (dist/native)');

type Line = [stream: string, line: string];

function run(helper: NativeSpawnHelper, script: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv; graceMs?: number } = {}) {
  const lines: Line[] = [];
  const handle = helper.spawnTree(script, {
    cwd: opts.cwd ?? tempDir('execplan-native-'),
    env: opts.env ?? { PATH: process.env.PATH },
    graceMs: opts.graceMs ?? 300,
    onLine: (line, stream) => lines.push([stream, line]),
  });
  return { handle, lines, done: handle.done };
}

t.test('output lines, exit codes, signals, environment and working directory', { skip: !built }, async (t) => {
  const helper = NativeSpawnHelper.start(built!);
  t.teardown(() => helper.close());
  const a = run(helper, "echo out; echo err >&2; printf 'no newline'; exit 3");
  t.same(await a.done, { kind: 'exited', exitCode: 3 });
  t.same(a.lines, [
    ['stdout', 'out'],
    ['stderr', 'err'],
    ['stdout', 'no newline'],
  ]);
  t.ok(a.handle.pid! > 0, 'the leader pid is known');
  t.same(await run(helper, 'kill -TERM $$').done, { kind: 'signalled', signal: 'SIGTERM' });
  const dir = tempDir('execplan-native-cwd-');
  const e = run(helper, 'pwd; env | sort; trap - INT; kill -INT $$', { cwd: dir, env: { PATH: process.env.PATH, ONE: 'a b', EMPTY: '', GONE: undefined } });
  // SIGINT is ignored in the helper; a task gets every signal at its default, so it dies of it.
  t.same(await e.done, { kind: 'signalled', signal: 'SIGINT' });
  const out = e.lines.map(([, l]) => l);
  t.equal(out[0], dir);
  t.ok(out.includes('ONE=a b') && out.includes('EMPTY='), 'the variables given, exactly');
  t.notOk(
    out.some((l) => l.startsWith('GONE=')),
    'an undefined variable is not set',
  );
  t.notOk(
    out.some((l) => l.startsWith('HOME=')),
    'nothing of the helper own environment',
  );
  t.same(await run(helper, 'true', { cwd: path.join(dir, 'missing') }).done, { kind: 'error', message: `working directory ${path.join(dir, 'missing')} does not exist (cwd:)` });
  t.match(await run(helper, 'true', { env: { BAD: 'a\0b' } }).done, { kind: 'error', message: /BAD contains a NUL byte/ });
  // stdin is /dev/null: a command that reads it ends at once.
  const c = run(helper, 'cat; echo read-done');
  t.same(await c.done, { kind: 'exited', exitCode: 0 });
  t.same(c.lines, [['stdout', 'read-done']]);
});

t.test('large output arrives whole, and many tasks at once keep their own ends', { skip: !built }, async (t) => {
  const helper = NativeSpawnHelper.start(built!);
  t.teardown(() => helper.close());
  const big = run(helper, "head -c 3000000 /dev/zero | tr '\\0' x | fold -w 1000; echo end >&2");
  const many = Array.from({ length: 40 }, (_, i) => run(helper, `echo task ${i}; exit ${i % 7}`));
  t.same(await big.done, { kind: 'exited', exitCode: 0 });
  const stdout = big.lines.filter(([s]) => s === 'stdout');
  t.equal(stdout.length, 3000);
  t.ok(
    stdout.every(([, l]) => l.length === 1000 && /^x+$/.test(l)),
    'every line whole',
  );
  t.same(
    big.lines.filter(([s]) => s === 'stderr'),
    [['stderr', 'end']],
  );
  const ends = await Promise.all(many.map((m) => m.done));
  t.same(
    ends,
    many.map((_, i) => ({ kind: 'exited', exitCode: i % 7 })),
  );
  t.same(
    many.map((m) => m.lines),
    many.map((_, i) => [['stdout', `task ${i}`]]),
  );
});

t.test('kills reach the whole group; members left behind are killed; held pipes are cut', { skip: !built }, async (t) => {
  const helper = NativeSpawnHelper.start(built!);
  t.teardown(() => helper.close());
  const dir = tempDir('execplan-native-kill-');
  const k = run(helper, 'sleep 30 & echo $! > gc.pid; wait', { cwd: dir, graceMs: 200 });
  const grandchild = await waitForPid(path.join(dir, 'gc.pid'));
  k.handle.kill('interrupt');
  t.same(await k.done, { kind: 'killed', reason: 'interrupt' });
  await waitUntil('the grandchild is gone', () => !alive(grandchild));
  // The leader ends and leaves a member in its group (not holding the output): killed with it.
  const left = run(helper, 'sleep 30 > /dev/null 2>&1 & echo $! > bg.pid', { cwd: dir });
  t.same(await left.done, { kind: 'exited', exitCode: 0 });
  const member = await waitForPid(path.join(dir, 'bg.pid'));
  await waitUntil('the member left behind is killed', () => !alive(member));
  // A descendant that left the group and holds stdout: the end comes half a second after the leader's.
  const held = run(helper, 'setsid sleep 5 & echo $! > held.pid', { cwd: dir });
  const started = Date.now();
  t.same(await held.done, { kind: 'exited', exitCode: 0, pipesHeld: true });
  t.ok(Date.now() - started >= 400, 'waited for the pipe grace period');
  process.kill(await waitForPid(path.join(dir, 'held.pid')), 'SIGKILL');
});

t.test('a helper that dies or speaks out of step ends every pending attempt as an error', async (t) => {
  const dir = tempDir('execplan-native-fake-');
  const fake = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const dies = NativeSpawnHelper.start(fake('dies', 'sleep 0.2'));
  t.same(await run(dies, 'true').done, { kind: 'error', message: 'the spawn helper process exited' });
  t.same(await run(dies, 'true').done, { kind: 'error', message: 'the spawn helper process exited' }, 'and so does every later start');
  const garbage = NativeSpawnHelper.start(fake('garbage', 'echo this-is-not-a-frame-of-the-helper; sleep 5'));
  t.same(await run(garbage, 'true').done, { kind: 'error', message: 'the spawn helper process exited' });
});

t.test('the build makes the helper where a C compiler is found and says so where it is not', { skip: process.platform !== 'linux' }, async (t) => {
  const root = tempDir('execplan-native-build-');
  const repo = path.join(import.meta.dirname, '..');
  for (const file of ['scripts/build-native.mjs', 'src/runner/native/spawn-helper.c']) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    copyFileSync(path.join(repo, file), path.join(root, file));
  }
  const build = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [path.join(root, 'scripts/build-native.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const binary = path.join(root, 'dist/native/execplan-spawn-helper');
  const without = build({ CC: path.join(root, 'no-such-cc') });
  t.equal(without.status, 0, 'a build without a compiler does not fail');
  t.match(without.stderr, /note: the native spawn helper was not built .*runs will spawn through the Node helpers/);
  t.notOk(existsSync(binary));
  const withCc = build({ CC: '' });
  t.equal(withCc.status, 0, withCc.stderr);
  t.equal(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout, 'execplan-spawn-helper 1\n');
});
