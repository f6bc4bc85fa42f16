/** Usage of the agents of a run (what agents cost is always shown), summed from their hand-off records, for status and summaries. */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import path from 'node:path';
import { readAgentHandoff, tasksWithHandoffs, type AgentHandoff } from '../runner/handoff-artifacts.js';
import type { AgentUsage } from './output.js';

export interface UsageTotals extends AgentUsage {
  agents: number;
}

export interface AgentUsageReport {
  totals: UsageTotals;
  tasks: Record<string, AgentUsage>;
}

/** Which hand-offs count: those one run produced (null: all). */
export const ofRun =
  (runId: string | null) =>
  (h: AgentHandoff): boolean =>
    runId === null || h.runId === runId;

/** The usage in the hand-offs of these tasks that `keep` accepts, per task and summed. */
export function agentUsage(stateDir: string, taskIds: readonly string[], keep: (h: AgentHandoff) => boolean): AgentUsageReport {
  const totals: UsageTotals = { agents: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, turns: 0, toolCalls: 0 };
  const tasks: Record<string, AgentUsage> = {};
  // One directory listing skips the tasks that never ran (and the whole loop when none did); for the rest
  // readAgentHandoff stats before it reads, since most tasks of a big plan are not agents.
  const present = tasksWithHandoffs(stateDir);
  if (present.size === 0) return { totals, tasks };
  for (const id of taskIds) {
    if (!present.has(id)) continue;
    const h = readAgentHandoff(stateDir, id);
    if (!h || !keep(h)) continue;
    tasks[id] = h.usage;
    totals.agents++;
    totals.inputTokens += h.usage.inputTokens;
    totals.outputTokens += h.usage.outputTokens;
    totals.cacheReadTokens += h.usage.cacheReadTokens;
    totals.cacheWriteTokens += h.usage.cacheWriteTokens;
    totals.turns += h.usage.turns;
    totals.toolCalls += h.usage.toolCalls;
    if (h.usage.costUsd !== null) totals.costUsd = (totals.costUsd ?? 0) + h.usage.costUsd;
  }
  return { totals, tasks };
}

/** Sums the hand-offs of these tasks; with runId, only those that run produced. */
export function usageTotals(stateDir: string, taskIds: readonly string[], runId: string | null = null): UsageTotals {
  return agentUsage(stateDir, taskIds, ofRun(runId)).totals;
}

/** One line for a run summary, or null when no agent ran. */
export function formatUsage(u: UsageTotals): string | null {
  if (u.agents === 0) return null;
  const cost = u.costUsd !== null ? `, $${u.costUsd.toFixed(2)} reported` : '';
  return `Agent usage: ${u.agents} task${u.agents === 1 ? '' : 's'}, ${u.inputTokens} input + ${u.outputTokens} output tokens${u.cacheReadTokens ? ` (${u.cacheReadTokens} cached)` : ''}, ${u.turns} turns, ${u.toolCalls} tool calls${cost}`;
}

/**
 * Adds the agents' usage of a run (and the worktree branches, in merge order) to the run's summary
 * `.execplan/runs/<run-id>.json`, which the runner writes at the end of the run (usage is part of the run's state, not only of its output).
 */
export function recordRunUsage(stateDir: string, runId: string, taskIds: readonly string[], branches: { stream: string; branch: string }[] | null): void {
  const file = path.join(stateDir, 'runs', `${runId}.json`);
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return; // no summary (--no-state, or the run did not get that far)
  }
  const usage = agentUsage(stateDir, taskIds, ofRun(runId));
  if (usage.totals.agents === 0 && !branches) return;
  summary.agents = usage;
  if (branches) summary.branches = branches;
  writeFileAtomic(file, `${JSON.stringify(summary, null, 2)}\n`, { fsync: false, mode: 0o600 });
}

export interface BudgetLimits {
  tokens?: number;
  cost_usd?: number;
}

/**
 * The budget a new agent of `profile` would run past in this run: the run's (all agents) or the
 * profile's own, named with its usage so far ("run budget of 5000 tokens: 5120 used"); null when there
 * is room. Usage is what the agents of this run reported in their hand-offs.
 */
export function budgetReached(
  stateDir: string,
  taskIds: readonly string[],
  runId: string,
  run: BudgetLimits | undefined,
  perProfile: Record<string, BudgetLimits | undefined>,
  profile: string,
): string | null {
  const mine = perProfile[profile];
  if (!run && !mine) return null;
  const present = tasksWithHandoffs(stateDir);
  let tokens = 0;
  let cost = 0;
  let profileTokens = 0;
  let profileCost = 0;
  for (const id of taskIds) {
    if (!present.has(id)) continue;
    const h = readAgentHandoff(stateDir, id);
    if (!h || h.runId !== runId) continue;
    const t = h.usage.inputTokens + h.usage.outputTokens;
    tokens += t;
    cost += h.usage.costUsd ?? 0;
    if (h.profile === profile) {
      profileTokens += t;
      profileCost += h.usage.costUsd ?? 0;
    }
  }
  const over = (name: string, b: BudgetLimits | undefined, t: number, c: number): string | null => {
    if (b?.tokens !== undefined && t >= b.tokens) return `${name} of ${b.tokens} tokens: ${t} used`;
    if (b?.cost_usd !== undefined && c >= b.cost_usd) return `${name} of $${b.cost_usd}: $${c.toFixed(2)} used`;
    return null;
  };
  return over('run budget', run, tokens, cost) ?? over(`budget of profile ${profile}`, mine, profileTokens, profileCost);
}
