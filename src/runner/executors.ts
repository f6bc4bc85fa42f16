/** The executors a run uses, by task kind. The agents module adds its executor here. */
import { commandExecutor, type Spawner } from './command-executor.js';
import type { ExecutorRegistry } from './executor.js';

export function defaultExecutors(graceMs: number, spawner?: Spawner): ExecutorRegistry {
  return { command: commandExecutor(graceMs, spawner) };
}
