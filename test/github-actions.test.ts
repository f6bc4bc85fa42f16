// `execplan export github-actions`: workflows GitHub's parser and actionlint accept, whose `needs:` keep
// every dependency, capacity and the concurrency limit under random job durations; --check; grouping.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
// js-yaml reads the workflows the simulation runs: the same values as `yaml` (a workflow is plain
// mappings, lists and strings), in a fraction of its time over the ~200 workflows of this file.
import { load as parse } from 'js-yaml';
import { smToPlanYaml } from '../bench/psplib-convert.mjs';
import type { CompiledPlan } from '../src/compiler/compiled.js';
import { githubActionsExporter, summaryJobId, type GithubActionsOptions } from '../src/exporters/github-actions/index.js';
import { checkFrontier } from './helpers/check-schedule.js';
import { cli, compileText, project, root } from './helpers/cli.js';
import { planYaml, randomPlan, rng } from './helpers/random-plan.js';
import { actionlintErrors, githubParserErrors } from './helpers/workflow-validators.js';

interface Job {
  needs?: string[];
  steps: Array<{ run?: string }>;
}

/** The tasks a job runs, read from its `execplan run --only` / `execplan done` steps. */
function tasksOf(job: Job): string[] {
  const out: string[] = [];
  for (const step of job.steps) {
    const only = /\$EXECPLAN run "\$EXECPLAN_PLAN" --only (\S+)/.exec(step.run ?? '');
    if (only) out.push(...only[1]!.split(','));
    const done = /\$EXECPLAN done (\S+) /.exec(step.run ?? '');
    if (done) out.push(done[1]!);
  }
  return out;
}

const jobsOf = (text: string) => (parse(text) as { jobs: Record<string, Job> }).jobs;

/**
 * Runs the workflow the way GitHub does: a job starts when every job it needs has finished; each task
 * takes a random time (sometimes none). Returns what the independent schedule checker finds wrong with
 * the resulting timeline, judged against the plan with those durations and the concurrency limit.
 */
function simulate(compiled: CompiledPlan, workflow: string | Record<string, Job>, concurrency: number, seed: number): string[] {
  const jobs = typeof workflow === 'string' ? jobsOf(workflow) : workflow;
  const random = rng(seed);
  const duration = new Map(compiled.model.tasks.map((task) => [task.id, random() < 0.1 ? 0 : random() * 10]));
  const finish = new Map<string, number>();
  const schedule: Array<{ task: string; start: number; finish: number }> = [];
  const problems: string[] = [];
  const byTask = new Map<string, string>();
  for (const [id, job] of Object.entries(jobs)) {
    if (id === summaryJobId) continue;
    for (const task of tasksOf(job)) {
      if (byTask.has(task)) problems.push(`${task} runs in ${byTask.get(task)} and ${id}`);
      byTask.set(task, id);
    }
  }
  for (const task of compiled.model.tasks) if (!byTask.has(task.id)) problems.push(`${task.id} runs in no job`);
  const endOf = (id: string, seen: string[] = []): number => {
    if (finish.has(id)) return finish.get(id)!;
    if (seen.includes(id)) throw new Error(`needs cycle through ${id}`);
    const start = Math.max(0, ...(jobs[id]!.needs ?? []).map((n) => endOf(n, [...seen, id])));
    let end = start;
    // Tasks of one job: all at once (the worst case for capacities; a group holds one wave's tasks).
    for (const task of tasksOf(jobs[id]!)) {
      schedule.push({ task, start, finish: start + duration.get(task)! });
      end = Math.max(end, start + duration.get(task)!);
    }
    finish.set(id, end);
    return end;
  };
  for (const id of Object.keys(jobs)) if (id !== summaryJobId) endOf(id);
  const model = {
    ...compiled.model,
    settings: { ...compiled.model.settings, maxConcurrency: concurrency },
    tasks: compiled.model.tasks.map((task) => ({ ...task, hours: duration.get(task.id)! })),
  };
  const makespanHours = Math.max(0, ...schedule.map((s) => s.finish));
  return [...problems, ...checkFrontier({ ...compiled, model, frontier: { ...compiled.frontier, schedule, makespanHours } })];
}

const options = (overrides: Partial<GithubActionsOptions> = {}): GithubActionsOptions => ({
  planPath: 'plan.yaml',
  stateDir: '.execplan',
  workflowPath: '.github/workflows/execplan.yml',
  concurrency: 4,
  runsOn: 'ubuntu-latest',
  install: { kind: 'npx', version: '0.1.0' },
  agents: {},
  branchPrefix: (stream) => `execplan/p/${stream ?? 'tasks'}`,
  command: 'execplan export github-actions plan.yaml',
  ...overrides,
});

async function validators(name: string, text: string): Promise<string[]> {
  return [...(await githubParserErrors(name, text)), ...(await actionlintErrors(name, text))];
}

const psplib = (file: string) => smToPlanYaml(readFileSync(path.join(root, 'test/fixtures/psplib', file), 'utf8'), 'psplib');

t.test('every example and a PSPLIB instance: both validators accept the workflow, the simulation finds nothing wrong', async (t) => {
  const dir = project({});
  const cases: Array<[string, string, string[]]> = [
    ['auth', 'examples/auth/plan.yaml', []],
    ['make', 'examples/make/plan.yaml', []],
    ['platform', 'examples/platform/plan.yaml', []],
  ];
  writeFileSync(path.join(dir, 'psplib.yaml'), psplib('j301_1.sm'));
  writeFileSync(path.join(dir, 'psplib-3.yaml'), psplib('j3013_5.sm'));
  cases.push(['psplib', path.join(dir, 'psplib.yaml'), []], ['psplib-3', path.join(dir, 'psplib-3.yaml'), ['--concurrency', '3']]);
  for (const [name, plan, flags] of cases) {
    const out = path.join(dir, `${name}.yml`);
    const r = await cli(['export', 'github-actions', plan, '-o', out, ...flags]);
    t.equal(r.code, 0, `${name}: ${r.stderr}`);
    t.match(r.stderr, /tasks -> .*\(\d+ task jobs \+ 1 summary job, concurrency \d+\)/);
    const text = readFileSync(out, 'utf8');
    t.same(await validators(`${name}.yml`, text), [], `${name}: GitHub's parser and actionlint accept it`);
    const concurrency = flags.length ? Number(flags[1]) : undefined;
    const compiled = compileText(readFileSync(path.resolve(root, plan), 'utf8'), plan);
    const limit = concurrency ?? compiled.model.settings.maxConcurrency;
    const found = new Set<string>();
    const jobs = jobsOf(text);
    for (let seed = 1; seed <= 30; seed++) for (const p of simulate(compiled, jobs, limit, seed)) found.add(p);
    t.same([...found], [], `${name}: 30 random runs keep every dependency, capacity and the concurrency limit ${limit}`);
    // Byte-identical when run again.
    await cli(['export', 'github-actions', plan, '-o', out, ...flags]);
    t.equal(readFileSync(out, 'utf8'), text, `${name}: deterministic`);
  }
});

t.test('random plans (phases, files, pooled resources, low limits): the hand-overs hold under random durations', async (t) => {
  const found: string[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const compiled = compileText(planYaml(randomPlan(seed)));
    for (const concurrency of [compiled.model.settings.maxConcurrency, 1, 2]) {
      const jobs = jobsOf(githubActionsExporter.export(compiled, options({ concurrency })).files['.github/workflows/execplan.yml']!);
      for (let run = 1; run <= 10; run++) for (const p of simulate(compiled, jobs, concurrency, seed * 1000 + run)) found.push(`seed ${seed}, concurrency ${concurrency}: ${p}`);
    }
  }
  t.same(found.slice(0, 10), []);
  // One plan through both validators is enough here: the shape does not change with the numbers.
  const sample = githubActionsExporter.export(compileText(planYaml(randomPlan(7))), options()).files['.github/workflows/execplan.yml']!;
  t.same(await validators('random.yml', sample), []);
  // The validators do catch a broken workflow: a need of a job that does not exist.
  const broken = sample.replace(/^(    needs:\n)/m, '$1      - no-such-job\n');
  t.not(broken, sample);
  t.match((await actionlintErrors('broken.yml', broken)).join('\n'), /needs job "no-such-job" which does not exist/);
  t.match((await githubParserErrors('broken.yml', sample.replace('    runs-on: ubuntu-latest', '    runs-after: ubuntu-latest'))).join('\n'), /runs-after/);
});

t.test('a pool of 2 and one exclusive resource: the needs are the hand-overs (worked example of docs/scheduling.md)', async (t) => {
  const compiled = compileText(`version: 1
name: pool
settings: { max_concurrency: 3 }
resources: { db: { capacity: 2 }, deploy: { capacity: 1 } }
tasks:
  - { id: a, title: A, estimate: 2, resources: { db: 1 }, run: "true" }
  - { id: b, title: B, estimate: 3, resources: { db: 1 }, run: "true" }
  - { id: c, title: C, estimate: 1, resources: { db: 1 }, run: "true" }
  - { id: d, title: D, estimate: 1, resources: { deploy: 1 }, needs: [a], run: "true" }
  - { id: e, title: E, estimate: 1, resources: { deploy: 1 }, run: "true" }
`);
  const jobs = (parse(githubActionsExporter.export(compiled, options({ concurrency: 3 })).files['.github/workflows/execplan.yml']!) as { jobs: Record<string, Job> }).jobs;
  const needs = Object.fromEntries(
    Object.entries(jobs)
      .filter(([id]) => id !== summaryJobId)
      .map(([id, job]) => [id, job.needs ?? []]),
  );
  // Schedule: a [0,2) b [0,3) e [0,1) c [2,3) d [2,3). c takes the db unit and the job slot a hands over;
  // d needs a anyway, and takes deploy and a slot from e. b and the initial pool need no edge.
  t.same(needs, { a: [], b: [], e: [], c: ['a'], d: ['a', 'e'] });
  t.same(
    compiled.frontier.schedule.map((s) => [s.task, s.start, s.finish]),
    [
      ['a', 0, 2],
      ['b', 0, 3],
      ['e', 0, 1],
      ['c', 2, 3],
      ['d', 2, 3],
    ],
    'the schedule the docs show',
  );
  const problems = new Set<string>();
  for (let seed = 1; seed <= 200; seed++) for (const p of simulate(compiled, jobs, 3, seed)) problems.add(p);
  t.same([...problems], [], '200 random runs');
});

t.test('job ids: valid for GitHub, stable, collision-free; titles with expressions stay text; agents get secrets and push', async (t) => {
  const compiled = compileText(`version: 1
name: ids
streams: { api: {} }
tasks:
  - { id: a.b, title: "Uses \${{ secrets.X }} in its title", run: "true" }
  - { id: a_b, title: Same id after the dot is replaced, run: "true" }
  - { id: 1st, title: Starts with a digit, run: "true" }
  - { id: A_B, title: Differs only by case, run: "true" }
  - { id: execplan-summary, title: Named like the summary job, run: "true" }
  - { id: agent-task, title: An agent, stream: api, agent: { profile: codex, prompt: Do it }, needs: [a.b] }
  - { id: gated, title: Gated, gate: approve, run: "true", timeout: 7h }
`);
  const agents = { 'agent-task': { profile: 'codex', program: 'codex' } };
  const text = githubActionsExporter.export(compiled, options({ agents })).files['.github/workflows/execplan.yml']!;
  t.same(await validators('ids.yml', text), []);
  const jobs = (parse(text) as { jobs: Record<string, Job & Record<string, unknown>> }).jobs;
  const ids = Object.keys(jobs);
  t.equal(new Set(ids.map((id) => id.toLowerCase())).size, ids.length, 'no two ids equal ignoring case');
  for (const id of ids) t.match(id, /^[A-Za-z_][A-Za-z0-9_-]*$/);
  t.ok(ids.includes('t1st'));
  t.ok(
    ids.some((id) => /^a_b-[0-9a-f]{6}$/.test(id)),
    'colliding ids get a hash of their task id',
  );
  t.equal(ids.filter((id) => id.startsWith('execplan-summary')).length, 2, 'the summary job keeps its id');
  const title = Object.values(jobs).find((j) => String(j.name).startsWith('Uses'))!;
  t.equal(title.name, 'Uses $ {{ secrets.X }} in its title');
  const agent = jobs['agent-task']!;
  t.same(agent.permissions, { contents: 'write' }, 'only jobs that push may write');
  t.notOk(jobs.t1st!.permissions, 'command tasks keep the read-only default');
  t.match(JSON.stringify(agent.steps), /OPENAI_API_KEY.*secrets\.OPENAI_API_KEY/);
  t.match(JSON.stringify(agent.steps), /npm install -g --no-audit --no-fund @openai\/codex/);
  t.match(JSON.stringify(agent.steps), /execplan\/p\/api-\$\{\{ github\.run_id \}\}/);
  t.equal(jobs.gated!.environment, 'execplan-approval');
  t.equal(jobs.gated!['timeout-minutes'], 7 * 60 + 10);
  const result = githubActionsExporter.export(compiled, options({ agents }));
  t.match(result.notices.map((n) => n.message).join('\n'), /timeout-minutes above 360.*gated \(430 min\)/);
});

t.test('more tasks than a workflow may hold: grouped by wave, with a warning, and still safe', async (t) => {
  const tasks = Array.from(
    { length: 300 },
    (_, i) => `  - { id: t${i}, title: Task ${i}, estimate: ${1 + (i % 4)}, run: "true"${i >= 10 ? `, needs: [t${i - 10}]` : ''}${i % 3 === 0 ? ', resources: { pool: 1 }' : ''} }`,
  );
  const text = `version: 1\nname: big\nsettings: { max_concurrency: 8, max_wave_size: 8, optimize_iterations: 5 }\nresources: { pool: { capacity: 2 } }\ntasks:\n${tasks.join('\n')}\n`;
  const dir = project({ 'plan.yaml': text });
  const r = await cli(['export', 'github-actions', '-o', 'wf.yml'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /warning: 300 tasks do not fit in one workflow \(GitHub runs at most 256 jobs, one is the summary\): grouped into \d+ jobs by wave/);
  const workflow = readFileSync(path.join(dir, 'wf.yml'), 'utf8');
  const jobs = (parse(workflow) as { jobs: Record<string, Job> }).jobs;
  t.ok(Object.keys(jobs).length <= 256);
  t.same(await validators('big.yml', workflow), []);
  const compiled = compileText(text);
  const grouped = jobsOf(workflow);
  for (let seed = 1; seed <= 10; seed++) t.same(simulate(compiled, grouped, 8, seed), [], `run ${seed}`);
  // Past 255 waves consecutive waves share a job: a chain of jobs (shown here with a limit of 5 jobs).
  const chain = githubActionsExporter.export(compiled, options({ concurrency: 8, maxJobs: 5 }));
  const chained = (parse(chain.files['.github/workflows/execplan.yml']!) as { jobs: Record<string, Job> }).jobs;
  t.same(Object.keys(chained), ['wave-1', 'wave-2', 'wave-3', 'wave-4', summaryJobId]);
  t.same(chained['wave-3']!.needs, ['wave-2']);
  t.equal(Object.values(chained).flatMap(tasksOf).length, 300, 'every task runs once');
  t.match(chain.notices[0]!.message, /consecutive waves share a job/);
});

t.test('--check, the default path in the repository, bad input', async (t) => {
  const dir = project({ 'plans/plan.yaml': 'version: 1\nname: demo\ntasks:\n  - { id: a, title: A, run: "echo a" }\n' });
  execFileSync('git', ['init', '-q', dir]);
  const wf = path.join(dir, '.github/workflows/execplan-demo.yml');
  let r = await cli(['export', 'github-actions', 'plans/plan.yaml', '--check'], { cwd: dir });
  t.equal(r.code, 10);
  t.match(r.stderr, /\.github\/workflows\/execplan-demo\.yml is missing; run `execplan export github-actions plans\/plan\.yaml` and commit the result/);
  r = await cli(['export', 'github-actions', 'plan.yaml'], { cwd: path.join(dir, 'plans') });
  t.equal(r.code, 0, r.stderr);
  const text = readFileSync(wf, 'utf8');
  t.match(text, /EXECPLAN_PLAN: plans\/plan\.yaml/, 'the plan path is relative to the repository root');
  t.match(text, /EXECPLAN: npx --yes execplan@0\.1\.0/, 'a repository other than execplan installs the published version');
  t.match(text, /plans\/\.execplan\/demo\/logs\/a /, "the state folder is the plan's, from the repository root");
  r = await cli(['export', 'github-actions', 'plans/plan.yaml', '--check'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /is up to date/);
  r = await cli(['export', 'github-actions', 'plans/plan.yaml', '--check', '--runs-on', 'self-hosted'], { cwd: dir });
  t.equal(r.code, 10);
  t.match(r.stderr, /is stale; run `execplan export github-actions plans\/plan\.yaml --runs-on self-hosted`/);
  t.equal(readFileSync(wf, 'utf8'), text, '--check writes nothing');

  r = await cli(['export', 'github-actions', 'nope.yaml'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, /nope\.yaml: no such file/);
  r = await cli(['export', 'gitlab', 'plans/plan.yaml'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, /cannot export to 'gitlab'; the targets are beads and github-actions/);
  r = await cli(['export', 'github-actions', 'plans/plan.yaml', '--concurrency', '0'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, /--concurrency takes a whole number/);
  r = await cli(['export', 'github-actions', 'plans/plan.yaml', '--runs-on', 'a b'], { cwd: dir });
  t.equal(r.code, 1);
  writeFileSync(path.join(dir, 'afile'), 'x');
  r = await cli(['export', 'github-actions', 'plans/plan.yaml', '-o', 'afile/wf.yml'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, /execplan export: cannot create the folder of afile\/wf\.yml/);
  mkdirSync(path.join(dir, 'ro'));
  chmodSync(path.join(dir, 'ro'), 0o500);
  r = await cli(['export', 'github-actions', 'plans/plan.yaml', '-o', 'ro/wf.yml'], { cwd: dir });
  if (process.getuid?.() !== 0) {
    t.equal(r.code, 1);
    t.match(r.stderr, /execplan export: cannot write ro\/wf\.yml/);
  }
  chmodSync(path.join(dir, 'ro'), 0o700);
  writeFileSync(path.join(dir, 'bad.yaml'), 'version: 1\nname: bad\ntasks:\n  - { id: a, title: A, needs: [zz] }\n');
  r = await cli(['export', 'github-actions', 'bad.yaml'], { cwd: dir });
  t.equal(r.code, 5);
  t.match(r.stderr, /bad\.yaml:4:\d+: error/);
});
