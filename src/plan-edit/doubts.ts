/**
 * The "are you sure" checks of plan edits and runs, in a module of their own: `execplan run` asks one on
 * every start and must not load the YAML document editor (and the `yaml` library) to do so.
 */

/** Limits above which a value is legal but asked about (a typo of a unit, a runaway generator). */
export const doubtLimits = {
  /** One task longer than five working weeks is a missing split or a minutes-for-hours mix-up. */
  estimateHours: 200,
  timeoutHours: 72,
  retries: 10,
  tasks: 500,
  /** More processes at once than any one machine runs well: a typo (an extra zero) or a units mix-up. */
  concurrency: 1024,
} as const;

/**
 * A drafted plan far bigger than its spec: over 50 tasks and more than one task per 10 words of spec (a
 * one-page spec of 500 words supports about 50). Null when the size is plausible.
 */
export function planSizeDoubt(tasks: number, specText: string): string | null {
  const words = specText.split(/\s+/).filter((w) => w !== '').length;
  if (tasks <= 50 || tasks <= words / 10) return null;
  return `a plan of ${tasks} tasks for a spec of ${words} words (more than one task per 10 words: is it over-decomposed?)`;
}

/** The "are you sure" for a concurrency that is legal but absurd, or null when it is sensible. */
export function concurrencyDoubt(concurrency: number, from: string): string | null {
  if (concurrency <= doubtLimits.concurrency) return null;
  return `are you sure? ${from} is ${concurrency}: that many tasks may run at once (more than ${doubtLimits.concurrency}; each is a process, an agent a whole CLI). Pass --yes to run it anyway; nothing was started`;
}
