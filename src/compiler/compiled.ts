/**
 * The compiled plan: what `compilePlan(model)` returns and every later stage (artifacts, runner) reads.
 * All times are in hours from the start of the plan; all task references are task ids.
 */
import type { ContestedFile } from './contested.js';
import type { QualityMetrics } from './analysis/quality.js';
import type { EdgeModel, PlanModel } from './model.js';
import type { ScheduleInsights } from './schedule/insights.js';
import type { ScheduleRisk } from './schedule/risk.js';

/**
 * What the planning analysis (scope, decomposition, streams, test strategy, review rules) reads of a
 * compiled plan: no schedule, so validate need not build one (compileForAnalysis).
 */
export type AnalysisInput = Pick<CompiledPlan, 'model' | 'quality' | 'contested'> & { graph: AnalysisGraph };

/** What the planning analysis and the quality metrics read of the dependency graph (a CompiledPlan's graph has it all). */
export type AnalysisGraph = Pick<DependencyGraph, 'edges' | 'criticalPathHours'> & { metrics: Pick<GraphMetrics, 'edgeDensity'> };

export interface CompiledPlan {
  model: PlanModel;
  graph: DependencyGraph;
  /** Overlapping files, as patterns and the tasks holding them. */
  conflicts: FileConflicts;
  waves: WaveSchedule;
  frontier: FrontierSchedule;
  /** Completion-time distributions of both schedules and each task's criticality (Monte Carlo). */
  risk: ScheduleRisk;
  /** Resource costs, waits, snapshots and the frontier against the waves, from the schedules. */
  insights: ScheduleInsights;
  /** Verb-first titles, evidence coverage, near-duplicate tasks, edge density band. */
  quality: QualityMetrics;
  /** Files that conflicted in earlier runs in this repository and the tasks here that touch them (kept apart). */
  contested: ContestedFile[];
}

// ---------------------------------------------------------------- graph

export interface TaskTiming {
  /** Earliest start / finish with unlimited resources (critical-path method), hours. */
  earliestStart: number;
  earliestFinish: number;
  /** Latest start / finish that does not delay the critical path. */
  latestStart: number;
  latestFinish: number;
  /** latestStart - earliestStart; 0 on the critical path. */
  slack: number;
}

export interface GraphMetrics {
  minConfidenceApplied: number;
  nodes: number;
  /** Scheduled (hard, confident) dependencies between tasks, not counting phase barriers. */
  edges: number;
  /** edges / (nodes * (nodes - 1)); 0 for fewer than two tasks. */
  edgeDensity: number;
  /** Size of the largest Kahn layer (tasks that could run at once with unlimited resources). */
  widthApprox: number;
  widthMethod: 'kahn_layer_max';
  /** Tasks on the longest chain of scheduled dependencies and phase barriers (= number of Kahn layers). */
  longestPath: number;
  /** Expected hours of the critical path (PERT means, phase barriers included). */
  criticalPathHours: number;
  /** Tasks with no scheduled dependency in or out. */
  isolatedTasks: number;
  keptByType: Record<string, number>;
  droppedByType: Record<string, number>;
  lowConfidenceEdgesExcluded: number;
  softEdgesExcluded: number;
  /** Scheduled edges left after transitive reduction. */
  reducedEdges: number;
  /** Scheduled edges that the transitive reduction found redundant. */
  redundantEdges: number;
  mutualExclusionEdges: number;
  /** Tasks that hold at least one resource. */
  resourceConstrainedTasks: number;
  phaseBarriers: number;
}

export interface DependencyGraph {
  /** Every task once, each after all its scheduled predecessors and earlier phases; ties by plan order. */
  topoOrder: string[];
  /** Kahn layers (phase barriers respected), tasks in plan order within a layer. */
  layers: string[][];
  /** The scheduled dependencies (hard, confidence >= min_confidence), in plan order. */
  edges: EdgeModel[];
  /** Transitive reduction of `edges` as [from, to], sorted by the topological position of from, then to. */
  reducedEdges: Array<[string, string]>;
  softDeps: EdgeModel[];
  lowConfidenceDeps: EdgeModel[];
  /** Consecutive non-empty phases: every task of `from` finishes before any task of `to` starts. */
  phaseBarriers: Array<{ from: string; to: string }>;
  /** Task ids of one longest path by expected hours, in order. */
  criticalPath: string[];
  criticalPathHours: number;
  timing: Record<string, TaskTiming>;
  metrics: GraphMetrics;
}

// ---------------------------------------------------------------- conflicts

/**
 * Where an overlapping path came from: the task's `files` globs, or a path mentioned in its description;
 * or a pair of tasks declared never to run together (`avoid_concurrent_with`), kept apart the same way.
 */
export type ConflictSource = 'files' | 'description' | 'avoid_concurrent_with';

/** A distinct normalized pattern of one source: the node conflicts are computed on. */
export interface ConflictPattern {
  /** Normalized (no leading './', a trailing '/' means everything below). */
  pattern: string;
  source: ConflictSource;
  /** Tasks holding it, in plan order. */
  tasks: string[];
}

/** Two patterns (indexes into FileConflicts.patterns) that can match the same path. */
export interface PatternOverlap {
  /** a <= b; a === b: the tasks holding that one pattern conflict with each other. */
  a: number;
  b: number;
  /** 1.0 files/files, 0.8 files/description, 0.5 description/description. */
  confidence: number;
  /**
   * No task holding a runs at the same time as a task holding b: confidence >= min_confidence, or a
   * path named in a description while settings.description_conflicts is enforce (the default).
   */
  enforced: boolean;
  type: ConflictType;
}

/** How sure the overlap is: one file, a directory one side claims, or two wildcards that may meet. */
export type ConflictType = 'same_file' | 'same_directory' | 'potential' | 'declared';

/** A connected set of overlapping patterns and the tasks holding them. */
export interface ConflictGroup {
  /** Indexes into FileConflicts.patterns, ascending. */
  patterns: number[];
  /** Indexes into FileConflicts.overlaps, ascending. */
  overlaps: number[];
  /** Tasks holding any of the patterns, in plan order. */
  tasks: string[];
  /** The best overlap's confidence. */
  confidence: number;
  /** At least one overlap of the group is enforced. */
  enforced: boolean;
}

/**
 * File conflicts at the pattern level (never per task pair, which grows quadratically): tasks a and b
 * conflict when a holds a pattern that overlaps a pattern b holds; the pair is kept apart when one such
 * overlap is enforced. Only patterns and overlaps that tie two different tasks are kept.
 */
export interface FileConflicts {
  /** Sorted by (pattern, source). */
  patterns: ConflictPattern[];
  /** Sorted by (a, b). */
  overlaps: PatternOverlap[];
  /** Sorted by their first pattern. */
  groups: ConflictGroup[];
  /** Per task (plan index): the patterns it holds, ascending. */
  heldBy: number[][];
  /** Per pattern: the patterns it has an enforced overlap with (itself included), ascending. */
  excludes: number[][];
}

// ---------------------------------------------------------------- schedules

export interface Estimates {
  p50Hours: number;
  p80Hours: number;
  p95Hours: number;
}

export type DeferralReason = 'size' | 'concurrency' | 'resource' | 'files';

export interface Deferral {
  /** A task that was ready for this wave but placed in a later one. */
  task: string;
  reason: DeferralReason;
  /** For 'resource': the resource that was full. */
  resource?: string;
  /** For 'files': the tasks already in the wave whose files overlap. */
  conflictsWith?: string[];
}

export interface Wave {
  waveNumber: number;
  /** In plan order. */
  tasks: string[];
  /** The wave ends with its slowest task. */
  estimates: Estimates;
  /** Sum of p50 of the earlier waves. */
  startHours: number;
  phases: string[];
  /** Units of each resource held by the wave's tasks (resources with usage only, sorted by name). */
  resourceUsage: Record<string, number>;
  deferred: Deferral[];
}

export interface WaveSchedule {
  maxWaveSize: number;
  /** min(max_wave_size, max_concurrency): the most tasks a wave holds. */
  waveCapacity: number;
  waves: Wave[];
  /** Estimates of the whole plan run wave by wave. */
  totals: Estimates;
  /** Sum of the waves' p50: comparable to the frontier's makespan_hours. */
  makespanHours: number;
}

export interface ScheduledTask {
  task: string;
  start: number;
  finish: number;
}

export interface LowerBound {
  hours: number;
  criticalPathHours: number;
  /** Per resource: total (hours x units) / capacity. */
  resourceHours: Record<string, number>;
  /** Total task hours / max_concurrency (0 when concurrency cannot bind). */
  concurrencyHours: number;
  /** Which bound is the best one. */
  binding: string;
  /** The pattern whose holders (kept apart from each other) have the most hours, when there is one. */
  filesHours?: { pattern: string; hours: number };
}

export interface OptimizerReport {
  method: string;
  seed: string;
  /** Schedule generations granted (settings.optimize_iterations, or derived from a deterministic work count). */
  budget: number;
  /** Schedule generations used: fewer than the budget when a schedule reached the lower bound. */
  schedulesEvaluated: number;
  /** Makespan of a single parallel-SGS pass with latest-finish-time priority, before improvement. */
  baselineMakespanHours: number;
}

export interface FrontierSchedule {
  /** Sorted by start, then by the launch priority. */
  schedule: ScheduledTask[];
  /** The launch order the runner uses: task ids by scheduled start, ties by id. */
  priority: string[];
  initialFrontier: string[];
  maxConcurrencyLimit: number;
  makespanHours: number;
  lowerBound: LowerBound;
  /** (makespan - lower bound) / lower bound; 0 when both are 0. */
  gap: number;
  /** Busy share of each resource's capacity over the makespan, and of the concurrency limit. */
  utilization: { concurrency: number; resources: Record<string, number> };
  averageConcurrency: number;
  maxConcurrency: number;
  optimizer: OptimizerReport;
}
