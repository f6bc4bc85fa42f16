/** execplan status [plan.yaml] [--json]: counts by state, running tasks, what is ready, what waits and why, agent usage. */
import { ok } from '../../core/result.js';
import { agentUsage, formatUsage } from '../../agents/usage.js';
import { branchLines, repoRoot } from '../../agents/worktrees.js';
import { describeLimitHold, describeLimitWarning, describeWaitLine, limitHolds } from '../../core/task-status.js';
import { planState } from '../state-input.js';
import { statusView } from '../../runner/status.js';
import { tryLoadState } from '../../runner/store.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import type { RunPlan } from '../../runner/plan-view.js';
import type { RunState } from '../../runner/state.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show task states, running tasks, what is ready and what each waiting task waits for',
  usage: 'execplan status [plan.yaml] [--json] [--plan plan.yaml]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, plan: { type: 'string' } }, 1);
    const outcome = await loadRunPlan(io, positionals[0] ?? values.plan, undefined, 'state');
    if (!outcome.ok) return outcome;
    const { plan, input } = outcome.value;
    const paths = planState(io, input, plan.tasks.keys());
    const loaded = tryLoadState(paths);
    if (!loaded.ok) return loaded;
    const state = loaded.value.state;
    const view = statusView(plan, state, Date.now());
    // Usage of the agent attempts in this state (what the agents cost is reported, never hidden), from their
    // hand-off records: the last attempt of each agent task, over resumed runs too; hand-offs left from an
    // archived state do not count.
    const usage = agentUsage(paths.dir, [...plan.tasks.keys()], (h) => state.tasks[h.task]?.attempts.some((a) => a.n === h.attempt && a.runId === h.runId) ?? false);
    const agents = usage.totals.agents > 0 ? usage : null;
    if (values.json) {
      // Each wait reason as the text line shows it (`for`) and as data (`reason`), for scripts.
      const waiting = view.waiting.map((w) => ({ task: w.task, for: describeWaitLine(w.reason, w.task), reason: w.reason }));
      io.stdout(`${JSON.stringify({ ...view, waiting, agents }, null, 2)}\n`);
      return ok();
    }
    const lines = [...headLines(view), ...worktreeLines(plan, state, input.dir), ...decisionLines(view)];
    if (agents) lines.push(formatUsage(agents.totals)!);
    io.stdout(`${lines.join('\n')}\n`);
    return ok();
  },
};

type View = ReturnType<typeof statusView>;

/** The run, the counts, what runs, what is ready, limits, failures and what waits (the first 50). */
function headLines(view: View): string[] {
  const lines: string[] = [];
  const run = view.runId ? `run ${view.runId}: ${view.active ? `active (pid ${view.pid})` : (view.lastOutcome ?? 'interrupted (no runner alive)')}` : 'no run yet';
  lines.push(`${run}${view.paused ? ' · PAUSED (execplan resume)' : ''}`);
  lines.push(
    Object.entries(view.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', '),
  );
  if (view.running.length) {
    lines.push('running:');
    for (const r of view.running) lines.push(`  ${r.task}  attempt ${r.attempt}  ${Math.round(r.elapsedMs / 1000)}s  (log: ${r.log})`);
  }
  if (view.ready.length) lines.push(`ready: ${view.ready.join(', ')}`);
  for (const hold of limitHolds(view.waiting)) lines.push(describeLimitHold(hold));
  for (const w of view.limitWarnings) lines.push(describeLimitWarning(w));
  if (view.failed.length) {
    lines.push('failed:');
    for (const f of view.failed) lines.push(`  ${f.task}: ${f.reason ?? 'failed'} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'}${f.log ? `, log: ${f.log}` : ''})`);
  }
  if (view.waiting.length) {
    lines.push('waiting:');
    for (const w of view.waiting.slice(0, 50)) lines.push(`  ${w.task}: ${describeWaitLine(w.reason, w.task)}`);
    if (view.waiting.length > 50) lines.push(`  ... and ${view.waiting.length - 50} more (--json for all)`);
  }
  return lines;
}

/** Worktree runs: what a task's commit changed outside its scope, and the branches with their state. */
function worktreeLines(plan: RunPlan, state: RunState, planDir: string): string[] {
  const lines: string[] = [];
  for (const task of plan.order) {
    const paths = state.tasks[task.model.id]?.outOfScope ?? [];
    if (paths.length) lines.push(`  ${task.model.id}: out-of-scope: ${paths.join(', ')}`);
  }
  const root = state.branches ? repoRoot(planDir) : null;
  if (state.branches && root) {
    const streams = Object.entries(state.branches.streams).map(([stream, b]) => ({ stream, branch: b.branch }));
    lines.push('branches (merge in this order; `execplan integrate` merges them):', ...branchLines(root, streams, state.branches.base));
  }
  return lines;
}

/** The plan's approval, rework counts and the last ten decisions on gates. */
function decisionLines(view: View): string[] {
  const lines: string[] = [];
  const pa = view.planApproval;
  if (pa.current)
    lines.push(`plan approved by ${pa.current.actor} at ${pa.current.at} (version ${pa.current.planVersion.slice(0, 12)})${pa.current.reason ? `: ${pa.current.reason}` : ''}`);
  else if (pa.voided)
    lines.push(
      `plan approval void: ${pa.voided.actor} approved version ${pa.voided.planVersion.slice(0, 12)} at ${pa.voided.at}; the plan changed since (now ${pa.version.slice(0, 12)})${pa.required ? ': `execplan approve --plan --reason TEXT`' : ''}`,
    );
  else if (pa.required) lines.push(`plan not approved (required): \`execplan approve --plan --reason TEXT\``);
  const reworked = view.tasks.filter((t) => t.rework > 0);
  if (reworked.length) lines.push(`rework: ${reworked.map((t) => `${t.id} ×${t.rework}`).join(', ')}`);
  if (view.decisions.length) {
    lines.push('decisions:');
    for (const d of view.decisions.slice(-10))
      lines.push(
        `  ${d.at}  ${d.task} ${d.decision} by ${d.actor}${d.attempt !== null ? ` (attempt ${d.attempt})` : ''}${d.reason ? `: ${d.reason}` : ''}${d.reopened?.length ? ` → re-opened ${d.reopened.join(', ')}` : ''}`,
      );
  }
  return lines;
}
