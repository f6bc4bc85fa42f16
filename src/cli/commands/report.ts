/** execplan report [plan]: flow metrics from the run journal (lead and cycle time, WIP, rework, efficiency, estimates, agent usage). */
import { readFileSync } from 'node:fs';
import { agentUsage } from '../../agents/usage.js';
import { ok } from '../../core/result.js';
import { inspectJournal } from '../../runner/journal.js';
import { computeReport, type FlowMetrics, type Report, type TaskInfo, type Usage } from '../../report/metrics.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import { planState } from '../state-input.js';

const statuses = ['done', 'failed', 'skipped', 'pending'];

export const reportCommand: Command = {
  name: 'report',
  summary: 'Flow metrics from the run history: lead/cycle time, waits, WIP, throughput, rework, estimates, agent usage',
  usage: 'execplan report [plan.yaml] [--json] [--format md|json|csv] [--since DATE] [--status S] [--stream S] [--owner O]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        json: { type: 'boolean' },
        format: { type: 'string' },
        since: { type: 'string' },
        status: { type: 'string' },
        stream: { type: 'string' },
        owner: { type: 'string' },
        plan: { type: 'string' },
      },
      1,
    );
    const format = values.json ? 'json' : (values.format ?? 'md');
    if (!['md', 'json', 'csv'].includes(format)) throw new UsageError(`--format takes md, json or csv, got '${format}'`);
    if (values.json && values.format && values.format !== 'json') throw new UsageError('--json and --format ' + values.format + ' contradict each other');
    let sinceMs: number | null = null;
    if (values.since !== undefined) {
      sinceMs = Date.parse(values.since);
      if (!Number.isFinite(sinceMs)) throw new UsageError(`--since takes a date or time (2026-12-01, 2026-12-01T09:00:00Z), got '${values.since}'`);
    }
    if (values.status !== undefined && !statuses.includes(values.status)) throw new UsageError(`--status takes ${statuses.join(', ')}, got '${values.status}'`);
    const loaded = await loadRunPlan(io, positionals[0] ?? values.plan, undefined, 'state');
    if (!loaded.ok) return loaded;
    const { plan, model, input } = loaded.value;
    if (values.stream !== undefined && !model.streams.some((s) => s.name === values.stream)) throw new UsageError(`--stream: no stream '${values.stream}' in ${input.file}`);
    const paths = planState(io, input, plan.tasks.keys());
    let text = '';
    try {
      text = readFileSync(paths.journal, 'utf8');
    } catch {
      // no run yet: every metric is zero
    }
    const journal = inspectJournal(text, null);
    const streamOwner = (stream: string | null) => (stream ? (model.source.streams?.[stream]?.owner ?? null) : null);
    const tasks: TaskInfo[] = model.tasks.map((t) => ({
      id: t.id,
      deps: plan.tasks.get(t.id)?.deps ?? [],
      estimateHours: t.durationSource === 'default' ? null : t.hours,
      owner: t.source.owner ?? streamOwner(t.stream),
      stream: t.stream,
    }));
    const usage: Record<string, Usage> = {};
    for (const [id, u] of Object.entries(agentUsage(paths.dir, [...plan.tasks.keys()], () => true).tasks)) {
      usage[id] = { tokens: u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens, costUsd: u.costUsd, turns: u.turns };
    }
    const report = computeReport(journal.records, tasks, usage, { sinceMs, status: values.status ?? null, stream: values.stream ?? null, owner: values.owner ?? null });
    if (format === 'json') io.stdout(`${JSON.stringify({ plan: model.name, ...report }, null, 2)}\n`);
    else if (format === 'csv') io.stdout(toCsv(report));
    else io.stdout(toMarkdown(model.name, report));
    return ok();
  },
};

type CellValue = string | number | boolean | object | null | undefined;

const cell = (v: CellValue): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function csvField(v: CellValue): string {
  const s = cell(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per task, then one per run and the overall row (a `scope` column tells them apart). */
function toCsv(report: Report): string {
  const lines = [['scope', 'task', 'owner', 'stream', 'status', 'lead_time_s', 'cycle_time_s', 'attempts', 'limited', 'rework', 'wait_s', 'estimate_h', 'actual_s'].join(',')];
  for (const t of report.tasks)
    lines.push(
      ['task', t.task, t.owner, t.stream, t.status, t.lead_time_s, t.cycle_time_s, t.attempts, t.limited, t.rework, t.wait_s, t.estimate_h, t.actual_s].map(csvField).join(','),
    );
  lines.push('');
  const flowKeys = [
    'runs',
    'wall_s',
    'busy_s',
    'finished',
    'reopened',
    'throughput_per_hour',
    'wip_avg',
    'wip_max',
    'rework_rate',
    'parallel_efficiency',
    'estimate_accuracy',
  ] as const;
  lines.push(['scope', 'run_id', 'started_at', 'concurrency', ...flowKeys, 'agent_tokens', 'agent_cost_usd', 'agent_turns'].join(','));
  const row = (scope: string, id: string, started: string, concurrency: number | string, f: FlowMetrics) =>
    [scope, id, started, concurrency, ...flowKeys.map((k) => f[k]), f.agent_usage.tokens, f.agent_usage.cost_usd, f.agent_usage.turns].map(csvField).join(',');
  for (const r of report.runs) lines.push(row('run', r.run_id, r.started_at, r.concurrency, r));
  lines.push(row('overall', '', '', '', report.overall));
  return `${lines.join('\n')}\n`;
}

const num = (v: number | null, unit = ''): string => (v === null ? '–' : `${v}${unit}`);

function toMarkdown(name: string, report: Report): string {
  const o = report.overall;
  const out = [`## Flow report: ${name}`, ''];
  out.push('| metric | value |', '|---|---|');
  out.push(`| runs | ${o.runs} (${num(o.wall_s, ' s')} wall) |`);
  out.push(`| finished | ${o.finished} |`);
  out.push(`| throughput | ${o.throughput_per_hour} tasks/hour |`);
  out.push(`| WIP | avg ${o.wip_avg}, max ${o.wip_max} |`);
  out.push(`| parallel efficiency | ${Math.round(o.parallel_efficiency * 100)}% |`);
  out.push(`| rework rate | ${o.rework_rate} (${o.reopened} re-opened) |`);
  out.push(`| estimate error | ${o.estimate_accuracy === null ? '– (no estimates)' : `${Math.round(o.estimate_accuracy * 100)}% mean |estimated − actual| / actual`} |`);
  out.push(
    `| agents | ${o.agent_usage.agents} (${o.agent_usage.tokens} tokens, ${o.agent_usage.turns} turns${o.agent_usage.cost_usd !== null ? `, $${o.agent_usage.cost_usd}` : ''}) |`,
  );
  out.push('', '| task | owner | status | lead s | cycle s | attempts | limited | rework | waits |', '|---|---|---|---:|---:|---:|---:|---:|---|');
  for (const t of report.tasks) {
    const waits = Object.entries(t.wait_s)
      .map(([k, v]) => `${k} ${v}s`)
      .join(', ');
    out.push(`| ${t.task} | ${t.owner ?? ''} | ${t.status} | ${num(t.lead_time_s)} | ${num(t.cycle_time_s)} | ${t.attempts} | ${t.limited} | ${t.rework} | ${waits} |`);
  }
  if (report.runs.length) {
    out.push('', '| run | outcome | wall s | finished | throughput/h | WIP avg/max | efficiency |', '|---|---|---:|---:|---:|---|---:|');
    for (const r of report.runs)
      out.push(
        `| ${r.run_id} | ${r.outcome ?? 'interrupted'} | ${r.wall_s} | ${r.finished} | ${r.throughput_per_hour} | ${r.wip_avg}/${r.wip_max} | ${Math.round(r.parallel_efficiency * 100)}% |`,
      );
  }
  return `${out.join('\n')}\n`;
}
