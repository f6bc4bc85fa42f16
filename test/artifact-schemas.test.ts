// Every compiled artifact that has a schema under schema/ validates against it (Ajv 2020-12, strict), and a mutated one does not.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { main } from '../src/cli/main.js';
import { planYaml, randomPlan } from './helpers/random-plan.js';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'execplan-schemas-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

// artifact file -> schema file; one JSON document per file, or one per line for .jsonl.
const schemas: Record<string, string> = { 'dag.json': 'dag.schema.json', 'waves.json': 'waves.schema.json', 'beads.jsonl': 'beads-issue.schema.json',
  'features.json': 'features.schema.json',
  'tasks.json': 'tasks.schema.json',
  'coordinator.json': 'coordinator.schema.json',
  '.tasks-meta.json': 'tasks-meta.schema.json',
};
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = Object.fromEntries(
  Object.entries(schemas).map(([file, schema]) => [file, ajv.compile(JSON.parse(readFileSync(path.join(root, 'schema', schema), 'utf8')))]),
);

async function compile(file: string, out: string) {
  let stderr = '';
  const code = await main(['compile', file, '--out', out], { stdout: () => {}, stderr: (s) => void (stderr += s), cwd: work, env: { PATH: process.env.PATH }, isTTY: false });
  return { code, stderr };
}

function documents(file: string, text: string): unknown[] {
  return file.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)) : [JSON.parse(text)];
}

/** Validation failures of one artifact file, one per failing document (line), empty when it is valid. */
function failures(artifact: string, text: string): string[] {
  const validate = validators[artifact]!;
  return documents(artifact, text).flatMap((doc, i) => (validate(doc) ? [] : [`#${i + 1}: ${ajv.errorsText(validate.errors)}`]));
}

const rich = `version: 1
name: rich
settings: { max_concurrency: 3, min_confidence: 0.7 }
resources:
  db: { capacity: 1 }
streams:
  data: { owns: ["src/db/**"] }
phases:
  - { id: build }
  - { id: ship }
features:
  - { id: F1, title: Storage, priority: high }
tasks:
  - { id: schema, title: Write the schema, stream: data, feature: F1, retries: 2, phase: build, estimate: 2, resources: { db: 1 }, files: ["src/db/**"] }
  - { id: models, title: Write the models, phase: build, estimate: { optimistic: 1, likely: 2, pessimistic: 5 }, files: ["src/db/models.ts"], needs: [schema] }
  - id: api
    title: Build the API
    phase: build
    size: M
    resources: { db: 1 }
    description: Also edit src/db/models.ts while at it.
    deps:
      - { task: models, type: technical, confidence: 0.5, hard: true, reason: "Might reuse the models" }
      - { task: schema, type: knowledge, confidence: 1, hard: false, evidence: "Same team" }
  - id: docs
    title: Write the docs
    phase: ship
    estimate: 30m
    gate: approve
    timeout: 10m
    acceptance: ["The guide reads well", { run: "test -f docs/guide.md" }, { file: docs/guide.md, contains: "Usage" }]
`;

const plans: Array<[string, string]> = [];
for (const name of readdirSync(path.join(root, 'examples')).sort()) {
  const file = path.join(root, 'examples', name, 'plan.yaml');
  if (existsSync(file)) plans.push([name, file]);
}
if (plans.length < 3) throw new Error(`expected the three bundled examples, found ${plans.length}`);
writeFileSync(path.join(work, 'rich.yaml'), rich);
plans.push(['rich', path.join(work, 'rich.yaml')]);
let seed = 1;
while ((randomPlan(seed, { maxTasks: 200 }).tasks as unknown[]).length !== 200) seed++;
writeFileSync(path.join(work, 'random.yaml'), planYaml(randomPlan(seed, { maxTasks: 200, iterations: 20 })));
plans.push([`random-${seed}`, path.join(work, 'random.yaml')]);

const compiled: Record<string, Record<string, string>> = {};

t.test('every artifact with a schema validates, for the examples, a rich plan and a 200-task random plan', async (t) => {
  for (const [name, file] of plans) {
    const out = path.join(work, `${name}-out`);
    const { code, stderr } = await compile(file, out);
    t.equal(code, 0, code === 0 ? `${name} compiles` : `${name} compiles\n${stderr}`);
    compiled[name] = {};
    for (const artifact of Object.keys(validators)) {
      const text = readFileSync(path.join(out, artifact), 'utf8');
      compiled[name][artifact] = text;
      t.same(failures(artifact, text), [], `${name}/${artifact} matches its schema`);
    }
  }
  for (const artifact of Object.keys(validators)) {
    const committed = path.join(root, 'examples', 'auth', 'tasks_output', artifact);
    t.same(failures(artifact, readFileSync(committed, 'utf8')), [], `committed examples/auth/tasks_output/${artifact} matches its schema`);
  }
  const dag = JSON.parse(compiled.rich!['dag.json']!);
  t.equal(dag.softDeps.length, 1, 'the rich plan exercises soft deps');
  t.equal(dag.lowConfidenceDeps.length, 1, 'and low-confidence deps');
  t.ok(dag.file_conflicts.length > 0, 'and file conflicts');
  t.equal(dag.phase_barriers.length, 1, 'and phases');
  const tasks = JSON.parse(compiled.rich!['tasks.json']!);
  t.same(tasks.tasks.find((x: { id: string }) => x.id === 'docs').acceptance_checks.map((c: { type: string }) => c.type), ['criterion', 'command', 'artifact'], 'and every kind of acceptance check');
  t.same(Object.keys(tasks.resource_conflicts), ['db'], 'and a resource conflict');
});

t.test('`export beads --prefix` (current time, own prefix) writes lines that match beads-issue.schema.json', async (t) => {
  let stdout = '';
  const code = await main(['export', 'beads', path.join(work, 'rich.yaml'), '--prefix', 'rx'], { stdout: (s) => void (stdout += s), stderr: () => {}, cwd: work, env: { PATH: process.env.PATH }, isTTY: false });
  t.equal(code, 0);
  t.match(stdout, /^\{"id":"rx-[0-9a-f]{8}"/, 'ids take the prefix');
  t.same(failures('beads.jsonl', stdout), []);
});

t.test('a mutated artifact fails its schema', async (t) => {
  const mutations: Record<string, (doc: any) => void> = {
    'dag.json': (doc) => void delete doc.metrics.criticalPathHours,
    'waves.json': (doc) => void (doc.execution_models.rolling_frontier.schedule[0].start = 'soon'),
    'beads.jsonl': (doc) => void (doc.priority = 5),
    'tasks.json': (doc) => void (doc.tasks[0].kind = 'robot'),
    'features.json': (doc) => void (doc.features[0].hours = -1),
    'coordinator.json': (doc) => void delete doc.coordinator.policies.launch_priority,
    '.tasks-meta.json': (doc) => void (doc.plan.sha256 = 'abc'),
  };
  for (const [artifact, mutate] of Object.entries(mutations)) {
    const doc = documents(artifact, compiled.rich![artifact]!)[0] as any;
    t.ok(validators[artifact]!(doc), `${artifact}: valid before the mutation`);
    mutate(doc);
    t.notOk(validators[artifact]!(doc), `${artifact}: the mutation is rejected`);
  }
  const extra = JSON.parse(compiled.rich!['dag.json']!);
  extra.metrics.surprise = 1;
  t.notOk(validators['dag.json']!(extra), 'dag.json: metrics is closed');
});
