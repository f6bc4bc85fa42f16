/**
 * Machine capacity (backpressure): each agent takes cores and memory, and so do the builds and tests it
 * starts. Before launching, the runner asks whether the machine has room: load average per core and free
 * memory, where free memory is the smaller of the system's and the cgroup's (a container's limit is the
 * real one). Tests put fake readings in EXECPLAN_PROBE_FILE (JSON {"load_per_core": 0.5, "free_memory":
 * "1.2GiB"}), read at every check so a test can change them while the run waits.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { formatBytes, parseBytes } from '../core/bytes.js';

export interface CapacityReading {
  loadPerCore: number;
  freeBytes: number;
}

export interface CapacityLimits {
  maxLoad: number | null;
  minFreeBytes: number | null;
}

function cgroupFree(): number | null {
  try {
    const max = readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    if (max === 'max') return null;
    const current = Number(readFileSync('/sys/fs/cgroup/memory.current', 'utf8').trim());
    return Math.max(0, Number(max) - current);
  } catch {
    return null;
  }
}

/** The machine now, or the test's fake readings. */
export function readCapacity(env: NodeJS.ProcessEnv): CapacityReading {
  if (env.EXECPLAN_PROBE_FILE) {
    try {
      const fake = JSON.parse(readFileSync(env.EXECPLAN_PROBE_FILE, 'utf8')) as { load_per_core?: number; free_memory?: string | number };
      return { loadPerCore: fake.load_per_core ?? 0, freeBytes: parseBytes(fake.free_memory ?? Infinity) ?? Infinity };
    } catch {
      // an unreadable probe file reads as an idle machine (the test is writing it)
      return { loadPerCore: 0, freeBytes: Infinity };
    }
  }
  const cg = cgroupFree();
  return { loadPerCore: os.loadavg()[0]! / Math.max(1, os.availableParallelism()), freeBytes: Math.min(os.freemem(), cg ?? Infinity) };
}

/** What is short, e.g. "memory 1.2 GiB free < 2 GiB", or null when there is room. */
export function capacityProblem(reading: CapacityReading, limits: CapacityLimits): string | null {
  if (limits.minFreeBytes !== null && reading.freeBytes < limits.minFreeBytes) return `memory ${formatBytes(reading.freeBytes)} free < ${formatBytes(limits.minFreeBytes)}`;
  if (limits.maxLoad !== null && reading.loadPerCore > limits.maxLoad) return `load ${reading.loadPerCore.toFixed(2)} per core > ${limits.maxLoad}`;
  return null;
}
