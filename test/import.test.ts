// `execplan import` on files in the shapes real projects have: spec-kit tasks.md (classic and user-story
// templates), Task Master tasks.json (tagged and legacy), a markdown execution plan, beads JSONL (bd export,
// and a round trip through `execplan export beads`). Each import must be a valid plan with the right
// dependencies, phases and files; malformed sources get file:line:col diagnostics and exit 5.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadDiagnostics, loadPlan } from '../src/compiler/load.js';
import type { PlanModel } from '../src/compiler/model.js';
import { detectFormat } from '../src/importers/index.js';
import { cli, compileText, project, root, tempDir } from './helpers/cli.js';

const fixtures = path.join(root, 'test/fixtures/import');

/** Imports a fixture into a temp folder; returns the CLI run, the written text and its model. */
async function importFixture(name: string, extra: string[] = []) {
  const dir = tempDir();
  const source = path.join(dir, path.basename(name));
  copyFileSync(path.join(fixtures, name), source);
  const sibling = path.join(fixtures, path.dirname(name), 'spec.md');
  if (path.dirname(name) !== '.' && existsSync(sibling)) copyFileSync(sibling, path.join(dir, 'spec.md'));
  const run = await cli(['import', path.basename(name), ...extra], { cwd: dir });
  const out = path.join(dir, 'plan.yaml');
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const loaded = text ? loadPlan('plan.yaml', text) : null;
  return { run, dir, text, model: loaded?.ok ? loaded.value.model : null, diagnostics: loaded ? loadDiagnostics(loaded) : [] };
}

const needsOf = (model: PlanModel | null) =>
  Object.fromEntries((model?.tasks ?? []).filter((task) => (task.source.needs ?? []).length).map((task) => [task.id, task.source.needs]));

t.test('spec-kit tasks.md: phases, [P] order, paths, the Dependencies section, done tasks', async (t) => {
  const { run, text, model, dir } = await importFixture('spec-kit/tasks.md');
  t.equal(run.code, 0, run.stderr);
  t.ok(model, 'valid plan');
  t.same(
    model!.phases.map((p) => p.id),
    ['setup', 'tests-first', 'core-implementation', 'polish'],
  );
  t.same(needsOf(model), {
    T002: ['T001'], // unmarked tasks run in listed order
    T003: ['T002'], // a [P] task still starts after the unmarked task before it
    T009: ['T007', 'T008'], // after the [P] run, and T008 blocks T009
    T010: ['T009', 'T007'], // listed order + "T007 blocks T009, T010"
    T011: ['T010'],
    T012: ['T011', 'T009'], // "T009 before T012"
    T015: ['T013', 'T014'],
  });
  t.same(model!.tasks.find((x) => x.id === 'T004')!.source.files, ['tests/contract/test_albums_post.py'], 'a path becomes files; an API route does not');
  t.same(model!.tasks.find((x) => x.id === 'T014')!.source.files, ['docs/api.md']);
  t.match(text, '# Already done in the source (kept so dependencies hold): T001, T002.');
  t.match(text, '  # done in tasks.md ([x])\n  - id: T001\n');
  t.match(text, 'spec: spec.md\n', 'the spec beside tasks.md is the plan spec');
  t.match(run.stderr, 'wrote plan.yaml: 15 tasks, 4 phases, 11 dependencies; valid');
  t.match(run.stderr, 'already done in the source: T001, T002');
  t.match(run.stderr, /tasks\.md:46: dependency line not understood, not mapped .*Implementation before polish/);
  t.equal((await cli(['validate'], { cwd: dir })).code, 0, 'execplan validate agrees');

  const stories = await importFixture('spec-kit-stories/tasks.md');
  t.equal(stories.run.code, 0, stories.run.stderr);
  t.same(
    stories.model!.source.features,
    [
      { id: 'US1', title: 'Choose channels', priority: 'high' },
      { id: 'US2', title: 'Quiet hours', priority: 'medium' },
    ],
    '[US1] labels and their story headings become features',
  );
  t.same(needsOf(stories.model), { T002: ['T001'], T005: ['T003', 'T004'], T006: ['T005'], T008: ['T007'] }, '(depends on T003, T004) inline');
  t.equal(stories.model!.tasks.find((x) => x.id === 'T005')!.title, 'Implement PreferenceService in backend/src/notifications/service.py');
  t.same(stories.model!.tasks.find((x) => x.id === 'T001')!.source.files, ['backend/src/notifications/**'], 'a folder becomes folder/**');
});

t.test('Task Master tasks.json: tagged and legacy, subtasks and their references', async (t) => {
  const tagged = await importFixture('taskmaster-tagged.json');
  t.equal(tagged.run.code, 0, tagged.run.stderr);
  t.same(
    tagged.model!.tasks.map((x) => x.id),
    ['task-1', 'task-2.1', 'task-2.2', 'task-2.3', 'task-2', 'task-3', 'task-4'],
  );
  t.same(needsOf(tagged.model), {
    'task-2.1': ['task-1'], // subtasks wait for what their parent waits for
    'task-2.2': ['task-1', 'task-2.1'], // a number in a subtask names a sibling
    'task-2.3': ['task-1', 'task-2.2'], // "2.2" names any subtask
    'task-2': ['task-1', 'task-2.1', 'task-2.2', 'task-2.3'], // the parent closes over its subtasks
    'task-3': ['task-2.2'],
    'task-4': ['task-2', 'task-3'],
  });
  const parent = tagged.model!.tasks.find((x) => x.id === 'task-2')!.source;
  t.equal(parent.description, 'Email and password login with JWT.\n\nTokens expire after 15 minutes; refresh tokens rotate.', 'description + details');
  t.same(parent.acceptance, ['Integration tests cover login, refresh and logout.'], 'testStrategy -> acceptance');
  t.equal(parent.priority, 'high');
  t.match(tagged.run.stderr, 'other tags not imported: feature-billing (use --tag)');
  t.match(tagged.run.stderr, 'already done in the source: task-1, task-2.1');
  t.match(tagged.run.stderr, "task-4: status 'deferred'");

  const billing = await importFixture('taskmaster-tagged.json', ['--tag', 'feature-billing']);
  t.equal(billing.run.code, 0, billing.run.stderr);
  t.same(
    billing.model!.tasks.map((x) => x.title),
    ['Add Stripe checkout'],
  );

  const legacy = await importFixture('taskmaster-legacy.json');
  t.equal(legacy.run.code, 0, legacy.run.stderr);
  t.equal(
    legacy.text,
    `# yaml-language-server: $schema=./node_modules/execplan/schema/plan.schema.json
# Imported from taskmaster-legacy.json (Task Master tasks.json) by \`execplan import\`.
# Review it, then \`execplan validate\` and \`execplan compile\`. Edit with \`execplan task set|add|rm\`.

version: 1
name: cli-tool
title: cli-tool

tasks:
  - id: task-1
    title: Parse the command line
    description: |-
      Flags and subcommands.

      Use node:util parseArgs.
    priority: high
    acceptance:
      - Unit tests for every flag.

  - id: task-2
    title: Read the config file
    description: YAML config with defaults.
    priority: medium
    needs: [task-1]

  - id: task-3
    title: Print the report
    description: Table output.
    needs: [task-1, task-2]
`,
    'string ids, the exact commented plan',
  );
  t.match(legacy.run.stderr, "task-3: priority 'urgent' is not critical/high/medium/low; left out");
});

t.test('markdown execution plan: streams, phases, chunk tables and blocks, Depends On, communication', async (t) => {
  const { run, model, text } = await importFixture('execution-plan.md');
  t.equal(run.code, 0, run.stderr);
  const plan = model!.source;
  t.same(plan.streams, {
    data: { title: 'Database models and auth utilities', owns: ['src/models/**', 'src/auth/utils.py'], skills: ['backend-api'] },
    api: { title: 'API endpoints and middleware', owns: ['src/api/auth/**', 'src/middleware/**'], skills: ['backend-api'] },
  });
  t.same(
    plan.phases!.map((p) => [p.id, p.title]),
    [
      ['foundation', 'Foundation'],
      ['endpoints', 'Endpoints'],
    ],
  );
  t.same(
    model!.tasks.map((x) => [x.id, x.phase, x.stream]),
    [
      ['user-model-token-model', 'foundation', 'data'],
      ['auth-utilities', 'foundation', 'data'],
      ['login-and-register-endpoints', 'endpoints', 'api'], // the table's "Login and register" is this block
      ['token-refresh-endpoint', 'endpoints', 'api'],
      ['auth-middleware', 'endpoints', 'api'],
      ['rate-limiting', 'endpoints', 'api'], // a table row without a block is still a chunk
    ],
  );
  t.same(
    needsOf(model),
    { 'auth-middleware': ['auth-utilities'], 'rate-limiting': ['login-and-register-endpoints'] },
    '"Phase 1" is the barrier; "Phase 1 + auth-utilities" adds the chunk',
  );
  const user = plan.tasks[0]!;
  t.same(user.steps, [
    'Create User model with bcrypt password hashing in src/models/user.py',
    'Create RefreshToken model for revocation tracking',
    'Follow existing model patterns in the repo',
  ]);
  t.same(user.files, ['src/models/user.py']);
  t.same(plan.tasks[1]!.skills, ['security'], "skills beyond the stream's");
  t.same(plan.communication, [{ from: 'data', to: 'api', what: 'Model schemas, utility function signatures', after: 'foundation' }]);
  t.match(text, 'spec: execution-plan.md\n', 'the markdown plan is the spec the agents get');
  t.match(text, '  # tracked as NS-101; done in the source ([x])\n  - id: user-model-token-model\n');
  t.match(run.stderr, "execution-plan.md:47: chunk 'Rate limiting' has a table row but no block");
  compileText(text); // compiles, not only validates
});

t.test('beads: bd export, and a round trip through execplan export beads', async (t) => {
  const bd = await importFixture('beads-bd-export.jsonl');
  t.equal(bd.run.code, 0, bd.run.stderr);
  t.same(bd.model!.source.features, [{ id: 'web-a1f3', title: 'Checkout flow', priority: 'high' }], 'an epic becomes a feature');
  t.same(
    bd.model!.tasks.map((x) => [x.id, x.feature ?? null, x.source.estimate ?? null]),
    [
      ['web-b2c4', 'web-a1f3', 4],
      ['web-c3d5', 'web-a1f3', '90m'],
      ['web-d4e6', null, null],
      ['web-e5f7', null, null],
    ],
  );
  t.same(needsOf(bd.model), { 'web-c3d5': ['web-b2c4'], 'web-d4e6': ['web-c3d5'] }, 'blocks only; related and discovered-from are reported');
  t.match(bd.run.stderr, "web-d4e6: 'related' link to web-b2c4 is not a scheduling dependency");
  t.match(bd.run.stderr, 'already done in the source: web-b2c4');

  const dir = project({});
  for (const f of ['plan.yaml', 'spec.md']) copyFileSync(path.join(root, 'examples/auth', f), path.join(dir, f));
  t.equal((await cli(['export', 'beads', '-o', 'auth.jsonl'], { cwd: dir })).code, 0);
  mkdirSync(path.join(dir, 'back'));
  const back = await cli(['import', 'auth.jsonl', '-o', 'back/plan.yaml'], { cwd: dir });
  t.equal(back.code, 0, back.stderr);
  const original = compileText(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'));
  const again = compileText(readFileSync(path.join(dir, 'back/plan.yaml'), 'utf8'));
  t.same(
    again.model.tasks.map((x) => [x.id, x.title, x.stream, x.phase, x.files, x.hours]),
    original.model.tasks.map((x) => [x.id, x.title, x.stream, x.phase, x.files, x.hours]),
    'ids, titles, streams, phases, files, hours come back',
  );
  t.same(again.model.name, original.model.name);
  const edges = (c: typeof original) => c.graph.edges.map((e) => `${e.from}>${e.to}`).sort();
  t.same(edges(again), edges(original), 'the same dependency graph');
});

t.test('format detection, malformed sources, refusing to overwrite', async (t) => {
  t.same(
    ['spec-kit/tasks.md', 'taskmaster-tagged.json', 'execution-plan.md', 'beads-bd-export.jsonl'].map((f) => {
      const d = detectFormat(f, readFileSync(path.join(fixtures, f), 'utf8'));
      return d.ok ? d.format : d.message;
    }),
    ['spec-kit', 'taskmaster', 'markdown', 'beads'],
  );
  const cases: Array<[string, string[]]> = [
    [
      'spec-kit-malformed.md',
      [
        'spec-kit-malformed.md:6:7: error import-duplicate-id task T002 is listed twice (first on line 5); give each task its own id',
        "spec-kit-malformed.md:7:7: error import-bad-task-id 'T0x3' is not a spec-kit task id (T followed by digits, e.g. T012)",
      ],
    ],
    ['spec-kit-bad-dependency.md', ['spec-kit-bad-dependency.md:8:21: error import-unknown-task the Dependencies section names T009, which is not a task of this file']],
    ['taskmaster-malformed.json', ['taskmaster-malformed.json:5:57: error import-bad-json not valid JSON: Expected double-quoted property name']],
    ['taskmaster-bad-dependency.json', ['taskmaster-bad-dependency.json:4:54: error import-unknown-task dependency 7 names no task or subtask of this file']],
    [
      'execution-plan-malformed.md',
      [
        "execution-plan-malformed.md:14:36: error import-unknown-chunk chunk 'Seeds' depends on 'Fixtures loader', which names no chunk (chunks: models, seeds, routes)",
        "execution-plan-malformed.md:20:1: error import-unknown-stream stream 'web' is not in the Work Streams table (streams: data)",
        "execution-plan-malformed.md:20:34: error import-unknown-phase 'Phase 3': there is no Phase 3 in this plan",
      ],
    ],
    [
      'beads-malformed.jsonl',
      [
        "beads-malformed.jsonl:2:46: error import-bad-json not valid JSON: Expected ',' or '}' after property value",
        'beads-malformed.jsonl:3:1: error import-duplicate-id issue x-1 appears twice (first on line 1)',
      ],
    ],
  ];
  for (const [file, expected] of cases) {
    const r = await importFixture(file);
    t.equal(r.run.code, 5, `${file}: exit 5`);
    t.same(
      r.run.stderr.split('\n').filter((l) => l.includes(': error ')),
      expected,
      file,
    );
    t.match(r.run.stderr, 'nothing written');
    t.equal(r.text, '', `${file}: no plan written`);
  }
  const dir = project({ 'plan.yaml': 'keep me\n', 'tasks.md': readFileSync(path.join(fixtures, 'spec-kit/tasks.md'), 'utf8'), 'notes.txt': 'just prose\n' });
  let r = await cli(['import', 'tasks.md'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, 'plan.yaml already exists; nothing written (pass --force');
  t.equal(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), 'keep me\n');
  r = await cli(['import', 'tasks.md', '--force'], { cwd: dir });
  t.equal(r.code, 0);
  t.match(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), 'name: photo-album-organizer');
  r = await cli(['import', 'notes.txt'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, 'cannot tell the format');
  r = await cli(['import', 'tasks.md', '--format', 'jira'], { cwd: dir });
  t.equal(r.code, 1);
  writeFileSync(path.join(dir, 'empty.md'), '# Tasks: nothing yet\n');
  r = await cli(['import', 'empty.md', '--format', 'spec-kit', '-o', '-'], { cwd: dir });
  t.equal(r.code, 5);
  t.match(r.stderr, 'empty.md:1:1: error import-no-tasks');
});
