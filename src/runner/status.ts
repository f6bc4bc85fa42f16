/** `execplan status`: what the state says, seen through the plan (counts, running, ready, blocked and why). */
import type { DisplayedStatus, TaskStatus, WaitReason } from '../core/task-status.js';
import { isBlocked } from '../core/task-status.js';
import { pidAlive } from './lock.js';
import type { RunPlan } from './plan-view.js';
import { Holdings } from './readiness.js';
import { currentPlanApproval } from './plan-approval.js';
import type { LimitWarning } from '../core/task-status.js';
import type { Decision, PlanApproval, RunState } from './state.js';
import { waitReasons } from './wait-reason.js';

export interface StatusView {
  runId: string | null;
  active: boolean;
  pid: number | null;
  paused: boolean;
  lastOutcome: string | null;
  counts: Partial<Record<DisplayedStatus, number>>;
  running: Array<{ task: string; attempt: number; elapsedMs: number; log: string }>;
  ready: string[];
  waiting: Array<{ task: string; reason: WaitReason }>;
  failed: Array<{ task: string; attempts: number; reason: string | null; log: string | null }>;
  tasks: Array<{ id: string; status: DisplayedStatus; attempts: number; forced: string | null; rework: number }>;
  /** Gate sign-offs, oldest first: who approved or rejected what, when, why. */
  decisions: Array<{ task: string } & Decision>;
  /** Whether the plan must be approved before it runs, and the approval of its current version (or the voided one). */
  planApproval: { required: boolean; version: string; current: PlanApproval | null; voided: PlanApproval | null };
  /** Agent profiles whose CLI warned they near a usage limit, while the window lasts (no reset given: until the next run). */
  limitWarnings: Array<LimitWarning & { task: string; at: string }>;
}

/** A warning lasts until its window resets; one without a reset time until the next run starts (the state drops it then). */
function activeLimitWarnings(state: RunState, now: number): StatusView['limitWarnings'] {
  return Object.values(state.limitWarnings ?? {})
    .filter((w) => (w.resetsAt !== null ? Date.parse(w.resetsAt) > now : true))
    .sort((a, b) => (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : 0));
}

/** A task whose last attempt stopped at its agent's limit waits for that limit while it lasts. */
function limitedReason(s: RunState['tasks'][string] | undefined, now: number): WaitReason | null {
  const l = s?.limited;
  if (!l || l.resumeAt === null || Date.parse(l.resumeAt) <= now) return null;
  return l.limit === 'usage-limit' ? { kind: 'usage-limit', pool: l.pool, until: l.resumeAt } : { kind: 'rate-limit', pool: l.pool, until: l.resumeAt, concurrency: 1 };
}

export function statusView(plan: RunPlan, state: RunState, now: number): StatusView {
  const status = (id: string): TaskStatus => state.tasks[id]?.status ?? 'pending';
  const active = state.activePid !== null && pidAlive(state.activePid);
  const view: StatusView = {
    runId: state.runId,
    active,
    pid: active ? state.activePid : null,
    paused: state.paused,
    lastOutcome: state.lastOutcome,
    counts: {},
    running: [],
    ready: [],
    waiting: [],
    failed: [],
    tasks: [],
    decisions: [],
    planApproval: { required: plan.model.source.settings?.require_approval === true, version: plan.planVersion, ...currentPlanApproval(state, plan.planVersion) },
    limitWarnings: activeLimitWarnings(state, now),
  };
  const whyWaiting = waitReasons(plan, status, state.paused);
  // What the live runner's tasks hold: a task it would launch next may have to wait for them.
  const holdings = new Holdings(plan);
  if (active) for (const task of plan.order) if (status(task.model.id) === 'running') holdings.hold(task);
  for (const task of plan.order) {
    const id = task.model.id;
    const s = state.tasks[id];
    let shown: DisplayedStatus = status(id);
    if (shown === 'running') {
      const attempt = s!.attempts[s!.attempts.length - 1]!;
      if (active) view.running.push({ task: id, attempt: attempt.n, elapsedMs: now - Date.parse(attempt.startedAt), log: attempt.log });
      else shown = 'interrupted';
    } else if (shown === 'failed') {
      const last = s!.attempts[s!.attempts.length - 1];
      view.failed.push({ task: id, attempts: s!.attempts.length, reason: last?.reason ?? null, log: last?.logged ? last.log : null });
    } else if (shown === 'pending') {
      const why: WaitReason | null = s?.blocked
        ? { kind: 'merge-conflict', ...s.blocked }
        : (whyWaiting(task, s?.approved ?? false) ?? limitedReason(s, now) ?? holdings.conflict(task));
      if (why === null) {
        shown = 'ready';
        view.ready.push(id);
      } else {
        shown = isBlocked(why) ? 'blocked' : 'pending';
        view.waiting.push({ task: id, reason: why });
      }
    }
    view.counts[shown] = (view.counts[shown] ?? 0) + 1;
    view.tasks.push({ id, status: shown, attempts: s?.attempts.length ?? 0, forced: s?.forced ?? null, rework: s?.rework ?? 0 });
    for (const d of s?.decisions ?? []) view.decisions.push({ task: id, ...d });
  }
  view.decisions.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return view;
}
