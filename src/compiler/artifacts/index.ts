/**
 * Every artifact (docs/artifacts.md) as one map filename -> content, so `compile` writes them in one loop
 * and `compile --check` compares the same map with the disk. Pure: templates and plan text come in.
 */
import { analyzePlan, type AnalysisThresholds, type PlanAnalysis } from '../analysis/index.js';
import type { CompiledPlan } from '../compiled.js';
import type { Diagnostic } from '../diagnostic.js';
import { renderDag } from './dag-json.js';
import { renderWaves } from './waves-json.js';
import { buildBeadsIssues, renderBeadsJsonl } from './beads.js';
import type { ArtifactContext } from './context.js';
import { renderCoordinatorJson } from './coordinator-json.js';
import { renderFeaturesJson } from './features-json.js';
import { renderDecisionsMd, renderPlanMd, type Templates } from './markdown.js';
import { renderMetaJson } from './meta-json.js';
import { renderTasksJson } from './tasks-json.js';

export interface ArtifactInputs {
  compiled: CompiledPlan;
  templates: Templates;
  /** From artifactTimestamp(): SOURCE_DATE_EPOCH or the fixed value. */
  timestamp: string;
  version: string;
  planText: string;
  planFile: string;
  thresholds?: Partial<AnalysisThresholds>;
  /** The analysis when the caller already has it (compile prints its warnings), so it runs once. */
  analysis?: PlanAnalysis;
  /** The plan's warnings (and errors, if any), reported in dag.json. */
  diagnostics?: readonly Diagnostic[];
}

/** dag.json and waves.json: the graph and the two schedules, which need only the compiled plan. */
export function renderScheduleArtifacts(compiled: CompiledPlan, options: { diagnostics?: readonly Diagnostic[]; timestamp?: string | null } = {}): Record<string, string> {
  const timestamp = options.timestamp ?? null;
  return { 'dag.json': renderDag(compiled, options.diagnostics ?? [], timestamp), 'waves.json': renderWaves(compiled, timestamp) };
}

export const metaFile = '.tasks-meta.json';

export function renderArtifacts(inputs: ArtifactInputs): Record<string, string> {
  const ctx: ArtifactContext = {
    compiled: inputs.compiled,
    analysis: inputs.analysis ?? analyzePlan(inputs.compiled, inputs.thresholds),
    timestamp: inputs.timestamp,
    version: inputs.version,
    planText: inputs.planText,
    planFile: inputs.planFile,
    // Plan.md counts every warning of the plan (validate's and compile's are one list).
    ...(inputs.diagnostics ? { warnings: inputs.diagnostics.filter((d) => d.severity === 'warning').map((d) => ({ code: d.code, message: d.message })) } : {}),
  };
  const files: Record<string, string> = {
    ...renderScheduleArtifacts(inputs.compiled, { diagnostics: inputs.diagnostics, timestamp: inputs.timestamp }),
    'features.json': renderFeaturesJson(ctx),
    'tasks.json': renderTasksJson(ctx),
    'coordinator.json': renderCoordinatorJson(ctx),
    'Plan.md': renderPlanMd(ctx, inputs.templates),
    'Decisions.md': renderDecisionsMd(ctx, inputs.templates),
    'beads.jsonl': renderBeadsJsonl(buildBeadsIssues(inputs.compiled, { timestamp: inputs.timestamp })),
  };
  files[metaFile] = renderMetaJson(ctx, files);
  return Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((k) => [k, files[k]!]),
  );
}
