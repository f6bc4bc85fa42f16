/**
 * What changed between two versions of a plan, and what that does to the schedule: tasks added, removed
 * and changed (field by field), dependencies added and removed, resources, phases and streams changed,
 * and the makespan, critical path and waves before and after. Pure: two compiled plans in, a report out.
 */
import type { CompiledPlan } from '../compiler/compiled.js';

export interface FieldChange {
  before: unknown;
  after: unknown;
}

export interface PlanDiff {
  added: Array<{ id: string; title: string }>;
  removed: Array<{ id: string; title: string }>;
  changed: Array<{ id: string; fields: Record<string, FieldChange> }>;
  /** A dependency is "task needs on"; scheduled ones (hard, confident) only carry weight in the schedule. */
  dependencies: { added: Array<{ task: string; needs: string; scheduled: boolean }>; removed: Array<{ task: string; needs: string; scheduled: boolean }> };
  resources: { added: string[]; removed: string[]; changed: Array<{ name: string; before: number; after: number }> };
  phases: { before: string[]; after: string[]; changed: boolean };
  streams: { added: string[]; removed: string[] };
  makespan: { before: number; after: number; delta: number };
  criticalPath: { before: string[]; after: string[]; hoursBefore: number; hoursAfter: number };
  waves: { before: number; after: number };
  /** Tasks moved in plan order (ties launch in plan order). */
  reordered: boolean;
}

/** Task fields compared one by one; dependencies are compared as edges, not as lists. */
const dependencyFields = new Set(['id', 'needs', 'deps']);

export function diffPlans(before: CompiledPlan, after: CompiledPlan): PlanDiff {
  const oldTasks = new Map(before.model.source.tasks.map((t) => [t.id, t]));
  const newTasks = new Map(after.model.source.tasks.map((t) => [t.id, t]));
  const phasesBefore = before.model.phases.map((p) => p.id);
  const phasesAfter = after.model.phases.map((p) => p.id);
  const streamsBefore = before.model.streams.map((s) => s.name);
  const streamsAfter = after.model.streams.map((s) => s.name);
  const common = (list: string[], other: Map<string, unknown>) => list.filter((id) => other.has(id));
  return {
    added: after.model.source.tasks.filter((t) => !oldTasks.has(t.id)).map((t) => ({ id: t.id, title: t.title })),
    removed: before.model.source.tasks.filter((t) => !newTasks.has(t.id)).map((t) => ({ id: t.id, title: t.title })),
    changed: changedTasks(before, after),
    dependencies: dependencyChanges(before, after),
    resources: resourceChanges(before, after),
    phases: {
      before: phasesBefore,
      after: phasesAfter,
      changed: canonical(phasesBefore) !== canonical(phasesAfter) || canonical(before.model.source.phases ?? []) !== canonical(after.model.source.phases ?? []),
    },
    streams: { added: streamsAfter.filter((s) => !streamsBefore.includes(s)), removed: streamsBefore.filter((s) => !streamsAfter.includes(s)) },
    ...scheduleChanges(before, after),
    reordered: canonical(common([...oldTasks.keys()], newTasks)) !== canonical(common([...newTasks.keys()], oldTasks)),
  };
}

/** Tasks in both versions whose fields differ, field by field (dependencies are compared as edges). */
function changedTasks(before: CompiledPlan, after: CompiledPlan): PlanDiff['changed'] {
  const oldTasks = new Map(before.model.source.tasks.map((t) => [t.id, t]));
  const changed: PlanDiff['changed'] = [];
  for (const task of after.model.source.tasks) {
    const old = oldTasks.get(task.id);
    if (!old) continue;
    const fields: Record<string, FieldChange> = {};
    const keys = [...new Set([...Object.keys(old), ...Object.keys(task)])].filter((k) => !dependencyFields.has(k));
    for (const key of keys) {
      const a = (old as unknown as Record<string, unknown>)[key];
      const b = (task as unknown as Record<string, unknown>)[key];
      if (canonical(a) !== canonical(b)) fields[key] = { before: a ?? null, after: b ?? null };
    }
    if (Object.keys(fields).length) changed.push({ id: task.id, fields });
  }
  return changed;
}

function dependencyChanges(before: CompiledPlan, after: CompiledPlan): PlanDiff['dependencies'] {
  const edgeKey = (e: { from: string; to: string }) => `${e.to}\u0000${e.from}`;
  const oldEdges = new Map(before.model.edges.map((e) => [edgeKey(e), e]));
  const newEdges = new Map(after.model.edges.map((e) => [edgeKey(e), e]));
  return {
    added: after.model.edges.filter((e) => !oldEdges.has(edgeKey(e))).map((e) => ({ task: e.to, needs: e.from, scheduled: e.scheduled })),
    removed: before.model.edges.filter((e) => !newEdges.has(edgeKey(e))).map((e) => ({ task: e.to, needs: e.from, scheduled: e.scheduled })),
  };
}

function resourceChanges(before: CompiledPlan, after: CompiledPlan): PlanDiff['resources'] {
  const oldRes = new Map(before.model.resources.map((r) => [r.name, r.capacity]));
  const newRes = new Map(after.model.resources.map((r) => [r.name, r.capacity]));
  return {
    added: [...newRes.keys()].filter((n) => !oldRes.has(n)),
    removed: [...oldRes.keys()].filter((n) => !newRes.has(n)),
    changed: [...newRes].filter(([n, c]) => oldRes.has(n) && oldRes.get(n) !== c).map(([name, c]) => ({ name, before: oldRes.get(name)!, after: c })),
  };
}

/** Makespan, critical path and waves before and after (hours to two decimals). */
function scheduleChanges(before: CompiledPlan, after: CompiledPlan): Pick<PlanDiff, 'makespan' | 'criticalPath' | 'waves'> {
  // Not the shared `round` of compiler/rounding.ts: that one adds Number.EPSILON first, so a figure such as
  // 1.005 h becomes 1.01 there and 1 here. Switching would change what `execplan diff` prints for such values.
  const round = (h: number) => Math.round(h * 100) / 100;
  return {
    makespan: {
      before: round(before.frontier.makespanHours),
      after: round(after.frontier.makespanHours),
      delta: round(after.frontier.makespanHours - before.frontier.makespanHours),
    },
    criticalPath: {
      before: before.graph.criticalPath,
      after: after.graph.criticalPath,
      hoursBefore: round(before.graph.criticalPathHours),
      hoursAfter: round(after.graph.criticalPathHours),
    },
    waves: { before: before.waves.waves.length, after: after.waves.waves.length },
  };
}

/** Key-order independent JSON, so `{a, b}` and `{b, a}` are the same value. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
    ) ?? 'undefined'
  );
}

const show = (v: unknown) => (v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

/** The report as a person reads it. */
export function renderPlanDiff(diff: PlanDiff, names: { before: string; after: string }): string {
  const out: string[] = [`${names.before} -> ${names.after}`];
  const nothing =
    !diff.added.length &&
    !diff.removed.length &&
    !diff.changed.length &&
    !diff.dependencies.added.length &&
    !diff.dependencies.removed.length &&
    !diff.resources.added.length &&
    !diff.resources.removed.length &&
    !diff.resources.changed.length &&
    !diff.phases.changed &&
    !diff.streams.added.length &&
    !diff.streams.removed.length &&
    !diff.reordered;
  if (nothing) out.push('no changes to tasks, dependencies, resources, phases or streams');
  for (const t of diff.added) out.push(`+ task ${t.id}: ${t.title}`);
  for (const t of diff.removed) out.push(`- task ${t.id}: ${t.title}`);
  for (const c of diff.changed) {
    out.push(`~ task ${c.id}`);
    for (const [field, { before, after }] of Object.entries(c.fields)) out.push(`    ${field}: ${show(before)} -> ${show(after)}`);
  }
  const dep = (d: { task: string; needs: string; scheduled: boolean }) => `${d.task} needs ${d.needs}${d.scheduled ? '' : ' (not scheduled: soft or low confidence)'}`;
  for (const d of diff.dependencies.added) out.push(`+ dependency ${dep(d)}`);
  for (const d of diff.dependencies.removed) out.push(`- dependency ${dep(d)}`);
  for (const r of diff.resources.added) out.push(`+ resource ${r}`);
  for (const r of diff.resources.removed) out.push(`- resource ${r}`);
  for (const r of diff.resources.changed) out.push(`~ resource ${r.name}: capacity ${r.before} -> ${r.after}`);
  for (const s of diff.streams.added) out.push(`+ stream ${s}`);
  for (const s of diff.streams.removed) out.push(`- stream ${s}`);
  if (diff.phases.changed) out.push(`~ phases: ${diff.phases.before.join(', ') || '(none)'} -> ${diff.phases.after.join(', ') || '(none)'}`);
  if (diff.reordered) out.push('~ task order changed (tasks launch in plan order on ties)');
  const sign = (n: number) => (n > 0 ? `+${n}` : `${n}`);
  out.push('');
  out.push(`makespan: ${diff.makespan.before} h -> ${diff.makespan.after} h (${sign(diff.makespan.delta)} h)`);
  const samePath = diff.criticalPath.before.join() === diff.criticalPath.after.join();
  out.push(
    samePath
      ? `critical path: unchanged, ${diff.criticalPath.hoursBefore} h -> ${diff.criticalPath.hoursAfter} h (${diff.criticalPath.after.join(' -> ')})`
      : `critical path: ${diff.criticalPath.before.join(' -> ') || '(none)'} (${diff.criticalPath.hoursBefore} h) -> ${diff.criticalPath.after.join(' -> ') || '(none)'} (${diff.criticalPath.hoursAfter} h)`,
  );
  out.push(`waves: ${diff.waves.before} -> ${diff.waves.after}`);
  return `${out.join('\n')}\n`;
}
