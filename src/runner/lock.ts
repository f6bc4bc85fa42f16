/**
 * One writer per state directory: `lock` holds {pid, start, kind, host, startedAt}. It is created
 * complete and atomically (written to a temp file, then link()ed into place: a reader never sees it
 * half-written). A holder is the process with that pid AND that start time (field 22 of
 * /proc/<pid>/stat), so a pid reused by an unrelated process after a crash or reboot is not a live holder.
 *
 * A stale lock (holder gone) is taken over without a check-then-act race: the taker first creates
 * `lock.takeover` with O_EXCL — only one process can — re-reads the lock, and replaces it with rename()
 * only if it is still the same stale lock; everyone else sees a live holder or retries.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockInfo {
  pid: number;
  /** Start time of the process (clock ticks since boot, /proc/<pid>/stat field 22); null where unknown. */
  start?: number | null;
  kind: 'run' | 'control';
  host: string;
  startedAt: string;
}

export type LockResult =
  | { ok: true; release: () => void; tookOverStale: LockInfo | null }
  | { ok: false; holder: LockInfo }
  /** The lock path is unusable (a directory, unreadable): `message` says what to do. */
  | { ok: false; holder: null; message: string };

/** Start time of a process in clock ticks since boot, or null (no /proc, or the process is gone). */
export function processStart(pid: number): number | null {
  return procStat(pid)?.start ?? null;
}

/** State letter and start time from /proc/<pid>/stat; null without /proc or when the process is gone. */
function procStat(pid: number): { state: string; start: number | null } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return { state: fields[0] ?? '', start: Number.isFinite(start) ? start : null };
  } catch {
    return null;
  }
}

/**
 * The process exists and has not exited. A killed runner stays a zombie until its parent reaps it, and
 * kill(pid, 0) still succeeds on a zombie: where /proc says Z (zombie) or X (dead), it is not alive, so
 * its lock is stale at once instead of whenever the parent (or an init that reaps lazily) gets to it.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = procStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

/** The process that wrote `info` is still running (same pid and, where recorded, same start time). */
export function holderAlive(info: Pick<LockInfo, 'pid' | 'start'>): boolean {
  if (!pidAlive(info.pid)) return false;
  if (info.start === undefined || info.start === null) return true;
  const start = processStart(info.pid);
  return start === null || start === info.start;
}

function parseLock(text: string): LockInfo | null {
  try {
    const info = JSON.parse(text) as LockInfo | null;
    return info && typeof info === 'object' && Number.isInteger(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export function readLock(file: string): LockInfo | null {
  try {
    return parseLock(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function live(info: LockInfo): boolean {
  return info.host !== hostname() || holderAlive(info);
}

/** The holder when the lock is held by a live process, else null. */
export function liveHolder(file: string): LockInfo | null {
  const info = readLock(file);
  return info && live(info) ? info : null;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** A takeover file left by a taker that died in the middle (it holds it for microseconds). */
const takeoverStaleMs = 10_000;

export function acquireLock(file: string, kind: LockInfo['kind']): LockResult {
  if (isDirectory(file)) return notALockFile(file);
  const info: LockInfo = { pid: process.pid, start: processStart(process.pid), kind, host: hostname(), startedAt: new Date().toISOString() };
  const text = JSON.stringify(info);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    // Inside the try: a disk that refuses the text (full) may still have created the file.
    writeFileSync(temp, text);
    for (let tries = 0; tries < 20; tries++) {
      try {
        linkSync(temp, file);
        return { ok: true, tookOverStale: null, release: releaser(file, text) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHeld(file);
      if (current === null) continue;
      if (typeof current !== 'string') return current;
      const holder = parseLock(current);
      if (holder && live(holder)) return { ok: false, holder };
      const taken = takeOverStale(file, temp, text, current, holder);
      if (taken) return taken;
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // renamed into place
    }
  }
  const holder = readLock(file);
  return holder ? { ok: false, holder } : { ok: false, holder: null, message: `${file}: could not take the lock (it kept changing); try again` };
}

function notALockFile(file: string): LockResult {
  return { ok: false, holder: null, message: `${file} is a directory, not a lock file; remove it (rmdir) if no execplan is running` };
}

/** The lock file's text; null when it vanished meanwhile (try again); a refusal when it is a directory. */
function readHeld(file: string): string | null | LockResult {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return notALockFile(file);
    throw error;
  }
}

/**
 * Replaces a stale (or garbage: locks are never written partially) lock with ours. Only the one who creates
 * the takeover file may replace it, and only if it is still the lock we judged stale; null: look again.
 */
function takeOverStale(file: string, temp: string, text: string, current: string, holder: LockInfo | null): LockResult | null {
  const takeover = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(takeover, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(takeover).mtimeMs > takeoverStaleMs) unlinkSync(takeover);
    } catch {
      // gone meanwhile
    }
    const until = Date.now() + 5;
    while (Date.now() < until) {
      // another process is taking over right now: look again in a moment
    }
    return null;
  }
  try {
    writeSync(fd, text);
    closeSync(fd);
    let again: string | null = null;
    try {
      again = readFileSync(file, 'utf8');
    } catch {
      again = null;
    }
    if (again === current) {
      renameSync(temp, file);
      return { ok: true, tookOverStale: holder ?? { pid: 0, kind: 'run', host: hostname(), startedAt: '' }, release: releaser(file, text) };
    }
  } finally {
    try {
      unlinkSync(takeover);
    } catch {
      // already removed
    }
  }
  return null;
}

/** Removes the lock only while it is still ours. */
function releaser(file: string, text: string): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(file, 'utf8') === text) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}
