/**
 * Which selected tasks may launch now: unmet dependency counts, the open phase, busy file patterns,
 * resource use and the ready set. Incremental (the loop must stay cheap with thousands of tasks): rebuilt
 * from the state at start and after control requests, updated as tasks start and finish.
 */
import type { RunPlan, RunTask } from './plan-view.js';
import type { TaskStatus } from './state.js';

/** Statuses that let dependents run. */
export const satisfiedStatuses = new Set(['done', 'fresh', 'skipped']);

export class Readiness {
  private unmet = new Map<string, number>();
  private readySet = new Set<string>();
  private failedSet = new Set<string>();
  private phaseLeft = new Map<number, number>();
  /** Unfinished selected tasks per wave, when the run is wave-based (RunTask.wave >= 0). */
  private waveLeft = new Map<number, number>();
  /** Running tasks holding each file pattern (FileConflicts.patterns index). */
  private busyPatterns = new Map<number, number>();
  private inUse = new Map<string, number>();

  constructor(
    private readonly plan: RunPlan,
    private readonly selected: ReadonlySet<string>,
    private readonly status: (id: string) => TaskStatus,
  ) {}

  satisfied(id: string): boolean {
    return satisfiedStatuses.has(this.status(id));
  }

  anyFailed(): boolean {
    return this.failedSet.size > 0;
  }

  markFailed(id: string): void {
    this.failedSet.add(id);
  }

  /** Back in line after an interrupted attempt or a retry backoff. */
  requeue(id: string): void {
    this.readySet.add(id);
  }

  dequeue(id: string): void {
    this.readySet.delete(id);
  }

  /** A launched task leaves the ready set and holds its resources and file patterns until `release`. */
  hold(task: RunTask): void {
    this.readySet.delete(task.model.id);
    for (const [name, units] of Object.entries(task.model.resources)) this.inUse.set(name, (this.inUse.get(name) ?? 0) + units);
    this.holdFiles(task.model.id, 1);
  }

  release(task: RunTask): void {
    this.holdFiles(task.model.id, -1);
    for (const [name, units] of Object.entries(task.model.resources)) this.inUse.set(name, (this.inUse.get(name) ?? 0) - units);
  }

  /** A running task holds its file patterns; the counts say which patterns are busy. */
  private holdFiles(id: string, delta: 1 | -1): void {
    for (const p of this.plan.files.holds.get(id) ?? []) this.busyPatterns.set(p, (this.busyPatterns.get(p) ?? 0) + delta);
  }

  fits(task: RunTask): boolean {
    for (const [name, units] of Object.entries(task.model.resources)) {
      const capacity = this.plan.capacity.get(name) ?? Infinity;
      if ((this.inUse.get(name) ?? 0) + units > capacity) return false;
    }
    for (const q of this.plan.files.blockedBy.get(task.model.id) ?? []) if ((this.busyPatterns.get(q) ?? 0) > 0) return false;
    return true;
  }

  rebuild(): void {
    this.unmet.clear();
    this.readySet.clear();
    this.failedSet.clear();
    this.phaseLeft.clear();
    this.waveLeft.clear();
    for (const id of this.selected) {
      const t = this.plan.tasks.get(id)!;
      const status = this.status(id);
      if (status === 'failed') this.failedSet.add(id);
      if (t.model.phaseIndex >= 0 && !this.satisfied(id)) this.phaseLeft.set(t.model.phaseIndex, (this.phaseLeft.get(t.model.phaseIndex) ?? 0) + 1);
      if (t.wave >= 0 && !this.satisfied(id)) this.waveLeft.set(t.wave, (this.waveLeft.get(t.wave) ?? 0) + 1);
      const unmet = t.deps.filter((d) => !this.satisfied(d)).length;
      this.unmet.set(id, unmet);
      if (unmet === 0 && status === 'pending') this.readySet.add(id);
    }
  }

  /** A task just became done or fresh: its dependents may be ready, its phase may close. */
  markSatisfied(task: RunTask): void {
    const p = task.model.phaseIndex;
    if (p >= 0) this.phaseLeft.set(p, (this.phaseLeft.get(p) ?? 1) - 1);
    if (task.wave >= 0) this.waveLeft.set(task.wave, (this.waveLeft.get(task.wave) ?? 1) - 1);
    for (const d of task.dependents) {
      if (!this.selected.has(d)) continue;
      const left = (this.unmet.get(d) ?? 1) - 1;
      this.unmet.set(d, left);
      if (left === 0 && this.status(d) === 'pending') this.readySet.add(d);
    }
  }

  /** Lowest phase index that still has unfinished selected tasks (phases are barriers). */
  private openPhase(): number {
    return lowestOpen(this.phaseLeft);
  }

  /** Ready tasks in launch order (deps satisfied, phase open), leaving out those `busy` says are running or backing off. */
  ready(busy: (id: string) => boolean): RunTask[] {
    const open = this.openPhase();
    const openWave = lowestOpen(this.waveLeft);
    const out: RunTask[] = [];
    for (const id of this.readySet) {
      if (this.status(id) !== 'pending') {
        this.readySet.delete(id);
        continue;
      }
      if (busy(id)) continue;
      const t = this.plan.tasks.get(id)!;
      if (t.model.phaseIndex > open) continue;
      if (t.wave > openWave) continue;
      out.push(t);
    }
    return out.sort((a, b) => a.rank - b.rank);
  }
}

/** The lowest barrier (phase or wave) that still has unfinished tasks; Infinity when none. */
function lowestOpen(left: ReadonlyMap<number, number>): number {
  let open = Infinity;
  for (const [k, n] of left) if (n > 0 && k < open) open = k;
  return open;
}
