/**
 * Removing old runs' logs: the state names the run of every attempt, so the logs of all but the newest
 * `keep` runs can go. The journal and state keep their records (the attempts stay listed); only the log
 * files are removed.
 */
import { readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { logPath, type StatePaths } from './paths.js';
import type { RunState } from './state.js';

export interface PruneResult {
  keptRuns: string[];
  removedRuns: string[];
  removedFiles: number;
  removedBytes: number;
}

/** Runs are ordered by their first attempt's start; `currentRun` (just starting) is the newest. */
export function pruneLogs(paths: StatePaths, state: RunState, keep: number, currentRun: string | null = null): PruneResult {
  const firstStart = new Map<string, string>();
  for (const task of Object.values(state.tasks)) {
    for (const a of task.attempts) if (!firstStart.has(a.runId) || a.startedAt < firstStart.get(a.runId)!) firstStart.set(a.runId, a.startedAt);
  }
  if (currentRun) firstStart.set(currentRun, '\uffff');
  const ordered = [...firstStart.keys()].sort((a, b) => (firstStart.get(a)! < firstStart.get(b)! ? -1 : firstStart.get(a)! > firstStart.get(b)! ? 1 : a < b ? -1 : 1));
  const kept = new Set(ordered.slice(Math.max(0, ordered.length - keep)));
  const result: PruneResult = { keptRuns: [...kept], removedRuns: ordered.filter((r) => !kept.has(r)), removedFiles: 0, removedBytes: 0 };
  for (const [id, task] of Object.entries(state.tasks)) {
    for (const a of task.attempts) {
      if (kept.has(a.runId) || a.status === 'running') continue;
      const file = logPath(paths, id, a.n);
      try {
        const size = statSync(file).size;
        unlinkSync(file);
        result.removedFiles++;
        result.removedBytes += size;
      } catch {
        // never written, or already removed
      }
    }
    try {
      if (readdirSync(path.join(paths.logs, id)).length === 0) rmdirSync(path.join(paths.logs, id));
    } catch {
      // no log folder for this task
    }
  }
  return result;
}
