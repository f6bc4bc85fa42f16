import t from 'tap';
import { loadPlan } from '../src/compiler/load.js';

const plan = (tasks: string, top = '') => `version: 1
name: tdd
${top}tasks:
${tasks}`;

const edgesOf = (text: string) => {
  const r = loadPlan('plan.yaml', text);
  if (!r.model) throw new Error(JSON.stringify(r.diagnostics));
  return { model: r.model, edges: r.model.edges.filter((e) => e.scheduled).map((e) => `${e.from}->${e.to}`) };
};

t.test('test-first expands an agent task into a failing-tests task that blocks it', async (t) => {
  const { model, edges } = edgesOf(
    plan(`  - { id: schema, title: Define the schema, run: "true" }
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
  t.same(model.tasks.map((x) => [x.id, x.index, x.kind]), [
    ['schema', 0, 'command'],
    ['login.tests', 1, 'agent'],
    ['login', 2, 'agent'],
    ['docs', 3, 'agent'],
  ]);
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
  t.same(model.tasks.map((x) => x.id), ['a.tests', 'a', 'b', 'c']);
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
  t.same(model.tasks.map((x) => x.id), ['a', 'b', 'c', 'd', 'e.tests', 'e']);
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
  t.same(a.model.tasks.map((x) => x.id), ['x.tests', 'x', 'y.tests', 'y']);
  t.same(a.edges, ['x->y.tests', 'x->y', 'x.tests->x', 'y.tests->y']);
  t.equal(JSON.stringify(edgesOf(text).model), JSON.stringify(a.model));
});
