/**
 * The one-screen summary `execplan show` prints, from a compiled plan or from the artifacts `compile`
 * wrote (tasks.json, dag.json, waves.json), so a reviewer can look at either. Pure: data in, text out.
 */
import type { PlanAnalysis } from '../compiler/analysis/index.js';
import type { CompiledPlan } from '../compiler/compiled.js';
import type { Diagnostic } from '../compiler/diagnostic.js';

export interface PlanSummary {
  name: string;
  title: string;
  tasks: number;
  byKind: Record<string, number>;
  streams: Array<{ name: string; tasks: number }>;
  phases: Array<{ id: string; tasks: number }>;
  features: number;
  dependencies: number;
  makespanHours: number;
  lowerBoundHours: number;
  totalHours: number;
  criticalPath: string[];
  criticalPathHours: number;
  waves: number;
  scope: { recommendation: string; confidence: string; rationale: string[] } | null;
  warnings: string[];
}

const round = (h: number) => Math.round(h * 100) / 100;

function countBy<T>(items: readonly T[], key: (item: T) => string | null | undefined, order: readonly string[]): Array<{ name: string; tasks: number }> {
  const counts = new Map<string, number>(order.map((o) => [o, 0]));
  for (const item of items) {
    const k = key(item);
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([name, tasks]) => ({ name, tasks }));
}

export function summarizeCompiled(compiled: CompiledPlan, analysis: PlanAnalysis | null, diagnostics: readonly Diagnostic[]): PlanSummary {
  const { model } = compiled;
  const byKind: Record<string, number> = {};
  for (const t of model.tasks) byKind[t.kind] = (byKind[t.kind] ?? 0) + 1;
  return {
    name: model.name,
    title: model.title,
    tasks: model.tasks.length,
    byKind,
    streams: countBy(
      model.tasks,
      (t) => t.stream,
      model.streams.map((s) => s.name),
    ),
    phases: countBy(
      model.tasks,
      (t) => t.phase,
      model.phases.map((p) => p.id),
    ).map(({ name, tasks }) => ({ id: name, tasks })),
    features: model.source.features?.length ?? 0,
    dependencies: compiled.graph.edges.length,
    makespanHours: round(compiled.frontier.makespanHours),
    lowerBoundHours: round(compiled.frontier.lowerBound.hours),
    totalHours: round(model.tasks.reduce((s, t) => s + t.hours, 0)),
    criticalPath: compiled.graph.criticalPath,
    criticalPathHours: round(compiled.graph.criticalPathHours),
    waves: compiled.waves.waves.length,
    scope: analysis ? { recommendation: analysis.scope.recommendation, confidence: analysis.scope.confidence, rationale: analysis.scope.rationale } : null,
    warnings: diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`),
  };
}

// Artifacts read back from disk: the fields the summary reads, as schema/{tasks,dag,waves}.schema.json
// define them (docs/artifacts.md). Each is optional and still checked where it is read: a folder from an
// older compile may lack a field, which then shows as unknown rather than failing.

/** One entry of tasks.json's `tasks`. */
export interface TasksJsonTask {
  kind?: string;
  stream?: string | null;
  phase?: string | null;
  feature_id?: string | null;
  expected_hours?: number | null;
}

export interface TasksJson {
  tasks?: TasksJsonTask[];
  meta?: { plan?: string; title?: string; scope_assessment?: { recommendation?: string; confidence?: string; rationale?: string[] } | null };
}

export interface DagJson {
  planId?: string;
  metrics?: { edges?: number };
  edges?: unknown[];
  critical_path?: string[];
  criticalPathHours?: number;
  warnings?: unknown[];
}

export interface WavesJson {
  execution_models?: {
    rolling_frontier?: { makespan_hours?: number; lower_bound_hours?: number };
    wave_based?: { total_waves?: number; waves?: unknown[] };
  };
}

/** From compiled artifacts; `null` fields in them (an older compile) show as unknown rather than failing. */
export function summarizeArtifacts(tasksJson: TasksJson, dagJson: DagJson, wavesJson: WavesJson): PlanSummary {
  const tasks: TasksJsonTask[] = Array.isArray(tasksJson.tasks) ? tasksJson.tasks : [];
  const byKind: Record<string, number> = {};
  for (const t of tasks) byKind[String(t.kind ?? 'task')] = (byKind[String(t.kind ?? 'task')] ?? 0) + 1;
  const frontier = wavesJson.execution_models?.rolling_frontier ?? {};
  const scope = tasksJson.meta?.scope_assessment;
  const firstSeen = (key: 'stream' | 'phase') => [...new Set(tasks.map((t) => t[key]).filter((v): v is string => typeof v === 'string'))];
  return {
    name: String(tasksJson.meta?.plan ?? dagJson.planId ?? '?'),
    title: String(tasksJson.meta?.title ?? tasksJson.meta?.plan ?? '?'),
    tasks: tasks.length,
    byKind,
    streams: countBy(tasks, (t) => t.stream, firstSeen('stream')),
    phases: countBy(tasks, (t) => t.phase, firstSeen('phase')).map(({ name, tasks: n }) => ({ id: name, tasks: n })),
    features: new Set(tasks.map((t) => t.feature_id).filter(Boolean)).size,
    dependencies: Number(dagJson.metrics?.edges ?? (Array.isArray(dagJson.edges) ? dagJson.edges.length : 0)),
    makespanHours: round(Number(frontier.makespan_hours ?? 0)),
    lowerBoundHours: round(Number(frontier.lower_bound_hours ?? 0)),
    totalHours: round(tasks.reduce((s, t) => s + Number(t.expected_hours ?? 0), 0)),
    criticalPath: Array.isArray(dagJson.critical_path) ? dagJson.critical_path : [],
    criticalPathHours: round(Number(dagJson.criticalPathHours ?? 0)),
    waves: Number(wavesJson.execution_models?.wave_based?.total_waves ?? wavesJson.execution_models?.wave_based?.waves?.length ?? 0),
    scope: scope
      ? { recommendation: String(scope.recommendation), confidence: String(scope.confidence), rationale: Array.isArray(scope.rationale) ? scope.rationale.map(String) : [] }
      : null,
    warnings: Array.isArray(dagJson.warnings) ? dagJson.warnings.map((w) => (typeof w === 'string' ? w : JSON.stringify(w))) : [],
  };
}

export function renderSummary(s: PlanSummary, maxWarnings = 5): string {
  const lines: string[] = [];
  lines.push(`${s.title} (${s.name})`);
  const kinds = Object.entries(s.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  lines.push(
    `tasks: ${s.tasks}${kinds ? ` (${kinds})` : ''}, ${s.dependencies} scheduled dependenc${s.dependencies === 1 ? 'y' : 'ies'}, ${s.totalHours} h of work${s.features ? `, ${s.features} feature${s.features === 1 ? '' : 's'}` : ''}`,
  );
  if (s.streams.length) lines.push(`streams: ${s.streams.map((x) => `${x.name} (${x.tasks})`).join(', ')}`);
  if (s.phases.length) lines.push(`phases: ${s.phases.map((x) => `${x.id} (${x.tasks})`).join(' -> ')}`);
  lines.push(`makespan: ${s.makespanHours} h (lower bound ${s.lowerBoundHours} h), ${s.waves} wave${s.waves === 1 ? '' : 's'}`);
  lines.push(`critical path: ${s.criticalPath.join(' -> ') || '(none)'} (${s.criticalPathHours} h)`);
  if (s.scope) lines.push(`scope: ${s.scope.recommendation} (confidence ${s.scope.confidence})${s.scope.rationale.length ? `: ${s.scope.rationale.join(' ')}` : ''}`);
  if (s.warnings.length === 0) lines.push('warnings: none');
  else {
    lines.push(`warnings: ${s.warnings.length}`);
    for (const w of s.warnings.slice(0, maxWarnings)) lines.push(`  ${w}`);
    if (s.warnings.length > maxWarnings) lines.push(`  ... ${s.warnings.length - maxWarnings} more (execplan validate)`);
  }
  return `${lines.join('\n')}\n`;
}
