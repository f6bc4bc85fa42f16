/**
 * What the dashboard shows, as data: the plan's shape (computed once from the compiled plan) and the live
 * part (computed from the run state each time the journal moves). The page draws both; nothing here
 * renders HTML, so the same JSON also serves `/api/state` for scripts.
 */
import { readAgentHandoff } from '../runner/handoff-artifacts.js';
import type { CompiledPlan } from '../compiler/compiled.js';
import { describeLimitHold, describeLimitWarning, describeWaitLine, limitHolds, type DisplayedStatus } from '../core/task-status.js';
import type { RunPlan } from '../runner/plan-view.js';
import type { RunState } from '../runner/state.js';
import { statusView } from '../runner/status.js';

export interface PlanShape {
  title: string;
  tasks: Array<{
    id: string;
    title: string;
    kind: string;
    gate: 'approve' | null;
    phase: string | null;
    stream: string | null;
    /** Column (Kahn layer) and row inside it: the page's DAG layout. */
    layer: number;
    row: number;
    critical: boolean;
    /** Planned start/finish in hours from the frontier schedule. */
    start: number;
    finish: number;
  }>;
  edges: Array<[string, string]>;
  phases: Array<{ id: string; title: string }>;
  streams: Array<{ name: string; title: string | null }>;
  makespanHours: number;
}

export function planShape(compiled: CompiledPlan): PlanShape {
  const { model, graph, frontier } = compiled;
  const critical = new Set(graph.criticalPath);
  const where = new Map<string, { layer: number; row: number }>();
  graph.layers.forEach((layer, l) => layer.forEach((id, r) => where.set(id, { layer: l, row: r })));
  const planned = new Map(frontier.schedule.map((s) => [s.task, s]));
  return {
    title: model.title,
    tasks: model.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      kind: t.kind,
      gate: t.gate,
      phase: t.phase,
      stream: t.stream,
      layer: where.get(t.id)?.layer ?? 0,
      row: where.get(t.id)?.row ?? 0,
      critical: critical.has(t.id),
      start: planned.get(t.id)?.start ?? 0,
      finish: planned.get(t.id)?.finish ?? 0,
    })),
    edges: graph.reducedEdges,
    phases: model.phases.map((p) => ({ id: p.id, title: p.title })),
    streams: model.streams.map((s) => ({ name: s.name, title: s.title })),
    makespanHours: frontier.makespanHours,
  };
}

export interface LiveTask {
  id: string;
  status: DisplayedStatus;
  /** Why it waits, as the CLI says it (`execplan status`), or null. */
  waiting: string | null;
  approved: boolean;
  forced: string | null;
  attempts: Array<{ n: number; status: string; startedAt: string; endedAt: string | null; exitCode: number | null; reason: string | null; logged: boolean }>;
  agent: { summary: string | null; usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; costUsd: number | null } } | null;
}

export interface LiveView {
  runId: string | null;
  active: boolean;
  pid: number | null;
  paused: boolean;
  lastOutcome: string | null;
  journalSeq: number;
  counts: Partial<Record<DisplayedStatus, number>>;
  total: number;
  finished: number;
  /** Agent profiles held back by a limit, and usage-limit warnings, as the CLI says them (one line each). */
  limits: string[];
  tasks: LiveTask[];
}

const finishedStatuses = new Set<DisplayedStatus>(['done', 'fresh', 'skipped']);

export function liveView(plan: RunPlan, state: RunState, stateDir: string, now: number): LiveView {
  const view = statusView(plan, state, now);
  const waiting = new Map(view.waiting.map((w) => [w.task, describeWaitLine(w.reason, w.task)]));
  const tasks: LiveTask[] = view.tasks.map((t) => {
    const s = state.tasks[t.id];
    const model = plan.tasks.get(t.id)!.model;
    const handoff = model.kind === 'agent' ? readAgentHandoff(stateDir, t.id) : null;
    return {
      id: t.id,
      status: t.status,
      waiting: waiting.get(t.id) ?? null,
      approved: s?.approved ?? false,
      forced: t.forced,
      attempts: (s?.attempts ?? []).map((a) => ({
        n: a.n,
        status: a.status,
        startedAt: a.startedAt,
        endedAt: a.endedAt,
        exitCode: a.exitCode,
        reason: a.reason,
        logged: a.logged,
      })),
      agent: handoff
        ? {
            summary: handoff.summary,
            usage: {
              inputTokens: handoff.usage.inputTokens,
              outputTokens: handoff.usage.outputTokens,
              cacheReadTokens: handoff.usage.cacheReadTokens,
              costUsd: handoff.usage.costUsd,
            },
          }
        : null,
    };
  });
  return {
    runId: view.runId,
    active: view.active,
    pid: view.pid,
    paused: view.paused,
    lastOutcome: view.lastOutcome,
    journalSeq: state.journal.seq,
    counts: view.counts,
    total: tasks.length,
    finished: tasks.filter((t) => finishedStatuses.has(t.status)).length,
    limits: [...limitHolds(view.waiting).map(describeLimitHold), ...view.limitWarnings.map(describeLimitWarning)],
    tasks,
  };
}
