/**
 * The numbers behind the planning analysis (docs/artifacts.md explains each rule). Every one can be
 * overridden by the caller, so a team can tune them without touching the rules themselves.
 */
export interface AnalysisThresholds {
  /** Scope: at most this much total work (hours) is comfortably one agent's job. */
  singleAgentMaxHours: number;
  /** Scope: total work / critical path below this means parallel agents gain little. */
  minParallelism: number;
  /** Scope: above this much total work (hours) one plan is too big: split the spec. */
  decompositionHours: number;
  /** Scope: above this many tasks one plan is too big to review: split the spec. */
  decompositionTasks: number;
  /** Over-decomposition: tasks shorter than this (hours) should be merged with a neighbour (default 0.5 h). */
  tinyTaskHours: number;
  /** Over-decomposition: an average task shorter than this (hours) means too many tasks for the effort. */
  minAverageTaskHours: number;
  /** Over-decomposition: the average-size rule only applies from this many tasks on. */
  minTasksForRatioCheck: number;
  /** Large plan: from this many tasks on the plan asks for explicit review. */
  largePlanTasks: number;
  /** Split: tasks longer than this (hours) get a split suggestion (default 16 h). */
  splitAboveHours: number;
  /** Split: the size each part of a split aims for (hours). */
  splitTargetHours: number;
  /** Plan.md: above this many tasks the Mermaid graph is condensed to phases and streams. */
  condenseGraphAbove: number;
  /** Plan.md: above this many tasks a phased plan gets the condensed overview plus one graph per phase. */
  graphPerPhaseAbove: number;
}

export const defaultThresholds: AnalysisThresholds = {
  singleAgentMaxHours: 16,
  minParallelism: 1.5,
  decompositionHours: 320,
  decompositionTasks: 150,
  tinyTaskHours: 0.5,
  minAverageTaskHours: 1,
  minTasksForRatioCheck: 8,
  largePlanTasks: 100,
  splitAboveHours: 16,
  splitTargetHours: 8,
  condenseGraphAbove: 60,
  graphPerPhaseAbove: 30,
};

export function resolveThresholds(overrides: Partial<AnalysisThresholds> = {}): AnalysisThresholds {
  return { ...defaultThresholds, ...overrides };
}

/** A warning or note from the analysis: reported in Plan.md / Decisions.md and by `compile`, never fatal. */
export interface Finding {
  severity: 'warning' | 'info';
  /** Stable kebab-case code (docs/artifacts.md). */
  code: string;
  message: string;
  tasks: string[];
  streams: string[];
}
