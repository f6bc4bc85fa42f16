/**
 * A write to the state directory or a log that the disk refused (full, read-only, permissions): the run
 * cannot keep its promises (history, logs), so it stops cleanly and the CLI prints this one line.
 */
export class StorageError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    readonly what: string,
  ) {
    super(`cannot ${what} ${file} (${code}${hints[code] ? `: ${hints[code]}` : ''})`);
  }
}

const hints: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large: over the file-size limit, see ulimit -f',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
};

/** An fs error as a StorageError naming `file` (one that already is one stays as it is); null for anything else, a bug the caller throws on. */
export function asStorageError(error: unknown, file: string, what: string): StorageError | null {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? new StorageError(file, code, what) : null;
}

/** Runs an fs operation; an fs error becomes a StorageError naming the file. */
export function storage<T>(file: string, what: string, op: () => T): T {
  try {
    return op();
  } catch (error) {
    throw asStorageError(error, file, what) ?? error;
  }
}
