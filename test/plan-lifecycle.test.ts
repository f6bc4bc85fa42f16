// `execplan show`, `list` and `archive` on real folders: a plan, its compiled output, a real run's state.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, project } from './helpers/cli.js';

const plan = (name: string) => `version: 1
name: ${name}
title: Build ${name}
streams:
  core: { owns: ["src/**"] }
phases:
  - { id: one }
  - { id: two }
tasks:
  - { id: a, title: Make a, stream: core, phase: one, estimate: 1, acceptance: [ok], run: "true" }
  - { id: b, title: Make b, stream: core, phase: two, needs: [a], estimate: 2, acceptance: [ok], run: "true" }
`;

t.test("show, list and archive through a plan's life", async (t) => {
  const dir = project({ 'plan.yaml': plan('shop'), 'other/plan.yaml': plan('blog'), 'other/notes.yaml': 'just: data\n', 'node_modules/x/plan.yaml': plan('vendored') });
  const show = await cli(['show'], { cwd: dir });
  t.equal(show.code, 0, show.stderr);
  t.equal(
    show.stdout,
    `Build shop (shop)
tasks: 2 (2 command), 1 scheduled dependency, 3 h of work
streams: core (2)
phases: one (1) -> two (1)
makespan: 3 h (lower bound 3 h), 2 waves
critical path: a -> b (3 h)
scope: single-agent (confidence high): 3 h of work fits one agent (<= 16 h). Parallelism 1 (< 1.5): the critical path of 3 h is most of the work, so extra agents would mostly wait.
warnings: none
`,
  );
  t.equal((await cli(['compile'], { cwd: dir })).code, 0);
  const fromArtifacts = await cli(['show', 'tasks_output'], { cwd: dir });
  t.equal(fromArtifacts.stdout, show.stdout, 'the compiled folder says the same');
  const json = JSON.parse((await cli(['show', '--json'], { cwd: dir })).stdout);
  t.same([json.name, json.tasks, json.makespanHours, json.criticalPath], ['shop', 2, 3, ['a', 'b']]);

  let list = await cli(['list'], { cwd: dir });
  t.equal(
    list.stdout,
    `plan             name  tasks  state
other/plan.yaml  blog  2      no run
plan.yaml        shop  2      no run
`,
    'plans in subfolders; node_modules and non-plans skipped',
  );
  t.equal((await cli(['run'], { cwd: dir })).code, 0);
  list = await cli(['list', '--json'], { cwd: dir });
  t.same(
    JSON.parse(list.stdout).map((p: { name: string; state: string; done: number }) => [p.name, p.state, p.done]),
    [
      ['blog', 'no run', 0],
      ['shop', 'completed', 2],
    ],
  );

  const archived = await cli(['archive', '--tag', 'v1'], { cwd: dir });
  t.equal(archived.code, 0, archived.stderr);
  t.match(archived.stderr, /^plan\.yaml: archived run state and tasks_output\/ to \.execplan\/shop\/archive\/\d{8}T\d{6}Z-v1\/\n$/);
  t.notOk(existsSync(path.join(dir, 'tasks_output')), 'compiled output moved');
  const [stamp] = readdirSync(path.join(dir, '.execplan/shop/archive'));
  t.same(
    readdirSync(path.join(dir, '.execplan/shop/archive', stamp!)).sort(),
    ['journal.jsonl', 'logs', 'runs', 'state.json', 'tasks_output'].filter((f) => existsSync(path.join(dir, '.execplan/shop/archive', stamp!, f))).sort(),
  );
  t.ok(existsSync(path.join(dir, '.execplan/shop/archive', stamp!, 'tasks_output/tasks.json')));
  list = await cli(['list', '--json'], { cwd: dir });
  t.same(
    JSON.parse(list.stdout).map((p: { state: string }) => p.state),
    ['no run', 'no run'],
    'a fresh start after archiving',
  );
  const again = await cli(['archive'], { cwd: dir });
  t.equal(again.code, 0);
  t.match(again.stderr, 'nothing to archive');
  t.equal((await cli(['archive', '--tag', '../x'], { cwd: dir })).code, 1);
  const missing = await cli(['show', 'nowhere'], { cwd: dir });
  t.equal(missing.code, 1);
  t.match(missing.stderr, 'nowhere: no such file');
});
