/** Built-in defaults (docs/plan-format.md). Config files and plan settings override them. */
import type { ResolvedSettings } from './model.js';

export const builtinSettings: ResolvedSettings = {
  minConfidence: 0.7,
  maxWaveSize: 30,
  maxConcurrency: 10,
  executionModel: 'rolling_frontier',
  sizeHours: { XS: 0.5, S: 1, M: 3, L: 6, XL: 12 },
  optimizeIterations: null,
  scope: 'warn',

  strict: false,
  descriptionConflicts: 'enforce',
};

/** Hours assumed for a task with neither `estimate` nor `size` (reported as a warning). */
export const defaultTaskHours = 1;
