/**
 * Every artifact (docs/artifacts.md): `compile` writes each as it is rendered and `compile --check`
 * compares each with the disk (emitArtifacts); renderArtifacts returns them as one map filename ->
 * content. Pure: templates and plan text come in.
 */
import { analyzePlan, type AnalysisThresholds, type PlanAnalysis } from '../analysis/index.js';
import type { CompiledPlan } from '../compiled.js';
import type { Diagnostic } from '../diagnostic.js';
import { renderDag } from './dag-json.js';
import { renderWaves } from './waves-json.js';
import { beadsJsonlPieces } from './beads.js';
import type { ArtifactContext } from './context.js';
import { renderCoordinatorJson } from './coordinator-json.js';
import { renderFeaturesJson } from './features-json.js';
import { renderDecisionsMd, renderPlanMd, type Templates } from './markdown.js';
import { renderMetaJson } from './meta-json.js';
import { renderTasksJson } from './tasks-json.js';
import { piecesHash, piecesOf, piecesText, type Pieces } from './pieces.js';

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

/** Every file `compile` writes, sorted: known before rendering, so a writer can check the targets first. */
export const artifactNames: readonly string[] = [
  'dag.json',
  'waves.json',
  'features.json',
  'tasks.json',
  'coordinator.json',
  'Plan.md',
  'Decisions.md',
  'beads.jsonl',
  metaFile,
].sort();

/**
 * Receives each artifact's bytes (UTF-8, the file is the pieces one after the other) as soon as it is
 * rendered; called once per name of artifactNames.
 */
export type ArtifactSink = (name: string, pieces: Pieces) => void;

/**
 * Renders every artifact, handing each to `emit` as UTF-8 bytes as soon as it is done and keeping only
 * its hash (for .tasks-meta.json, emitted last): a 10,000-task plan has ~50 MB of artifact text, and
 * holding all of it until the last file is rendered raised the peak memory of compile. The bytes are
 * encoded once, for the hash and the write alike; the largest (tasks.json, beads.jsonl) are encoded
 * piece by piece while they are rendered (pieces.ts).
 */
export function emitArtifacts(inputs: ArtifactInputs, emit: ArtifactSink): void {
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
  const digests: Record<string, string> = {};
  const put = (name: string, content: string | Pieces) => {
    const pieces = piecesOf(content);
    digests[name] = piecesHash(pieces);
    emit(name, pieces);
  };
  put('dag.json', renderDag(inputs.compiled, inputs.diagnostics ?? [], inputs.timestamp));
  put('waves.json', renderWaves(inputs.compiled, inputs.timestamp));
  put('features.json', renderFeaturesJson(ctx));
  put('tasks.json', renderTasksJson(ctx));
  put('coordinator.json', renderCoordinatorJson(ctx));
  put('Plan.md', renderPlanMd(ctx, inputs.templates));
  put('Decisions.md', renderDecisionsMd(ctx, inputs.templates));
  put('beads.jsonl', beadsJsonlPieces(inputs.compiled, { timestamp: inputs.timestamp }));
  put(metaFile, renderMetaJson(ctx, digests));
}

/** Every artifact as one map filename -> content, in name order. */
export function renderArtifacts(inputs: ArtifactInputs): Record<string, string> {
  const files: Record<string, string> = {};
  emitArtifacts(inputs, (name, pieces) => {
    files[name] = piecesText(pieces);
  });
  return Object.fromEntries(artifactNames.map((k) => [k, files[k]!]));
}
