/**
 * Which selected tasks may launch now: unmet dependency counts, the open phase, busy file patterns,
 * resource use and the ready set. Incremental (the loop must stay cheap with thousands of tasks): rebuilt
 * from the state at start and after control requests, updated as tasks start and finish.
 */
import { satisfiedStatuses, type TaskStatus, type WaitReason } from '../core/task-status.js';
import type { RunPlan, RunTask } from './plan-view.js';
import { lowerBound } from '../core/lower-bound.js';

export { satisfiedStatuses };

/**
 * What running tasks hold: resource units and file patterns, with the tasks holding them (a wait reason
 * names them). The run loop keeps one up to date; `execplan status` builds one from the running tasks.
 */
export class Holdings {
  private readonly resources = new Map<string, { units: number; by: Set<string> }>();
  /** Running tasks holding each file pattern (FileLocks.patterns index). */
  private readonly patterns = new Map<number, Set<string>>();

  constructor(private readonly plan: RunPlan) {}

  /** How many tasks hold something: none, nothing can conflict (and the plan's file locks are not needed). */
  private held = 0;

  hold(task: RunTask): void {
    this.held++;
    const id = task.model.id;
    for (const [name, units] of Object.entries(task.model.resources)) {
      const use = this.resources.get(name) ?? { units: 0, by: new Set<string>() };
      use.units += units;
      use.by.add(id);
      this.resources.set(name, use);
    }
    for (const p of this.plan.files.holds.get(id) ?? []) {
      const by = this.patterns.get(p) ?? new Set<string>();
      by.add(id);
      this.patterns.set(p, by);
    }
  }

  release(task: RunTask): void {
    this.held--;
    const id = task.model.id;
    for (const [name, units] of Object.entries(task.model.resources)) {
      const use = this.resources.get(name);
      if (!use) continue;
      use.units -= units;
      use.by.delete(id);
    }
    for (const p of this.plan.files.holds.get(id) ?? []) this.patterns.get(p)?.delete(id);
  }

  /** Why `task` cannot start beside the running tasks (a resource short, a file pattern held), or null. */
  conflict(task: RunTask): WaitReason | null {
    if (this.held === 0) return null;
    for (const [name, units] of Object.entries(task.model.resources)) {
      const capacity = this.plan.capacity.get(name) ?? Infinity;
      const use = this.resources.get(name);
      if ((use?.units ?? 0) + units > capacity) return { kind: 'resource', resource: name, held_by: [...(use?.by ?? [])].sort() };
    }
    for (const q of this.plan.files.blockedBy.get(task.model.id) ?? []) {
      const by = this.patterns.get(q);
      if (by && by.size > 0) return { kind: 'file-lock', pattern: this.plan.files.patterns[q]!, held_by: [...by].sort() };
    }
    return null;
  }
}

export class Readiness {
  private unmet = new Map<string, number>();
  private readySet = new Set<string>();
  private failedSet = new Set<string>();
  private phaseLeft = new Map<number, number>();
  /** Unfinished selected tasks per wave, when the run is wave-based (RunTask.wave >= 0). */
  private waveLeft = new Map<number, number>();
  private readonly holdings: Holdings;

  constructor(
    private readonly plan: RunPlan,
    private readonly selected: ReadonlySet<string>,
    private readonly status: (id: string) => TaskStatus,
  ) {
    this.holdings = new Holdings(plan);
  }

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
    this.enqueue(id);
  }

  dequeue(id: string): void {
    if (!this.readySet.delete(id) || !this.order) return;
    const i = this.place(this.plan.tasks.get(id)!.rank);
    if (this.order[i]?.model.id === id) this.order.splice(i, 1);
    else this.order = null;
  }

  private enqueue(id: string): void {
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    if (!this.order) return;
    const t = this.plan.tasks.get(id)!;
    this.order.splice(this.place(t.rank), 0, t);
  }

  /** Where a rank goes in `order` (ranks are unique: the first place at or after it). */
  private place(rank: number): number {
    const order = this.order!;
    return lowerBound(order.length, (i) => order[i]!.rank < rank);
  }

  /**
   * The ready set in launch order, kept sorted as tasks join and leave it (a run of short tasks asks for
   * it on every scheduling pass: sorting it each time was most of a pass's cost).
   */
  private order: RunTask[] | null = null;

  /** A launched task leaves the ready set and holds its resources and file patterns until `release`. */
  hold(task: RunTask): void {
    this.dequeue(task.model.id);
    this.holdings.hold(task);
  }

  release(task: RunTask): void {
    this.holdings.release(task);
  }

  /** What running tasks hold that this one needs (a resource, a file lock), or null when it fits. */
  blockedBy(task: RunTask): WaitReason | null {
    return this.holdings.conflict(task);
  }

  fits(task: RunTask): boolean {
    return this.holdings.conflict(task) === null;
  }

  rebuild(): void {
    this.unmet.clear();
    this.readySet.clear();
    this.order = null;
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
      if (unmet === 0 && status === 'pending') this.enqueue(id);
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
      if (left === 0 && this.status(d) === 'pending') this.enqueue(d);
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
    const order = (this.order ??= [...this.readySet].map((id) => this.plan.tasks.get(id)!).sort((a, b) => a.rank - b.rank));
    const out: RunTask[] = [];
    let gone: string[] | null = null;
    for (const t of order) {
      const id = t.model.id;
      if (this.status(id) !== 'pending') {
        (gone ??= []).push(id);
        continue;
      }
      if (busy(id)) continue;
      if (t.model.phaseIndex > open) continue;
      if (t.wave > openWave) continue;
      out.push(t);
    }
    for (const id of gone ?? []) this.dequeue(id);
    return out;
  }
}

/** The lowest barrier (phase or wave) that still has unfinished tasks; Infinity when none. */
function lowestOpen(left: ReadonlyMap<number, number>): number {
  let open = Infinity;
  for (const [k, n] of left) if (n > 0 && k < open) open = k;
  return open;
}
