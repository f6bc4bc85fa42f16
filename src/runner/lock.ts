/**
 * One writer per state directory: `.execplan/lock` holds {pid, kind, host, startedAt}, created with O_EXCL.
 * A lock whose pid is no longer alive on this host is stale (the runner was killed) and is taken over.
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockInfo {
  pid: number;
  kind: 'run' | 'control';
  host: string;
  startedAt: string;
}

export type LockResult = { ok: true; release: () => void; tookOverStale: LockInfo | null } | { ok: false; holder: LockInfo };

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(file: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** The holder when the lock is held by a live process, else null. */
export function liveHolder(file: string): LockInfo | null {
  const info = readLock(file);
  if (!info) return null;
  return info.host !== hostname() || pidAlive(info.pid) ? info : null;
}

export function acquireLock(file: string, kind: LockInfo['kind']): LockResult {
  let stale: LockInfo | null = null;
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, 'wx');
      const info: LockInfo = { pid: process.pid, kind, host: hostname(), startedAt: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        ok: true,
        tookOverStale: stale,
        release: () => {
          if (released) return;
          released = true;
          const current = readLock(file);
          if (current?.pid === process.pid) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      // An empty/unreadable lock is a writer that died between create and write, or is writing right now.
      if (holder && (holder.host !== hostname() || pidAlive(holder.pid))) return { ok: false, holder };
      if (!holder && tries === 0) continue;
      stale = holder;
      try {
        unlinkSync(file);
      } catch {
        // someone else removed it first; retry
      }
    }
  }
  const holder = readLock(file);
  return { ok: false, holder: holder ?? { pid: 0, kind: 'run', host: hostname(), startedAt: '' } };
}
