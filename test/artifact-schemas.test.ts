// Every compiled artifact that has a schema under schema/ validates against it (Ajv 2020-12, strict), and a mutated one does not.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cli, root, tempDir } from './helpers/cli.js';
import { planYaml, randomPlan } from './helpers/random-plan.js';

const work = tempDir('execplan-schemas-');

// artifact file -> schema file; one JSON document per file, or one per line for .jsonl.
const schemas: Record<string, string> = {
  'dag.json': 'dag.schema.json',
  'waves.json': 'waves.schema.json',
  'beads.jsonl': 'beads-issue.schema.json',
  'features.json': 'features.schema.json',
  'tasks.json': 'tasks.schema.json',
  'coordinator.json': 'coordinator.schema.json',
  '.tasks-meta.json': 'tasks-meta.schema.json',
};
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = Object.fromEntries(Object.entries(schemas).map(([file, schema]) => [file, ajv.compile(JSON.parse(readFileSync(path.join(root, 'schema', schema), 'utf8')))]));

async function compile(file: string, out: string) {
  const { code, stderr } = await cli(['compile', file, '--out', out], { cwd: work });
  return { code, stderr };
}

function documents(file: string, text: string): unknown[] {
  return file.endsWith('.jsonl')
    ? text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l))
    : [JSON.parse(text)];
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
  - id: schema
    title: Write the schema
    stream: data
    feature: F1
    retries: 2
    phase: build
    estimate: 2
    resources: { db: 1 }
    files: ["src/db/**"]
    evidence: [{ quote: "Users are stored in Postgres", section: "H2: Storage", line: 3 }]
    produces: [DbSchema:v1]
    category: foundation
    complexity: { value: "~40 LoC", breakdown: "2 tables, 1 index" }
    guidance:
      logging: { on_start: "Log the tables to create", on_progress: "Log each table", on_completion: "Log the migration id", log_format: "JSON lines" }
      checkpoints: ["After the users table: run the migration tests"]
  - { id: models, title: Write the models, phase: build, estimate: { optimistic: 1, likely: 2, pessimistic: 5 }, files: ["src/db/models.ts"], needs: [schema], category: implementation, complexity: "~80 LoC" }
  - { id: bench, title: Benchmark the queries, phase: build, estimate: 1, avoid_concurrent_with: [models], evidence: "Spec section Performance" }
  - id: api
    title: Build the API
    phase: build
    size: M
    resources: { db: 1 }
    description: Also edit src/db/models.ts while at it.
    deps:
      - { task: models, type: technical, confidence: 0.5, hard: true, reason: "Might reuse the models" }
      - { task: schema, type: knowledge, confidence: 1, hard: false, evidence: "Same team" }
      - { task: bench, type: sequential, evidence: [{ quote: "Queries are measured before the API ships" }] }
  - id: docs
    title: Write the docs
    phase: ship
    estimate: 30m
    consumes: [DbSchema:v1]
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
  t.same(
    tasks.tasks.find((x: { id: string }) => x.id === 'docs').acceptance_checks.map((c: { type: string }) => c.type),
    ['criterion', 'command', 'artifact'],
    'and every kind of acceptance check',
  );
  t.same(Object.keys(tasks.resource_conflicts), ['db'], 'and a resource conflict');
  const schema = tasks.tasks.find((x: { id: string }) => x.id === 'schema');
  t.same(schema.boundaries.expected_complexity, { value: '~40 LoC', breakdown: '2 tables, 1 index' }, 'and complexity');
  t.same(
    [schema.category, schema.interfaces_produced, schema.source_evidence.length, schema.execution_guidance.checkpoints.length],
    ['foundation', ['DbSchema:v1'], 1, 1],
    'category, interfaces, evidence, guidance',
  );
  t.ok(
    tasks.dependencies.some((d: { inferred: boolean; from: string; to: string }) => d.inferred && d.from === 'schema' && d.to === 'docs'),
    'and an inferred dependency',
  );
  t.same(tasks.tasks.find((x: { id: string }) => x.id === 'bench').scheduling_hints.avoid_concurrent_with, ['models'], 'and avoid_concurrent_with');

  // Every field of the contract is there on the extended platform example and on the 200-task random plan.
  for (const name of ['platform', `random-${seed}`]) {
    const dagDoc = JSON.parse(compiled[name]!['dag.json']!);
    for (const key of ['verbFirstPct', 'evidenceCoveragePct', 'meceOverlapSuspects', 'edgeDensityBand', 'resourceUtilization'])
      t.ok(key in dagDoc.metrics, `${name}: dag.json metrics.${key}`);
    t.ok(Array.isArray(dagDoc.resource_bottlenecks) && Array.isArray(dagDoc.mece_overlaps), `${name}: dag.json resource_bottlenecks, mece_overlaps`);
    const models = JSON.parse(compiled[name]!['waves.json']!).execution_models;
    for (const key of ['estimated_completion_time', 'execution_simulation', 'advantages_over_wave_based', 'critical_resource_contentions', 'criticality_index', 'monte_carlo'])
      t.ok(key in models.rolling_frontier, `${name}: waves.json rolling_frontier.${key}`);
    t.ok('estimated_completion_time' in models.wave_based, `${name}: waves.json wave_based.estimated_completion_time`);
    const e = models.rolling_frontier.estimated_completion_time;
    t.ok(e.p50_hours <= e.p80_hours && e.p80_hours <= e.p95_hours, `${name}: p50 <= p80 <= p95`);
  }
  const platform = JSON.parse(compiled.platform!['tasks.json']!);
  const used = (key: string) => platform.tasks.some((x: any) => (Array.isArray(x[key]) ? x[key].length > 0 : x[key] !== null));
  for (const key of ['source_evidence', 'interfaces_produced', 'interfaces_consumed', 'execution_guidance', 'category']) t.ok(used(key), `platform uses ${key}`);
  t.ok(
    platform.tasks.some((x: any) => x.boundaries.expected_complexity?.breakdown),
    'platform uses complexity with a breakdown',
  );
  t.ok(
    platform.tasks.some((x: any) => x.scheduling_hints.avoid_concurrent_with.length > 0),
    'platform uses avoid_concurrent_with',
  );
  t.ok(
    platform.dependencies.some((d: any) => d.inferred),
    'platform has an inferred dependency',
  );
  t.ok(
    platform.dependencies.some((d: any) => d.evidence.length > 0 && d.evidence[0].line !== null),
    'platform quotes the spec on a dependency',
  );
});

t.test('`export beads --prefix` (current time, own prefix) writes lines that match beads-issue.schema.json', async (t) => {
  const { code, stdout } = await cli(['export', 'beads', path.join(work, 'rich.yaml'), '--prefix', 'rx'], { cwd: work });
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
  // One mutation per field of the computed contract, each of which the schema must reject.
  const contract: Array<[string, string, (doc: any) => void]> = [
    ['tasks.json', 'source_evidence item without quote', (doc) => void delete doc.tasks[0].source_evidence[0].quote],
    ['tasks.json', 'interfaces_produced not a list', (doc) => void (doc.tasks[0].interfaces_produced = 'DbSchema:v1')],
    ['tasks.json', 'interfaces_consumed missing', (doc) => void delete doc.tasks[1].interfaces_consumed],
    ['tasks.json', 'execution_guidance.logging without on_start', (doc) => void delete doc.tasks[0].execution_guidance.logging.on_start],
    ['tasks.json', 'expected_complexity as a bare string', (doc) => void (doc.tasks[0].boundaries.expected_complexity = '~40 LoC')],
    ['tasks.json', 'an unknown category', (doc) => void (doc.tasks[0].category = 'refactoring')],
    ['tasks.json', 'avoid_concurrent_with missing', (doc) => void delete doc.tasks[0].scheduling_hints.avoid_concurrent_with],
    ['tasks.json', 'criticality_index above 1', (doc) => void (doc.tasks[0].scheduling_hints.criticality_index = 1.5)],
    ['tasks.json', 'dependency without inferred', (doc) => void delete doc.dependencies[0].inferred],
    ['dag.json', 'verbFirstPct above 1', (doc) => void (doc.metrics.verbFirstPct = 92)],
    ['dag.json', 'evidenceCoveragePct missing', (doc) => void delete doc.metrics.evidenceCoveragePct],
    ['dag.json', 'meceOverlapSuspects negative', (doc) => void (doc.metrics.meceOverlapSuspects = -1)],
    ['dag.json', 'edgeDensityBand with another band', (doc) => void (doc.metrics.edgeDensityBand.max = 0.9)],
    ['dag.json', 'resourceUtilization without serialization_impact_hours', (doc) => void delete doc.metrics.resourceUtilization.db.serialization_impact_hours],
    ['dag.json', 'resource_bottlenecks with an unknown impact', (doc) => void (doc.resource_bottlenecks[0].impact = 'bad')],
    ['dag.json', 'mece_overlaps with an unknown reason', (doc) => void (doc.mece_overlaps = [{ a: 'api', b: 'docs', reason: 'vibes', similarity: 1 }])],
    ['dag.json', 'edge without inferred', (doc) => void delete doc.edges[0].inferred],
    ['waves.json', 'estimated_completion_time without p95', (doc) => void delete doc.execution_models.rolling_frontier.estimated_completion_time.p95_hours],
    ['waves.json', 'wave_based.estimated_completion_time missing', (doc) => void delete doc.execution_models.wave_based.estimated_completion_time],
    ['waves.json', 'a snapshot with an unknown reason', (doc) => void (doc.execution_models.rolling_frontier.execution_simulation.snapshots[0].reason = 'lunch')],
    [
      'waves.json',
      'execution_simulation past 24 snapshots',
      (doc) =>
        void (doc.execution_models.rolling_frontier.execution_simulation.snapshots = Array(25).fill(doc.execution_models.rolling_frontier.execution_simulation.snapshots[0])),
    ],
    ['waves.json', 'advantages_over_wave_based with an unknown metric', (doc) => void (doc.execution_models.rolling_frontier.advantages_over_wave_based[0].metric = 'vibes')],
    [
      'waves.json',
      'critical_resource_contentions without wait hours',
      (doc) => void (doc.execution_models.rolling_frontier.critical_resource_contentions = [{ resource: 'db', contention_points: 1, affected_tasks: [], mitigation: '' }]),
    ],
    ['waves.json', 'criticality_index above 1', (doc) => void (doc.execution_models.rolling_frontier.criticality_index = { api: 2 })],
    ['waves.json', 'monte_carlo with a bad seed', (doc) => void (doc.execution_models.rolling_frontier.monte_carlo.seed = 'x')],
  ];
  for (const [artifact, what, mutate] of contract) {
    const doc = JSON.parse(compiled.rich![artifact]!);
    mutate(doc);
    t.notOk(validators[artifact]!(doc), `${artifact}: ${what} is rejected`);
  }
  const extra = JSON.parse(compiled.rich!['dag.json']!);
  extra.metrics.surprise = 1;
  t.notOk(validators['dag.json']!(extra), 'dag.json: metrics is closed');
});
