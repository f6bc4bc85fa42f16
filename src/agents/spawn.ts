/**
 * Spawning an agent CLI: argv (no shell), the prompt on stdin, its own process group so a timeout or
 * Ctrl-C stops the agent and every tool process it started (the lifecycle is src/runner/process-group.ts).
 */
import { spawnGroup } from '../runner/process-group.js';
import type { AttemptHandle } from '../runner/executor.js';

export interface SpawnAgentOptions {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: string | null;
  graceMs: number;
  /** The profile's own timeout (kill('timeout')), when there is one. */
  timeoutMs?: number | null;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

export type AgentProcess = AttemptHandle;

export function spawnAgent(options: SpawnAgentOptions): AgentProcess {
  const { onLine, ...rest } = options;
  // Whole lines however long: a JSON event is never split.
  return spawnGroup({ ...rest, output: { lines: onLine, maxLine: Infinity } });
}
