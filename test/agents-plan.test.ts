import t from 'tap';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, modelOf, tempDir } from './helpers/cli.js';

const plan = (tasks: string, top = '') => `version: 1
name: tdd
${top}tasks:
${tasks}`;

const edgesOf = (text: string) => {
  const model = modelOf(text);
  return { model, edges: model.edges.filter((e) => e.scheduled).map((e) => `${e.from}->${e.to}`) };
};

t.test('test-first expands an agent task into a failing-tests task that blocks it', async (t) => {
  const { model, edges } = edgesOf(
    plan(
      `  - { id: schema, title: Define the schema, run: "true" }
  - id: login
    title: Add login
    estimate: 4
    stream: api
    needs: [schema]
    test: test-first
    agent: { profile: codex }
    acceptance:
      - Returns a token pair
      - { run: "npm test -- login" }
  - { id: docs, title: Document login, needs: [login], agent: {} }`,
      'streams:\n  api: { owns: ["src/api/**"] }\n',
    ),
  );
  t.same(
    model.tasks.map((x) => [x.id, x.index, x.kind]),
    [
      ['schema', 0, 'command'],
      ['login.tests', 1, 'agent'],
      ['login', 2, 'agent'],
      ['docs', 3, 'agent'],
    ],
  );
  t.same(edges, ['schema->login.tests', 'schema->login', 'login->docs', 'login.tests->login']);
  const tests = model.tasks[1]!;
  t.equal(tests.title, 'Write tests for Add login');
  t.equal(tests.hours, 2);
  t.equal(tests.stream, 'api');
  t.same(tests.source.agent, { profile: 'codex' });
  t.same(tests.acceptance, [
    'Tests exist that verify: Returns a token pair',
    { run: '! ( npm test -- login )', description: 'fails before login is implemented (test-first): `npm test -- login`' },
  ]);
  t.same(model.tasks[2]!.acceptance[1], { run: 'npm test -- login' }, 'the implementation keeps its checks: they must pass after');
});

t.test('test-parallel runs beside the implementation and joins before its dependents', async (t) => {
  const { model, edges } = edgesOf(
    plan(`  - { id: a, title: Build A, agent: {}, test: test-parallel }
  - { id: b, title: Build B, needs: [a], run: "true" }
  - { id: c, title: Build C, deps: [{ task: a, hard: false }], run: "true" }`),
  );
  t.same(
    model.tasks.map((x) => x.id),
    ['a.tests', 'a', 'b', 'c'],
  );
  t.same(edges, ['a->b', 'a.tests->b'], 'a.tests does not block a; it joins before b; soft deps get no join');
});

t.test('test-after, none, command and manual tasks, and a hand-written X.tests are left as they are', async (t) => {
  const { model, edges } = edgesOf(
    plan(`  - { id: a, title: Build A, agent: {}, test: test-after, acceptance: [{ run: "npm test" }] }
  - { id: b, title: Build B, agent: {}, test: none, acceptance: [{ run: "npm test" }] }
  - { id: c, title: Build C, run: "make c", test: test-first }
  - { id: d, title: Decide D, test: test-first }
  - { id: e.tests, title: My own tests for E, run: "true" }
  - { id: e, title: Build E, agent: {}, test: test-first, needs: [e.tests] }`),
  );
  t.same(
    model.tasks.map((x) => x.id),
    ['a', 'b', 'c', 'd', 'e.tests', 'e'],
  );
  t.same(edges, ['e.tests->e']);
  t.same(model.tasks[1]!.acceptance, [{ run: 'npm test' }], 'none keeps explicit checks');
});

t.test('defaults.test applies to every agent task and the model stays deterministic', async (t) => {
  const text = `version: 1
name: d
defaults: { test: test-first, agent: { profile: claude } }
tasks:
  - { id: x, title: Do X }
  - { id: y, title: Do Y, needs: [x] }
`;
  const a = edgesOf(text);
  t.same(
    a.model.tasks.map((x) => x.id),
    ['x.tests', 'x', 'y.tests', 'y'],
  );
  t.same(a.edges, ['x->y.tests', 'x->y', 'x.tests->x', 'y.tests->y']);
  t.equal(JSON.stringify(edgesOf(text).model), JSON.stringify(a.model));
});

// ---- execplan draft, in process, with the fake agent CLIs ----

const fakeBin = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/agents/bin');

async function draft(dir: string, args: string[], env: Record<string, string> = {}) {
  const { code, stdout, stderr } = await cli(['draft', ...args], {
    cwd: dir,
    inheritEnv: true,
    env: { PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_RECORD: path.join(dir, 'records'), FAKE_AGENT_MODE: 'plan', ...env },
  });
  const records = existsSync(path.join(dir, 'records'))
    ? readdirSync(path.join(dir, 'records'))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(path.join(dir, 'records', f), 'utf8')) as { argv: string[]; stdin: string })
    : [];
  return { code, stdout, stderr, records };
}

function project(spec = '# Widget spec\n\nBuild the widget, then ship it.\n'): string {
  const dir = tempDir('execplan-draft-');
  writeFileSync(path.join(dir, 'spec.md'), spec);
  return dir;
}

t.test('draft: an invalid answer is repaired with the diagnostics, then written with a header', async (t) => {
  const dir = project();
  const r = await draft(dir, ['spec.md']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.records.length, 2, 'one repair round');
  const [first, second] = r.records as [{ argv: string[]; stdin: string }, { argv: string[]; stdin: string }];
  t.same(first.argv.slice(0, 7), ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--json-schema']);
  t.same(JSON.parse(first.argv[7]!).title, 'Plan', 'claude gets the plan schema for structured output');
  t.ok(first.stdin.includes('# Widget spec\n\nBuild the widget, then ship it.'), 'the full spec is in the authoring prompt');
  t.match(second.stdin, /<previous-plan>\n[\s\S]*missing-task[\s\S]*<\/previous-plan>/);
  t.match(second.stdin, /"code": "[a-z-]+"/, 'diagnostics go back as validate --format json');
  const written = readFileSync(path.join(dir, 'plan.yaml'), 'utf8');
  t.match(written, /^# Generated by `execplan draft` from spec\.md with the claude agent profile \(2 rounds\); validated by execplan validate\.\n/);
  t.match(written, /name: drafted/);
  t.match(r.stdout, /plan\.yaml: drafted by claude and valid after 2 rounds/);
  t.match(r.stderr, /^plan\.yaml:12:9: warning no-acceptance task 'ship'/m, 'warnings point into the written file');
  t.match(r.stderr, /repair round 1 of 2: \d+ errors/);

  const again = await draft(dir, ['spec.md']);
  t.equal(again.code, 1, 'an existing plan is not overwritten');
  t.match(again.stderr, /plan\.yaml exists; pass --force to overwrite it/);
  t.equal(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), written);
  const forced = await draft(dir, ['spec.md', '--force', '-o', 'plan.yaml', '--profile', 'codex']);
  t.equal(forced.code, 0, forced.stderr);
  t.same(forced.records.at(-1)!.argv, ['exec', '--json', '--skip-git-repo-check', '--color', 'never', '--sandbox', 'workspace-write', '-']);
  t.match(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), /with the codex agent profile/);
});

t.test('draft: no valid plan within the rounds exits 5 with the remaining diagnostics', async (t) => {
  const dir = project();
  const r = await draft(dir, ['spec.md', '--rounds', '0', '-o', 'my-plan.yaml']);
  t.equal(r.code, 5);
  t.equal(r.records.length, 1);
  t.match(r.stderr, /^my-plan\.rejected\.yaml:\d+:\d+: error [a-z-]+ /m);
  t.match(r.stderr, /no valid plan after 1 round; the last answer is in my-plan\.rejected\.yaml/);
  t.notOk(existsSync(path.join(dir, 'my-plan.yaml')));
  t.ok(existsSync(path.join(dir, 'my-plan.rejected.yaml')));
});

t.test('draft: a missing agent CLI exits 6 at once; secrets in the spec are redacted', async (t) => {
  const dir = project();
  const t0 = Date.now();
  const r = await draft(dir, ['spec.md', '--profile', 'gemini'], { PATH: '/nonexistent' });
  t.equal(r.code, 6);
  t.match(r.stderr, /agent command 'gemini' \(profile gemini\) not found on PATH: install Gemini CLI: npm install -g @google\/gemini-cli/);
  t.ok(Date.now() - t0 < 10_000, 'no wait for an agent timeout');
  t.equal(r.records.length, 0);

  const secret = project('# Spec\nUse DB_PASSWORD=hunter2hunter and ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 to deploy.\n');
  const s = await draft(secret, ['spec.md']);
  t.equal(s.code, 0, s.stderr);
  t.notMatch(s.records[0]!.stdin, /hunter2hunter|ghp_a1B2/);
  t.match(s.records[0]!.stdin, /DB_PASSWORD=\[REDACTED:password\] and \[REDACTED:github-token\]/);
  t.match(s.stderr, /redacted 2 possible secrets before sending to claude/);
  const usage = await draft(secret, []);
  t.equal(usage.code, 1);
});

t.test('draft: validated like execplan validate, output checked before the agent runs, a binary spec refused', async (t) => {
  const dir = project();
  // The spec named by the plan is checked on disk, as validate does (the config layers apply the same way).
  const valid = await draft(dir, ['spec.md'], { FAKE_PLAN_SPEC: 'nowhere.md' });
  t.equal(valid.code, 0, valid.stderr);
  t.match(valid.stderr, /^plan\.yaml:\d+:\d+: warning missing-spec spec 'nowhere\.md' does not exist/m);

  const noDir = await draft(project(), ['spec.md', '-o', 'nope/plan.yaml']);
  t.equal(noDir.code, 1);
  t.equal(noDir.stderr, 'execplan draft: cannot write nope/plan.yaml: the directory nope does not exist\n');
  t.equal(noDir.records.length, 0, 'no agent was asked');

  mkdirSync(path.join(dir, 'taken.yaml'));
  const blocked = await draft(dir, ['spec.md', '-o', 'taken.yaml', '--force']);
  t.equal(blocked.code, 1);
  t.match(blocked.stderr, /execplan draft: taken\.yaml is a directory; name a file; the drafted plan follows on stdout\n/);
  t.match(blocked.stdout, /^# Generated by `execplan draft`[\s\S]*name: drafted/, 'the paid-for plan is not lost');

  writeFileSync(path.join(dir, 'spec.pdf'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]));
  const binary = await draft(dir, ['spec.pdf', '-o', 'other.yaml']);
  t.equal(binary.code, 1);
  t.match(binary.stderr, /spec\.pdf is not UTF-8 text/);
});
