// What a reviewer of a compiled plan relies on: validate reports what compile reports, artifacts and
// prompts hold no secret, a comment-only edit keeps `compile --check` green.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, compileText, project, root, tempDir } from './helpers/cli.js';
import { checkFrontier, checkWaves } from './helpers/check-schedule.js';

const codesOf = (stderr: string) => [...stderr.matchAll(/^\S+:\d+:\d+: (?:warning|error) (\S+)/gm)].map((m) => m[1]!);

function plansUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.name.endsWith('.expected.yaml'))
    .map((e) => path.join(e.parentPath, e.name));
}

// Streams that own the same folder and a tiny task: findings that only the analysis (after compiling) sees.
const analysisPlan = `version: 1
name: overlap
streams:
  api: { owns: ["src/**"] }
  web: { owns: ["src/web/**"] }
tasks:
  - { id: a, title: Build the API, stream: api, estimate: 2h, acceptance: ["npm test"] }
  - { id: b, title: Build the page, stream: web, estimate: 1m, needs: [a], acceptance: ["npm test"] }
`;

t.test('validate --format json lists every code compile prints, for every example and fixture', async (t) => {
  const extra = project({ 'plan.yaml': analysisPlan });
  const plans = [...plansUnder(path.join(root, 'examples')), ...plansUnder(path.join(root, 'test/fixtures')), path.join(extra, 'plan.yaml')];
  t.ok(plans.length > 50, `${plans.length} plans`);
  const out = tempDir();
  let compared = 0;
  for (const plan of plans) {
    const compiled = await cli(['compile', plan, '--out', out]);
    const validated = await cli(['validate', plan, '--format', 'json']);
    let listed: { code: string }[];
    try {
      listed = JSON.parse(validated.stdout);
    } catch {
      t.fail(`${plan}: validate --format json printed no JSON`);
      continue;
    }
    const seen = new Set(listed.map((d) => d.code));
    const missing = codesOf(compiled.stderr).filter((c) => !seen.has(c));
    if (missing.length) t.fail(`${path.relative(root, plan)}: compile printed ${missing.join(', ')}, validate did not`);
    compared++;
  }
  t.equal(compared, plans.length);
  const v = await cli(['validate', path.join(extra, 'plan.yaml'), '--format', 'json']);
  const codes = JSON.parse(v.stdout).map((d: { code: string }) => d.code);
  t.ok(codes.includes('stream-owns-overlap'), 'a stream finding reaches validate');
  const c = await cli(['compile', path.join(extra, 'plan.yaml'), '--out', out]);
  t.equal(c.code, 0);
  const warnings = codesOf(c.stderr).length;
  t.match(readFileSync(path.join(out, 'Plan.md'), 'utf8'), `| Findings to review | ${warnings} warnings |`, 'Plan.md counts every warning compile printed');
});

const secrets = {
  description: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
  evidence: 'sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789',
  acceptance: 'AKIAABCDEFGHIJKLMNOP',
  run: 'xoxb-1234567890-abcdefghijklmnop',
};

t.test('planted secrets reach no artifact and no prompt; the run command still runs as written', async (t) => {
  const dir = project({
    'spec.md': `# Spec\n\nDeploy with token ${secrets.description} please.\n`,
    'plan.yaml': `version: 1
name: leaky
spec: spec.md
tasks:
  - id: deploy
    title: Deploy the service
    description: Push with ${secrets.description} to the registry.
    evidence: "the key is ${secrets.evidence}"
    estimate: 1h
    run: "echo ${secrets.run} > out.txt"
    acceptance:
      - "test -n ${secrets.acceptance}"
      - { file: out.txt, contains: xoxb }
`,
  });
  const c = await cli(['compile'], { cwd: dir });
  t.equal(c.code, 0, c.stderr);
  t.match(c.stderr, /plan\.yaml:\d+:\d+: warning secret-in-plan a github-token/, 'warned with file:line:col');
  for (const s of Object.values(secrets)) t.notOk(c.stderr.includes(s), 'no secret in the warnings');
  const files = readdirSync(path.join(dir, 'tasks_output'));
  t.ok(files.length >= 8, files.join(' '));
  for (const f of files) {
    const text = readFileSync(path.join(dir, 'tasks_output', f), 'utf8');
    for (const [where, s] of Object.entries(secrets)) t.notOk(text.includes(s), `${f} has no secret from the ${where}`);
  }
  t.match(readFileSync(path.join(dir, 'tasks_output', 'tasks.json'), 'utf8'), '[REDACTED:github-token]');
  const beads = await cli(['export', 'beads'], { cwd: dir });
  for (const s of Object.values(secrets)) t.notOk(beads.stdout.includes(s), 'export beads holds no secret');
  const p = await cli(['prompt', 'spec.md'], { cwd: dir });
  t.equal(p.code, 0);
  t.notOk(p.stdout.includes(secrets.description), 'prompt output holds no secret');
  t.match(p.stdout, '[REDACTED:github-token]');
  t.match(p.stderr, /^spec\.md:3:19: warning secret-in-spec a github-token/m);
  const r = await cli(['run'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  t.equal(readFileSync(path.join(dir, 'out.txt'), 'utf8').trim(), secrets.run, 'the runner ran the command as written');
});

t.test('a comment-only or layout-only edit keeps compile --check green', async (t) => {
  for (const example of ['auth', 'platform']) {
    const dir = tempDir();
    const src = path.join(root, 'examples', example);
    const text = readFileSync(path.join(src, 'plan.yaml'), 'utf8');
    for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const rel = path.relative(src, path.join(e.parentPath, e.name));
      const target = path.join(dir, rel);
      (await import('node:fs')).mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(path.join(e.parentPath, e.name)));
    }
    t.equal((await cli(['compile'], { cwd: dir })).code, 0);
    // A comment at the top shifts every line; blank lines in the middle shift the rest again.
    const edited = `# reviewed by a human\n# second line\n${text.replace(/\ntasks:\n/, '\n\n# the tasks\ntasks:\n')}`;
    writeFileSync(path.join(dir, 'plan.yaml'), edited);
    const check = await cli(['compile', '--check'], { cwd: dir });
    t.equal(check.code, 0, `${example}: ${check.stderr}`);
    writeFileSync(path.join(dir, 'plan.yaml'), edited.replace(/title: /, 'title: Changed '));
    t.equal((await cli(['compile', '--check'], { cwd: dir })).code, 10, `${example}: a change of meaning is stale`);
  }
});

t.test('validate --strict fails a plan that breaks the review rules and passes the strict examples', async (t) => {
  const dir = project({
    'plan.yaml': `version: 1
name: loose
resources:
  db: { capacity: 1 }
tasks:
  - { id: a, title: Schema, agent: { prompt: "write the schema" }, acceptance: ["the schema is reviewed"] }
  - id: b
    title: Migrate the data
    evidence: "use AKIAABCDEFGHIJKLMNOP for the bucket"
    run: "true"
    acceptance: [{ run: "true" }]
    deps: [{ task: a, type: mutual_exclusion }]
  - { id: c, title: Report, run: "true", acceptance: [{ run: "true" }] }
`,
  });
  const loose = await cli(['validate', '--format', 'json'], { cwd: dir });
  t.equal(loose.code, 0, 'without strict mode: only warnings');
  t.same(JSON.parse(loose.stdout).filter((d: { code: string }) => d.code === 'no-estimate').length, 3, 'each task without an estimate is told it counts as 1 h');
  const strict = await cli(['validate', '--strict'], { cwd: dir });
  t.equal(strict.code, 5);
  for (const code of [
    'strict-few-estimates',
    'strict-no-machine-check',
    'strict-no-boundaries',
    'strict-exclusion-without-resource',
    'strict-secret-in-evidence',
    'strict-verb-first',
  ]) {
    t.match(strict.stdout, new RegExp(`^plan\\.yaml:\\d+:\\d+: (error|warning) ${code} `, 'm'), code);
  }
  t.notOk(strict.stdout.includes('AKIAABCDEFGHIJKLMNOP'), 'the secret is not printed');
  // The same rules from the plan's own setting, in compile too.
  writeFileSync(path.join(dir, 'plan.yaml'), readFileSync(path.join(dir, 'plan.yaml'), 'utf8').replace('resources:', 'settings: { strict: true }\nresources:'));
  t.equal((await cli(['compile'], { cwd: dir })).code, 5, 'settings.strict makes compile fail too');
  const make = await cli(['validate', 'examples/make/plan.yaml', '--strict']);
  t.equal(make.code, 0, make.stdout + make.stderr);
});

t.test('tasks naming one file in their descriptions never overlap in either schedule; each conflict has a type', async (t) => {
  const plan = (extra = '') => `version: 1
name: described
settings: { max_concurrency: 4${extra} }
tasks:
  - { id: a, title: Add login, estimate: 2h, description: "Modify api/main.py to add the route" }
  - { id: b, title: Add logout, estimate: 2h, description: "Change api/main.py as well" }
  - { id: c, title: Add health check, estimate: 2h, description: "Edit api/main.py once more" }
  - { id: d, title: Add styles, estimate: 2h, description: "Touch web/ and nothing else", files: ["web/a.css"] }
  - { id: e, title: Add fonts, estimate: 1h, description: "Work in web/fonts/*.woff2 and web/*.css" }
`;
  const compiled = compileText(plan());
  // The checker's own exclusions: the three tasks that say they modify api/main.py.
  const described: Array<[string, string]> = [
    ['a', 'b'],
    ['a', 'c'],
    ['b', 'c'],
  ];
  t.same(checkFrontier(compiled, described), [], 'frontier keeps them apart');
  t.same(checkWaves(compiled, described), [], 'waves keep them apart');
  t.equal(compiled.waves.waves.length >= 3, true, 'three waves for three tasks on one file');
  const types = new Set(compiled.conflicts.overlaps.map((o) => o.type));
  t.ok(types.has('same_file'), 'api/main.py: same_file');
  t.ok(types.has('same_directory') || types.has('potential'), `web/: ${[...types].join(', ')}`);
  const relaxed = compileText(plan(', description_conflicts: report'));
  t.ok(relaxed.frontier.makespanHours < compiled.frontier.makespanHours, 'description_conflicts: report lets them run together');
  const dir = project({ 'plan.yaml': plan() });
  t.equal((await cli(['compile'], { cwd: dir })).code, 0);
  const dag = JSON.parse(readFileSync(path.join(dir, 'tasks_output', 'dag.json'), 'utf8'));
  const overlap = dag.file_conflicts.flatMap((g: { overlaps: { a: string; type: string; enforced: boolean }[] }) => g.overlaps).find((o: { a: string }) => o.a === 'api/main.py');
  t.match(overlap, { type: 'same_file', enforced: true });
  t.match(readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8'), /\| api\/main\.py \(from a description\) \| same_file \|/);
});

t.test('execution_model: wave_based keeps its waves at run time; --execution-model overrides', async (t) => {
  // b (wave 1) waits up to 2 s for c (wave 2) to start: only a rolling frontier starts c while b runs.
  const plan = (model: string) => `version: 1
name: waves
settings: { execution_model: ${model}, max_concurrency: 4 }
tasks:
  - { id: a, title: Start quickly, estimate: 1h, run: "true", acceptance: [{ run: "true" }] }
  - id: b
    title: Wait for c
    estimate: 3h
    run: "for i in $(seq 1 20); do if [ -f c.started ]; then echo yes > b.saw; exit 0; fi; sleep 0.1; done; echo no > b.saw"
    acceptance: [{ file: b.saw }]
  - { id: c, title: Start after a, estimate: 1h, needs: [a], run: "touch c.started", acceptance: [{ file: c.started }] }
`;
  const waves = project({ 'plan.yaml': plan('wave_based') });
  const w = await cli(['run', '--no-state'], { cwd: waves });
  t.equal(w.code, 0, w.stderr + w.stdout);
  t.equal(readFileSync(path.join(waves, 'b.saw'), 'utf8').trim(), 'no', 'wave_based: c waited for the whole first wave');
  const rolling = project({ 'plan.yaml': plan('rolling_frontier') });
  t.equal((await cli(['run', '--no-state'], { cwd: rolling })).code, 0);
  t.equal(readFileSync(path.join(rolling, 'b.saw'), 'utf8').trim(), 'yes', 'rolling frontier: c started as soon as a was done');
  const forced = project({ 'plan.yaml': plan('rolling_frontier') });
  t.equal((await cli(['run', '--no-state', '--execution-model', 'wave_based'], { cwd: forced })).code, 0);
  t.equal(readFileSync(path.join(forced, 'b.saw'), 'utf8').trim(), 'no', '--execution-model wave_based overrides the plan');
  const bad = await cli(['run', '--execution-model', 'waves'], { cwd: forced });
  t.equal(bad.code, 1);
  t.match(bad.stderr, 'must be wave_based or rolling_frontier');
});

t.test('hints for keys from other tools and numeric ids; stream skills reach each task', async (t) => {
  const dir = project({
    'plan.yaml': `version: 1
name: hints
phases:
  - { id: 1, title: First }
tasks:
  - { id: a, title: Build A, estimate: 1h }
  - { id: b, title: Build B, estimate: 1h, depends_on: [a] }
`,
    'ok/plan.yaml': `version: 1
name: skills
streams:
  api: { title: API, skills: [python, sql] }
tasks:
  - { id: a, title: Build A, estimate: 1h, stream: api, skills: [docker] }
`,
  });
  const v = await cli(['validate'], { cwd: dir });
  t.equal(v.code, 5);
  t.match(v.stdout, /unknown-key unknown key 'depends_on' in tasks\['b'\]; did you mean 'needs'\?/);
  t.match(v.stdout, /quote it \('1'\)/);
  t.equal((await cli(['compile'], { cwd: path.join(dir, 'ok') })).code, 0);
  const tasks = JSON.parse(readFileSync(path.join(dir, 'ok', 'tasks_output', 'tasks.json'), 'utf8'));
  const a = (tasks.tasks ?? tasks).find((x: { id: string }) => x.id === 'a');
  t.same(a.skillsRequired, ['docker', 'python', 'sql']);
});

t.test('title-not-verb knows real verbs (WordNet) and software ones, and still flags nouns', async (t) => {
  const { startsWithVerb } = await import('../src/compiler/verbs.js');
  for (const title of ['Revoke tokens', 'Touch the lock file', 'Triage bugs', 'Squash commits', 'Dockerize the API', 'Onboard users', 'Rotate keys'])
    t.ok(startsWithVerb(title), title);
  for (const title of ['User model', 'Login page', 'Database schema', 'Token refresh']) t.notOk(startsWithVerb(title), title);
});

t.test('compile --min-confidence, --max-wave-size, --execution-model and EXECPLAN_* defaults', async (t) => {
  const dir = project({
    'plan.yaml': `version: 1
name: flags
tasks:
${['a', 'b', 'c', 'd'].map((id) => `  - { id: ${id}, title: Build ${id}, estimate: 1h }`).join('\n')}
  - { id: e, title: Build e, estimate: 1h, deps: [{ task: a, confidence: 0.6 }] }
`,
  });
  const waves = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await cli(['compile', ...args], { cwd: dir, env });
    t.equal(r.code, 0, r.stderr);
    return JSON.parse(readFileSync(path.join(dir, 'tasks_output', 'waves.json'), 'utf8')).execution_models.wave_based;
  };
  t.equal((await waves([])).waves.length, 1, 'the 0.6 dependency is below the default 0.7: one wave');
  t.equal((await waves(['--min-confidence', '0.5'])).waves.length, 2, '--min-confidence 0.5 schedules it');
  t.equal((await waves([], { EXECPLAN_MIN_CONFIDENCE: '0.5' })).waves.length, 2, 'EXECPLAN_MIN_CONFIDENCE does too');
  t.equal((await waves(['--min-confidence', '0.9'], { EXECPLAN_MIN_CONFIDENCE: '0.5' })).waves.length, 1, 'the flag beats the variable');
  t.equal((await waves(['--max-wave-size', '2'])).waves.length, 3, '--max-wave-size 2: five tasks in three waves');
  await waves(['--execution-model', 'wave_based']);
  t.match(readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8'), '| Recommended model | wave-based |');
  const bad = await cli(['compile', '--min-confidence', '2'], { cwd: dir });
  t.equal(bad.code, 1);
  t.match(bad.stderr, '--min-confidence takes a number from 0 to 1');
  const badEnv = await cli(['compile'], { cwd: dir, env: { EXECPLAN_EXECUTION_MODEL: 'waves' } });
  t.match(badEnv.stderr, 'EXECPLAN_EXECUTION_MODEL must be wave_based or rolling_frontier');
});

t.test('an output: text agent answer is the whole answer, not its last line', async (t) => {
  const { createOutputParser } = await import('../src/agents/output.js');
  const parser = createOutputParser('text');
  const answer = ['version: 1', 'name: drafted', 'tasks:', '  - { id: a, title: Build A }'];
  for (const line of answer) parser.line(line);
  t.equal(parser.outcome().result, answer.join('\n'));
});
