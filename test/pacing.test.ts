// Agents at their limits, end to end: the fake Claude CLI reports the usage limit, then the API's 429,
// and the run waits, backs off and finishes without using any task's retries.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, clockPattern, project } from './helpers/cli.js';

const fakeBin = path.join(import.meta.dirname, 'fixtures/agents/bin');

/** `agents` agent tasks, and a command task unless `command` is false (it would take one of -j6's slots). */
function plan(agents: number, command = true): string {
  const tasks = Array.from({ length: agents }, (_, i) => `  - { id: a${i + 1}, title: Agent task ${i + 1}, agent: { profile: claude } }`);
  const cmd = command ? '  - { id: cmd, title: A command, run: "touch cmd.txt" }\n' : '';
  return `version: 1\nname: paced\nspec: spec.md\ntasks:\n${cmd}${tasks.join('\n')}\n`;
}

function env(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    CI: '1',
    PATH: `${fakeBin}:${process.env.PATH}`,
    FAKE_AGENT_MODE: 'limits',
    FAKE_AGENT_RECORD: path.join(dir, '.records'),
    EXECPLAN_LIMIT_MARGIN_MS: '100',
    EXECPLAN_LIMIT_BACKOFF_MS: '200',
    ...extra,
  };
}

const calls = (dir: string) =>
  readdirSync(path.join(dir, '.records'))
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => ({ n: Number(f.split('.')[0]), ...(JSON.parse(readFileSync(path.join(dir, '.records', f), 'utf8')) as { startedAt: number; task: string }) }));

t.test('six agents at -j6 wait out the usage limit, back off at 429s, and all finish without using retries', async (t) => {
  const dir = project({ 'plan.yaml': plan(6, false), 'spec.md': '# Spec\n' });
  const r = await cli(['run', '-j6'], { cwd: dir, env: env(dir, { FAKE_LIMIT_CALLS: '6', FAKE_LIMIT_FOR_MS: '1500', FAKE_429_COUNT: '2' }) });
  t.equal(r.code, 0, r.stdout + r.stderr);
  const said = r.stdout.match(new RegExp(String.raw`usage limit of claude: resuming at ${clockPattern}, \d+ tasks? waiting`, 'g')) ?? [];
  t.equal(said.length, 1, `the run says it once:\n${r.stdout}`);
  t.match(r.stdout, /usage limit of claude over: resuming/);
  t.match(r.stdout, new RegExp(String.raw`rate limit of claude: backing off until ${clockPattern}, at most \d of its agents at once`));
  t.match(r.stdout, /limit  a\d \(attempt 1\): usage-limit of claude: .*no retry used/);
  t.match(r.stdout, /completed: 6 done/);

  const all = calls(dir);
  const limited = readdirSync(path.join(dir, '.records'))
    .filter((f) => f.startsWith('limited-'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, '.records', f), 'utf8')) as { endedAt: number; resetMs: number });
  t.equal(limited.length, 6, 'the first wave met the usage limit');
  const reset = Math.max(...limited.map((l) => l.resetMs));
  const firstLimited = Math.min(...limited.map((l) => l.endedAt));
  t.ok(
    all.filter((c) => c.n <= 6).every((c) => c.startedAt < reset),
    'the first wave started before the reset',
  );
  const relaunchedEarly = all.filter((c) => c.n > 6 && c.startedAt < reset);
  t.same(relaunchedEarly, [], `nothing of claude starts again before the reset (first limit at ${firstLimited})`);
  t.ok(all.length >= 6 + 6, `each task ran again after the reset (${all.length} calls)`);

  const state = JSON.parse(readFileSync(path.join(dir, '.execplan/paced/state.json'), 'utf8')) as {
    tasks: Record<string, { status: string; failuresSinceReset: number; attempts: Array<{ status: string }> }>;
  };
  for (const id of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) {
    const s = state.tasks[id]!;
    t.equal(s.status, 'done', id);
    t.equal(s.failuresSinceReset, 0, `${id}: no retry used`);
    t.ok(
      s.attempts.some((a) => a.status === 'limited'),
      `${id}: its limited attempt is recorded as such`,
    );
  }
  const journal = readFileSync(path.join(dir, '.execplan/paced/journal.jsonl'), 'utf8');
  t.match(journal, /"type":"task-limited".*"limit":"usage-limit","pool":"claude"/);
  t.match(journal, /"type":"task-limited".*"limit":"rate-limit","pool":"claude"/);
});

t.test('--no-wait-for-limits stops at the usage limit with exit 7 and the reset time; commands still run; status says why', async (t) => {
  const dir = project({ 'plan.yaml': plan(2), 'spec.md': '# Spec\n' });
  const r = await cli(['run', '-j3', '--no-wait-for-limits'], { cwd: dir, env: env(dir, { FAKE_LIMIT_CALLS: '99', FAKE_LIMIT_FOR_MS: '3600000' }) });
  t.equal(r.code, 7, r.stdout + r.stderr);
  t.match(r.stdout, /stopped at the usage limit of claude: it lifts at [\d:A-Za-z ]+ \(\d{4}-\d\d-\d\dT[\d:.]+Z\); run `execplan run` again then/);
  t.match(r.stdout, /done   cmd/, 'the command task is not held back by the agent limit');
  t.equal(calls(dir).length, 2, 'no agent was relaunched');
  const s = await cli(['status'], { cwd: dir, env: { CI: '1' } });
  t.match(s.stdout, /a1.*usage limit of claude: resumes at/);
});

t.test('a run budget stops agent launches at the limit: exit 7 naming the budget, usage in the summary', async (t) => {
  const dir = project({ 'plan.yaml': plan(3), 'spec.md': '# Spec\n', 'execplan.config.yaml': 'budget: { tokens: 150 }\n' });
  const r = await cli(['run', '-j1'], { cwd: dir, env: env(dir, {}) });
  t.equal(r.code, 7, r.stdout + r.stderr);
  t.match(r.stdout, /budget reached: run budget of 150 tokens: 240 used; no new agent starts/);
  t.match(r.stdout, /stopped at the budget: run budget of 150 tokens: 240 used/);
  t.match(r.stdout, /Agent usage: 2 tasks, 200 input \+ 40 output tokens/);
  t.match(r.stdout, /a3: budget used up: run budget of 150 tokens/);
  t.equal(calls(dir).length, 2, 'the third agent never started');
});

t.test('a profile budget holds only that profile; backpressure holds launches while the probe says memory is scarce', async (t) => {
  const dir = project({
    'plan.yaml': plan(1),
    'spec.md': '# Spec\n',
    'execplan.config.yaml': 'backpressure: { min_free_memory: 2GiB, max_load: 0.9 }\nprofiles:\n  claude: { budget: { cost_usd: 5 } }\n',
    'probe.json': JSON.stringify({ load_per_core: 0.2, free_memory: '1.2GiB' }),
  });
  const probe = path.join(dir, 'probe.json');
  const running = cli(['run', '-j2'], { cwd: dir, env: env(dir, { EXECPLAN_PROBE_FILE: probe, EXECPLAN_PROBE_INTERVAL_MS: '50' }) });
  // Let the run look at the machine a few times before the memory comes back.
  await new Promise((resolve) => setTimeout(resolve, 600));
  t.notOk(existsSync(path.join(dir, '.records')), 'no agent started while memory was scarce');
  t.notOk(existsSync(path.join(dir, 'cmd.txt')), 'nor a command');
  writeFileSync(probe, JSON.stringify({ load_per_core: 0.2, free_memory: '8GiB' }));
  const r = await running;
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.match(r.stdout, /waiting: memory 1\.2 GiB free < 2 GiB/);
  t.match(r.stdout, /capacity back \(memory\): launching/);
  t.match(r.stdout, /completed: 2 done/);
});
