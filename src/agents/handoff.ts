/**
 * Hand-off records: what an agent task left for the tasks after it (its final message, usage, status),
 * in `.execplan/handoffs/<task>.json`, plus a lenient read of the runner's state for upstream statuses
 * and retry notes. Written redacted; read by the prompts of dependent tasks.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentUsage } from './output.js';

export interface Handoff {
  task: string;
  attempt: number;
  agent: string;
  profile: string;
  exitCode: number | null;
  isError: boolean;
  summary: string | null;
  usage: AgentUsage;
  sessionId: string | null;
}

export const handoffPath = (stateDir: string, task: string): string => path.join(stateDir, 'handoffs', `${task}.json`);

export function writeHandoff(stateDir: string, handoff: Handoff): void {
  const file = handoffPath(stateDir, handoff.task);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(handoff, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readHandoff(stateDir: string, task: string): Handoff | null {
  try {
    return JSON.parse(readFileSync(handoffPath(stateDir, task), 'utf8')) as Handoff;
  } catch {
    return null;
  }
}

interface LooseState {
  tasks?: Record<string, { status?: unknown; note?: unknown; forced?: unknown }>;
}

/** Task statuses and notes from .execplan/state.json; an unreadable or absent state gives 'unknown'. */
export function readRunState(stateDir: string): { status(id: string): string; note(id: string): string | null } {
  let state: LooseState = {};
  try {
    state = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as LooseState;
  } catch {
    state = {};
  }
  return {
    status: (id) => {
      const s = state.tasks?.[id];
      if (!s || typeof s.status !== 'string') return 'unknown';
      return typeof s.forced === 'string' && s.status === 'done' ? `done (forced: ${s.forced})` : s.status;
    },
    note: (id) => {
      const n = state.tasks?.[id]?.note;
      return typeof n === 'string' && n ? n : null;
    },
  };
}
