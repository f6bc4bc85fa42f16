/**
 * Prometheus metrics of one state directory, computed from the run state at each scrape (the state is
 * the truth; a scrape of `execplan ui` with no run active shows the last run's numbers). prom-client
 * does the text format (escaping, histogram buckets, content type) so we do not.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { agentUsage } from '../agents/usage.js';
import { limitHolds, type DisplayedStatus } from '../core/task-status.js';
import type { RunPlan } from '../runner/plan-view.js';
import type { RunState } from '../runner/state.js';
import { statusView } from '../runner/status.js';

/** Every state a task can be shown in: each gets a series, 0 included, so dashboards see a stable set. */
const shownStates: DisplayedStatus[] = ['pending', 'ready', 'running', 'done', 'failed', 'skipped', 'fresh', 'blocked', 'interrupted', 'stopped', 'cancelled', 'waiting'];

export interface MetricsSource {
  plan: RunPlan;
  stateDir: string;
  /** The state now: the runner's own (run --metrics-port) or the journal folded again (ui). */
  state: () => RunState;
}

export function createMetrics(source: MetricsSource): Registry {
  const registry = new Registry();
  const ids = [...source.plan.tasks.keys()];
  // Registered first, so its collect (which rebuilds every metric from one read of the state) runs before the others are read.
  const tasks: Gauge<'state'> = new Gauge({ name: 'execplan_tasks', help: 'Tasks by their current state', labelNames: ['state'], registers: [registry], collect: () => collect() });
  const metrics = { tasks, ...registerOthers(registry) };
  const collect = (): void => fill(metrics, source, ids);
  return registry;
}

type Metrics = { tasks: Gauge<'state'> } & ReturnType<typeof registerOthers>;

/** The metrics other than the tasks gauge, registered in the order a scrape lists them. */
function registerOthers(registry: Registry) {
  return {
    duration: new Histogram({
      name: 'execplan_task_duration_seconds',
      help: 'Duration of finished task attempts, by outcome',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400],
      registers: [registry],
    }),
    attempts: new Counter({ name: 'execplan_task_attempts_total', help: 'Task attempts started', registers: [registry] }),
    tokens: new Counter({ name: 'execplan_agent_tokens_total', help: 'Tokens used by agent tasks', labelNames: ['kind'], registers: [registry] }),
    limited: new Gauge({
      name: 'execplan_agent_limit_waiting_tasks',
      help: 'Tasks waiting for an agent profile held back by a usage or rate limit',
      labelNames: ['profile', 'limit'],
      registers: [registry],
    }),
    resumes: new Gauge({
      name: 'execplan_agent_limit_resume_timestamp_seconds',
      help: 'When a limited agent profile may start agents again (Unix time)',
      labelNames: ['profile', 'limit'],
      registers: [registry],
    }),
    warned: new Gauge({
      name: 'execplan_agent_limit_warning',
      help: "1 while an agent profile's CLI warns that it nears its usage limit",
      labelNames: ['profile'],
      registers: [registry],
    }),
    info: new Gauge({ name: 'execplan_run_info', help: 'The plan and the current (or last) run', labelNames: ['plan', 'run_id'], registers: [registry] }),
  };
}

/** Every metric rebuilt from one read of the state. */
function fill(m: Metrics, source: MetricsSource, ids: string[]): void {
  const state = source.state();
  const view = statusView(source.plan, state, Date.now());
  for (const s of shownStates) m.tasks.set({ state: s }, view.counts[s] ?? 0);
  m.duration.reset();
  m.attempts.reset();
  let started = 0;
  for (const task of Object.values(state.tasks)) {
    for (const a of task.attempts) {
      started++;
      if (a.endedAt === null) continue;
      m.duration.observe({ outcome: a.status }, Math.max(0, (Date.parse(a.endedAt) - Date.parse(a.startedAt)) / 1000));
    }
  }
  m.attempts.inc(started);
  const usage = agentUsage(source.stateDir, ids, () => true).totals;
  m.tokens.reset();
  m.tokens.inc({ kind: 'input' }, usage.inputTokens);
  m.tokens.inc({ kind: 'output' }, usage.outputTokens);
  m.tokens.inc({ kind: 'cached' }, usage.cacheReadTokens);
  m.limited.reset();
  m.resumes.reset();
  for (const hold of limitHolds(view.waiting)) {
    m.limited.set({ profile: hold.pool, limit: hold.kind }, hold.tasks.length);
    if (hold.until) m.resumes.set({ profile: hold.pool, limit: hold.kind }, Date.parse(hold.until) / 1000);
  }
  m.warned.reset();
  for (const w of view.limitWarnings) m.warned.set({ profile: w.pool }, 1);
  m.info.reset();
  m.info.set({ plan: source.plan.model.title, run_id: state.runId ?? '' }, 1);
}
