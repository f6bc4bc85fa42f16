// execplan compile: writes dag.json and waves.json (deterministically), maps bad input to exit codes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { fixedTimestamp } from '../src/compiler/artifacts/timestamp.js';
import { cli, cliProcess, tempDir } from './helpers/cli.js';

const run = (args: string[], cwd: string, env: Record<string, string> = {}) => cli(args, { cwd, env });

const plan = `version: 1
name: cli-demo
settings: { max_concurrency: 3 }
resources:
  db: { capacity: 1 }
tasks:
  - { id: schema, title: Create schema, estimate: 2, resources: { db: 1 }, acceptance: [ok] }
  - { id: seed, title: Seed data, estimate: 1, resources: { db: 1 }, needs: [schema], acceptance: [ok] }
  - { id: api, title: Build api, estimate: 3, files: ["src/api/**"], needs: [schema], acceptance: [ok] }
  - { id: auth, title: Build auth, estimate: 2, files: ["src/api/auth.ts"], acceptance: [ok] }
  - { id: docs, title: Write docs, estimate: { optimistic: 1, likely: 2, pessimistic: 5 }, acceptance: [ok] }
`;

t.test('writes dag.json and waves.json next to the plan, byte-identical on every run', async (t) => {
  const dir = tempDir('execplan-compile-');
  writeFileSync(path.join(dir, 'plan.yaml'), plan);
  const first = await run(['compile'], dir);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stderr, /5 tasks/);
  const out = path.join(dir, 'tasks_output');
  const dag = readFileSync(path.join(out, 'dag.json'), 'utf8');
  const waves = readFileSync(path.join(out, 'waves.json'), 'utf8');
  const again = await run(['compile', 'plan.yaml'], dir);
  t.equal(again.code, 0);
  t.equal(readFileSync(path.join(out, 'dag.json'), 'utf8'), dag, 'dag.json identical');
  t.equal(readFileSync(path.join(out, 'waves.json'), 'utf8'), waves, 'waves.json identical');

  const d = JSON.parse(dag);
  t.equal(d.ok, true);
  t.same(d.topo_order, ['schema', 'seed', 'api', 'auth', 'docs']);
  t.same(d.critical_path, ['schema', 'api']);
  t.equal(d.metrics.nodes, 5);
  t.same(
    d.file_conflicts.map((c: { tasks: string[] }) => c.tasks),
    [['api', 'auth']],
  );
  t.equal(d.generated.timestamp, fixedTimestamp, 'no wall-clock time without SOURCE_DATE_EPOCH');

  const w = JSON.parse(waves);
  const rf = w.execution_models.rolling_frontier;
  t.equal(rf.makespan_hours, 5);
  t.equal(rf.lower_bound_hours, 5);
  t.ok(rf.max_concurrency <= 3);
  t.same([...rf.priority].sort(), ['api', 'auth', 'docs', 'schema', 'seed']);
  for (const s of rf.schedule) t.ok(s.finish >= s.start, `${s.task} has start <= finish`);
  const wb = w.execution_models.wave_based;
  t.ok(wb.waves.length >= 2);
  t.ok(wb.waves.every((x: { estimates: { p50Hours: number } }) => x.estimates.p50Hours > 0));
});

t.test('--out, --concurrency and SOURCE_DATE_EPOCH', async (t) => {
  const dir = tempDir('execplan-compile-');
  writeFileSync(path.join(dir, 'plan.yaml'), plan);
  const r = await run(['compile', 'plan.yaml', '--out', 'build/artifacts', '--concurrency', '1'], dir, { SOURCE_DATE_EPOCH: '1700000000' });
  t.equal(r.code, 0, r.stderr);
  const w = JSON.parse(readFileSync(path.join(dir, 'build/artifacts/waves.json'), 'utf8'));
  t.equal(w.execution_models.rolling_frontier.max_concurrency, 1);
  t.equal(w.execution_models.rolling_frontier.makespan_hours, 10.333333, 'one at a time: the sum of the durations');
  t.equal(w.generated.timestamp, '2023-11-14T22:13:20Z');
  t.notOk(existsSync(path.join(dir, 'tasks_output')));
});

t.test('bad input: exit codes, nothing written', async (t) => {
  const dir = tempDir('execplan-compile-');
  writeFileSync(path.join(dir, 'cycle.yaml'), 'version: 1\nname: c\ntasks:\n  - { id: a, title: Do a, needs: [b] }\n  - { id: b, title: Do b, needs: [a] }\n');
  const cycle = await run(['compile', 'cycle.yaml'], dir);
  t.equal(cycle.code, 3);
  t.match(cycle.stderr, /cycle\.yaml:\d+:\d+: error dependency-cycle/);
  t.notOk(existsSync(path.join(dir, 'tasks_output')));
  const bad = await run(['compile', 'cycle.yaml', '--concurrency', '0'], dir);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--concurrency/);
  const missing = await run(['compile', 'nope.yaml'], dir);
  t.equal(missing.code, 1);
  // The real binary once: the exit code as the shell sees it.
  t.equal(cliProcess(['compile', 'nope.yaml'], { cwd: dir }).code, 1);
  t.match((await cli(['--help'])).stdout, /compile/);
});
