/**
 * Replacing a file so that a reader sees the old content or the new, never half of either: the data goes
 * to a temporary file in the same directory (a rename is atomic only within one file system), then the
 * temporary file is renamed over the target. With `fsync` the data is on disk before the rename and the
 * directory entry after it, so a crash or a power cut cannot leave an empty or truncated file in place
 * (the state snapshot needs that; a control request or a hand-off only needs readers never to see half).
 */
import { closeSync, fsync, fsyncSync, openSync, rename, renameSync, rm, rmSync, writeFile, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Flush the data before the rename and the directory entry after it. */
  fsync: boolean;
  /** The new file's permissions (before the umask); state files are 0o600. */
  mode?: number;
}

/**
 * The temporary file is created new (O_CREAT|O_EXCL): a file or a symlink planted under its name makes the
 * write fail instead of being followed, and the rename replaces a link at the target, never its target.
 */
const createNew = (mode: number | undefined) => ({ flag: 'wx', mode: mode ?? 0o666 });

/** A written temporary file, not yet in place: `commit` renames it over the target, `discard` removes it. */
export interface StagedFile {
  readonly file: string;
  readonly temp: string;
  commit(): void;
  discard(): void;
}

let sequence = 0;

/**
 * The temporary name: hidden (a leading dot, so directory scans that skip dot files never pick it up),
 * in the target's directory, unique per process and call (two writers of one file never share a temp).
 */
function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${sequence++}.tmp`);
}

/**
 * Writes `data` to a temporary file next to `file` (flushed when `fsync`); nothing is in place until
 * `commit`. A list of byte pieces is written one after the other (a large file rendered piece by piece
 * is never joined into one buffer).
 */
export function stageFile(file: string, data: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions): StagedFile {
  const temp = tempName(file);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) writeFileSync(temp, data, createNew(options.mode));
    else writePieces(temp, data, options.mode);
    if (options.fsync) flushFile(temp);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return {
    file,
    temp,
    commit() {
      renameSync(temp, file);
      if (options.fsync) flushDirectory(path.dirname(file));
    },
    discard() {
      rmSync(temp, { force: true });
    },
  };
}

/** Creates `file` new (as createNew) and writes the pieces in order. */
function writePieces(file: string, pieces: readonly Uint8Array[], mode: number | undefined): void {
  const fd = openSync(file, 'wx', mode ?? 0o666);
  try {
    for (const piece of pieces) {
      // writeSync may write less than asked (a signal, a nearly full disk): the rest goes in the next call.
      for (let at = 0; at < piece.byteLength;) at += writeSync(fd, piece, at, piece.byteLength - at);
    }
  } finally {
    closeSync(fd);
  }
}

/** Replaces `file` with `data` atomically; throws (leaving `file` as it was) when it cannot. */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions): void {
  const staged = stageFile(file, data, options);
  try {
    staged.commit();
  } catch (error) {
    staged.discard();
    throw error;
  }
}

/**
 * The same with the data's fsync on the thread pool, for a caller that must not block on the disk (the
 * run loop). `shouldCommit` is asked after the flush: a newer synchronous write may have happened in the
 * meantime, and an older snapshot must never replace it. `done` runs once the file is in place or dropped.
 */
export function writeFileAtomicInBackground(file: string, data: string | Uint8Array, shouldCommit: () => boolean, done: (error: Error | null) => void, mode?: number): void {
  const temp = tempName(file);
  let fd: number;
  try {
    writeFileSync(temp, data, createNew(mode));
    fd = openSync(temp, 'r');
  } catch (error) {
    rmSync(temp, { force: true });
    done(error as Error);
    return;
  }
  fsync(fd, (syncError) => {
    try {
      closeSync(fd);
      // A failed fsync is reported, and the unsynced copy never replaces the file.
      if (shouldCommit() && !syncError) {
        renameSync(temp, file);
        flushDirectory(path.dirname(file));
      } else rmSync(temp, { force: true });
      done(syncError);
    } catch (error) {
      done(error as Error);
    }
  });
}

/**
 * writeFileAtomic without fsync, on the thread pool: for a caller whose run loop must not wait on the
 * file system (a hand-off per task). `done` runs once the file is in place, or with the error (the
 * target untouched, the temporary file removed).
 */
export function writeFileAtomicAsync(file: string, data: string, done: (error: Error | null) => void, mode?: number): void {
  const temp = tempName(file);
  writeFile(temp, data, createNew(mode), (writeError) => {
    if (writeError) return rm(temp, { force: true }, () => done(writeError));
    rename(temp, file, (renameError) => {
      if (renameError) return rm(temp, { force: true }, () => done(renameError));
      done(null);
    });
  });
}

function flushFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The rename is durable once the directory is flushed; some systems cannot open a directory for that (ignored). */
function flushDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EPERM on file systems without directory fsync: the rename itself still happened.
  } finally {
    closeSync(fd);
  }
}
