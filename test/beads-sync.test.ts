// beads status sync: a fake `bd` on PATH records the calls `execplan run --beads-sync` makes.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { beadsId } from '../src/compiler/artifacts/beads.js';
import { cli, project } from './helpers/cli.js';

const plan = (settings = '') => `version: 1
name: demo
title: Demo
${settings}tasks:
  - { id: a, title: Build a, run: "echo a" }
  - { id: b, title: Build b, run: "exit 3" }
  - { id: c, title: Build c, run: "echo c", needs: [b] }
`;
const id = (task: string) => beadsId('demo', 'demo', task);

function fakeBd(dir: string): { env: NodeJS.ProcessEnv; calls: () => string[] } {
  const bin = path.join(dir, 'fakebin');
  mkdirSync(bin);
  const log = path.join(dir, 'bd-calls.txt');
  // One line per call, arguments joined by '|'; BD_FAIL=close makes `bd close` fail.
  writeFileSync(path.join(bin, 'bd'), `#!/bin/sh\nIFS='|'; echo "$*" >> "${log}"\nif [ "$1" = "$BD_FAIL" ]; then echo "database is locked" >&2; exit 4; fi\n`);
  chmodSync(path.join(bin, 'bd'), 0o755);
  return {
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    calls: () => {
      try {
        return readFileSync(log, 'utf8').trimEnd().split('\n');
      } catch {
        return [];
      }
    },
  };
}

t.test('run --beads-sync: in_progress at start, close when done, blocked on failure and for blocked tasks, each naming the run', async (t) => {
  const dir = project({ 'plan.yaml': plan() });
  const bd = fakeBd(dir);
  const run = await cli(['run', '--beads-sync', '--keep-going'], { cwd: dir, env: bd.env });
  t.equal(run.code, 7, run.stdout + run.stderr);
  const runId = /execplan run (\S+) \(new\)/.exec(run.stdout)![1];
  const calls = bd.calls();
  t.same(
    calls.filter((c) => c.includes(id('a'))),
    [`update|${id('a')}|--status|in_progress|--notes|execplan run ${runId}: attempt 1 started`, `close|${id('a')}|--reason|done in execplan run ${runId} (attempt 1)`],
  );
  t.same(
    calls.filter((c) => c.includes(id('b'))),
    [
      `update|${id('b')}|--status|in_progress|--notes|execplan run ${runId}: attempt 1 started`,
      `update|${id('b')}|--status|blocked|--notes|execplan run ${runId}: attempt 1 failed: exited with code 3`,
    ],
  );
  t.same(
    calls.filter((c) => c.includes(id('c'))),
    [`update|${id('c')}|--status|blocked|--notes|execplan run ${runId}: blocked by a failed task upstream`],
  );
  t.notMatch(run.stderr, /warning/);

  // export beads writes each task's status from the run state.
  const exported = await cli(['export', 'beads'], { cwd: dir });
  const statuses = Object.fromEntries(
    exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status: string })
      .map((i) => [i.id, i.status]),
  );
  t.same([statuses[id('a')], statuses[id('b')], statuses[id('c')]], ['closed', 'blocked', 'blocked']);
});

t.test('settings.beads.sync: a missing bd is a preflight error (exit 6); a failing bd call is a warning, not a failed task', async (t) => {
  const dir = project({ 'plan.yaml': plan('settings: { beads: { sync: true, prefix: team } }\n') });
  const missing = await cli(['run'], { cwd: dir, env: { PATH: '/nonexistent' } });
  t.equal(missing.code, 6);
  t.match(missing.stderr, /cannot start: beads sync \(--beads-sync or settings\.beads\.sync\) needs the beads CLI `bd` on PATH \(not found\)/);
  const bd = fakeBd(dir);
  const run = await cli(['run', '--only', 'a'], { cwd: dir, env: { ...bd.env, BD_FAIL: 'close' } });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stderr, /execplan: warning: beads sync: bd close team-[0-9a-f]{8} failed \(exit 4\): database is locked/);
  t.match(bd.calls()[0], new RegExp(`^update\\|${beadsId('team', 'demo', 'a')}\\|--status\\|in_progress`), 'the prefix of settings.beads.prefix');
  // Without the sync, no bd is needed.
  const plain = project({ 'plan.yaml': plan() });
  t.equal((await cli(['run', '--only', 'a'], { cwd: plain, env: { PATH: process.env.PATH } })).code, 0);
});
