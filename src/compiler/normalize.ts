/** Schema-valid Plan -> PlanModel: defaults resolved, durations in hours, every dependency as an edge. */
import type { Plan, Task } from '../types/plan.js';
import { builtinSettings, defaultTaskHours } from './defaults.js';
import { parseDuration } from './duration.js';
import { inferredConfidence, inferredEdges, inferredReason, normalizeEvidence } from './interfaces.js';
import { roundHours } from './rounding.js';
import { expandTestStrategy } from './test-strategy.js';
import { hintUnits, machineCapacity, usesMachineHints } from './machine.js';
import type { EdgeModel, Pert, PlanModel, ResolvedSettings, TaskKind, TaskModel } from './model.js';

export interface SettingsLayers {
  /** From execplan.config.yaml. */
  config?: Partial<ResolvedSettings>;
  /** From command-line flags: the strongest layer. */
  overrides?: Partial<ResolvedSettings>;
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function resolveSettings(plan: Plan, layers: SettingsLayers = {}): ResolvedSettings {
  const s = plan.settings ?? {};
  const fromPlan: Partial<ResolvedSettings> = definedOnly({
    minConfidence: s.min_confidence,
    maxWaveSize: s.max_wave_size,
    maxConcurrency: s.max_concurrency,
    executionModel: s.execution_model,
    optimizeIterations: s.optimize_iterations,
    scope: s.scope,

    strict: s.strict,
    descriptionConflicts: s.description_conflicts,
  });
  const merged: ResolvedSettings = { ...builtinSettings, ...definedOnly(layers.config), ...fromPlan, ...definedOnly(layers.overrides) };
  merged.sizeHours = { ...builtinSettings.sizeHours, ...layers.config?.sizeHours, ...definedOnly(s.size_hours), ...layers.overrides?.sizeHours };
  return merged;
}

function hoursOf(value: number | string | undefined): number {
  if (value === undefined) return 0;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.hours : 0;
}

function taskDuration(task: Task, settings: ResolvedSettings): Pick<TaskModel, 'hours' | 'pert' | 'durationSource'> {
  const e = task.estimate;
  if (e !== undefined && typeof e === 'object') {
    const pert: Pert = { optimistic: hoursOf(e.optimistic), likely: hoursOf(e.likely), pessimistic: hoursOf(e.pessimistic) };
    return { hours: roundHours((pert.optimistic + 4 * pert.likely + pert.pessimistic) / 6), pert, durationSource: 'pert' };
  }
  let hours: number;
  let durationSource: TaskModel['durationSource'];
  if (e !== undefined) {
    hours = hoursOf(e);
    durationSource = 'estimate';
  } else if (task.size !== undefined) {
    hours = settings.sizeHours[task.size];
    durationSource = 'size';
  } else {
    hours = defaultTaskHours;
    durationSource = 'default';
  }
  hours = roundHours(hours);
  return { hours, pert: { optimistic: hours, likely: hours, pessimistic: hours }, durationSource };
}

function taskKind(task: Task, plan: Plan): TaskKind {
  if (task.run !== undefined) return 'command';
  if (task.agent !== undefined || plan.defaults?.agent !== undefined) return 'agent';
  const stream = task.stream !== undefined ? plan.streams?.[task.stream] : undefined;
  if (stream?.agent !== undefined) return 'agent';
  return 'manual';
}

function complexityOf(task: Task): TaskModel['complexity'] {
  const c = task.complexity ?? task.boundaries?.complexity;
  if (c === undefined) return null;
  return typeof c === 'string' ? { value: c, breakdown: null } : { value: c.value, breakdown: c.breakdown ?? null };
}

function guidanceOf(task: Task): TaskModel['guidance'] {
  const g = task.guidance;
  if (g === undefined) return null;
  const l = g.logging ?? {};
  return {
    logging: { on_start: l.on_start ?? null, on_progress: l.on_progress ?? null, on_completion: l.on_completion ?? null, log_format: l.log_format ?? null },
    checkpoints: g.checkpoints ?? [],
  };
}

export function normalizePlan(plan: Plan, layers: SettingsLayers = {}): PlanModel {
  const settings = resolveSettings(plan, layers);
  const phases = (plan.phases ?? []).map((p, index) => ({ id: p.id, title: p.title ?? p.id, description: p.description ?? null, index }));
  const phaseIndex = new Map(phases.map((p) => [p.id, p.index]));
  return expandTestStrategy({
    name: plan.name,
    title: plan.title ?? plan.name,
    settings,
    tasks: plan.tasks.map((task, index) => taskModel(plan, task, index, settings, phaseIndex)),
    edges: edgeModels(plan, settings),
    resources: [...Object.entries(plan.resources ?? {}).map(([name, r]) => ({ name, capacity: r.capacity, reason: r.reason ?? null })), ...machineResources(plan)],
    phases,
    streams: Object.entries(plan.streams ?? {}).map(([name, s]) => ({ name, title: s.title ?? null, owns: s.owns ?? [], skills: s.skills ?? [] })),
    source: plan,
  });
}

/** The units it claims of each resource: its requests of at least one unit, then its machine hints. */
function resourcesOf(task: Task): Record<string, number> {
  const out: Record<string, number> = {};
  if (task.resources) for (const [name, units] of Object.entries(task.resources)) if (units >= 1) out[name] = units;
  if (task.cpu !== undefined || task.memory !== undefined) Object.assign(out, hintUnits(task));
  return out;
}

/** One task with every default applied (the plan's `defaults`, then the built-in ones). */
function taskModel(plan: Plan, task: Task, index: number, settings: ResolvedSettings, phaseIndex: ReadonlyMap<string, number>): TaskModel {
  const defaults = plan.defaults ?? {};
  const timeout = task.timeout ?? defaults.timeout;
  const kind = taskKind(task, plan);
  // The duration's fields written out, not spread: a spread in the middle of this literal made V8 build
  // every task model key by key (a third of normalize's time on 10,000 tasks). Same keys, same order.
  const { hours, pert, durationSource } = taskDuration(task, settings);
  return {
    id: task.id,
    index,
    title: task.title,
    description: task.description ?? '',
    kind,
    hours,
    pert,
    durationSource,
    generatedFor: null,
    resources: resourcesOf(task),
    files: task.files ?? [],
    phase: task.phase ?? null,
    phaseIndex: task.phase !== undefined ? (phaseIndex.get(task.phase) ?? -1) : -1,
    stream: task.stream ?? null,
    feature: task.feature ?? null,
    risk: task.risk ?? null,
    test: task.test ?? defaults.test ?? null,
    priority: task.priority ?? null,
    acceptance: task.acceptance ?? [],
    run: kind === 'command' ? (Array.isArray(task.run) ? task.run : [task.run!]) : [],
    retries: task.retries ?? defaults.retries ?? 0,
    timeoutSeconds: timeout !== undefined ? Math.round(hoursOf(timeout) * 3600) : null,
    gate: task.gate ?? null,
    evidence: normalizeEvidence(task.evidence),
    produces: task.produces ?? [],
    consumes: task.consumes ?? [],
    complexity: complexityOf(task),
    category: task.category ?? null,
    guidance: guidanceOf(task),
    avoidConcurrentWith: task.avoid_concurrent_with ?? [],
    source: task,
  };
}

/** Every dependency: `needs`, then `deps` (scheduled when hard and confident enough), per task; then the inferred interface ones. */
function edgeModels(plan: Plan, settings: ResolvedSettings): EdgeModel[] {
  const edges: EdgeModel[] = [];
  for (const task of plan.tasks) {
    for (const need of task.needs ?? []) {
      edges.push({ from: need, to: task.id, type: 'technical', confidence: 1, hard: true, reason: null, evidence: [], origin: 'needs', scheduled: true });
    }
    for (const dep of task.deps ?? []) {
      const confidence = dep.confidence ?? 1;
      const hard = dep.hard ?? true;
      edges.push({
        from: dep.task,
        to: task.id,
        type: dep.type ?? 'technical',
        confidence,
        hard,
        reason: dep.reason ?? null,
        evidence: normalizeEvidence(dep.evidence),
        origin: 'deps',
        scheduled: hard && confidence >= settings.minConfidence,
      });
    }
  }
  for (const e of inferredEdges(plan)) {
    edges.push({
      from: plan.tasks[e.from]!.id,
      to: plan.tasks[e.to]!.id,
      type: 'technical',
      confidence: inferredConfidence,
      hard: true,
      reason: inferredReason(e.interface),
      evidence: [],
      origin: 'interface',
      scheduled: inferredConfidence >= settings.minConfidence,
    });
  }
  return edges;
}

/** The implicit `cpu` and `memory` resources of the per-task hints (unless the plan declares them itself). */
function machineResources(plan: Plan): Array<{ name: string; capacity: number; reason: string | null }> {
  const used = usesMachineHints(plan);
  const capacity = machineCapacity(plan);
  const out: Array<{ name: string; capacity: number; reason: string | null }> = [];
  if (used.cpu && !plan.resources?.cpu) out.push({ name: 'cpu', capacity: capacity.cpu, reason: 'cores of the machine (settings.machine.cpu): tasks claim them with `cpu:`' });
  if (used.memory && !plan.resources?.memory)
    out.push({ name: 'memory', capacity: capacity.memory, reason: 'GiB of memory of the machine (settings.machine.memory): tasks claim them with `memory:`' });
  return out;
}
