import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';

const bin = new URL('../bin/execplan.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

t.test('--version matches package.json', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const r = run('--version');
  t.equal(r.status, 0);
  t.equal(r.stdout.trim(), pkg.version);
});

t.test('--help lists the commands and the exit codes', async (t) => {
  const r = run('--help');
  t.equal(r.status, 0);
  t.match(r.stdout, /validate/);
  t.match(r.stdout, /Exit codes: 0 ok, 1 bad arguments/);
});

t.test('no command and unknown commands are usage errors (exit 1) without a stack trace', async (t) => {
  t.equal(run().status, 1);
  const r = run('frobnicate');
  t.equal(r.status, 1);
  t.match(r.stderr, /unknown command 'frobnicate'/);
  t.notMatch(r.stderr, /\n\s+at /);
});

t.test('a bad flag is a usage error naming the command usage', async (t) => {
  const r = run('validate', '--bogus');
  t.equal(r.status, 1);
  t.match(r.stderr, /Usage: execplan validate/);
});
