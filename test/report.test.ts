// Flow metrics: the pure module on a synthetic journal (exact values), and `execplan report` end to end.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { JournalRecord } from '../src/runner/journal.js';
import { computeReport, type TaskInfo } from '../src/report/metrics.js';
import { cli, project } from './helpers/cli.js';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
let seq = 0;
/** A journal record `s` seconds after T0. */
const at = (s: number, body: Record<string, unknown>): JournalRecord => ({ seq: ++seq, prev: '', ts: new Date(T0 + s * 1000).toISOString(), ...body }) as unknown as JournalRecord;

t.test('metrics of a synthetic journal, exactly', async (t) => {
  // a (0-10 s) and b (0-20 s) run side by side with concurrency 2; c needs both and waits 5 s for a slot
  // (c is 'slotted' by hand to show wait_s), runs 20-30 s, is rejected at its gate review and re-runs 40-50 s.
  const tasks: TaskInfo[] = [
    { id: 'a', deps: [], estimateHours: 10 / 3600, owner: 'ana', stream: 'api' },
    { id: 'b', deps: [], estimateHours: 40 / 3600, owner: 'bo', stream: 'ui' },
    { id: 'c', deps: ['a', 'b'], estimateHours: null, owner: 'ana', stream: 'api' },
    { id: 'review', deps: ['c'], estimateHours: null, owner: null, stream: null },
  ];
  const records = [
    at(0, { type: 'run-start', runId: 'r1', pid: 1, planHash: 'x', concurrency: 2, mode: 'new' }),
    at(0, { type: 'task-start', task: 'a', attempt: 1, runId: 'r1', log: 'l' }),
    at(0, { type: 'task-start', task: 'b', attempt: 1, runId: 'r1', log: 'l' }),
    at(10, { type: 'task-end', task: 'a', attempt: 1, status: 'done', exitCode: 0, reason: null, fingerprint: 'f', durationMs: 10000, logged: false }),
    at(20, { type: 'task-end', task: 'b', attempt: 1, status: 'done', exitCode: 0, reason: null, fingerprint: 'f', durationMs: 20000, logged: false }),
    at(20, { type: 'task-wait', task: 'c', reason: { kind: 'slot', concurrency: 2 } }),
    at(25, { type: 'task-start', task: 'c', attempt: 1, runId: 'r1', log: 'l' }),
    at(30, { type: 'task-end', task: 'c', attempt: 1, status: 'done', exitCode: 0, reason: null, fingerprint: 'f', durationMs: 5000, logged: false }),
    at(30, { type: 'task-wait', task: 'review', reason: { kind: 'gate' } }),
    at(30, { type: 'run-end', runId: 'r1', exitCode: 7, outcome: 'waiting' }),
    at(35, { type: 'control', by: 1, actor: 'ana', action: 'reject', task: 'review', reason: 'no', reopened: ['c'], attempt: 1 }),
    at(40, { type: 'run-start', runId: 'r2', pid: 1, planHash: 'x', concurrency: 1, mode: 'resume' }),
    at(40, { type: 'task-start', task: 'c', attempt: 2, runId: 'r2', log: 'l' }),
    at(50, { type: 'task-end', task: 'c', attempt: 2, status: 'done', exitCode: 0, reason: null, fingerprint: 'f', durationMs: 10000, logged: false }),
    at(60, { type: 'run-end', runId: 'r2', exitCode: 7, outcome: 'waiting' }),
  ];
  const usage = { a: { tokens: 1000, costUsd: 0.25, turns: 3 } };
  const report = computeReport(records, tasks, usage);
  const byId = Object.fromEntries(report.tasks.map((x) => [x.task, x]));
  t.match(byId.a, { status: 'done', lead_time_s: 10, cycle_time_s: 10, attempts: 1, limited: 0, rework: 0, wait_s: {} });
  t.match(byId.b, { lead_time_s: 20, cycle_time_s: 20, attempts: 1 });
  // c was ready at 20 (b done), waited 5 s for a slot, and after the rejection was last done at 50.
  t.match(byId.c, { status: 'done', lead_time_s: 30, cycle_time_s: 10, attempts: 2, rework: 1, wait_s: { slot: 5 } });
  t.match(byId.review, { status: 'pending', lead_time_s: null });
  t.same(byId.review!.wait_s, {}, 'the gate wait ended with the run at once');
  t.same(
    report.runs.map((r) => [r.run_id, r.wall_s, r.busy_s, r.finished, r.wip_max, r.wip_avg, r.parallel_efficiency, r.throughput_per_hour]),
    [
      ['r1', 30, 35, 3, 2, 1.167, 0.583, 360],
      ['r2', 20, 10, 1, 1, 0.5, 0.5, 180],
    ],
  );
  const o = report.overall;
  t.equal(o.wall_s, 50);
  t.equal(o.busy_s, 45);
  t.equal(o.finished, 4);
  t.equal(o.reopened, 1);
  t.equal(o.rework_rate, 0.25);
  t.equal(o.throughput_per_hour, 288);
  t.equal(o.wip_avg, 0.9);
  t.equal(o.wip_max, 2);
  // capacity: 2 slots x 30 s + 1 x 20 s = 80 slot-seconds; 45 busy.
  t.equal(o.parallel_efficiency, 0.563);
  // a: |10 - 10| / 10 = 0; b: |40 - 20| / 20 = 1 -> mean 0.5
  t.equal(o.estimate_accuracy, 0.5);
  t.same(o.agent_usage, { agents: 1, tokens: 1000, cost_usd: 0.25, turns: 3 });

  const ana = computeReport(records, tasks, usage, { owner: 'ana' });
  t.same(
    ana.tasks.map((x) => x.task),
    ['a', 'c'],
  );
  t.equal(ana.overall.finished, 3);
  t.same(
    computeReport(records, tasks, usage, { stream: 'ui' }).tasks.map((x) => x.task),
    ['b'],
  );
  t.same(
    computeReport(records, tasks, usage, { status: 'pending' }).tasks.map((x) => x.task),
    ['review'],
  );
  const later = computeReport(records, tasks, usage, { sinceMs: T0 + 36_000 });
  t.same(
    later.runs.map((r) => r.run_id),
    ['r2'],
  );
  t.equal(later.overall.finished, 1);
});

t.test('an attempt ended by a usage limit is neither a failure nor rework', async (t) => {
  // x starts at 0, meets its agent's usage limit at 5, waits 10 s for the reset and succeeds 15-20.
  const tasks: TaskInfo[] = [{ id: 'x', deps: [], estimateHours: null, owner: null, stream: null }];
  const until = new Date(T0 + 15_000).toISOString();
  const records = [
    at(0, { type: 'run-start', runId: 'r1', pid: 1, planHash: 'x', concurrency: 1, mode: 'new' }),
    at(0, { type: 'task-start', task: 'x', attempt: 1, runId: 'r1', log: 'l' }),
    at(5, { type: 'task-limited', task: 'x', attempt: 1, limit: 'usage-limit', pool: 'claude', resumeAt: until, message: 'limit', durationMs: 5000 }),
    at(5, { type: 'task-wait', task: 'x', reason: { kind: 'usage-limit', pool: 'claude', until } }),
    at(15, { type: 'task-start', task: 'x', attempt: 2, runId: 'r1', log: 'l' }),
    at(20, { type: 'task-end', task: 'x', attempt: 2, status: 'done', exitCode: 0, reason: null, fingerprint: 'f', durationMs: 5000, logged: false }),
    at(20, { type: 'run-end', runId: 'r1', exitCode: 0, outcome: 'completed' }),
  ];
  const report = computeReport(records, tasks);
  t.match(report.tasks[0], { status: 'done', attempts: 2, limited: 1, rework: 0, cycle_time_s: 5, lead_time_s: 20, wait_s: { 'usage-limit': 10 } });
  t.match(report.overall, { finished: 1, reopened: 0, rework_rate: 0, busy_s: 10, wall_s: 20, wip_max: 1 });
});

t.test('execplan report on a real run with known timings', async (t) => {
  const dir = project({
    'plan.yaml': `version: 1
name: demo
title: Demo
settings: { max_concurrency: 1 }
streams:
  api: { title: API, owner: ana }
tasks:
  - { id: a, title: Sleep a, run: "sleep 0.4", estimate: 0.0002, stream: api }
  - { id: b, title: Sleep b, run: "sleep 0.2", owner: bo }
  - { id: c, title: Run c, run: "true", needs: [a, b], owner: bo }
`,
  });
  const env = { CI: '1', EXECPLAN_ACTOR: 'ci' };
  const ran = await cli(['run'], { cwd: dir, env });
  t.equal(ran.code, 0, ran.stdout + ran.stderr);
  const journal = readFileSync(path.join(dir, '.execplan', 'demo', 'journal.jsonl'), 'utf8');
  t.match(journal, /"type":"task-wait","task":"b","reason":\{"kind":"slot","concurrency":1\}/, 'b waited for the one slot, journaled once');
  t.equal(journal.match(/"type":"task-wait","task":"b"/g)?.length, 1);

  const json = await cli(['report', '--json'], { cwd: dir, env });
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { tasks: Array<Record<string, any>>; overall: Record<string, any>; runs: unknown[] };
  const byId = Object.fromEntries(report.tasks.map((x) => [x.task, x]));
  const near = (value: number, expected: number, slack: number, what: string) => t.ok(value >= expected && value <= expected + slack, `${what}: ${value} ≈ ${expected}`);
  near(byId.a!.cycle_time_s, 0.4, 1.5, 'a cycle');
  near(byId.b!.cycle_time_s, 0.2, 1.5, 'b cycle');
  t.ok(byId.b!.wait_s.slot >= 0.35, `b waited for a's slot: ${byId.b!.wait_s.slot}`);
  near(byId.b!.lead_time_s, 0.6, 2, 'b lead (slot wait + its run)');
  t.match(byId.a, { owner: 'ana', stream: 'api', attempts: 1, rework: 0, status: 'done' });
  t.match(byId.c, { owner: 'bo' });
  t.match(report.overall, { runs: 1, finished: 3, wip_max: 1, rework_rate: 0, agent_usage: { agents: 0, tokens: 0 } });
  t.ok(report.overall.parallel_efficiency > 0.3 && report.overall.parallel_efficiency <= 1, `efficiency ${report.overall.parallel_efficiency}`);
  t.ok(report.overall.throughput_per_hour > 0);
  t.type(report.overall.estimate_accuracy, 'number');
  for (const k of ['throughput_per_hour', 'wip_avg', 'wip_max', 'rework_rate', 'parallel_efficiency', 'estimate_accuracy', 'agent_usage']) t.ok(k in report.overall, k);

  const md = await cli(['report', '--owner', 'bo'], { cwd: dir, env });
  t.match(md.stdout, /^## Flow report: demo\n/);
  t.match(md.stdout, /\| b \| bo \| done \|/);
  t.notMatch(md.stdout, /\| a \| ana/);
  const csv = await cli(['report', '--format', 'csv', '--stream', 'api'], { cwd: dir, env });
  t.match(csv.stdout, /^scope,task,owner,stream,status,lead_time_s/);
  t.match(csv.stdout, /\ntask,a,ana,api,done,/);
  t.match(csv.stdout, /\noverall,,,,1,/);
  const bad = await cli(['report', '--since', 'yesterday-ish'], { cwd: dir, env });
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--since takes a date/);
  t.equal((await cli(['report', '--stream', 'nope'], { cwd: dir, env })).code, 1);
});
