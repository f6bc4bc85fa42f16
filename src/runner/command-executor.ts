/**
 * The command executor: runs a task's `run:` commands in a shell, in their own process group, so a
 * timeout or Ctrl-C stops the whole tree (grandchildren included); process-group.ts owns that lifecycle.
 */
import type { AttemptHandle, AttemptInput, ExecutorContext, TaskExecutor } from './executor.js';
import { shellArgs, spawnGroup } from './process-group.js';

export interface SpawnTreeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Milliseconds between SIGTERM and SIGKILL. */
  graceMs: number;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Several commands run in order and stop at the first failure, like make's recipe lines. */
export function shellScript(commands: readonly string[]): string {
  return commands.length === 1 ? commands[0]! : `set -e\n${commands.join('\n')}`;
}

/** Spawns `sh -c script` as the leader of a new process group and streams its output as lines. */
export function spawnTree(script: string, options: SpawnTreeOptions): AttemptHandle {
  return spawnGroup({ ...shellArgs(script), cwd: options.cwd, env: options.env, graceMs: options.graceMs, output: { lines: options.onLine } });
}

export type Spawner = (script: string, options: SpawnTreeOptions) => AttemptHandle;

export function commandExecutor(graceMs = 3000, spawner: Spawner = spawnTree): TaskExecutor {
  return {
    kind: 'command',
    async preflight() {
      return [];
    },
    start(input: AttemptInput, _context: ExecutorContext) {
      return spawner(shellScript(input.task.run), { cwd: input.cwd, env: input.env, graceMs, onLine: input.onLine });
    },
  };
}
