/**
 * Moving a state directory from the layout of earlier versions (one `.execplan/` per folder, shared by
 * every plan in it) to one state directory per plan (`.execplan/<plan name>/`). The old state moves to
 * the first plan that uses it and shares task ids with it, so resuming an old run keeps working.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, unlinkSync, type Dirent } from 'node:fs';
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
 * Earlier versions kept an agent task's record of its latest attempt (final message, usage, session id)
 * as `handoffs/<task>.json`; it now lives in the task's folder as `handoffs/<task>/agent.json`, beside the
 * event artifacts. Moving the old records keeps the usage figures, the summaries and the session a stream's
 * next task continues of a run started by an earlier version. Not while a run holds the state (it may be
 * an earlier version still writing the old layout); a record already in the new place wins. Returns how
 * many moved.
 */
export function migrateAgentRecords(paths: StatePaths): number {
  const dir = path.join(paths.dir, 'handoffs');
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const old = entries.filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.startsWith('.'));
  if (old.length === 0 || liveHolder(paths.lock)) return 0;
  let moved = 0;
  for (const entry of old) {
    const folder = path.join(dir, entry.name.slice(0, -'.json'.length));
    const target = path.join(folder, 'agent.json');
    if (existsSync(target)) continue;
    mkdirSync(folder, { recursive: true });
    renameSync(path.join(dir, entry.name), target);
    moved++;
  }
  return moved;
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
