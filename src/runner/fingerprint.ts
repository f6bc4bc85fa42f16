/**
 * Up-to-date check (like make/wireit): a task with `inputs` is fresh when the fingerprint of its input
 * files, its definition (command, env, cwd, checks) and its upstream fingerprints equals the one of its
 * last success, and every `outputs` glob still matches a file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expandGlobs, globMatchesAnything } from './glob.js';
import { sha256 } from './plan-view.js';
import type { RunTask } from './plan-view.js';

export function fingerprint(task: RunTask, planDir: string, upstream: ReadonlyArray<string | null>): string {
  const parts = [`def:${task.definition}`];
  for (const file of expandGlobs(planDir, task.inputs)) {
    let digest = 'unreadable';
    try {
      digest = createHash('sha256')
        .update(readFileSync(path.join(planDir, file)))
        .digest('hex');
    } catch {
      // keep 'unreadable': a file that vanished between listing and reading changes the fingerprint
    }
    parts.push(`in:${file}:${digest}`);
  }
  for (const u of upstream) parts.push(`up:${u ?? 'none'}`);
  return sha256(parts.join('\n'));
}

export function outputsExist(task: RunTask, planDir: string): boolean {
  return task.outputs.every((glob) => globMatchesAnything(planDir, glob));
}
