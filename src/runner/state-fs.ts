/**
 * Creating and writing state files without following links. The state folder (`.execplan/`) sits in a
 * project others may write to (a shared checkout, an unpacked archive): a symlink planted there must not make
 * execplan append task output to, truncate or replace a file elsewhere. So folders are created one level at
 * a time and checked (a real directory, owned by this user, mode 0700), files are opened with O_NOFOLLOW
 * (mode 0600), and a symlink found where a state file belongs is removed (the link, not its target) and
 * replaced by a real file, with a warning. Replacement files are written beside the target and renamed over
 * it: a rename replaces a link itself.
 */
import { chmodSync, constants, lstatSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';

/** The folder a state path belongs to: the nearest ancestor named `.execplan`, else the path's own folder. */
const STATE_DIR_NAME = '.execplan';

/** `code`: the errno a caller that reports storage failures shows (a link, not a folder, not ours). */
export class StateFsError extends Error {
  constructor(
    message: string,
    readonly code: 'ELOOP' | 'ENOTDIR' | 'EACCES',
  ) {
    super(message);
  }
}

let warnSink: (message: string) => void = () => {};
/** Where warnings go (the CLI prints them; the runner never prints). */
export function onStateWarning(sink: (message: string) => void): void {
  warnSink = sink;
}

const uid = typeof process.getuid === 'function' ? process.getuid() : null;

function checkDir(dir: string): void {
  const info = lstatSync(dir);
  if (info.isSymbolicLink())
    throw new StateFsError(`${dir} is a symbolic link; execplan does not follow links in its state folder: remove it (or replace it with a real folder)`, 'ELOOP');
  if (!info.isDirectory()) throw new StateFsError(`${dir} is not a folder; remove it so execplan can keep its state there`, 'ENOTDIR');
  if (uid !== null && info.uid !== uid)
    throw new StateFsError(`${dir} belongs to another user (uid ${info.uid}); execplan keeps state only in a folder of yours: remove it or run as its owner`, 'EACCES');
  if ((info.mode & 0o077) !== 0 && path.basename(dir) === STATE_DIR_NAME) chmodSync(dir, 0o700);
}

/** mkdir -p for a folder at or under a state folder: every level from the state folder down is checked. */
export function mkdirPrivate(dir: string): void {
  const absolute = path.resolve(dir);
  const parts = absolute.split(path.sep);
  const at = parts.lastIndexOf(STATE_DIR_NAME);
  const top = at === -1 ? parts.length - 1 : at;
  for (let i = top; i < parts.length; i++) {
    const level = parts.slice(0, i + 1).join(path.sep) || path.sep;
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    checkDir(level);
  }
}

/** A symlink where a state file belongs is removed (with a warning); the caller then creates a real file. */
export function assertNotSymlink(file: string): void {
  let info;
  try {
    info = lstatSync(file);
  } catch {
    return;
  }
  if (!info.isSymbolicLink()) return;
  unlinkSync(file);
  warnSink(`warning: ${file} was a symbolic link; removed it (its target is untouched) and wrote a real file instead`);
}

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** open(file, 'a') that never follows a link: a symlink in its place is replaced by a real file. */
export function openAppendNoFollow(file: string): number {
  mkdirPrivate(path.dirname(file));
  try {
    return openSync(file, APPEND, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    assertNotSymlink(file);
    return openSync(file, APPEND, 0o600);
  }
}

/** Replaces `file` with `text` through a temp file and a rename: a link at `file` is replaced, never followed. */
export function writePrivateFile(file: string, text: string): void {
  mkdirPrivate(path.dirname(file));
  writeFileAtomic(file, text, { fsync: false, mode: 0o600 });
}
