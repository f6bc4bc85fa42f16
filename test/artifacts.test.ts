// Artifacts and planning analysis: rules on small plans, beads lines, determinism, Mermaid validity.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { analyzePlan } from '../src/compiler/analysis/index.js';
import { globCovers, globsOverlap } from '../src/compiler/analysis/globs.js';
import { beadsId, beadsJsonl, buildBeadsIssues, renderBeadsJsonl } from '../src/compiler/artifacts/beads.js';
import { renderArtifacts } from '../src/compiler/artifacts/index.js';
import { PieceWriter, piecesEqual, piecesHash, piecesOf, piecesText } from '../src/compiler/artifacts/pieces.js';
import { contentHash, renderJsonDocument, renderJsonDocumentWithRecords, sha256, stableStringify, verifyContentHash, withHashKey } from '../src/compiler/artifacts/json.js';
import { mermaidCondensed, mermaidFlowchart, mermaidGantt } from '../src/compiler/artifacts/mermaid.js';
import { artifactTimestamp, fixedTimestamp } from '../src/compiler/artifacts/timestamp.js';
import { flowchartContent, mermaidBlocks, mermaidError } from './helpers/mermaid-check.js';
import { compileText } from './helpers/cli.js';

const templates = { plan: readFileSync('templates/Plan.md.njk', 'utf8'), decisions: readFileSync('templates/Decisions.md.njk', 'utf8') };

const task = (id: string, extra = '') => `  - id: ${id}\n    title: Build ${id}\n${extra}`;
const plan = (body: string, head = '') => `version: 1\nname: demo\ntitle: Demo plan\n${head}tasks:\n${body}`;

const streamsPlan = plan(
  [
    task('model', '    stream: data\n    estimate: 3\n    files: ["src/models/user.ts"]\n'),
    task('api', '    stream: api\n    estimate: 4\n    needs: [model]\n    files: ["src/api/login.ts", "src/models/session.ts"]\n'),
    task('ui', '    stream: web\n    estimate: 4\n    needs: [api]\n    files: ["web/**"]\n'),
    task('docs', '    estimate: 1\n    files: ["docs/auth.md"]\n'),
  ].join(''),
  'streams:\n  data: { owns: ["src/models/**"] }\n  api: { owns: ["src/api/**", "src/models/*.ts"] }\n  web: { owns: ["web/"] }\n',
);

t.test('globs: overlap and coverage', async (t) => {
  t.ok(globsOverlap('src/models/**', 'src/models/user.ts'));
  t.ok(globsOverlap('src/*.ts', 'src/a.*'));
  t.ok(globsOverlap('web/', 'web/index.html'), 'a trailing slash owns the directory');
  t.ok(globsOverlap('src/{api,models}/**', 'src/models/x.ts'));
  t.notOk(globsOverlap('src/*.ts', 'src/api/**'), 'a single star stops at a slash');
  t.notOk(globsOverlap('src/api/**', 'src/models/**'));
  t.ok(globCovers('src/**', 'src/*.ts'));
  t.notOk(globCovers('src/*.ts', 'src/**'));
  t.ok(globCovers('src/models', 'src/models/user.ts'), 'a plain path covers what is below it');
});

t.test('streams: owns overlap, files outside the stream, merge order, branches', async (t) => {
  const a = analyzePlan(compileText(streamsPlan));
  const codes = a.streams.findings.map((f) => f.code);
  t.ok(codes.includes('stream-owns-overlap'), 'data and api both own src/models/*.ts');
  const overlap = a.streams.findings.find((f) => f.code === 'stream-owns-overlap')!;
  t.same(overlap.streams, ['data', 'api']);
  t.same(
    a.streams.branches.map((b) => [b.stream, b.mergeStep, b.branch]),
    [
      ['data', 1, 'execplan/demo/data'],
      ['api', 2, 'execplan/demo/api'],
      ['web', 3, 'execplan/demo/web'],
    ],
  );
  t.same(a.streams.branches.find((b) => b.stream === 'web')!.after, ['api']);
  t.equal(a.streams.communication.filter((c) => c.origin === 'implied').length, 2, 'undeclared hand-offs are listed');

  const outside = analyzePlan(
    compileText(
      plan(
        task('m', '    stream: data\n    estimate: 2\n    files: ["src/models/a.ts", "src/api/b.ts"]\n'),
        'streams:\n  data: { owns: ["src/models/**"] }\n  api: { owns: ["src/api/**"] }\n',
      ),
    ),
  );
  const f = outside.streams.findings.find((x) => x.code === 'file-outside-stream');
  t.ok(f, 'a file outside its stream is reported');
  t.match(f!.message, /src\/api\/b\.ts, outside stream 'data'.*owned by 'api'/);
  t.notMatch(f!.message, /src\/models\/a\.ts/);

  const cyclic = analyzePlan(
    compileText(
      plan(
        task('a1', '    stream: x\n    estimate: 2\n') +
          task('b1', '    stream: y\n    estimate: 2\n    needs: [a1]\n') +
          task('a2', '    stream: x\n    estimate: 2\n    needs: [b1]\n'),
        'streams:\n  x: { owns: ["x/**"] }\n  y: { owns: ["y/**"] }\n',
      ),
    ),
  );
  t.ok(
    cyclic.findings.some((x) => x.code === 'stream-cycle'),
    'streams that need each other are reported',
  );
  t.same(
    cyclic.streams.branches.map((b) => b.mergeStep),
    [1, 1],
    'and merged in the same step',
  );
});

t.test('scope assessment: the three outcomes', async (t) => {
  const small = analyzePlan(compileText(plan(task('a', '    estimate: 2\n') + task('b', '    estimate: 2\n'))));
  t.equal(small.scope.recommendation, 'single-agent');
  t.equal(small.scope.confidence, 'high');
  t.ok(small.scope.fastPath);

  const chain = Array.from({ length: 6 }, (_, i) => task(`c${i}`, `    estimate: 5\n${i ? `    needs: [c${i - 1}]\n` : ''}`)).join('');
  const serial = analyzePlan(compileText(plan(chain)));
  t.equal(serial.scope.recommendation, 'single-agent', '30 h in one chain: nothing to parallelize');
  t.match(serial.scope.rationale.join(' '), /Parallelism 1 /);

  const wide = Array.from({ length: 8 }, (_, i) => task(`w${i}`, `    estimate: 4\n    stream: ${i % 2 ? 'a' : 'b'}\n`)).join('');
  const parallel = analyzePlan(compileText(plan(wide, 'streams:\n  a: { owns: ["a/**"] }\n  b: { owns: ["b/**"] }\n')));
  t.equal(parallel.scope.recommendation, 'multi-agent');
  t.equal(parallel.scope.confidence, 'high');
  t.equal(parallel.scope.drivers.find((d) => d.name === 'parallelism')!.value, 8);

  const big = analyzePlan(compileText(plan(wide, 'streams:\n  a: {}\n  b: {}\n')), { decompositionHours: 20 });
  t.equal(big.scope.recommendation, 'decomposition-required', 'thresholds are configurable');
  t.equal(big.thresholds.decompositionHours, 20);
});

t.test('over-decomposition: merges, ratio warning, splits', async (t) => {
  const tiny = plan(
    task('setup', '    estimate: 0.25\n') +
      task('build', '    estimate: 3\n    needs: [setup]\n') +
      Array.from({ length: 8 }, (_, i) => task(`x${i}`, '    estimate: 10m\n    needs: [build]\n')).join(''),
  );
  const a = analyzePlan(compileText(tiny));
  t.same(a.decomposition.merges[0], { tasks: ['setup', 'build'], combinedHours: 3.25, reason: 'chained: the only predecessor of its only successor' });
  t.ok(
    a.decomposition.merges.some((m) => m.tasks[0] === 'x0' && m.reason.startsWith('same stream')),
    'siblings merge',
  );
  t.ok(
    a.findings.some((f) => f.code === 'over-decomposed'),
    '10 tasks for 4.6 h is flagged',
  );
  t.same(a.decomposition.autonormalization.merged[0], 'setup,build (<0.5h)');

  const huge = analyzePlan(compileText(plan(task('big', '    estimate: 20\n    steps: [one, two, three, four, five]\n'))));
  t.same(huge.decomposition.splits, [
    { task: 'big', hours: 20, count: 3, parts: ['biga', 'bigb', 'bigc'], partHours: 6.67, stepsByPart: [['one'], ['two', 'three'], ['four', 'five']] },
  ]);
  t.same(huge.decomposition.autonormalization.split, ['big->biga,bigb,bigc (>16h)']);
  t.ok(huge.findings.some((f) => f.code === 'task-too-large' && f.severity === 'warning'));

  // A 100000 h task once produced 12,500 part names (and a 1e9 h one hung compile): names are capped.
  const absurd = analyzePlan(compileText(plan(task('epic', '    estimate: 100000\n')))).decomposition;
  t.equal(absurd.splits[0]!.count, 12500);
  t.equal(absurd.splits[0]!.parts.length, 12);
  t.match(absurd.autonormalization.split[0], /^epic->epica,.*,epicl,\.\.\.\(12500 parts\) \(>16h\)$/);
});

t.test('test strategy: recommended only where the plan sets none', async (t) => {
  const a = analyzePlan(
    compileText(
      plan(
        task('risky', '    estimate: 2\n    risk: high\n') +
          task('doc', '    estimate: 1\n    files: ["docs/x.md", "README.md"]\n') +
          task('vague', '    estimate: 1\n    risk: medium\n    acceptance: ["It works well"]\n') +
          task('checked', '    estimate: 1\n    risk: medium\n    acceptance: [{ run: "npm test" }]\n') +
          '  - id: wire\n    title: Integrate login with the API\n    estimate: 1\n' +
          task('own', '    estimate: 1\n    risk: high\n    test: none\n'),
      ),
    ),
  );
  const s = Object.fromEntries(a.testStrategies.map((x) => [x.task, `${x.strategy}/${x.source}`]));
  t.same(s, {
    risky: 'test-first/recommended',
    doc: 'none/recommended',
    vague: 'test-first/recommended',
    checked: 'test-after/recommended',
    wire: 'test-parallel/recommended',
    own: 'none/plan',
  });
});

const richPlan = plan(
  [
    task(
      'schema',
      '    phase: one\n    stream: data\n    estimate: { optimistic: 1, likely: 2, pessimistic: 6 }\n    resources: { db: 1 }\n    priority: critical\n    acceptance: ["Schema exists", { run: "npm test" }, { file: "db/schema.sql" }]\n',
    ),
    task('seed', '    phase: one\n    stream: data\n    size: S\n    resources: { db: 1 }\n    deps: [{ task: schema, type: knowledge, confidence: 0.5, reason: "maybe" }]\n'),
    task('end', '    phase: two\n    stream: api\n    estimate: 2\n    deps: [{ task: seed, hard: false, reason: "lessons" }]\n    risk: high\n'),
  ].join(''),
  'description: A plan with "quotes" | pipes and <html>.\nresources:\n  db: { capacity: 1, reason: Migration lock }\nstreams:\n  data: { owns: ["db/**"] }\n  api: { owns: ["api/**"] }\nphases:\n  - { id: one }\n  - { id: two }\nfeatures:\n  - { id: F1, title: Feature one, priority: low }\n',
);

t.test('beads.jsonl: beads field names and types, deterministic ids, dependencies', async (t) => {
  const compiled = compileText(richPlan);
  const text = renderBeadsJsonl(buildBeadsIssues(compiled, { timestamp: '2024-01-02T03:04:05Z' }));
  const lines = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  t.equal(lines.length, 4, 'one epic + one issue per task');
  const fields = [
    'id',
    'title',
    'description',
    'acceptance_criteria',
    'status',
    'priority',
    'issue_type',
    'estimated_minutes',
    'created_at',
    'updated_at',
    'labels',
    'dependencies',
  ];
  for (const l of lines) {
    t.same(Object.keys(l), fields, `fields of ${l.id as string}`);
    t.match(l, {
      id: String,
      title: String,
      description: String,
      acceptance_criteria: String,
      status: 'open',
      issue_type: /^(epic|task)$/,
      created_at: '2024-01-02T03:04:05Z',
      updated_at: '2024-01-02T03:04:05Z',
      labels: Array,
      dependencies: Array,
    });
    t.ok(Number.isInteger(l.priority) && (l.priority as number) >= 0 && (l.priority as number) <= 4, 'priority is an int 0-4');
    t.ok(Number.isInteger(l.estimated_minutes));
    t.match(l.id, /^demo-[0-9a-f]{8}$/);
    for (const d of l.dependencies as Array<Record<string, unknown>>) {
      t.same(Object.keys(d), ['issue_id', 'depends_on_id', 'type', 'created_at', 'created_by']);
      t.equal(d.issue_id, l.id, 'a dependency sits on the blocked issue');
    }
  }
  const [epic, schema, seed, end] = lines as Array<Record<string, any>>;
  t.equal(epic!.issue_type, 'epic');
  t.equal(epic!.id, beadsId('demo', 'demo'));
  t.equal(schema!.id, beadsId('demo', 'demo', 'schema'));
  t.equal(schema!.priority, 0, 'critical -> 0');
  t.equal(seed!.priority, 2, 'no priority and no feature -> 2');
  t.equal(schema!.estimated_minutes, 150, 'PERT mean 2.5 h');
  t.match(schema!.acceptance_criteria, /- Schema exists\n- `npm test` exits 0\n- `db\/schema.sql` exists/);
  t.same(
    seed!.dependencies.map((d: any) => d.type),
    ['parent-child'],
    'the low-confidence dependency does not block',
  );
  t.same(
    end!.dependencies.map((d: any) => [d.type, d.depends_on_id]),
    [
      ['parent-child', epic!.id],
      ['blocks', schema!.id],
      ['blocks', seed!.id],
    ],
    'the phase barrier blocks: the last tasks of phase one -> the first of phase two',
  );
  t.equal(renderBeadsJsonl(buildBeadsIssues(compiled, { timestamp: '2024-01-02T03:04:05Z' })), text, 'same input, same bytes');
  t.equal(beadsJsonl(compiled, { timestamp: '2024-01-02T03:04:05Z' }), text, 'printed issue by issue: the same bytes');
});

t.test('beads.jsonl: a large phase barrier becomes one milestone issue, linear in size', async (t) => {
  const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  const body = [...ids('a', 12).map((id) => task(id, '    phase: one\n')), ...ids('b', 12).map((id) => task(id, '    phase: two\n'))].join('');
  const compiled = compileText(plan(body, 'phases: [{ id: one }, { id: two }]\n'));
  const lines = renderBeadsJsonl(buildBeadsIssues(compiled, { timestamp: '2024-01-02T03:04:05Z' }))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const milestones = lines.filter((l) => l.labels.includes('kind:phase-barrier'));
  t.equal(milestones.length, 1, '12 x 12 pairs > 100: one milestone');
  const m = milestones[0];
  t.equal(m.title, 'Finish phase one before phase two');
  t.same(
    m.dependencies.filter((d: any) => d.type === 'blocks').map((d: any) => d.depends_on_id),
    ids('a', 12).map((id) => beadsId('demo', 'demo', id)),
    'blocked by every last task of phase one',
  );
  for (const id of ids('b', 12)) {
    const issue = lines.find((l) => l.id === beadsId('demo', 'demo', id));
    t.same(
      issue.dependencies.filter((d: any) => d.type === 'blocks').map((d: any) => d.depends_on_id),
      [m.id],
      `${id} waits for the milestone only`,
    );
  }
});

t.test('artifacts: deterministic, hashed, timestamp only from SOURCE_DATE_EPOCH', async (t) => {
  t.same(artifactTimestamp(undefined), { ok: true, timestamp: fixedTimestamp });
  t.same(artifactTimestamp('1700000000'), { ok: true, timestamp: '2023-11-14T22:13:20Z' });
  t.equal(artifactTimestamp('yesterday').ok, false);

  const render = () => renderArtifacts({ compiled: compileText(richPlan), templates, timestamp: fixedTimestamp, version: '0.1.0', planText: richPlan, planFile: 'plan.yaml' });
  const a = render();
  t.same(Object.keys(a), ['.tasks-meta.json', 'Decisions.md', 'Plan.md', 'beads.jsonl', 'coordinator.json', 'dag.json', 'features.json', 'tasks.json', 'waves.json']);
  t.same(render(), a, 'rendering twice gives identical bytes');
  for (const name of ['features.json', 'tasks.json', 'coordinator.json', '.tasks-meta.json', 'dag.json', 'waves.json'])
    t.ok(verifyContentHash(a[name]!), `${name} carries a verifiable contentHash`);
  const meta = JSON.parse(a['.tasks-meta.json']!);
  t.equal(meta.artifacts['Plan.md'].sha256.length, 64);
  t.equal(meta.tool.version, '0.1.0');
  const tasks = JSON.parse(a['tasks.json']!);
  t.same(tasks.resource_conflicts.db, {
    tasks: ['schema', 'seed'],
    capacity: 1,
    resolution: 'sequential_ordering',
    suggested_order: ['schema', 'seed'],
    rationale: 'Exclusive resource (Migration lock): the tasks run one at a time, in the order of the frontier schedule.',
  });
  t.same(
    tasks.dependencies.map((d: any) => [d.from, d.to, d.type, d.confidence, d.isHard, d.scheduled]),
    [
      ['schema', 'seed', 'knowledge', 0.5, true, false],
      ['seed', 'end', 'technical', 1, false, false],
    ],
  );
  t.match(tasks.tasks[2], { id: 'end', test_strategy: { strategy: 'test-first', source: 'recommended' }, branch: 'execplan/demo/api' });
  t.match(tasks.tasks[0].acceptance_checks, [{ type: 'criterion' }, { type: 'command', cmd: 'npm test' }, { type: 'artifact', path: 'db/schema.sql' }]);
  t.notMatch(Object.values(a).join('\n'), new RegExp(new Date().toISOString().slice(0, 10)), 'no wall-clock date anywhere');
  const plan = a['Plan.md']!;
  for (const heading of [
    '## Summary',
    '## Scope assessment',
    '## Dependency graph',
    '## Critical path',
    '## Waves',
    '## Frontier timeline',
    '## Streams',
    '## Resources and conflicts',
    '## Risks',
    '## To review',
  ])
    t.match(plan, heading);
  t.match(plan, /A plan with "quotes" \| pipes/);
  t.match(plan, /\| `schema` \| `seed` \| knowledge \| 0.5 \| low confidence \| maybe \|/);
  t.match(a['Decisions.md']!, /\*\*Selected: sequential_ordering\*\*, order schema → seed/);
});

t.test('file conflicts: groups of patterns in tasks.json, one row per overlap in Plan.md', async (t) => {
  const shared = plan(
    ['a', 'b', 'c'].map((id) => task(id, '    estimate: 1\n    files: ["src/app.ts"]\n')).join('') + task('d', '    estimate: 1\n    description: Then modify src/app.ts again\n'),
  );
  const out = renderArtifacts({ compiled: compileText(shared), templates, timestamp: fixedTimestamp, version: '0.1.0', planText: shared, planFile: 'plan.yaml' });
  const tasksJson = JSON.parse(out['tasks.json']!);
  const groups = tasksJson.file_conflicts;
  t.same(
    groups.map((g: any) => [g.group, g.tasks, g.confidence, g.enforced]),
    [[1, ['a', 'b', 'c', 'd'], 1, true]],
    'one group, not six pairs',
  );
  t.same(groups[0].patterns, [
    { pattern: 'src/app.ts', source: 'description', tasks: ['d'] },
    { pattern: 'src/app.ts', source: 'files', tasks: ['a', 'b', 'c'] },
  ]);
  t.same(
    groups[0].overlaps.map((o: any) => [o.sourceA, o.sourceB, o.confidence, o.resolution]),
    [
      ['description', 'files', 0.8, 'never_concurrent'],
      ['files', 'files', 1, 'never_concurrent'],
    ],
  );
  t.same(
    tasksJson.tasks.map((x: any) => x.scheduling_hints.file_conflict_groups),
    [[1], [1], [1], [1]],
  );
  t.same(
    JSON.parse(out['coordinator.json']!).coordinator.policies.file_exclusions,
    {
      patterns: [
        { pattern: 'src/app.ts', source: 'description', tasks: ['d'] },
        { pattern: 'src/app.ts', source: 'files', tasks: ['a', 'b', 'c'] },
      ],
      overlaps: [
        [0, 1],
        [1, 1],
      ],
    },
    'coordinator.json: each pattern once, overlaps by index',
  );
  t.match(out['Plan.md']!, /\| src\/app\.ts \| same_file \| `a`, `b`, `c` \| 1 \| yes \|/);
  t.match(
    out['Plan.md']!,
    /\| src\/app\.ts \(from a description\) \| same_file \| `a`, `b`, `c`, `d` \| 0\.8 \| yes \|/,
    'paths mentioned in a description are conflicts too, at lower confidence',
  );
  t.match(out['Decisions.md']!, /`a`, `b`, `c` may modify src\/app\.ts \(same_file, confidence 1\): \*\*never run at the same time\*\*/);
});

t.test('Mermaid: every diagram parses with mermaid itself; a broken one does not', async (t) => {
  const compiled = compileText(richPlan);
  const a = renderArtifacts({ compiled, templates, timestamp: fixedTimestamp, version: '0.1.0', planText: richPlan, planFile: 'plan.yaml' });
  const blocks = mermaidBlocks(a['Plan.md']!);
  t.equal(blocks.length, 2, 'graph + gantt');
  for (const b of blocks) t.equal(await mermaidError(b), null, b.split('\n')[0]!);
  t.match(blocks[0]!, /-\.->\|soft\|/);

  // Task ids that are Mermaid keywords, with punctuation, and titles full of specials.
  const nasty = plan(task('end', '    estimate: 1\n') + '  - id: a.b-c\n    title: "Fix: the \\"quoted\\" <tag> & #1; | [x] {y} (z)"\n    estimate: 0\n    needs: [end]\n');
  const n = compileText(nasty);
  for (const d of [mermaidFlowchart(n), mermaidCondensed(n), mermaidGantt(n)]) t.equal(await mermaidError(d), null, d.split('\n')[0]!);

  const long = compileText(plan(task('a', '    estimate: 20\n') + task('b', '    estimate: 2d\n    needs: [a]\n')));
  const longGantt = mermaidGantt(long);
  t.match(longGantt, /axisFormat day %j %Hh/, 'plans longer than a day get a day axis');
  t.equal(await mermaidError(longGantt), null);

  // Large plans get the condensed phase/stream graph instead of hundreds of nodes.
  const many = plan(
    Array.from({ length: 70 }, (_, i) => task(`m${i}`, `    estimate: 1\n    stream: s${i % 3}\n    phase: p${i % 2}\n${i >= 2 ? `    needs: [m${i - 2}]\n` : ''}`)).join(''),
    'streams:\n  s0: {}\n  s1: {}\n  s2: {}\nphases:\n  - { id: p0 }\n  - { id: p1 }\n',
  );
  const big = renderArtifacts({ compiled: compileText(many), templates, timestamp: fixedTimestamp, version: '0.1.0', planText: many, planFile: 'plan.yaml' })['Plan.md']!;
  const bigBlocks = mermaidBlocks(big);
  t.equal(bigBlocks.length, 3, 'no gantt of 70 bars (the table stays): the overview and one graph per phase');
  t.match(bigBlocks[0]!, /subgraph p0\["phase 1: p0"\]/);
  t.ok(bigBlocks[0]!.split('\n').length < 40, 'condensed');
  for (const b of bigBlocks) t.equal(await mermaidError(b), null);

  t.not(await mermaidError(blocks[0]!.replace('flowchart LR', 'flowchart LR\n  t0 --> ')), null, 'a genuinely broken diagram fails the check');
  // Mermaid's gantt grammar is lenient (a bar without its colon still parses); a bar without a name does not.
  t.not(await mermaidError(blocks[1]!.replace(/\n {2}[^\n]+ :crit, t0,/, '\n  :crit, t0,')), null, 'a broken gantt fails too');
});

t.test('generated X.tests tasks are not merge candidates and are described as a share of their task', async (t) => {
  const compiled = compileText(
    plan(`  - { id: a, title: Build a, size: M, test: test-first, agent: {}, acceptance: [x] }
  - { id: c, title: Build c, estimate: 0.2, agent: {}, acceptance: [x] }
`),
  );
  t.ok(compiled.model.tasks.some((x) => x.id === 'a.tests' && x.generatedFor === 'a' && x.durationSource === 'test-share'));
  const findings = analyzePlan(compiled).findings;
  t.notOk(
    findings.some((f) => f.tasks.includes('a.tests')),
    'no finding names a task that is not in plan.yaml',
  );
  t.ok(
    findings.some((f) => f.code === 'tiny-task' && f.tasks.includes('c') && f.severity === 'info'),
    'c has no partner to merge with',
  );
  const files = renderArtifacts({ compiled, templates, timestamp: fixedTimestamp, version: '0', planText: '', planFile: 'plan.yaml' });
  t.notMatch(files['Decisions.md']!, /undefined/);
});

t.test('globCovers stays fast on patterns with many ** (it backtracked exponentially)', async (t) => {
  const many = Array.from({ length: 24 }, () => '**').join('/');
  const deep = Array.from({ length: 24 }, (_, i) => `d${i}`).join('/');
  t.equal(globCovers(`${many}/x`, `${deep}/y`), false);
  t.equal(globCovers(`${many}/*.ts`, `${deep}/*.ts`), true);
});

t.test('big plans read by phase: an overview, one graph per phase, chunk sections (the 60-task example, as mermaid reads it)', async (t) => {
  const text = readFileSync('examples/saas-billing/plan.yaml', 'utf8');
  const compiled = compileText(text);
  const { model } = compiled;
  t.equal(model.tasks.length, 60);
  const out = renderArtifacts({ compiled, templates, timestamp: fixedTimestamp, version: '0.1.0', planText: text, planFile: 'plan.yaml' });
  const md = out['Plan.md']!;
  const blocks = mermaidBlocks(md);
  t.equal(blocks.length, 2 + model.phases.length, 'overview + gantt + one graph per phase');
  for (const b of blocks) t.equal(await mermaidError(b), null, b.split('\n')[0]!);

  // The overview: one box per phase, holding one node per stream working in it, with its task count.
  const overview = await flowchartContent(blocks[0]!);
  t.same(
    overview.subgraphs.map((s) => s.title),
    model.phases.map((p) => `phase ${p.index + 1}: ${p.title}`),
  );
  let counted = 0;
  for (const [i, p] of model.phases.entries()) {
    const labels = overview.subgraphs[i]!.members.map((id) => overview.nodes.get(id)!);
    const streams = [...new Set(model.tasks.filter((x) => x.phase === p.id).map((x) => x.stream))];
    t.same(labels.map((l) => l.split('<br>')[0]).sort(), streams.sort(), `${p.id}: one node per stream`);
    counted += labels.reduce((sum, l) => sum + Number(/(\d+) tasks?,/.exec(l)![1]), 0);
  }
  t.equal(counted, 60, 'the overview accounts for every task');
  t.ok(
    overview.edges.some(([a, b]) => a === 'p0' && b === 'p1'),
    'phase barriers are drawn between the phase boxes',
  );

  // Each phase's graph: exactly its tasks, grouped by stream, and only dependencies inside the phase.
  const nodeOf = new Map(model.tasks.map((x, i) => [`t${i}`, x]));
  const graphs = blocks.filter((b) => b.startsWith('flowchart')).slice(1);
  t.equal(graphs.length, model.phases.length);
  for (const [i, p] of model.phases.entries()) {
    const g = await flowchartContent(graphs[i]!);
    const members = model.tasks.filter((x) => x.phase === p.id);
    t.same([...g.nodes.keys()].map((id) => nodeOf.get(id)!.id).sort(), members.map((x) => x.id).sort(), `${p.id}: its tasks, no others`);
    for (const [id, label] of g.nodes) t.ok(label.startsWith(`${nodeOf.get(id)!.id}<br>`), `${id} is labelled with its task id`);
    for (const s of g.subgraphs) {
      const stream = s.title.replace(/^stream: /, '');
      t.same(
        s.members.map((id) => nodeOf.get(id)!.id),
        members.filter((x) => x.stream === stream).map((x) => x.id),
        `${p.id}/${stream}: the stream's tasks`,
      );
    }
    const inside = compiled.graph.edges.filter((e) => members.some((m) => m.id === e.from) && members.some((m) => m.id === e.to));
    const drawn = new Set(g.edges.map(([a, b]) => `${nodeOf.get(a)!.id}>${nodeOf.get(b)!.id}`));
    for (const [a, b] of g.edges) t.equal(nodeOf.get(a)!.phase, p.id, `${p.id}: edge ${a} -> ${b} stays in the phase`);
    // Every dependency inside the phase is drawn or implied by a drawn path (the graph is transitively reduced).
    const reach = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...drawn].some((e) => {
        const [x, y] = e.split('>');
        if (x !== from || seen.has(y!)) return false;
        seen.add(y!);
        return y === to || reach(y!, to, seen);
      });
    for (const e of inside) t.ok(reach(e.from, e.to), `${p.id}: ${e.from} -> ${e.to} is shown`);
  }

  // The chunk sections: phase title and description, and each task with outcome, stream title, skills and steps.
  for (const p of model.phases) {
    t.match(md, `\n### Phase ${p.index + 1}: ${p.title}\n\n${p.description}\n`);
  }
  for (const x of model.tasks) {
    const stream = model.streams.find((s) => s.name === x.stream)!;
    t.match(md, `- [ ] **${x.title}** (\`${x.id}\``);
    t.match(md, `  Outcome: ${x.description}\\\n  Stream: ${stream.name} (${stream.title})\\\n  Skills: ${stream.skills.join(', ')}`);
    for (const step of x.source.steps ?? []) t.match(md, `\n  - [ ] ${step}\n`);
  }
  t.match(md, /\| 1 \| data \| Database schema, migrations and data access \|/, "the streams table has each stream's title");

  const meta = JSON.parse(out['tasks.json']!).meta;
  t.same(
    meta.phases.map((p: { id: string; title: string; description: string; tasks: string[] }) => [p.id, p.title, p.description, p.tasks.length]),
    model.phases.map((p) => [p.id, p.title, p.description, model.tasks.filter((x) => x.phase === p.id).length]),
  );
  t.same(
    meta.streams.map((s: { name: string; title: string; skills: string[] }) => [s.name, s.title, s.skills]),
    model.streams.map((s) => [s.name, s.title, s.skills]),
  );
});

t.test('a small plan: one graph, phases around streams around tasks', async (t) => {
  const text = readFileSync('examples/auth/plan.yaml', 'utf8');
  const out = renderArtifacts({ compiled: compileText(text), templates, timestamp: fixedTimestamp, version: '0.1.0', planText: text, planFile: 'plan.yaml' });
  const blocks = mermaidBlocks(out['Plan.md']!);
  t.equal(blocks.length, 2, 'graph + gantt');
  const g = await flowchartContent(blocks[0]!);
  t.same(
    g.subgraphs.map((s) => [s.id, s.title, s.members]),
    [
      ['p0s0', 'stream: data', ['t0', 't1']],
      ['p0', 'phase 1: Foundation', ['p0s0']],
      ['p1s1', 'stream: api', ['t2', 't3']],
      ['p1', 'phase 2: Endpoints', ['p1s1']],
    ],
  );
});

// The artifact printer's rule, written the slow way: the document and its direct children key by key in
// sorted order; everything deeper as a JavaScript object with sorted keys prints (integer-like keys first).
function referenceJson(v: unknown, pretty: boolean, pad = '', depth = 0): string {
  const normal = (x: unknown): unknown => {
    if (x === null || x === undefined) return null;
    if (Array.isArray(x)) return x.map(normal);
    if (typeof x === 'object') {
      const r = x as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(r)
          .sort()
          .filter((k) => r[k] !== undefined)
          .map((k) => [k, normal(r[k])]),
      );
    }
    if (typeof x === 'number') return Number.isFinite(x) ? x : null;
    return typeof x === 'bigint' ? String(x) : x;
  };
  if (depth >= 2 || v === null || typeof v !== 'object') {
    const text = JSON.stringify(normal(v), null, pretty ? 2 : undefined);
    return pretty ? text.replaceAll('\n', `\n${pad}`) : text;
  }
  const inner = pretty ? `${pad}  ` : '';
  const [open, between, close] = pretty ? [`\n${inner}`, `,\n${inner}`, `\n${pad}`] : ['', ',', ''];
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${open}${v.map((x) => referenceJson(x, pretty, inner, depth + 1)).join(between)}${close}]`;
  const r = v as Record<string, unknown>;
  const keys = Object.keys(r)
    .filter((k) => r[k] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  return `{${open}${keys.map((k) => `${JSON.stringify(k)}:${pretty ? ' ' : ''}${referenceJson(r[k], pretty, inner, depth + 1)}`).join(between)}${close}}`;
}

t.test('json: the artifact printer follows the key-order rule at every depth, without touching its input', async (t) => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Integer-like keys ("10" before "9" when sorted, but first in a JavaScript object), case, punctuation.
  const keys = ['10', '9', '2', 'a', 'B', '_x', 'a-b', 'zeta', 'Alpha', 'contentHash', '0'];
  const leaves = [0, -0, 1.5, NaN, Infinity, 'x', 'line\nbreak', true, false, null, undefined, 12n];
  const value = (depth: number): unknown => {
    const roll = random();
    if (depth > 4 || roll < 0.35) return pick(leaves);
    if (roll < 0.55) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick(keys), value(depth + 1)]));
  };
  for (let i = 0; i < 400; i++) {
    const body = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(keys), value(1)]));
    const before = referenceJson(body, true);
    t.equal(stableStringify(body), `${before}\n`, `document ${i}`);
    t.equal(contentHash(body), sha256(referenceJson(body, false)), `hash ${i}`);
    const facts = { by: 'execplan', timestamp: '2026-01-01T00:00:00Z' };
    t.equal(
      renderJsonDocument({ generated: facts, ...body }),
      `${referenceJson({ ...body, generated: { ...facts, contentHash: contentHash(body) } }, true)}\n`,
      `with generated ${i}`,
    );
    t.equal(referenceJson(body, true), before, `input ${i} unchanged`);
  }
});

t.test('json: a record hashed by withHashKey prints, and hashes into its document, as if printed anew', async (t) => {
  // Strings that spell the key's entry, a nested record with the same key (the fallback), an empty rest.
  const tricky: Array<Record<string, unknown>> = [
    { a: 'x', contentHash: '', z: 1 },
    { contentHash: '' },
    { a: ['"contentHash":"0000000000000000"'], contentHash: '', b: 'q' },
    { a: { contentHash: '0000000000000000' }, contentHash: '', m: null },
    { contentHash: '', z: { contentHash: '0000000000000000', y: [1, 'two'] } },
    { a: undefined, contentHash: '', b: 'line\nbreak "quoted" \\ back' },
    { b: 2, a: 1, contentHash: '' },
  ];
  const expected = tricky.map((r) => {
    const rest = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'contentHash'));
    return { ...rest, contentHash: sha256(referenceJson(rest, false)).slice(0, 16) };
  });
  const records = tricky.map((r) => withHashKey({ ...r }, 'contentHash', 16));
  records.forEach((r, i) => t.equal(referenceJson(r, false), referenceJson(expected[i], false), `record ${i}`));
  const facts = { by: 'execplan' };
  const body = { list: records, other: { n: 1 }, tail: [1, 2] };
  const shown = renderJsonDocument({ generated: facts, ...body });
  const reference = { list: expected, other: { n: 1 }, tail: [1, 2] };
  t.equal(shown, `${referenceJson({ ...reference, generated: { ...facts, contentHash: sha256(referenceJson(reference, false)) } }, true)}\n`);
  t.ok(verifyContentHash(shown));
});

t.test('json: a document whose records are made and printed a few at a time is the document printed whole', async (t) => {
  const tricky: Array<Record<string, unknown>> = [
    { a: 'x', contentHash: '', z: 1 },
    { contentHash: '' },
    { a: ['"contentHash":"0000000000000000"'], contentHash: '', b: 'q' },
    { a: { contentHash: '0000000000000000' }, contentHash: '', m: null },
    { a: undefined, contentHash: '', b: 'line\nbreak "quoted" \\ back \u2028 ü 😀', e: [], o: {} },
    { b: 2, a: 1, contentHash: '', n: { y: [1, { q: 'r' }], x: 3 } },
  ];
  const facts = { by: 'execplan', timestamp: '2026-01-01T00:00:00Z' };
  const make = (i: number) => ({ ...tricky[i % tricky.length]!, i });
  for (const count of [0, 1, 5, 31, 32, 33, 64, 100]) {
    for (const [name, rest] of [
      ['before the records', { deps: [{ b: 1, a: 2 }], meta: { z: 'x' } }],
      ['nothing else', {}],
      ['a key after the records', { deps: [1], zz: { b: 1, a: 2 } }],
    ] as const) {
      const records = Array.from({ length: count }, (_, i) => withHashKey(make(i), 'contentHash', 16));
      const whole = renderJsonDocument({ generated: facts, ...rest, tasks: records });
      t.equal(renderJsonDocumentWithRecords({ generated: facts, ...rest }, 'tasks', count, make, 'contentHash', 16), whole, `${count} records, ${name}`);
      t.ok(verifyContentHash(whole));
    }
  }
});

t.test('pieces: the text is gathered and encoded ~64 KB at a time, and compares with bytes exactly', async (t) => {
  const out = new PieceWriter();
  const parts = ['a', 'ü'.repeat(40000), '😀', 'x'.repeat(70000), ''];
  for (const p of parts) out.add(p);
  out.prepend('head ');
  const pieces = out.finish();
  const text = `head ${parts.join('')}`;
  t.ok(pieces.length > 1, 'more than one piece');
  t.equal(piecesText(pieces), text);
  t.equal(piecesHash(pieces), sha256(text));
  const bytes = Buffer.from(text, 'utf8');
  t.ok(piecesEqual(pieces, bytes));
  t.notOk(piecesEqual(pieces, bytes.subarray(0, bytes.length - 1)), 'shorter');
  t.notOk(piecesEqual(pieces, Buffer.concat([bytes, Buffer.from('!')])), 'longer');
  const changed = Buffer.from(bytes);
  changed[changed.length - 2] = 0x79;
  t.notOk(piecesEqual(pieces, changed), 'one byte differs');
  t.same(piecesOf('ü'), [Buffer.from('ü')]);
});

t.test('putting a deeply nested record in key order reads each value a bounded number of times', async (t) => {
  // A record 20 levels down whose keys are out of order must be copied once, not once per way of
  // reaching it: a check that put the value in order and then threw the result away doubled the work at
  // every level (2^20 reads of the innermost value here).
  let reads = 0;
  const inner = Object.defineProperty({}, 'b', { enumerable: true, get: () => (reads++, 1) }) as Record<string, unknown>;
  inner.a = 2;
  let nested: Record<string, unknown> = inner;
  for (let i = 0; i < 20; i++) nested = { k: nested };
  let expected = '{"a":2,"b":1}';
  for (let i = 0; i < 20; i++) expected = `{"k":${expected}}`;
  t.equal(JSON.stringify(JSON.parse(stableStringify(nested))), expected, 'the innermost keys in order, every level kept');
  t.ok(reads <= 4, `the innermost value was read ${reads} times`);
});
