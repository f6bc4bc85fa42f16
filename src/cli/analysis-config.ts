/** execplan.config.yaml `analysis:` (snake_case) -> the analysis thresholds (camelCase). */
import type { AnalysisThresholds } from '../compiler/analysis/thresholds.js';
import type { Config } from '../types/config.js';

const keys: Record<keyof NonNullable<Config['analysis']>, keyof AnalysisThresholds> = {
  single_agent_max_hours: 'singleAgentMaxHours',
  min_parallelism: 'minParallelism',
  decomposition_hours: 'decompositionHours',
  decomposition_tasks: 'decompositionTasks',
  tiny_task_hours: 'tinyTaskHours',
  min_average_task_hours: 'minAverageTaskHours',
  large_plan_tasks: 'largePlanTasks',
  split_above_hours: 'splitAboveHours',
  split_target_hours: 'splitTargetHours',
  condense_graph_above: 'condenseGraphAbove',
  graph_per_phase_above: 'graphPerPhaseAbove',
};

export function analysisThresholds(config: Config): Partial<AnalysisThresholds> {
  const out: Partial<AnalysisThresholds> = {};
  for (const [key, value] of Object.entries(config.analysis ?? {})) {
    if (typeof value === 'number') out[keys[key as keyof typeof keys]] = value;
  }
  return out;
}
