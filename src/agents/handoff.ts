/**
 * Hand-off records: what an agent task left for the tasks after it (its final message, usage, status),
 * in `.execplan/handoffs/<task>.json`, plus a lenient read of the runner's state for upstream statuses
 * and retry notes. Written redacted; read by the prompts of dependent tasks.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import path from 'node:path';
import { statePathsIn } from '../runner/paths.js';
import { loadState } from '../runner/store.js';
import type { AgentUsage } from './output.js';

export interface Handoff {
  task: string;
  /** The run that produced it (EXECPLAN_RUN_ID), or null outside a run. */
  runId: string | null;
  attempt: number;
  agent: string;
  profile: string;
  exitCode: number | null;
  isError: boolean;
  summary: string | null;
  /** Why the attempt failed, in the agent's (or its CLI's) own words; null when it succeeded. */
  failure?: string | null;
  usage: AgentUsage;
  sessionId: string | null;
  /** Where the agent ran and when it ended: a stream's next task continues this session only from the same folder. */
  cwd?: string;
  endedAt?: string;
  /** The session this attempt continued (null: a new one). */
  continued?: string | null;
}

export const handoffPath = (stateDir: string, task: string): string => path.join(stateDir, 'handoffs', `${task}.json`);

export function writeHandoff(stateDir: string, handoff: Handoff): void {
  const file = handoffPath(stateDir, handoff.task);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(handoff, null, 2)}\n`, { fsync: false, mode: 0o600 });
}

export function readHandoff(stateDir: string, task: string): Handoff | null {
  try {
    return JSON.parse(readFileSync(handoffPath(stateDir, task), 'utf8')) as Handoff;
  } catch {
    return null;
  }
}

/** Task statuses and retry notes from the run's journal (folded the way the runner does), or 'unknown'. */
export function readRunState(stateDir: string): { status(id: string): string; note(id: string): string | null; forced(id: string): string | null } {
  let tasks: Record<string, { status: string; forced: string | null; note: string | null }> = {};
  try {
    tasks = loadState(statePathsIn(stateDir)).state.tasks;
  } catch {
    tasks = {};
  }
  return {
    status: (id) => {
      const s = tasks[id];
      if (!s) return 'unknown';
      return s.forced && s.status === 'done' ? `done (forced: ${s.forced})` : s.status;
    },
    note: (id) => tasks[id]?.note || null,
    /** The reason a person gave with `execplan done --reason` when they completed the task by hand. */
    forced: (id) => (tasks[id]?.status === 'done' && tasks[id]?.forced) || null,
  };
}
