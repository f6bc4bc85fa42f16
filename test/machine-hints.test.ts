// Per-task machine hints (cpu:, memory:) as resources in both schedules and at run time, and the agent
// limits that status, the dashboard and the metrics show: profiles held back, and usage-limit warnings.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { JournalRecord } from '../src/runner/journal.js';
import { buildRunPlan } from '../src/runner/plan-view.js';
import { applyRecord, emptyState } from '../src/runner/state.js';
import { createMetrics } from '../src/serve/metrics.js';
import { liveView } from '../src/serve/view.js';
import { cli, clockPattern, compileText, modelOf, project } from './helpers/cli.js';

const hinted = `version: 1
name: hints
title: Hints
settings:
  machine: { cpu: 4, memory: 8GiB }
tasks:
  - { id: a, title: Build a, estimate: 2, cpu: 2, run: "true" }
  - { id: b, title: Build b, estimate: 2, cpu: 2, run: "true" }
  - { id: c, title: Build c, estimate: 2, cpu: 1.5, memory: 6GiB, run: "true" }
  - { id: d, title: Build d, estimate: 2, memory: 3GiB, run: "true" }
`;

/** Highest sum of a resource's claims over time in a schedule of [start, finish) intervals. */
function peak(intervals: Array<{ start: number; finish: number; units: number }>): number {
  const points = [...new Set(intervals.flatMap((i) => [i.start, i.finish]))].sort((x, y) => x - y);
  return Math.max(0, ...points.map((p) => intervals.filter((i) => i.start <= p && p < i.finish).reduce((sum, i) => sum + i.units, 0)));
}

t.test('hints claim the cpu and memory resources: the frontier schedule never exceeds the machine', async (t) => {
  const compiled = compileText(hinted);
  const byId = new Map(compiled.model.tasks.map((task) => [task.id, task]));
  t.same(byId.get('c')!.resources, { cpu: 2, memory: 6 }, 'whole cores and GiB, rounded up');
  t.same(
    compiled.model.resources.filter((r) => r.name === 'cpu' || r.name === 'memory').map((r) => [r.name, r.capacity]),
    [
      ['cpu', 4],
      ['memory', 8],
    ],
  );
  const schedule = compiled.frontier.schedule;
  for (const resource of ['cpu', 'memory']) {
    const use = schedule.map((s) => ({ start: s.start, finish: s.finish, units: byId.get(s.task)!.resources[resource] ?? 0 }));
    t.ok(peak(use) <= (resource === 'cpu' ? 4 : 8), `${resource} stays within the machine (peak ${peak(use)})`);
  }
  const at = new Map(schedule.map((s) => [s.task, s]));
  t.ok(at.get('c')!.start >= Math.min(at.get('a')!.finish, at.get('b')!.finish), 'c (2 cores) waits for a core pair');
  t.notOk(at.get('c')!.start < at.get('d')!.finish && at.get('d')!.start < at.get('c')!.finish, 'c and d (6 + 3 GiB of 8) never overlap');

  // Without settings.machine: a developer machine (4 cores, 16 GiB); a plan's own `cpu` resource wins.
  const defaults = modelOf(hinted.replace('  machine: { cpu: 4, memory: 8GiB }\n', '  max_concurrency: 4\n'));
  t.same(
    defaults.resources.map((r) => [r.name, r.capacity]),
    [
      ['cpu', 4],
      ['memory', 16],
    ],
  );
  const own = modelOf(hinted.replace('settings:\n  machine: { cpu: 4, memory: 8GiB }\n', 'resources:\n  cpu: { capacity: 6 }\n'));
  t.same(
    own.resources.map((r) => [r.name, r.capacity]),
    [
      ['cpu', 6],
      ['memory', 16],
    ],
  );
  t.notOk(
    modelOf('version: 1\nname: none\ntasks:\n  - { id: a, title: Build a, run: "true" }\n').resources.length,
    'no hints, no implicit resources: other plans compile as before',
  );
});

t.test('a hint larger than the machine is an error with its position', async (t) => {
  const dir = project({ 'plan.yaml': `${hinted}  - { id: e, title: Build e, estimate: 2, cpu: 8, run: "true" }\n  - { id: f, title: Build f, memory: 12GiB, run: "true" }\n` });
  const r = await cli(['validate'], { cwd: dir });
  t.equal(r.code, 4, 'the documented exit code when the only errors are resource-over-capacity');
  const out = r.stdout + r.stderr;
  t.match(out, "plan.yaml:11:48: error resource-over-capacity task 'e' needs 8 cores but the machine has 4 (settings.machine.cpu)");
  t.match(out, "plan.yaml:12:38: error resource-over-capacity task 'f' needs 12 GiB but the machine has 8 (settings.machine.memory)");
  const bad = await cli(['validate'], { cwd: project({ 'plan.yaml': hinted.replace('memory: 3GiB', 'memory: lots') }) });
  t.equal(bad.code, 5);
  t.match(bad.stdout + bad.stderr, "plan.yaml:10:51: error invalid-value tasks['d'].memory 'lots' is not a size: write it like 4GiB, 512MiB or 2GB");
});

t.test('the runner honours the hints: tasks over the cores never run together', async (t) => {
  // Each task takes a directory lock for its lifetime: two of them at once would fail one.
  const lock = 'mkdir held || exit 3; sleep 0.3; rmdir held';
  const dir = project({
    'plan.yaml': `version: 1\nname: hinted-run\nsettings:\n  machine: { cpu: 2 }\ntasks:\n${['a', 'b', 'c'].map((id) => `  - { id: ${id}, title: Build ${id}, cpu: 2, run: "${lock}" }`).join('\n')}\n`,
  });
  const r = await cli(['run', '-j', '3'], { cwd: dir, env: { CI: '1' } });
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.match(r.stdout, /completed: 3 done/);
  t.notOk(existsSync(path.join(dir, 'held')));
});

const fakeBin = path.join(import.meta.dirname, 'fixtures/agents/bin');

t.test('an allowed_warning from the agent shows in status until its window resets', async (t) => {
  const dir = project({ 'plan.yaml': 'version: 1\nname: warned\nspec: spec.md\ntasks:\n  - { id: a1, title: Agent task, agent: { profile: claude } }\n', 'spec.md': '# Spec\n' });
  const env = { CI: '1', PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_MODE: 'limits', FAKE_AGENT_RECORD: path.join(dir, '.records'), FAKE_LIMIT_WARNING: '1' };
  const r = await cli(['run'], { cwd: dir, env });
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.match(r.stdout, 'warning: nearing the usage limit (five_hour)');
  const journal = readFileSync(path.join(dir, '.execplan/warned/journal.jsonl'), 'utf8');
  t.equal(journal.match(/"type":"limit-warning"/g)?.length, 1, 'journaled once');
  const s = await cli(['status'], { cwd: dir, env: { CI: '1' } });
  // The reset is five hours out: after 19:00 it falls on the next day, which status names (`Dec 2 01:20`).
  t.match(s.stdout, new RegExp(String.raw`^warning: claude is nearing its usage limit \(five hour window\); it resets at ${clockPattern} \(reported by a1\)$`, 'm'));
  const j = JSON.parse((await cli(['status', '--json'], { cwd: dir })).stdout) as { limitWarnings: Array<{ pool: string; window: string; task: string }> };
  t.match(j.limitWarnings, [{ pool: 'claude', window: 'five_hour', task: 'a1' }]);
});

t.test('dashboard and metrics show the profiles held back and the warnings', async (t) => {
  const text = 'version: 1\nname: held\ntasks:\n  - { id: a1, title: Agent one, agent: { profile: claude } }\n  - { id: a2, title: Agent two, agent: { profile: claude } }\n';
  const plan = buildRunPlan(modelOf(text), '/nonexistent', text);
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const ts = new Date().toISOString();
  const state = emptyState();
  const records: Array<Record<string, unknown>> = [
    { type: 'run-start', runId: 'r1', pid: 1, planHash: 'x', concurrency: 2 },
    ...['a1', 'a2'].flatMap((task) => [
      { type: 'task-start', task, attempt: 1, runId: 'r1', log: `logs/${task}.log`, pid: 2 },
      { type: 'task-limited', task, attempt: 1, limit: 'usage-limit', pool: 'claude', resumeAt: until, message: 'limit reached', durationMs: 10 },
    ]),
    { type: 'limit-warning', task: 'a1', pool: 'claude', window: 'five_hour', resetsAt: until },
  ];
  records.forEach((body, i) => applyRecord(state, { ...body, seq: i + 1, ts, prev: '' } as unknown as JournalRecord, String(i)));
  const live = liveView(plan, state, '/nonexistent', Date.now());
  t.equal(live.limits.length, 2);
  t.match(live.limits[0], new RegExp(`^usage limit of claude: resuming at ${clockPattern}, 2 tasks waiting$`));
  t.match(live.limits[1], /^warning: claude is nearing its usage limit/);
  const scraped = await createMetrics({ plan, stateDir: '/nonexistent', state: () => state }).metrics();
  t.match(scraped, /^execplan_agent_limit_waiting_tasks\{profile="claude",limit="usage-limit"\} 2$/m);
  t.match(scraped, new RegExp(`^execplan_agent_limit_resume_timestamp_seconds\\{profile="claude",limit="usage-limit"\\} ${Date.parse(until) / 1000}$`, 'm'));
  t.match(scraped, /^execplan_agent_limit_warning\{profile="claude"\} 1$/m);

  // A warning without a reset time lasts only until the next run starts; one with a reset time stays.
  const next = [
    { type: 'limit-warning', task: 'a2', pool: 'codex', window: null, resetsAt: null },
    { type: 'run-start', runId: 'r2', pid: 1, planHash: 'x', concurrency: 2 },
  ];
  next.forEach((body, i) => applyRecord(state, { ...body, seq: records.length + i + 1, ts, prev: '' } as unknown as JournalRecord, `n${i}`));
  t.same(Object.keys(state.limitWarnings ?? {}), ['claude']);
});
