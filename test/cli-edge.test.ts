// Edge cases found by adversarial use of the CLI: each assertion is a bug that once reached users.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli as cliInProcess, cliShell, tempDir } from './helpers/cli.js';

const cli = (args: string[], cwd: string) => cliInProcess(args, { cwd });

const plan = `version: 1
name: edge
title: Edge
tasks:
  - { id: a, title: Build a, estimate: 1, acceptance: [It builds] }
  - { id: b, title: Build b, estimate: 2, needs: [a], acceptance: [It builds] }
`;

const work = tempDir('execplan-edge-');
writeFileSync(path.join(work, 'plan.yaml'), plan);
writeFileSync(path.join(work, 'a-file'), 'not a directory\n');

t.test('an output path that cannot be written is a one-line error (exit 1), not an internal error, and leaves nothing half-written', async (t) => {
  for (const [args, message] of [
    [['compile', 'plan.yaml', '--out', 'a-file'], /^execplan compile: a-file is a file, not a directory; pass a directory\n$/],
    [['compile', 'plan.yaml', '--out', 'a-file/sub'], /^execplan compile: cannot create a-file\/sub: a part of that path is a file\n$/],
    [['init', 'a-file'], /^execplan init: a-file is a file, not a directory/],
    // Once wrote the artifacts straight into the plan's folder.
    [['compile', 'plan.yaml', '--out', ''], /^execplan compile: --out needs a directory/],
    [['export', 'beads', 'plan.yaml', '-o', '.'], /^execplan export: \. is a directory; name a file\n$/],
    [['export', 'beads', 'plan.yaml', '-o', 'missing/beads.jsonl'], /^execplan export: cannot write missing\/beads\.jsonl: its directory does not exist\n$/],
  ] as const) {
    const r = await cli([...args], work);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.stderr, message);
  }

  // One artifact path blocked by a directory: no artifact is replaced and no temporary file is left.
  const out = path.join(work, 'out');
  t.equal((await cli(['compile', 'plan.yaml', '--out', 'out'], work)).code, 0);
  const before = readFileSync(path.join(out, 'Plan.md'), 'utf8');
  const listing = readdirSync(out).sort();
  rmSync(path.join(out, 'waves.json'));
  mkdirSync(path.join(out, 'waves.json'));
  writeFileSync(path.join(work, 'plan.yaml'), plan.replace('title: Edge', 'title: Edge renamed'));
  const blocked = await cli(['compile', 'plan.yaml', '--out', 'out'], work);
  t.equal(blocked.code, 1);
  t.match(blocked.stderr, 'out/waves.json is a directory');
  t.equal(readFileSync(path.join(out, 'Plan.md'), 'utf8'), before, 'Plan.md kept as it was');
  t.same(readdirSync(out).sort(), listing, 'the same files as before: no temporary file left');
  writeFileSync(path.join(work, 'plan.yaml'), plan);
});

t.test('common imperative verbs are verbs (title-not-verb once flagged "Do ...", "Edit ...", "Get ...")', async (t) => {
  const { startsWithVerb } = await import('../src/compiler/verbs.js');
  for (const title of ['Do the release checklist', 'Edit the README', 'Get sign-off from legal', 'Rebase onto main', 'Interview three users']) t.ok(startsWithVerb(title), title);
  t.notOk(startsWithVerb('User model'));
});

t.test('a plan read from a pipe is read whole (it was "empty": a pipe has no size)', async (t) => {
  // Through sh: a real pipe (spawnSync's own stdin is a socket, which /dev/stdin cannot open).
  const r = cliShell('cat plan.yaml | execplan validate /dev/stdin', { cwd: work });
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.match(r.stderr, '/dev/stdin: valid (2 tasks, 1 scheduled dependency)');
});

t.test('`execplan graph | head -1` ends quietly (it died with an unhandled EPIPE stack trace)', async (t) => {
  const chain = Array.from({ length: 700 }, (_, i) => `  - { id: t${i}, title: Build part ${i}, estimate: 1, acceptance: [ok]${i ? `, needs: [t${i - 1}]` : ''} }\n`).join('');
  writeFileSync(path.join(work, 'chain.yaml'), `version: 1\nname: chain\ntasks:\n${chain}`);
  const r = cliShell('execplan graph chain.yaml --format json | head -1', { cwd: work });
  t.equal(r.stdout, '{\n');
  t.equal(r.stderr, '', 'no EPIPE, no stack trace');
});

t.test('compile --check suggests the command with the same flags it was given', async (t) => {
  const r = await cli(['compile', 'plan.yaml', '--check', '--out', 'never', '--concurrency', '1'], work);
  t.equal(r.code, 10);
  t.match(r.stderr, 'run `execplan compile plan.yaml --out never --concurrency 1` and commit the result');
});

t.test('an output that is the plan file itself is refused before anything is written', async (t) => {
  const r = await cli(['export', 'beads', 'plan.yaml', '-o', 'plan.yaml'], work);
  t.equal(r.code, 1);
  t.match(r.stderr, '-o plan.yaml is the plan itself');
  t.equal(readFileSync(path.join(work, 'plan.yaml'), 'utf8'), plan, 'the plan survives');
});

t.test('a very long dependency cycle is summarised in its diagnostic, not written out whole', async (t) => {
  const n = 500;
  const tasks = Array.from({ length: n }, (_, i) => `  - { id: t${i}, title: Build ${i}, acceptance: [ok], needs: [t${(i + n - 1) % n}] }\n`).join('');
  writeFileSync(path.join(work, 'cycle.yaml'), `version: 1\nname: cycle\ntasks:\n${tasks}`);
  const r = await cli(['validate', 'cycle.yaml', '--format', 'json'], work);
  t.equal(r.code, 3);
  const [d] = JSON.parse(r.stdout) as { code: string; message: string }[];
  t.equal(d!.code, 'dependency-cycle');
  t.match(d!.message, /^dependency cycle: t0 -> t499 -> .* -> \.\.\. 461 more \.\.\. -> .* -> t1 -> t0 \(each depends on the next\); suggested fix/);
  t.ok(d!.message.length < 1000, `${d!.message.length} characters`);
});
