import { readFileSync } from 'node:fs';
import t from 'tap';
import { cli, cliProcess } from './helpers/cli.js';

t.test('--version matches package.json', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  // The real binary once: the launcher in bin/ reaches main() and sets the exit code.
  const r = cliProcess(['--version']);
  t.equal(r.code, 0);
  t.equal(r.stdout.trim(), pkg.version);
});

t.test('--help lists the commands and the exit codes', async (t) => {
  const r = await cli(['--help']);
  t.equal(r.code, 0);
  t.match(r.stdout, /validate/);
  t.match(r.stdout, /Exit codes: 0 ok, 1 bad arguments/);
});

t.test('no command and unknown commands are usage errors (exit 1) without a stack trace', async (t) => {
  t.equal((await cli([])).code, 1);
  const r = await cli(['frobnicate']);
  t.equal(r.code, 1);
  t.match(r.stderr, /unknown command 'frobnicate'/);
  t.notMatch(r.stderr, /\n\s+at /);
});

t.test('a bad flag is a usage error naming the command usage', async (t) => {
  const r = await cli(['validate', '--bogus']);
  t.equal(r.code, 1);
  t.match(r.stderr, /Usage: execplan validate/);
});
