/**
 * Moving a state directory from the layout of earlier versions (one `.execplan/` per folder, shared by
 * every plan in it) to one state directory per plan (`.execplan/<plan name>/`). The old state moves to
 * the first plan that uses it and shares task ids with it, so resuming an old run keeps working.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { liveHolder } from './lock.js';
import { statePathsIn, type StatePaths } from './paths.js';
import { loadState } from './store.js';

const legacyItems = ['state.json', 'journal.jsonl', 'logs', 'runs', 'control', 'handoffs', 'archive'];

export type Migration = { moved: false } | { moved: true; from: string; to: string } | { moved: false; blocked: string };

export function migrateLegacyState(root: string, target: StatePaths, taskIds: ReadonlySet<string>): Migration {
  const legacy = statePathsIn(root);
  if (!existsSync(legacy.journal) || existsSync(target.journal)) return { moved: false };
  const holder = liveHolder(legacy.lock);
  if (holder) return { moved: false, blocked: `an execplan ${holder.kind} (pid ${holder.pid}) is using the old state in ${root}` };
  // Only the plan the old state belongs to takes it: it must know at least one of its tasks.
  const old = loadState(legacy).state;
  if (!Object.keys(old.tasks).some((id) => taskIds.has(id))) return { moved: false };
  mkdirSync(target.dir, { recursive: true });
  const names = new Set([...legacyItems, ...readdirSync(root).filter((n) => n.startsWith('journal.jsonl.torn-'))]);
  for (const name of names) {
    const from = path.join(root, name);
    if (existsSync(from)) renameSync(from, path.join(target.dir, name));
  }
  try {
    unlinkSync(legacy.lock);
  } catch {
    // no stale lock left behind
  }
  return { moved: true, from: root, to: target.dir };
}

/**
 * mkdir -p that reports the real reason: Node's recursive mkdir says ENOENT on a read-only file system,
 * so on failure the missing levels are created one by one, and that error (EROFS, EACCES) is thrown.
 */
export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const missing: string[] = [];
    for (let d = dir; !existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) mkdirSync(d);
    throw error;
  }
}
