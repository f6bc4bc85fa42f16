// Logs with limits: the per-attempt cap (beginning + end + a marked gap), the console cap in plain mode,
// keep_runs and `execplan prune`, and `execplan logs --follow` on a running attempt.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, cliBackground, cliProcess, project } from './helpers/cli.js';

const header = 'version: 1\nname: demo\ntitle: Demo\n';
const MiB = 1024 * 1024;

async function until<T>(what: string, probe: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a task printing 30 MB leaves a log of at most 20 MiB with its beginning, a marked gap and its last line', async (t) => {
  // 30 MiB of 100-byte lines, numbered, then a last line: well past the default 20 MiB cap (and the
  // console's 10 MiB head), so the gap is 10 MiB, without the runner and awk pushing 100 MB through.
  const dir = project({
    'plan.yaml': `${header}tasks:
  - { id: loud, title: Print loud, run: "awk 'BEGIN { s = sprintf(\\"%090d\\", 0); for (i = 1; i <= 314573; i++) printf \\"%08d %s\\\\n\\", i, s; print \\"LAST LINE\\" }'" }
`,
  });
  const run = cliProcess(['run'], { cwd: dir });
  t.equal(run.code, 0, run.stderr);
  const log = path.join(dir, '.execplan', 'demo', 'logs', 'loud', '1.log');
  const size = statSync(log).size;
  t.ok(size <= 20 * MiB, `log is ${size} bytes`);
  t.ok(size > 19 * MiB, 'the cap is used, not far below it');
  const text = readFileSync(log, 'utf8');
  t.ok(text.startsWith(`00000001 ${'0'.repeat(90)}\n`), 'starts with the first line');
  t.ok(text.endsWith('LAST LINE\n'), 'ends with the last line');
  t.match(text, /\n\[execplan: \d+ line\(s\), \d+ byte\(s\) omitted here; a log keeps its first and last lines within 20\.0 MiB \(logs\.max_bytes_per_attempt\)\]\n/);
  // The console got the same cap: not 100 MB of output.
  t.ok(run.stdout.length <= 20.5 * MiB, `stdout is ${run.stdout.length} bytes`);
  t.match(run.stdout, /loud \| \[execplan: output over 10\.0 MiB; its last lines follow when the attempt ends\]/);
  t.match(run.stdout, /loud \| \[execplan: \d+ line\(s\) not shown; `execplan logs loud` has the log\]/);
  t.match(run.stdout, /loud \| LAST LINE\ndone   loud/);
  // `execplan logs` prints the capped file.
  const shown = await cli(['logs', 'loud'], { cwd: dir });
  t.ok(shown.stdout.endsWith('LAST LINE\n'));
});

t.test('logs.max_bytes_per_attempt; logs.keep_runs keeps the last N runs; execplan prune --keep N', async (t) => {
  const dir = project({
    'plan.yaml': `${header}settings: { logs: { max_bytes_per_attempt: 4096, keep_runs: 2 } }
tasks:
  - { id: x, title: Print x, run: "seq 1 2000; exit 1" }
`,
  });
  const logs = () => readdirSync(path.join(dir, '.execplan', 'demo', 'logs', 'x')).sort();
  // Separate processes: each run gets its own run id (the id is the start second and the pid).
  const first = cliProcess(['run'], { cwd: dir });
  t.equal(first.code, 7, first.stderr);
  const one = readFileSync(path.join(dir, '.execplan', 'demo', 'logs', 'x', '1.log'), 'utf8');
  t.ok(Buffer.byteLength(one) <= 4096, `capped at 4096 (${Buffer.byteLength(one)})`);
  t.ok(one.startsWith('1\n2\n3\n') && one.endsWith('1999\n2000\n'));
  t.ok(first.stdout.length < 6000, 'console capped the same way');
  for (const n of [2, 3]) {
    t.equal((await cli(['retry', 'x'], { cwd: dir })).code, 0);
    const again = cliProcess(['run'], { cwd: dir });
    t.equal(again.code, 7);
    if (n === 3) t.match(again.stderr, /logs\.keep_runs 2: removed the logs of 1 older run\(s\) \(1 file\(s\)\)/);
  }
  t.same(logs(), ['2.log', '3.log'], 'the first run is gone');
  const pruned = await cli(['prune', '--keep', '1'], { cwd: dir });
  t.equal(pruned.code, 0, pruned.stderr);
  t.match(pruned.stdout, /prune: kept the logs of 1 run\(s\); removed 1 log file\(s\) \(\d+ bytes\) of 2 older run\(s\)/);
  t.same(logs(), ['3.log']);
  const zero = await cli(['prune', '--keep', '0'], { cwd: dir });
  t.equal(zero.code, 1);
  t.match(zero.stderr, /--keep takes a whole number of at least 1, got '0'/);
});

t.test('execplan logs --follow tails a running attempt until it ends', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:
  - { id: slow, title: Print slow, run: "echo first; while [ ! -f go ]; do sleep 0.05; done; echo second; sleep 0.3; echo last" }
`,
  });
  const run = cliBackground(['run'], { cwd: dir });
  t.teardown(() => void (run.child.exitCode === null && run.child.kill('SIGINT')));
  const journal = path.join(dir, '.execplan', 'demo', 'journal.jsonl');
  await until('the task to start', () => existsSync(journal) && readFileSync(journal, 'utf8').includes('"task-start"'));
  const follow = cliBackground(['logs', 'slow', '--follow'], { cwd: dir });
  await until('the first line', () => follow.output().includes('first\n'));
  t.notMatch(follow.output(), /second/);
  writeFileSync(path.join(dir, 'go'), '');
  t.equal(await follow.exited, 0);
  t.match(follow.output(), /first\n[^]*second\nlast\n[^]*# slow attempt 1: done/);
  t.equal(await run.exited, 0, run.output());
});
