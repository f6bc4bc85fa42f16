/**
 * Reads the repository's conflict history (`.execplan-history/conflicts.jsonl`, written by worktree runs
 * and `execplan integrate`) for the compiler, which gets it as input and stays free of file access.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HISTORY_FILE, readConflictHistory, type ConflictRecord } from '../agents/worktrees.js';
import type { ContestedInput } from '../compiler/contested.js';
import { gitRoot } from '../project/files.js';

/** Merge conflicts of one plan from which compile and integrate advise re-planning with better isolation. */
export const REPLAN_THRESHOLD = 3;

export function conflictHistory(planDir: string): { root: string; records: ConflictRecord[] } | null {
  const root = gitRoot(planDir);
  if (!root) return null;
  try {
    return { root, records: readConflictHistory(readFileSync(path.join(root, HISTORY_FILE), 'utf8')) };
  } catch {
    return null;
  }
}

/** Each recorded file, relative to the plan's directory, with how often it conflicted (files outside it are left out). */
export function contestedFiles(planDir: string): ContestedInput[] {
  const history = conflictHistory(planDir);
  if (!history) return [];
  const counts = new Map<string, number>();
  const rel = path.relative(history.root, path.resolve(planDir));
  for (const r of history.records) {
    for (const file of new Set(r.files)) {
      const inPlan = path.relative(rel, file).split(path.sep).join('/');
      if (inPlan.startsWith('..')) continue;
      counts.set(inPlan, (counts.get(inPlan) ?? 0) + 1);
    }
  }
  return [...counts].map(([file, count]) => ({ file, count }));
}

/** When one plan has conflicted often: advice to re-plan with better isolation, naming the streams. */
export function replanAdvice(records: readonly ConflictRecord[], plan: string): string | null {
  const mine = records.filter((r) => r.plan === plan && r.kind !== 'out-of-scope');
  if (mine.length < REPLAN_THRESHOLD) return null;
  const streams = [...new Set(mine.flatMap((r) => r.streams))].sort();
  return `plan ${plan} has had ${mine.length} merge conflicts (streams ${streams.join(', ')}): re-plan with better isolation (give those streams owns that do not overlap)`;
}
