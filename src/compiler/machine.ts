/**
 * Per-task machine hints (`cpu: 2`, `memory: 4GiB`) as resources, so both schedules and the runner
 * already account for them: a task's hint claims units of the resources `cpu` (cores) and `memory`
 * (GiB, rounded up), whose capacity is what the plan declares for them under `resources`, else
 * `settings.machine`, else a typical developer machine. Pure: the capacity comes from the plan, never from
 * the machine compile happens to run on, so artifacts stay the same everywhere.
 */
import { parseBytes } from '../core/bytes.js';
import type { Plan, Task } from '../types/plan.js';

/** A laptop or a standard CI runner: what a plan that gives no `settings.machine` is scheduled for. */
export const defaultMachine = { cpu: 4, memoryGiB: 16 } as const;

const GiB = 1024 ** 3;

export interface MachineHints {
  cpu?: number;
  memory?: number;
}

/** A task's hints in resource units (whole cores, whole GiB), or nothing when it gives none. */
export function hintUnits(task: Pick<Task, 'cpu' | 'memory'>): MachineHints {
  const out: MachineHints = {};
  if (task.cpu !== undefined) out.cpu = Math.max(1, Math.ceil(task.cpu));
  const bytes = task.memory !== undefined ? parseBytes(task.memory) : null;
  if (bytes !== null && bytes > 0) out.memory = Math.max(1, Math.ceil(bytes / GiB));
  return out;
}

/** The capacity of `cpu` and `memory` for this plan (units as in hintUnits). */
export function machineCapacity(plan: Pick<Plan, 'resources' | 'settings'>): { cpu: number; memory: number } {
  const memory = plan.settings?.machine?.memory !== undefined ? parseBytes(plan.settings.machine.memory) : null;
  return {
    cpu: plan.resources?.cpu?.capacity ?? plan.settings?.machine?.cpu ?? defaultMachine.cpu,
    memory: plan.resources?.memory?.capacity ?? (memory !== null ? Math.max(1, Math.floor(memory / GiB)) : defaultMachine.memoryGiB),
  };
}

/** Whether any task gives a hint (only then do the implicit resources exist). */
export function usesMachineHints(plan: Pick<Plan, 'tasks'>): { cpu: boolean; memory: boolean } {
  return { cpu: plan.tasks.some((t) => t.cpu !== undefined), memory: plan.tasks.some((t) => t.memory !== undefined) };
}
