// The computed artifact contract: evidence checks, interfaces and inferred dependencies, avoid_concurrent_with
// (schedules and run time), schedule risk (P50/P80/P95, criticality), resource costs, simulation, quality.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { buildPromptContext, defaultTemplatePath, renderPrompt } from '../src/agents/prompt.js';
import { loadPlan } from '../src/compiler/load.js';
import { cli, compileText, project } from './helpers/cli.js';
import { randomPlan } from './helpers/random-plan.js';

const spec = `# Auth spec

## Storage
Users are stored in Postgres.
Passwords are hashed with argon2.
`;

const linked = `version: 1
name: linked
spec: spec.md
tasks:
  - id: schema
    title: Create the schema
    estimate: 2
    produces: [UserRepository:v1]
    evidence:
      - { quote: "Users are stored in Postgres.", section: "H2: Storage", line: 4 }
      - { quote: "passwords are   hashed with argon2", line: 9 }
      - { quote: "Sessions expire after an hour" }
  - id: api
    title: Build the API
    estimate: 3
    consumes: [UserRepository:v1, Mailer:v1]
    deps:
      - { task: schema, type: knowledge, evidence: [{ quote: "Tokens are signed" }] }
  - id: ui
    title: Build the UI
    estimate: 1
    consumes: [UserRepository:v1]
    avoid_concurrent_with: [api]
`;

t.test('validate: quotes not in the spec, a wrong line, an interface nobody produces', async (t) => {
  const dir = project({ 'plan.yaml': linked, 'spec.md': spec });
  const r = await cli(['validate', 'plan.yaml'], { cwd: dir });
  t.equal(r.code, 0, 'warnings only');
  const lines = (r.stdout + r.stderr).split('\n');
  t.ok(
    lines.some((l) => /^plan\.yaml:\d+:\d+: warning evidence-not-in-spec .*task 'schema'.*Sessions expire after an hour/.test(l)),
    'a quote the spec does not hold',
  );
  t.ok(
    lines.some((l) => /warning evidence-line-mismatch .*says line 9, but the quote is at line 5/.test(l)),
    'a quote at another line (whitespace and case do not matter)',
  );
  t.ok(
    lines.some((l) => /warning evidence-not-in-spec .*dependency of 'api' on 'schema'/.test(l)),
    'dependency evidence is checked too',
  );
  t.notOk(
    lines.some((l) => /Users are stored/.test(l)),
    'a correct quote at the right line passes',
  );
  t.ok(
    lines.some((l) => /warning unproduced-interface task 'api' consumes 'Mailer:v1', which no task produces/.test(l)),
    'a consumer without producer',
  );

  const bad = project({ 'plan.yaml': linked.replace('avoid_concurrent_with: [api]', 'avoid_concurrent_with: [apx]') });
  const b = await cli(['validate', 'plan.yaml'], { cwd: bad });
  t.equal(b.code, 5, 'an unknown task in avoid_concurrent_with is an invalid plan');
  t.match(b.stdout + b.stderr, /error unknown-task task 'ui' avoids running beside 'apx', which is not a task; did you mean 'api'\?/);
});

t.test('interfaces: the consumer depends on the producer (inferred, 0.9), shown in dag.json, tasks.json and Plan.md', async (t) => {
  const dir = project({ 'plan.yaml': linked, 'spec.md': spec });
  const r = await cli(['compile', 'plan.yaml'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  const out = path.join(dir, 'tasks_output');
  const dag = JSON.parse(readFileSync(path.join(out, 'dag.json'), 'utf8'));
  const inferred = dag.edges.filter((e: { inferred: boolean }) => e.inferred);
  t.same(
    inferred.map((e: any) => [e.from, e.to, e.type, e.confidence, e.reason]),
    [['schema', 'ui', 'technical', 0.9, 'consumes UserRepository:v1']],
    'the declared dependency of api wins; ui gets an inferred one',
  );
  t.equal(dag.metrics.inferredEdges, 1);
  const tasks = JSON.parse(readFileSync(path.join(out, 'tasks.json'), 'utf8'));
  const byId = Object.fromEntries(tasks.tasks.map((x: any) => [x.id, x]));
  t.same(byId.schema.interfaces_produced, ['UserRepository:v1']);
  t.same(byId.api.interfaces_consumed, ['UserRepository:v1', 'Mailer:v1']);
  t.same(byId.schema.source_evidence[0], { quote: 'Users are stored in Postgres.', section: 'H2: Storage', line: 4 });
  t.same(byId.api.scheduling_hints.avoid_concurrent_with, ['ui'], 'the pair is listed on both sides');
  t.same(byId.ui.scheduling_hints.avoid_concurrent_with, ['api']);
  const plan = readFileSync(path.join(out, 'Plan.md'), 'utf8');
  t.match(plan, /\| `schema` \| `ui` \| consumes UserRepository:v1 \| yes \|/, 'Plan.md lists the inferred dependency');
  t.match(plan, /\| Tasks with evidence \| 33\.3 % \| 95 % or more \|/, 'and the evidence coverage');
});

t.test('avoid_concurrent_with keeps two tasks apart in both schedules and when run', async (t) => {
  const text = `version: 1
name: apart
settings: { max_concurrency: 4 }
tasks:
  - { id: a, title: Run step a, estimate: 2, run: "echo start-a >> log.txt; sleep 0.3; echo end-a >> log.txt", acceptance: [ok] }
  - { id: b, title: Run step b, estimate: 2, run: "echo start-b >> log.txt; sleep 0.3; echo end-b >> log.txt", avoid_concurrent_with: [a], acceptance: [ok] }
  - { id: c, title: Run step c, estimate: 2, run: "true", acceptance: [ok] }
`;
  const compiled = compileText(text);
  const at = Object.fromEntries(compiled.frontier.schedule.map((s) => [s.task, s]));
  t.ok(at.a!.finish <= at.b!.start || at.b!.finish <= at.a!.start, 'the frontier never overlaps a and b');
  t.equal(at.c!.start, 0, 'c is not held back');
  t.equal(compiled.frontier.makespanHours, 4);
  const waveOf = (id: string) => compiled.waves.waves.findIndex((w) => w.tasks.includes(id));
  t.not(waveOf('a'), waveOf('b'), 'a and b are in different waves');
  const group = compiled.conflicts.patterns.find((p) => p.source === 'avoid_concurrent_with')!;
  t.same(group, { pattern: 'avoid_concurrent_with: a, b', source: 'avoid_concurrent_with', tasks: ['a', 'b'] });

  const dir = project({ 'plan.yaml': text });
  const r = await cli(['run', 'plan.yaml'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  const log = readFileSync(path.join(dir, 'log.txt'), 'utf8').trim().split('\n');
  t.ok(log.join(' ') === 'start-a end-a start-b end-b' || log.join(' ') === 'start-b end-b start-a end-a', `never interleaved: ${log.join(' ')}`);
});

/** A 40-task random plan with only single-point estimates (durations fixed). */
function fixedPlan(seed: number): string {
  const plan = randomPlan(seed, { maxTasks: 40 }) as { tasks: Array<Record<string, unknown>> };
  for (const task of plan.tasks) {
    delete task.size;
    if (typeof task.estimate === 'object') task.estimate = (task.estimate as { likely: number }).likely;
  }
  return stringify(plan);
}

function loads(text: string): boolean {
  return loadPlan('plan.yaml', text).ok;
}

t.test('schedule risk: ordered percentiles, fixed durations give the makespan, deterministic', async (t) => {
  let checked = 0;
  for (let seed = 1; checked < 25 && seed < 200; seed++) {
    const text = stringify(randomPlan(seed, { maxTasks: 30 }));
    if (!loads(text)) continue;
    checked++;
    const { risk, frontier, waves } = compileText(text);
    for (const [name, e] of [
      ['frontier', risk.frontier],
      ['waves', risk.waves],
    ] as const) {
      if (!(e.p50Hours <= e.p80Hours && e.p80Hours <= e.p95Hours)) t.fail(`seed ${seed} ${name}: p50 ${e.p50Hours} p80 ${e.p80Hours} p95 ${e.p95Hours}`);
    }
    if (risk.frontier.optimalHours !== frontier.makespanHours || risk.waves.optimalHours !== waves.makespanHours) t.fail(`seed ${seed}: optimal is not the expected makespan`);
    for (const [id, index] of Object.entries(risk.criticality)) if (!(index > 0 && index <= 1)) t.fail(`seed ${seed}: criticality of ${id} is ${index}`);
  }
  t.equal(checked, 25, 'P50 <= P80 <= P95 and optimal = makespan on 25 random plans');

  let fixed = 0;
  for (let seed = 1; fixed < 40 && seed < 300; seed++) {
    const text = fixedPlan(seed);
    if (!loads(text)) continue;
    fixed++;
    const { risk, frontier, waves } = compileText(text);
    if (risk.runs !== 1 || risk.uncertainTasks !== 0) t.fail(`seed ${seed}: ${risk.runs} runs for fixed durations`);
    if (risk.frontier.p50Hours !== frontier.makespanHours || risk.frontier.p95Hours !== frontier.makespanHours)
      t.fail(`seed ${seed}: frontier P50 ${risk.frontier.p50Hours} != makespan ${frontier.makespanHours}`);
    if (risk.waves.p50Hours !== waves.makespanHours) t.fail(`seed ${seed}: waves P50 ${risk.waves.p50Hours} != ${waves.makespanHours}`);
  }
  t.equal(fixed, 40, 'with fixed durations the simulated P50 is the makespan of both schedules (40 plans, optimized ones included)');

  const uncertain = `version: 1
name: spread
tasks:
  - { id: a, title: Build a, estimate: { optimistic: 1, likely: 2, pessimistic: 9 } }
  - { id: b, title: Build b, estimate: { optimistic: 1, likely: 2, pessimistic: 3 }, needs: [a] }
  - { id: c, title: Build c, size: M }
`;
  const one = compileText(uncertain);
  t.equal(one.risk.uncertainTasks, 3, 'three-point estimates and sizes vary');
  t.ok(one.risk.runs >= 10, 'at least 10 runs');
  t.ok(one.risk.frontier.p95Hours > one.risk.frontier.p50Hours, 'a spread shows in the percentiles');
  t.ok(one.risk.frontier.p95Hours > one.frontier.makespanHours, 'P95 lies past the expected makespan');
  t.equal(one.risk.criticality.a, one.risk.criticality.b, 'a and b are on the critical path together');
  t.same(compileText(uncertain).risk, one.risk, 'same plan, same distribution (seeded)');
});

t.test('resource costs: zero when relaxing the resource changes nothing, positive when it serializes', async (t) => {
  const text = (cap: number) => `version: 1
name: res
settings: { max_concurrency: 4 }
resources:
  db: { capacity: ${cap} }
  chained: { capacity: 1 }
tasks:
  - { id: m1, title: Migrate one, estimate: 3, resources: { db: 1 } }
  - { id: m2, title: Migrate two, estimate: 3, resources: { db: 1 } }
  - { id: c1, title: Build one, estimate: 1, resources: { chained: 1 } }
  - { id: c2, title: Build two, estimate: 1, resources: { chained: 1 }, needs: [c1] }
`;
  const serial = compileText(text(1));
  const u = serial.insights.resourceUtilization;
  t.equal(u.chained!.serialization_impact_hours, 0, 'a resource whose holders are chained anyway costs nothing');
  t.equal(u.chained!.relaxed_makespan_hours, u.chained!.constrained_makespan_hours);
  t.equal(u.db!.serialization_impact_hours, 3, 'an exclusive resource shared by two independent 3 h tasks costs 3 h');
  t.same([u.db!.total_tasks, u.db!.waves_required, u.db!.busy_percent], [2, 2, 100]);
  t.same(
    serial.insights.resourceBottlenecks.map((b) => [b.resource, b.impact]),
    [
      ['db', 'critical_path_extension'],
      ['chained', 'none'],
    ],
    'ranked by impact',
  );
  const waits = serial.insights.contentions.find((c) => c.resource === 'db')!;
  t.same([waits.contention_points, waits.estimated_wait_time_hours], [1, 3], 'one task waits 3 h for db in the frontier');
  t.equal(compileText(text(2)).insights.resourceUtilization.db!.serialization_impact_hours, 0, 'with room for both it costs nothing');
  const adv = Object.fromEntries(serial.insights.advantages.map((a) => [a.metric, a]));
  t.same(Object.keys(adv), ['makespan_hours', 'p50_hours', 'p95_hours', 'utilization_percent']);
  t.equal(adv.makespan_hours!.delta, adv.makespan_hours!.frontier - adv.makespan_hours!.waves);
});

t.test('execution simulation: bounded snapshots whose counts add up', async (t) => {
  let seed = 1;
  while ((randomPlan(seed, { maxTasks: 200 }).tasks as unknown[]).length !== 200 || !loads(stringify(randomPlan(seed, { maxTasks: 200, iterations: 5 })))) seed++;
  const compiled = compileText(stringify(randomPlan(seed, { maxTasks: 200, iterations: 5 })));
  const { snapshots } = compiled.insights.simulation;
  t.ok(snapshots.length >= 2 && snapshots.length <= 24, `${snapshots.length} snapshots`);
  t.equal(snapshots[0]!.at_hours, 0);
  t.equal(snapshots.at(-1)!.reason, 'end');
  t.equal(snapshots.at(-1)!.counts.completed, 200, 'everything is done at the end');
  for (const s of snapshots) {
    const c = s.counts;
    if (c.running + c.ready + c.blocked + c.completed !== 200) t.fail(`at ${s.at_hours}: counts add up to ${c.running + c.ready + c.blocked + c.completed}`);
    if (s.running.length > 20 || s.blocked.length > 20 || s.completed.length > 20 || s.ready.length > 20) t.fail('lists are capped at 20');
    if (s.resource_usage.tasks !== c.running) t.fail('tasks in use = running');
  }
  t.ok(
    snapshots.every((s, k) => k === 0 || s.at_hours > snapshots[k - 1]!.at_hours),
    'in time order',
  );
});

t.test('quality metrics: verb-first titles, evidence coverage, near-duplicates and identical files, density band', async (t) => {
  const compiled = compileText(`version: 1
name: q
tasks:
  - { id: a, title: Build the login page, description: Form with email and password fields, files: [src/login.ts], evidence: "Spec 2.1" }
  - { id: b, title: Build the login page, description: Form with email and password fields }
  - { id: c, title: Settings page of the profile, files: [src/login.ts] }
  - { id: d, title: Write the docs, needs: [a] }
`);
  const q = compiled.quality;
  t.equal(q.verbFirstPct, 0.75, '3 of 4 titles start with a verb');
  t.equal(q.evidenceCoveragePct, 0.25);
  t.same(
    q.meceOverlaps.map((m) => [m.a, m.b, m.reason]),
    [
      ['a', 'b', 'near_duplicate_text'],
      ['a', 'c', 'identical_files'],
    ],
  );
  t.equal(q.meceOverlapSuspects, 2);
  t.same(q.edgeDensityBand, { min: 0.05, max: 0.5, within: true }, `density ${compiled.graph.metrics.edgeDensity} is inside the band`);
});

t.test('agents get the execution guidance and the interfaces in their prompt', async (t) => {
  const loaded = loadPlan(
    'plan.yaml',
    `version: 1
name: g
defaults: { agent: { profile: claude } }
tasks:
  - id: api
    title: Build the API
    produces: [AuthAPI:v2]
    consumes: [UserRepository:v1]
    complexity: { value: "~120 LoC", breakdown: "3 endpoints" }
    guidance:
      logging: { on_start: "Log 'starting' with a timestamp", on_progress: "Log each endpoint", on_completion: "Log LoC and coverage" }
      checkpoints: ["After endpoint 1: run the auth tests"]
`,
  );
  t.ok(loaded.ok, loaded.ok ? '' : loaded.error.diagnostics.map((d) => d.message).join('\n'));
  if (!loaded.ok) return;
  const model = loaded.value.model;
  const task = model.tasks.find((x) => x.id === 'api')!;
  const context = buildPromptContext(model, task, { agentNumber: 1, attempt: 1, specs: [], upstream: () => ({ status: 'done', summary: null }), note: null });
  const rendered = renderPrompt(readFileSync(defaultTemplatePath, 'utf8'), context);
  t.ok(rendered.ok);
  const text = rendered.ok ? rendered.prompt : '';
  t.match(text, /Expected size: ~120 LoC \(3 endpoints\)/);
  t.match(text, /Interfaces you must deliver: AuthAPI:v2/);
  t.match(text, /Interfaces you build on \(delivered by upstream tasks\): UserRepository:v1/);
  t.match(
    text,
    /## Execution guidance\n\nWhen you start, log: Log 'starting' with a timestamp\n\nAs you progress, log: Log each endpoint\n\nWhen you are done, log: Log LoC and coverage\n\nCheckpoints, in order:\n\n- After endpoint 1: run the auth tests/,
  );
});
