/**
 * The normalized plan every later stage works on (graph, schedules, artifacts, runner).
 * Built from a schema-valid Plan by normalize.ts; all defaults resolved, all durations in hours.
 */
import type { Plan, Task, AcceptanceCheck } from '../types/plan.js';

export type DependencyType = 'technical' | 'sequential' | 'infrastructure' | 'knowledge' | 'mutual_exclusion' | 'resource_limited';

export type TaskKind = 'command' | 'agent' | 'manual';

/** One thing the plan rests on: a quote from the spec (with where it is), or free text as `quote` alone. */
export interface EvidenceItem {
  quote: string;
  section: string | null;
  line: number | null;
}

export type TaskCategory = 'foundation' | 'implementation' | 'integration' | 'optimization';

export interface ExecutionGuidance {
  logging: { on_start: string | null; on_progress: string | null; on_completion: string | null; log_format: string | null };
  checkpoints: string[];
}

export interface Pert {
  optimistic: number;
  likely: number;
  pessimistic: number;
}

export interface TaskModel {
  id: string;
  /**
   * Position in `PlanModel.tasks`: plan.yaml order, with a generated `X.tests` task just before X (see
   * test-strategy.ts). The documented tie-break among equally urgent tasks. For the position in the file,
   * look the id up in `PlanModel.source.tasks`.
   */
  index: number;
  title: string;
  description: string;
  kind: TaskKind;
  /** Expected duration in hours (PERT mean for three-point estimates). Always >= 0. */
  hours: number;
  /** Three-point estimate in hours; a single-point estimate has all three equal. */
  pert: Pert;
  /** Where `hours` came from. */
  durationSource: 'estimate' | 'pert' | 'size' | 'default' | 'test-share';
  /** For a task execplan generated (a test-first/test-parallel `X.tests`), the task it was generated for. */
  generatedFor: string | null;
  /** Units held of each resource while the task runs (only resources with units >= 1). */
  resources: Record<string, number>;
  /** Glob patterns of files the task modifies. */
  files: string[];
  phase: string | null;
  /** Index of the phase in `phases`, or -1 without a phase. */
  phaseIndex: number;
  stream: string | null;
  feature: string | null;
  risk: 'low' | 'medium' | 'high' | null;
  test: 'test-first' | 'test-after' | 'test-parallel' | 'none' | null;
  priority: 'critical' | 'high' | 'medium' | 'low' | null;
  acceptance: AcceptanceCheck[];
  /** Commands run in order (empty unless kind is command). */
  run: string[];
  retries: number;
  /** Timeout in seconds, or null for none. */
  timeoutSeconds: number | null;
  gate: 'approve' | null;
  /** What the task rests on in the spec (empty: nothing given). */
  evidence: EvidenceItem[];
  /** Interfaces it makes available (`produces`), and the ones it uses (`consumes`), as written. */
  produces: string[];
  consumes: string[];
  /** `complexity` (or the older `boundaries.complexity`), or null. */
  complexity: { value: string; breakdown: string | null } | null;
  category: TaskCategory | null;
  guidance: ExecutionGuidance | null;
  /** Tasks it must never run beside, as declared on this task (conflicts.ts makes the relation symmetric). */
  avoidConcurrentWith: string[];
  /** The task exactly as written (for artifacts and agent prompts). */
  source: Task;
}

export interface EdgeModel {
  /** The blocker: must finish first. */
  from: string;
  /** The dependent. */
  to: string;
  type: DependencyType;
  confidence: number;
  hard: boolean;
  reason: string | null;
  evidence: EvidenceItem[];
  /** needs (shorthand), deps (full form), or inferred from an interface the dependent consumes. */
  origin: 'needs' | 'deps' | 'interface';
  /** Hard and confidence >= min_confidence: the schedule honours it. */
  scheduled: boolean;
}

export interface ResourceModel {
  name: string;
  capacity: number;
  reason: string | null;
}

export interface PhaseModel {
  id: string;
  title: string;
  index: number;
}

export interface StreamModel {
  name: string;
  title: string | null;
  owns: string[];
  skills: string[];
}

export interface ResolvedSettings {
  minConfidence: number;
  maxWaveSize: number;
  maxConcurrency: number;
  executionModel: 'rolling_frontier' | 'wave_based';
  sizeHours: Record<'XS' | 'S' | 'M' | 'L' | 'XL', number>;
  /** null = chosen from the plan's size by the scheduler. */
  optimizeIterations: number | null;
  /** Worktree runs: out-of-scope paths in a task's commit are reported (warn) or fail the task. */
  scope: 'warn' | 'fail';

  /** The hard-fail review rules apply (settings.strict or `--strict`). */
  strict: boolean;
  /** Conflicts on paths named only in descriptions: kept apart (enforce) or only reported. */
  descriptionConflicts: 'enforce' | 'report';
}

export interface PlanModel {
  name: string;
  title: string;
  settings: ResolvedSettings;
  /** In plan order. */
  tasks: TaskModel[];
  /** Every declared dependency, in plan order (task order, then needs before deps). */
  edges: EdgeModel[];
  resources: ResourceModel[];
  phases: PhaseModel[];
  streams: StreamModel[];
  /** The plan exactly as written. */
  source: Plan;
}
