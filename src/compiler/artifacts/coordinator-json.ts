/** coordinator.json: the run-time policy `execplan run` applies (trimmed to what the runner does). */
import { documentedTaskStates } from '../../core/task-status.js';
import type { FileConflicts } from '../compiled.js';
import { generated, type ArtifactContext } from './context.js';
import { renderJsonDocument } from './json.js';

export function renderCoordinatorJson(ctx: ArtifactContext): string {
  const { model, frontier, conflicts } = ctx.compiled;
  return renderJsonDocument({
    generated: generated(ctx),
    coordinator: {
      role: 'execution_orchestrator',
      plan: model.name,
      execution_model: model.settings.executionModel,
      policies: {
        concurrency: { max_concurrent_tasks: model.settings.maxConcurrency },
        resource_limits: Object.fromEntries(model.resources.map((r) => [r.name, r.capacity])),
        file_exclusions: fileExclusions(conflicts),
        launch_priority: {
          order: frontier.priority,
          rule: 'compiled rolling-frontier order: by scheduled start, equal starts by task id',
        },
        retry: {
          policy: 'exponential_backoff',
          per_task: Object.fromEntries(model.tasks.filter((t) => t.retries > 0).map((t) => [t.id, t.retries])),
        },
        timeouts_seconds: Object.fromEntries(model.tasks.filter((t) => t.timeoutSeconds !== null).map((t) => [t.id, t.timeoutSeconds])),
        gates: model.tasks.filter((t) => t.gate === 'approve').map((t) => t.id),
        failure_handling: { keep_going: false, resume: 'finished tasks are not re-run; interrupted ones get a new attempt' },
        acceptance: 'a task is done only when its acceptance checks pass',
      },
      task_states: Object.fromEntries(documentedTaskStates),
      initial_frontier: frontier.initialFrontier,
    },
  });
}

/**
 * Enforced overlaps by pattern: a task holding pattern `a` never runs beside a task holding `b`. Each
 * pattern is listed once with its tasks and overlaps refer to it by index, so the size never grows with
 * task pairs.
 */
function fileExclusions(conflicts: FileConflicts) {
  const enforced = conflicts.overlaps.filter((o) => o.enforced);
  const used = [...new Set(enforced.flatMap((o) => [o.a, o.b]))].sort((x, y) => x - y);
  const index = new Map(used.map((p, k) => [p, k]));
  return {
    patterns: used.map((p) => conflicts.patterns[p]!),
    overlaps: enforced.map((o) => [index.get(o.a)!, index.get(o.b)!]),
  };
}
