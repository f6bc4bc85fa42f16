/**
 * Contested files: paths that conflicted in earlier runs of plans in the same repository (merge conflicts
 * and out-of-scope edits, from the repository's conflict history, which the CLI reads and passes in).
 * Tasks whose `files` or stream `owns` cover such a path are kept apart in both schedules, by the same
 * mechanism as `avoid_concurrent_with`: running them side by side is what produced the conflict before.
 * Pure: the history arrives as data.
 */
import { globCovers } from './analysis/globs.js';
import type { PlanModel } from './model.js';

/** A path (relative to the plan's directory) and how often it conflicted. */
export interface ContestedInput {
  file: string;
  count: number;
}

export interface ContestedFile extends ContestedInput {
  /** Tasks of this plan whose files or stream owns cover the file, in plan order. */
  tasks: string[];
  streams: string[];
}

/** The contested files this plan touches, and the model with those tasks kept apart. */
export function applyContested(model: PlanModel, inputs: readonly ContestedInput[]): { model: PlanModel; contested: ContestedFile[] } {
  if (inputs.length === 0) return { model, contested: [] };
  const owns = new Map(model.streams.map((s) => [s.name, s.owns]));
  const counts = new Map<string, number>();
  for (const c of inputs) counts.set(c.file, (counts.get(c.file) ?? 0) + c.count);
  const contested: ContestedFile[] = [];
  const apart = new Map<string, Set<string>>();
  for (const [file, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const tasks = model.tasks.filter((t) => [...t.files, ...(t.stream ? (owns.get(t.stream) ?? []) : [])].some((g) => globCovers(g, file)));
    if (tasks.length === 0) continue;
    contested.push({ file, count, tasks: tasks.map((t) => t.id), streams: [...new Set(tasks.map((t) => t.stream).filter((s): s is string => s !== null))].sort() });
    for (const a of tasks) for (const b of tasks) if (a !== b) (apart.get(a.id) ?? apart.set(a.id, new Set()).get(a.id)!).add(b.id);
  }
  if (apart.size === 0) return { model, contested };
  const tasks = model.tasks.map((t) => {
    const extra = apart.get(t.id);
    return extra ? { ...t, avoidConcurrentWith: [...new Set([...t.avoidConcurrentWith, ...extra])] } : t;
  });
  return { model: { ...model, tasks }, contested };
}
