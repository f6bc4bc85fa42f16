/**
 * A note that one journal and one snapshot (state.json), byte for byte, were checked together and found
 * whole, and that folding the journal gives exactly the snapshot. Loading a state reads and hashes every
 * record of the journal; with this note a later load of the same bytes (`execplan status` again, a control
 * verb) takes the snapshot instead. The key is the hash of both texts and of execplan's own code, so any
 * change to either file (an append, an edit, a snapshot that lags) or a rebuilt execplan means a full check.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { writeFileAtomic } from '../core/atomic-write.js';
import { codeStamp } from '../core/code-stamp.js';
import { sha256 } from './plan-view.js';
import type { RunState } from './state.js';

/** In the state directory. */
export const JOURNAL_CHECKED_FILE = 'journal.checked';

const FORMAT = 1;

/** Null when execplan's code cannot be read (no note is then read or written). `code`: codeStamp() of another build (tests). */
export function checkedKey(journal: string, snapshot: string, code?: string): string | null {
  return keyOfDigests(sha256(journal), snapshot, code);
}

/** The same key from the journal's digest (the writer keeps it as it appends: the file is never read back). */
export function keyOfDigests(journalDigest: string, snapshot: string, code?: string): string | null {
  try {
    return sha256(JSON.stringify([FORMAT, code ?? codeStamp(), journalDigest, sha256(snapshot)]));
  } catch {
    return null;
  }
}

export function isChecked(stateDir: string, key: string): boolean {
  try {
    return readFileSync(path.join(stateDir, JOURNAL_CHECKED_FILE), 'utf8') === `${key}\n`;
  } catch {
    return false;
  }
}

/**
 * Writes the note after a full check found no problem, when the fold equals the snapshot as it reads back;
 * a failure to write costs the next load its speed, nothing else.
 */
export function recordChecked(stateDir: string, key: string, folded: RunState, snapshot: RunState | null): void {
  try {
    if (!isDeepStrictEqual(folded, snapshot)) return;
    writeFileAtomic(path.join(stateDir, JOURNAL_CHECKED_FILE), `${key}\n`, { fsync: false, mode: 0o600 });
  } catch {
    // a read-only or full disk: the journal is checked in full next time
  }
}
