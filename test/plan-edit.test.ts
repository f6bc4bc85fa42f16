// `execplan task ...` and `execplan dep ...` as a user sees them: the exact plan text after each edit
// (comments, key order, quoting and blank lines kept), refusals that leave the file unchanged with the
// documented exit code, --dry-run diffs and the "are you sure" for absurd values.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { addDependency, addTask, moveTask, removeTask, setTaskFields } from '../src/plan-edit/edit.js';
import { cli, cliProcess, project } from './helpers/cli.js';

const plan = `# yaml-language-server: $schema=../schema/plan.schema.json
# A small plan with comments everywhere an editor could lose them.
version: 1
name: shop
settings: { max_concurrency: 4 }   # flow map with padding

tasks:
  # The schema comes first.
  - id: schema
    title: Create the database schema
    estimate: 2        # hours
    files: ["db/schema.sql"]
    acceptance: [Schema applies cleanly]
    run: "true"

  - id: api
    title: Build the API
    needs: [schema]    # needs the tables
    estimate: { optimistic: 2, likely: 3, pessimistic: 6 }
    files: ["src/api/**"]
    acceptance: [API answers]
    run: "true"

  - id: ui
    title: Build the UI
    needs: [api]
    size: M
    acceptance: [UI renders]
    run: "true"
`;

function edited(result: ReturnType<typeof addTask>): string {
  if (!result.ok) throw new Error(result.message);
  return result.text;
}

t.test('task set changes only the lines it must, keeping comments, quoting and flow padding', async (t) => {
  const out = edited(setTaskFields(plan, 'schema', ['estimate=90m', 'files+=db/seed.sql', 'risk=high']));
  t.equal(
    out,
    plan
      .replace('    estimate: 2        # hours\n    files: ["db/schema.sql"]', '    estimate: 90m      # hours\n    files: ["db/schema.sql", "db/seed.sql"]')
      .replace('    run: "true"\n\n  - id: api', '    run: "true"\n    risk: high\n\n  - id: api'),
  );
  t.match(edited(setTaskFields(plan, 'schema', ['estimate=3'])), '    estimate: 3        # hours\n', 'estimate=3 is the number 3 (no quotes), the comment stays in its column');
  const pert = edited(setTaskFields(plan, 'api', ['estimate.likely=4']));
  t.match(pert, '    estimate: { optimistic: 2, likely: 4, pessimistic: 6 }\n', 'a nested field, the flow map padded as before');
  t.equal(edited(setTaskFields(plan, 'ui', ['size='])), plan.replace('    size: M\n', ''), 'an empty value removes the field');
  const renamed = edited(setTaskFields(plan, 'api', ['id=backend']));
  t.equal(renamed, plan.replace('- id: api', '- id: backend').replace('needs: [api]', 'needs: [backend]'), 'renaming updates every reference');
  const bad = setTaskFields(plan, 'ui', ['risk=extreme']);
  t.same(bad.ok ? null : bad.message, "risk must be one of low, medium, high, not 'extreme'");
  const unknown = setTaskFields(plan, 'ui', ['colour=red']);
  t.match(unknown.ok ? '' : unknown.message, /^unknown task field 'colour' \(fields: id, title, /);
  const typo = setTaskFields(plan, 'uii', ['risk=low']);
  t.same(typo.ok ? null : typo.message, "no task 'uii' in the plan (did you mean 'ui'?)");
});

t.test('task add, rm and mv keep the plan readable', async (t) => {
  const added = edited(addTask(plan, { id: 'docs', title: 'Write the docs', needs: ['api'], estimate: '1', files: ['docs/api.md'], after: 'api' }));
  t.equal(
    added,
    plan.replace(
      '  - id: ui\n',
      `  - id: docs
    title: Write the docs
    needs: [api]
    estimate: 1
    files: ["docs/api.md"]

  - id: ui
`,
    ),
    'inserted after api, blank-line separated, quoted like the other files',
  );
  const removed = edited(removeTask(plan, 'ui', false));
  t.equal(removed, plan.slice(0, plan.indexOf('\n  - id: ui')), 'the last task goes with its lines');
  const refused = removeTask(plan, 'schema', false);
  t.same(refused.ok ? null : [refused.kind, refused.message], [
    'dependents',
    "task 'schema' is needed by 'api'; remove those dependencies first (execplan dep rm <task> schema) or pass --force to remove them with the task",
  ]);
  const forced = edited(removeTask(plan, 'schema', true));
  t.notMatch(forced, 'needs: [schema]');
  t.match(forced, '  - id: api\n    title: Build the API\n    estimate:', 'the emptied needs list went, with its comment');
  t.match(forced, 'tasks:\n  - id: api', "the new first task takes the first position's spacing");
  const moved = edited(moveTask(plan, 'ui', { before: 'schema' }));
  t.match(moved, /tasks:\n  - id: ui\n[^]*?run: "true"\n\n  # The schema comes first.\n  - id: schema/, 'the comment travels with its task');
  t.equal(edited(moveTask(moved, 'ui', { after: 'api' })), plan, 'moving back restores the file byte for byte');
  const dep = edited(addDependency(plan, 'ui', 'schema'));
  t.match(dep, '    needs: [api, schema]\n');
  const first = edited(addDependency(plan, 'schema', 'ui'));
  t.match(first, '    title: Create the database schema\n    needs: [ui]\n', 'a new needs list sits after the title');
});

t.test('the CLI validates, refuses and writes', async (t) => {
  const dir = project({ 'plan.yaml': plan });
  const file = path.join(dir, 'plan.yaml');
  const read = () => readFileSync(file, 'utf8');

  let r = await cli(['dep', 'add', 'schema', 'ui'], { cwd: dir });
  t.equal(r.code, 3, 'a cycle exits 3');
  t.match(r.stderr, 'error dependency-cycle dependency cycle: schema -> ui -> api -> schema');
  t.match(r.stderr, 'nothing was written');
  t.equal(read(), plan, 'file unchanged');

  r = await cli(['task', 'add', 'deploy', '--title', 'Deploy', '--needs', 'nope'], { cwd: dir });
  t.equal(r.code, 5, 'an unknown dependency makes the plan invalid: exit 5');
  t.match(r.stderr, /plan\.yaml:\d+:\d+: error unknown-task/);
  t.equal(read(), plan);

  r = await cli(['task', 'rm', 'api'], { cwd: dir });
  t.equal(r.code, 5);
  t.match(r.stderr, "task 'api' is needed by 'ui'");
  t.equal(read(), plan);

  r = await cli(['task', 'set', 'api', 'estimate=10000'], { cwd: dir });
  t.equal(r.code, 1, 'an absurd estimate needs --yes');
  t.match(r.stderr, 'are you sure? an estimate of 10000 h for one task');
  t.equal(read(), plan);

  r = await cli(['task', 'set', 'ui', 'risk=high', '--dry-run'], { cwd: dir });
  t.equal(r.code, 0);
  t.equal(
    r.stdout,
    `--- a/plan.yaml
+++ b/plan.yaml
@@ -27,3 +27,4 @@
     size: M
     acceptance: [UI renders]
     run: "true"
+    risk: high
`,
    'dry run prints a unified diff',
  );
  t.equal(read(), plan, 'dry run writes nothing');

  r = await cli(['task', 'set', 'api', 'estimate=10000', '--yes'], { cwd: dir });
  t.equal(r.code, 0);
  t.match(read(), '    estimate: 10000\n');
  r = await cli(['task', 'rm', 'schema', '--force', '--plan', 'plan.yaml'], { cwd: dir });
  t.equal(r.code, 0);
  t.equal(r.stderr, "plan.yaml: removed task 'schema' (2 tasks); removed it from the needs of 'api'\n");
  r = await cli(['dep', 'rm', 'ui', 'api'], { cwd: dir });
  t.equal(r.code, 0);
  t.notMatch(read(), 'needs:');
  r = await cli(['dep', 'rm', 'ui', 'api'], { cwd: dir });
  t.equal(r.code, 1);
  t.equal(r.stderr, "execplan: plan.yaml: 'ui' does not depend on 'api'; nothing was changed\n");
  const v = await cli(['validate'], { cwd: dir });
  t.equal(v.code, 0, 'the edited plan is valid');
});

t.test('an edit may fix a plan that is already broken, and the binary exits as documented', async (t) => {
  const broken = plan.replace('needs: [api]', 'needs: [api, ghost]');
  const dir = project({ 'plan.yaml': broken });
  let r = await cli(['task', 'set', 'ui', 'risk=low'], { cwd: dir });
  t.equal(r.code, 0, "the existing error is not this edit's fault");
  r = await cli(['dep', 'rm', 'ui', 'ghost'], { cwd: dir });
  t.equal(r.code, 0);
  t.equal((await cli(['validate'], { cwd: dir })).code, 0);
  const p = cliProcess(['task', 'mv', 'ui', '--before', 'nowhere'], { cwd: dir });
  t.equal(p.code, 1);
  t.equal(p.stderr, "execplan: plan.yaml: no task 'nowhere' in the plan; nothing was changed\n");
  const u = cliProcess(['task', 'mv', 'ui'], { cwd: dir });
  t.equal(u.code, 1);
  t.match(u.stderr, 'give exactly one of --before ID or --after ID');
  const none = cliProcess(['dep', 'add', 'a', 'b'], { cwd: project({ 'README.md': 'no plan here' }) });
  t.equal(none.code, 1);
  t.match(none.stderr, 'no such file');
});

t.test('other plan styles: unindented lists, padded brackets, Windows line ends', async (t) => {
  const crlf = 'version: 1\r\nname: x\r\ntasks:\r\n- id: a   # first\r\n  title: A\r\n  needs: [ b ]\r\n- id: b\r\n  title: B\r\n';
  t.equal(edited(setTaskFields(crlf, 'a', ['risk=low'])), crlf.replace('  needs: [ b ]\r\n', '  needs: [ b ]\r\n  risk: low\r\n'));
  t.equal(
    edited(addTask(crlf, { id: 'c', title: 'C', needs: ['a'] })),
    `${crlf}- id: c\r\n  title: C\r\n  needs: [ a ]\r\n`,
    'new lines follow the file: no indent before -, [ a ], CRLF',
  );
  t.equal(edited(addDependency(crlf, 'b', 'a')).split('\r\n').length, crlf.split('\r\n').length + 1);
});

t.test('a starter plan with `tasks: []` gets a block list', async (t) => {
  t.equal(edited(addTask('version: 1\nname: x\ntasks: []\n', { id: 'a', title: 'Make a' })), 'version: 1\nname: x\ntasks:\n  - id: a\n    title: Make a\n');
});
