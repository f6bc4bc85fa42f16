/**
 * Scheduling settings from the command line and the environment. Precedence, strongest first: a flag,
 * then its EXECPLAN_* variable (a default for the flag, e.g. set once in CI), then the plan's
 * `settings:`, then execplan.config.yaml, then the built-in defaults.
 */
import type { ResolvedSettings } from '../compiler/model.js';
import { parsePositiveInt } from './args.js';
import { UsageError } from './command.js';

export const settingsFlagOptions = {
  concurrency: { type: 'string' },
  'min-confidence': { type: 'string' },
  'max-wave-size': { type: 'string' },
  'execution-model': { type: 'string' },
} as const;

type Values = { concurrency?: string; 'min-confidence'?: string; 'max-wave-size'?: string; 'execution-model'?: string };

const envNames = {
  concurrency: 'EXECPLAN_MAX_CONCURRENCY',
  'min-confidence': 'EXECPLAN_MIN_CONFIDENCE',
  'max-wave-size': 'EXECPLAN_MAX_WAVE_SIZE',
  'execution-model': 'EXECPLAN_EXECUTION_MODEL',
} as const;

/** The overrides for loadPlanWithConfig, and the flags as given (to repeat them in advice). */
export function settingsOverrides(values: Values, env: NodeJS.ProcessEnv): { overrides: Partial<ResolvedSettings>; given: string[] } {
  const overrides: Partial<ResolvedSettings> = {};
  const given: string[] = [];
  const pick = (flag: keyof typeof envNames): { value: string; from: string } | null => {
    const v = values[flag];
    if (v !== undefined) {
      given.push(`--${flag} ${v}`);
      return { value: v, from: `--${flag}` };
    }
    const e = env[envNames[flag]];
    return e !== undefined && e !== '' ? { value: e, from: envNames[flag] } : null;
  };
  const concurrency = pick('concurrency');
  if (concurrency) {
    overrides.maxConcurrency = parsePositiveInt(concurrency.value, concurrency.from);
  }
  const wave = pick('max-wave-size');
  if (wave) {
    overrides.maxWaveSize = parsePositiveInt(wave.value, wave.from);
  }
  const confidence = pick('min-confidence');
  if (confidence) {
    const n = Number(confidence.value);
    if (confidence.value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${confidence.from} takes a number from 0 to 1, got '${confidence.value}'`);
    overrides.minConfidence = n;
  }
  const model = pick('execution-model');
  if (model) {
    if (model.value !== 'wave_based' && model.value !== 'rolling_frontier') throw new UsageError(`${model.from} must be wave_based or rolling_frontier, not '${model.value}'`);
    overrides.executionModel = model.value;
  }
  return { overrides, given };
}
