/**
 * tasks.json (the v3 task-graph shape, trimmed to what a plan.yaml can say): tasks with boundaries,
 * resources, acceptance checks and the test strategy; every dependency with type, confidence, isHard
 * and reason; resource conflicts with their resolution; file conflicts.
 */
import type { TaskModel } from '../model.js';
import type { Plan } from '../../types/plan.js';
import { round } from '../rounding.js';
import { conflictGroupsJson, groupsOfTasks } from './conflicts-json.js';
import { branchName } from '../analysis/streams.js';
import { checkJson } from './checks.js';
import { avoidPartners, taskContract } from './contract.js';
import { generated, type ArtifactContext } from './context.js';
import { normalizeJson, renderJsonDocument, sha256, withKeyInOrder } from './json.js';

export function resourceConflicts(ctx: ArtifactContext) {
  const { model, frontier } = ctx.compiled;
  const startOf = new Map(frontier.schedule.map((s) => [s.task, s.start]));
  const out: Record<string, unknown> = {};
  for (const r of model.resources) {
    const users = model.tasks.filter((t) => (t.resources[r.name] ?? 0) > 0);
    const demand = users.reduce((s, t) => s + (t.resources[r.name] ?? 0), 0);
    if (users.length < 2 || demand <= r.capacity) continue;
    const order = [...users].sort((a, b) => (startOf.get(a.id) ?? 0) - (startOf.get(b.id) ?? 0) || a.index - b.index).map((t) => t.id);
    out[r.name] =
      r.capacity === 1
        ? {
            tasks: users.map((t) => t.id),
            capacity: 1,
            resolution: 'sequential_ordering',
            suggested_order: order,
            rationale: `Exclusive resource${r.reason ? ` (${r.reason})` : ''}: the tasks run one at a time, in the order of the frontier schedule.`,
          }
        : {
            tasks: users.map((t) => t.id),
            capacity: r.capacity,
            resolution: 'capacity_limit',
            suggested_order: order,
            rationale: `${demand} units requested of ${r.capacity}${r.reason ? ` (${r.reason})` : ''}: at most ${r.capacity} units are held at once; the rest wait, in the order of the frontier schedule.`,
          };
  }
  return out;
}

export function renderTasksJson(ctx: ArtifactContext): string {
  const { compiled, analysis } = ctx;
  const { model, graph, conflicts } = compiled;
  const tests = new Map(analysis.testStrategies.map((s) => [s.task, s]));
  const conflictGroups = groupsOfTasks(conflicts);
  const critical = new Set(graph.criticalPath);
  const avoid = avoidPartners(compiled);
  const streamSkills = new Map(model.streams.map((s) => [s.name, s.skills]));
  // A task needs its own skills and those of its stream (the stream's are what its agents are picked by).
  const skillsOf = (t: TaskModel) => [...new Set([...(t.source.skills ?? []), ...((t.stream && streamSkills.get(t.stream)) || [])])];
  const taskJson = (t: TaskModel) => {
    const test = tests.get(t.id)!;
    const exclusive = Object.keys(t.resources)
      .filter((r) => model.resources.find((x) => x.name === r)?.capacity === 1)
      .sort();
    const shared = Object.fromEntries(Object.entries(t.resources).filter(([r]) => !exclusive.includes(r)));
    const body = {
      id: t.id,
      feature_id: t.feature,
      title: t.title,
      description: t.description,
      kind: t.kind,
      stream: t.stream,
      phase: t.phase,
      branch: t.stream ? branchName(model.name, t.stream) : null,
      boundaries: {
        expected_complexity: t.complexity,
        definition_of_done: { criteria: t.acceptance.filter((a): a is string => typeof a === 'string'), stop_when: t.source.boundaries?.stop_when ?? null },
        scope: { includes: t.files, excludes: t.source.boundaries?.excludes ?? [] },
      },
      steps: t.source.steps ?? [],
      resource_requirements: { exclusive_resources: exclusive, shared_resources: shared },
      scheduling_hints: {
        priority: t.priority,
        on_critical_path: critical.has(t.id),
        slack_hours: round(graph.timing[t.id]?.slack ?? 0),
        retry_on_failure: t.retries > 0,
        max_retries: t.retries,
        timeout_seconds: t.timeoutSeconds,
        gate: t.gate,
        file_conflict_groups: conflictGroups[t.index]!,
        avoid_concurrent_with: avoid.get(t.id)!,
        criticality_index: compiled.risk.criticality[t.id] ?? 0,
      },
      ...taskContract(t),
      skillsRequired: skillsOf(t),
      duration: { optimistic: round(t.pert.optimistic), mostLikely: round(t.pert.likely), pessimistic: round(t.pert.pessimistic) },
      durationUnits: 'hours',
      expected_hours: round(t.hours),
      duration_source: t.durationSource,
      risk: t.risk,
      test_strategy: { strategy: test.strategy, source: test.source, reason: test.reason },
      acceptance_checks: t.acceptance.map(checkJson),
      inputs: t.source.inputs ?? [],
      outputs: t.source.outputs ?? [],
    };
    // Sorted once: the same copy gives the task's hash and is what the document prints (already in order,
    // contentHash in its sorted place, so printing copies nothing more of it).
    const sorted = normalizeJson(body) as Record<string, unknown>;
    return withKeyInOrder(sorted, 'contentHash', sha256(JSON.stringify(sorted)).slice(0, 16));
  };
  return renderJsonDocument({
    generated: generated(ctx),
    meta: {
      plan: model.name,
      title: model.title,
      execution_model: model.settings.executionModel,
      min_confidence: model.settings.minConfidence,
      resource_limits: { max_concurrent_tasks: model.settings.maxConcurrency, max_wave_size: model.settings.maxWaveSize },
      shared_resources: Object.fromEntries(
        model.resources.map((r) => [
          r.name,
          {
            type: r.capacity === 1 ? 'exclusive' : 'shared_limited',
            capacity: r.capacity,
            location: model.source.resources?.[r.name]?.location ?? null,
            reason: r.reason,
          },
        ]),
      ),
      // Only when the plan says what it builds on: an empty record would read as "nothing exists".
      ...(model.source.codebase ? { codebase_analysis: codebaseAnalysis(model.source.codebase) } : {}),
      scope_assessment: analysis.scope,
      autonormalization: analysis.decomposition.autonormalization,
    },
    tasks: model.tasks.map(taskJson),
    dependencies: model.edges.map((e) => ({
      from: e.from,
      to: e.to,
      type: e.type,
      reason: e.reason,
      evidence: e.evidence,
      confidence: e.confidence,
      isHard: e.hard,
      scheduled: e.scheduled,
      inferred: e.origin === 'interface',
    })),
    resource_conflicts: resourceConflicts(ctx),
    file_conflicts: conflictGroupsJson(conflicts, true),
  });
}

/** The plan's `codebase` with every list present, in the plan's order (the author's emphasis). */
function codebaseAnalysis(codebase: NonNullable<Plan['codebase']>): { existing_apis: string[]; reused_components: string[]; extension_points: string[] } {
  return { existing_apis: codebase.existing_apis ?? [], reused_components: codebase.reused_components ?? [], extension_points: codebase.extension_points ?? [] };
}
