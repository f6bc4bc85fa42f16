/**
 * Writing a set of files into a directory all or nothing: every file goes to a temporary name first and
 * is renamed into place only when all of them were written, so a failure (an --out that is a file, a
 * full disk, a read-only directory) leaves the directory as it was, with a one-line reason instead of
 * a stack trace.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { stageFile, type StagedFile } from '../core/atomic-write.js';
import path from 'node:path';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';

export type WriteResult = Result<void, FailureOf<'write-failed'>>;
const failed = (message: string) => err({ kind: 'write-failed' as const, message });

/** A path as messages name it: relative to where the command runs ('.' for that folder itself), absolute when it lies outside. */
export function shownPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') ? file : relative;
}

/**
 * Files staged one by one under temporary names and put in place together by `commit`: a caller that
 * renders large files can hand each over as it is done instead of holding all of them.
 */
export interface FileBatch {
  /** Writes `content` (a list of byte pieces: one after the other) under a temporary name beside `name`; throws when it cannot (see `fail`). */
  stage(name: string, content: string | Uint8Array | readonly Uint8Array[]): void;
  /** Renames every staged file into place. */
  commit(): void;
  /** Removes every staged file (and the directory, when this batch created it). */
  discard(): Promise<void>;
  /** discard, then the one-line reason for a `stage` that threw. */
  fail(error: unknown): Promise<WriteResult>;
}

/**
 * Opens a batch of writes into `dir` (created when missing) for exactly the files `names`: each target
 * is checked first, so a directory in the way fails before anything is written. `shown` names the
 * directory in messages (as the user should read it).
 */
export async function openFileBatch(dir: string, shown: string, names: readonly string[]): Promise<Result<FileBatch, FailureOf<'write-failed'>>> {
  const prepared = await prepareDir(dir, shown);
  if (!prepared.ok) return prepared;
  for (const name of names) {
    const info = await stat(path.join(dir, name)).catch(() => null);
    if (info?.isDirectory()) return failed(`${join(shown, name)} is a directory; remove it so the file can be written there`);
  }
  const staged: StagedFile[] = [];
  const discard = async () => {
    for (const file of staged.splice(0)) file.discard();
    // A directory made for this write goes too: a failed compile leaves no trace.
    if (prepared.value.created) await rm(prepared.value.created, { recursive: true, force: true });
  };
  return ok({
    stage(name, content) {
      if (!names.includes(name)) throw new Error(`${name} is not one of the files this batch was opened for`);
      staged.push(stageFile(path.join(dir, name), content, { fsync: false }));
    },
    commit() {
      for (const file of staged.splice(0)) file.commit();
    },
    discard,
    async fail(error) {
      await discard();
      return failed(`cannot write into ${shown}/ (${reason(error)}); nothing was changed there`);
    },
  });
}

/** Writes every file of `files` into `dir` all or nothing (see openFileBatch). */
export async function writeFilesAtomically(dir: string, shown: string, files: Record<string, string>): Promise<WriteResult> {
  const opened = await openFileBatch(dir, shown, Object.keys(files));
  if (!opened.ok) return opened;
  const batch = opened.value;
  try {
    for (const [name, content] of Object.entries(files)) batch.stage(name, content);
  } catch (error) {
    return batch.fail(error);
  }
  batch.commit();
  return ok();
}

/** Writes one file, returning a one-line reason on failure. */
export async function writeOneFile(file: string, shown: string, content: string): Promise<WriteResult> {
  try {
    await writeFile(file, content);
    return ok();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return failed(`${shown} is a directory; name a file`);
    if (code === 'ENOENT') return failed(`cannot write ${shown}: its directory does not exist`);
    if (code === 'ENOTDIR') return failed(`cannot write ${shown}: a part of that path is a file`);
    return failed(`cannot write ${shown} (${reason(error)})`);
  }
}

/** Creates `dir` when missing (`created`: the topmost directory made); a reason when it cannot be written into. */
async function prepareDir(dir: string, shown: string): Promise<Result<{ created?: string }, FailureOf<'write-failed'>>> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) return failed(`${shown} is a file, not a directory; pass a directory`);
  if (info) return ok({});
  try {
    return ok({ created: await mkdir(dir, { recursive: true }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') return failed(`cannot create ${shown}: a part of that path is a file`);
    return failed(`cannot create ${shown} (${reason(error)})`);
  }
}

function reason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

function join(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}
