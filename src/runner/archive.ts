/** `--fresh`: the old state is moved to .execplan/<plan name>/archive/<time>/, never deleted. */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { StatePaths } from './paths.js';

export function archiveState(paths: StatePaths, stamp: string): string | null {
  const items = [paths.state, paths.journal, paths.logs, paths.runs].filter((p) => existsSync(p));
  if (items.length === 0) return null;
  const target = path.join(paths.archive, stamp);
  mkdirSync(target, { recursive: true });
  for (const item of items) renameSync(item, path.join(target, path.basename(item)));
  return target;
}
