/**
 * tasks.json (the v3 task-graph shape, trimmed to what a plan.yaml can say): tasks with boundaries,
 * resources, acceptance checks and the test strategy; every dependency with type, confidence, isHard
 * and reason; resource conflicts with their resolution; file conflicts.
 *
 * The records are built with their keys in sorted order, the order the artifact prints them in: the
 * printer then checks them instead of copying them (a 10,000-task plan has ~200,000 records here).
 */
import type { PlanModel, TaskModel } from '../model.js';
import type { Plan } from '../../types/plan.js';
import type { CompiledPlan } from '../compiled.js';
import type { TestStrategyChoice } from '../analysis/test-strategy.js';
import { round } from '../rounding.js';
import { shortList, sortTexts } from '../sort-lists.js';
import { conflictGroupsJson, groupsOfTasks } from './conflicts-json.js';
import { branchName } from '../analysis/streams.js';
import { checkJson } from './checks.js';
import { avoidPartners } from './contract.js';
import { generated, type ArtifactContext } from './context.js';
import { jsonDocumentPiecesWithRecords } from './json.js';
import type { Pieces } from './pieces.js';

/** Plan.md, Decisions.md and tasks.json all show the resource conflicts: worked out once per compiled plan. */
const conflictsOf = new WeakMap<CompiledPlan, Record<string, unknown>>();

export function resourceConflicts(ctx: ArtifactContext): Record<string, unknown> {
  const known = conflictsOf.get(ctx.compiled);
  if (known) return known;
  const { model, frontier } = ctx.compiled;
  const startOf = new Map(frontier.schedule.map((s) => [s.task, s.start]));
  const out: Record<string, unknown> = {};
  for (const r of model.resources) {
    const users = model.tasks.filter((t) => (t.resources[r.name] ?? 0) > 0);
    const demand = users.reduce((s, t) => s + (t.resources[r.name] ?? 0), 0);
    if (users.length < 2 || demand <= r.capacity) continue;
    const order = [...users].sort((a, b) => (startOf.get(a.id) ?? 0) - (startOf.get(b.id) ?? 0) || a.index - b.index).map((t) => t.id);
    const why = r.reason ? ` (${r.reason})` : '';
    out[r.name] = {
      capacity: r.capacity,
      rationale:
        r.capacity === 1
          ? `Exclusive resource${why}: the tasks run one at a time, in the order of the frontier schedule.`
          : `${demand} units requested of ${r.capacity}${why}: at most ${r.capacity} units are held at once; the rest wait, in the order of the frontier schedule.`,
      resolution: r.capacity === 1 ? 'sequential_ordering' : 'capacity_limit',
      suggested_order: order,
      tasks: users.map((t) => t.id),
    };
  }
  conflictsOf.set(ctx.compiled, out);
  return out;
}

/** A task needs its own skills and those of its stream (the stream's are what its agents are picked by). */
export function taskSkills(model: PlanModel, t: TaskModel): string[] {
  const stream = t.stream === null ? undefined : model.streams.find((s) => s.name === t.stream);
  return [...new Set([...(t.source.skills ?? []), ...(stream?.skills ?? [])])];
}

/** What every task's record looks up: worked out once for the whole plan, not once per task. */
interface TaskFacts {
  model: PlanModel;
  compiled: CompiledPlan;
  tests: Map<string, TestStrategyChoice>;
  conflictGroups: number[][];
  critical: Set<string>;
  avoid: Map<string, string[]>;
  exclusive: Set<string>;
  streamSkills: Map<string, string[]>;
}

function taskFacts(ctx: ArtifactContext): TaskFacts {
  const { compiled, analysis } = ctx;
  const { model, graph, conflicts } = compiled;
  return {
    model,
    compiled,
    tests: new Map(analysis.testStrategies.map((s) => [s.task, s])),
    conflictGroups: groupsOfTasks(conflicts),
    critical: new Set(graph.criticalPath),
    avoid: avoidPartners(compiled),
    exclusive: new Set(model.resources.filter((r) => r.capacity === 1).map((r) => r.name)),
    streamSkills: new Map(model.streams.map((s) => [s.name, s.skills ?? []])),
  };
}

function resourceRequirements(t: TaskModel, exclusiveNames: Set<string>) {
  const exclusive: string[] = [];
  const shared: Record<string, number> = {};
  // In key order, so the task's record is not copied to sort them.
  // sortTexts: a task names few resources, and a built-in sort call costs ~1 KB of work state each.
  const names = sortTexts(Object.keys(t.resources));
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (exclusiveNames.has(name)) exclusive.push(name);
    else shared[name] = t.resources[name]!;
  }
  return { exclusive_resources: exclusive, shared_resources: shared };
}

function schedulingHints(t: TaskModel, f: TaskFacts) {
  return {
    avoid_concurrent_with: f.avoid.get(t.id)!,
    criticality_index: f.compiled.risk.criticality[t.id] ?? 0,
    file_conflict_groups: f.conflictGroups[t.index]!,
    gate: t.gate,
    max_retries: t.retries,
    on_critical_path: f.critical.has(t.id),
    priority: t.priority,
    retry_on_failure: t.retries > 0,
    slack_hours: round(f.compiled.graph.timing[t.id]?.slack ?? 0),
    timeout_seconds: t.timeoutSeconds,
  };
}

/**
 * The task's own skills then its stream's, each once (what `[...new Set([...own, ...stream's])]` gives):
 * the lists are short, so a scan of the output replaces a Set and the joined list per task.
 */
function skillsOf(t: TaskModel, f: TaskFacts): string[] {
  const own = t.source.skills ?? [];
  const stream = t.stream === null ? undefined : f.streamSkills.get(t.stream);
  if (own.length + (stream?.length ?? 0) > shortList) return [...new Set([...own, ...(stream ?? [])])];
  const out: string[] = [];
  for (let i = 0; i < own.length; i++) if (!out.includes(own[i]!)) out.push(own[i]!);
  if (stream !== undefined) for (let i = 0; i < stream.length; i++) if (!out.includes(stream[i]!)) out.push(stream[i]!);
  return out;
}

/** One task's record, its keys in sorted order; `contentHash` is the hash of the rest (withHashKey). */
function taskJson(t: TaskModel, f: TaskFacts) {
  const test = f.tests.get(t.id)!;
  return {
    acceptance_checks: t.acceptance.map(checkJson),
    boundaries: {
      definition_of_done: { criteria: t.acceptance.filter((a): a is string => typeof a === 'string'), stop_when: t.source.boundaries?.stop_when ?? null },
      expected_complexity: t.complexity,
      scope: { excludes: t.source.boundaries?.excludes ?? [], includes: t.files },
    },
    branch: t.stream ? branchName(f.model.name, t.stream) : null,
    category: t.category,
    // A placeholder of the hash's length until withHashKey fills it in.
    contentHash: '',
    description: t.description,
    duration: { mostLikely: round(t.pert.likely), optimistic: round(t.pert.optimistic), pessimistic: round(t.pert.pessimistic) },
    durationUnits: 'hours',
    duration_source: t.durationSource,
    execution_guidance: t.guidance,
    expected_hours: round(t.hours),
    feature_id: t.feature,
    id: t.id,
    inputs: t.source.inputs ?? [],
    interfaces_consumed: t.consumes,
    interfaces_produced: t.produces,
    kind: t.kind,
    outputs: t.source.outputs ?? [],
    phase: t.phase,
    resource_requirements: resourceRequirements(t, f.exclusive),
    risk: t.risk,
    scheduling_hints: schedulingHints(t, f),
    skillsRequired: skillsOf(t, f),
    source_evidence: t.evidence,
    steps: t.source.steps ?? [],
    stream: t.stream,
    test_strategy: { reason: test.reason, source: test.source, strategy: test.strategy },
    title: t.title,
  };
}

/** tasks.json's `meta`: the plan's settings, resources, scope, phases and streams. */
function metaJson(ctx: ArtifactContext) {
  const { model } = ctx.compiled;
  const { analysis } = ctx;
  const byPhase = new Map<string, string[]>(model.phases.map((p) => [p.id, []]));
  const byStream = new Map<string, string[]>(model.streams.map((s) => [s.name, []]));
  for (const t of model.tasks) {
    if (t.phase !== null) byPhase.get(t.phase)?.push(t.id);
    if (t.stream !== null) byStream.get(t.stream)?.push(t.id);
  }
  return {
    plan: model.name,
    title: model.title,
    execution_model: model.settings.executionModel,
    min_confidence: model.settings.minConfidence,
    resource_limits: { max_concurrent_tasks: model.settings.maxConcurrency, max_wave_size: model.settings.maxWaveSize },
    shared_resources: Object.fromEntries(
      model.resources.map((r) => [
        r.name,
        {
          capacity: r.capacity,
          location: model.source.resources?.[r.name]?.location ?? null,
          reason: r.reason,
          type: r.capacity === 1 ? 'exclusive' : 'shared_limited',
        },
      ]),
    ),
    // Only when the plan says what it builds on: an empty record would read as "nothing exists".
    ...(model.source.codebase ? { codebase_analysis: codebaseAnalysis(model.source.codebase) } : {}),
    scope_assessment: analysis.scope,
    autonormalization: analysis.decomposition.autonormalization,
    // Phases and streams as the plan names and describes them, so a reader of tasks.json alone can
    // group the tasks the way Plan.md does.
    phases: model.phases.map((p) => ({ description: p.description, id: p.id, tasks: byPhase.get(p.id)!, title: p.title })),
    streams: model.streams.map((s) => ({
      branch: branchName(model.name, s.name),
      name: s.name,
      owns: s.owns,
      skills: s.skills,
      tasks: byStream.get(s.name)!,
      title: s.title,
    })),
  };
}

/** tasks.json's UTF-8 bytes, in pieces (pieces.ts): ~25 MB on a 10,000-task plan, never one string. */
export function renderTasksJson(ctx: ArtifactContext): Pieces {
  const { model, conflicts } = ctx.compiled;
  const facts = taskFacts(ctx);
  // Each task's record is made, hashed and printed in turn (renderJsonDocumentWithRecords), not all kept for one print.
  return jsonDocumentPiecesWithRecords(
    {
      generated: generated(ctx),
      meta: metaJson(ctx),
      dependencies: model.edges.map((e) => ({
        confidence: e.confidence,
        evidence: e.evidence,
        from: e.from,
        inferred: e.origin === 'interface',
        isHard: e.hard,
        reason: e.reason,
        scheduled: e.scheduled,
        to: e.to,
        type: e.type,
      })),
      resource_conflicts: resourceConflicts(ctx),
      file_conflicts: conflictGroupsJson(conflicts, true),
    },
    'tasks',
    model.tasks.length,
    (i) => taskJson(model.tasks[i]!, facts),
    'contentHash',
    16,
  );
}

/** The plan's `codebase` with every list present, in the plan's order (the author's emphasis). */
function codebaseAnalysis(codebase: NonNullable<Plan['codebase']>): { existing_apis: string[]; reused_components: string[]; extension_points: string[] } {
  return { existing_apis: codebase.existing_apis ?? [], reused_components: codebase.reused_components ?? [], extension_points: codebase.extension_points ?? [] };
}
