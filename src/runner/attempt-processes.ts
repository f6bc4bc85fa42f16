/**
 * Finding and ending what is left of an attempt: every process an attempt starts inherits
 * EXECPLAN_ATTEMPT_ID=<marker> from its environment, also the ones that left its process group
 * (`setsid daemon &`) and the ones that outlived a runner killed with kill -9. On Linux they are found by
 * reading /proc/<pid>/environ; elsewhere (no /proc) only the recorded process group can be signalled.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const markerVariable = 'EXECPLAN_ATTEMPT_ID';

/** The marker of one attempt: unique per run, task and attempt number. */
export function attemptMarker(runId: string, task: string, attempt: number): string {
  return `${runId}/${task}/${attempt}`;
}

/** Alive and not a zombie (a killed orphan may wait for a reaper that never comes in a container). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** Pids (not this process) whose environment carries the marker, or that are in the recorded group. */
export function findAttemptProcesses(marker: string, pgid: number | null = null): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`\0${markerVariable}=${marker}\0`);
  const first = Buffer.from(`${markerVariable}=${marker}\0`);
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`);
      if (env.includes(needle) || env.subarray(0, first.length).equals(first)) {
        if (processAlive(pid)) found.push(pid);
        continue;
      }
      if (pgid !== null) {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // A reused group id is only ours when a member still carries the marker (checked by the caller).
        if (Number(fields[2]) === pgid && fields[0] !== 'Z') found.push(-pid);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  // Group members without the marker count only when the group also holds a marked process.
  const marked = found.filter((p) => p > 0);
  return marked.length ? [...marked, ...found.filter((p) => p < 0).map((p) => -p)].sort((a, b) => a - b) : [];
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export interface Ended {
  ended: number[];
  /** Still alive after SIGKILL (another user's process, or stuck in the kernel). */
  survived: number[];
}

/** SIGTERM, up to `graceMs` for them to go, then SIGKILL; who is left after that survived. */
export async function endProcesses(pids: readonly number[], graceMs: number, force = () => false): Promise<Ended> {
  if (pids.length === 0) return { ended: [], survived: [] };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = pids.filter(processAlive);
  while (left.length && Date.now() < deadline && !force()) {
    await new Promise((r) => setTimeout(r, 25));
    left = left.filter(processAlive);
  }
  for (const pid of left) signal(pid, 'SIGKILL');
  const until = Date.now() + 1000;
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    left = left.filter(processAlive);
  }
  return { ended: pids.filter((p) => !left.includes(p)), survived: left };
}

/**
 * Ends every process of an attempt, looking again after each round: a process that was starting a child
 * while the first ones were signalled (a shell loop) leaves that child behind otherwise.
 */
export async function endAll(marker: string, pgid: number | null, graceMs: number, force = () => false): Promise<Ended> {
  const ended = new Set<number>();
  let survived: number[] = [];
  for (let round = 0; round < 3; round++) {
    const pids = findAttemptProcesses(marker, pgid).filter((p) => !survived.includes(p));
    if (pids.length === 0) break;
    const result = await endProcesses(pids, round === 0 ? graceMs : 0, force);
    for (const p of result.ended) ended.add(p);
    survived = [...survived, ...result.survived];
  }
  return { ended: [...ended].sort((a, b) => a - b), survived };
}
