// `execplan diff` as a user sees it: two plan files, or a plan and a git revision; the text report and
// the JSON keys other tools read (added, removed, changed, dependencies, makespan).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, project } from './helpers/cli.js';

const before = `version: 1
name: shop
resources:
  db: { capacity: 1 }
tasks:
  - { id: schema, title: Create the schema, estimate: 2, acceptance: [ok], run: "true", resources: { db: 1 } }
  - { id: api, title: Build the API, needs: [schema], estimate: 3, acceptance: [ok], run: "true" }
  - { id: ui, title: Build the UI, needs: [api], estimate: 1, acceptance: [ok], run: "true" }
`;
const after = `version: 1
name: shop
resources:
  db: { capacity: 2 }
tasks:
  - { id: schema, title: Create the schema, estimate: 2, acceptance: [ok], run: "true", resources: { db: 1 } }
  - { id: api, title: Build the API, needs: [schema], estimate: 5, risk: high, acceptance: [ok], run: "true" }
  - { id: docs, title: Write the docs, needs: [schema], estimate: 1, acceptance: [ok], run: "true" }
`;

t.test('two files: text and JSON', async (t) => {
  const dir = project({ 'old.yaml': before, 'new.yaml': after });
  const r = await cli(['diff', 'old.yaml', 'new.yaml'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  t.equal(
    r.stdout,
    `old.yaml -> new.yaml
+ task docs: Write the docs
- task ui: Build the UI
~ task api
    estimate: 3 -> 5
    risk: (none) -> high
+ dependency docs needs schema
- dependency ui needs api
~ resource db: capacity 1 -> 2

makespan: 6 h -> 7 h (+1 h)
critical path: schema -> api -> ui (6 h) -> schema -> api (7 h)
waves: 3 -> 2
`,
  );
  const j = await cli(['diff', 'old.yaml', 'new.yaml', '--json'], { cwd: dir });
  const diff = JSON.parse(j.stdout);
  t.same(diff.added, [{ id: 'docs', title: 'Write the docs' }]);
  t.same(diff.removed, [{ id: 'ui', title: 'Build the UI' }]);
  t.same(diff.changed, [{ id: 'api', fields: { estimate: { before: 3, after: 5 }, risk: { before: null, after: 'high' } } }]);
  t.same(diff.dependencies, { added: [{ task: 'docs', needs: 'schema', scheduled: true }], removed: [{ task: 'ui', needs: 'api', scheduled: true }] });
  t.same(diff.makespan, { before: 6, after: 7, delta: 1 });
  t.same(diff.waves, { before: 3, after: 2 });
  const same = await cli(['diff', 'old.yaml', 'old.yaml'], { cwd: dir });
  t.match(same.stdout, 'no changes to tasks, dependencies, resources, phases or streams\n\nmakespan: 6 h -> 6 h (0 h)');
  writeFileSync(path.join(dir, 'bad.yaml'), before.replace('needs: [api]', 'needs: [nope]'));
  const bad = await cli(['diff', 'old.yaml', 'bad.yaml'], { cwd: dir });
  t.equal(bad.code, 5);
  t.match(bad.stderr, /bad\.yaml:\d+:\d+: error unknown-task/);
  t.equal((await cli(['diff', 'old.yaml'], { cwd: dir })).code, 1, 'one file without --rev is a usage error');
});

t.test('a plan against a git revision', async (t) => {
  const dir = project({ 'plans/plan.yaml': before });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'plan');
  writeFileSync(path.join(dir, 'plans/plan.yaml'), after);
  const r = await cli(['diff', 'plans/plan.yaml', '--rev', 'main', '--json'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  t.same(
    JSON.parse(r.stdout).added.map((a: { id: string }) => a.id),
    ['docs'],
  );
  const text = await cli(['diff', 'plan.yaml', '--rev', 'main'], { cwd: path.join(dir, 'plans') });
  t.match(text.stdout, 'plan.yaml@main -> plan.yaml\n');
  const missing = await cli(['diff', 'plans/plan.yaml', '--rev', 'nosuch'], { cwd: dir });
  t.equal(missing.code, 1);
  t.match(missing.stderr, "execplan diff: cannot read plans/plan.yaml at revision 'nosuch': fatal:");
});
