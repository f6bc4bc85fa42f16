/**
 * The persisted state of one state directory: journal (truth) + state.json (atomic snapshot, for people
 * and monitors). Loading folds the whole journal, so a snapshot older than the journal never matters.
 * `NullStore` keeps the same state in memory only (--no-state; the durability bench).
 */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { assertNotSymlink, mkdirPrivate } from './state-fs.js';
import { applyRecord, emptyState, parseSnapshot, writeSnapshot, writeSnapshotInBackground, type RunState } from './state.js';
import { checkedKey, isChecked, keyOfDigests, recordChecked } from './journal-checked.js';
import { inspectJournal, JournalWriter, type ChainProblem, type JournalRecord, type TornTail } from './journal.js';
import type { JournalBody } from './records.js';
import type { StatePaths } from './paths.js';
import type { FailureOf } from '../core/failure.js';
import type { StorageError } from './storage-error.js';
import { err, ok, type Result } from '../core/result.js';

export interface Store {
  readonly state: RunState;
  readonly persistent: boolean;
  append(body: JournalBody): JournalRecord;
  /** Writes the snapshot now if anything changed (synchronously: control commands, the end of a run). */
  flush(): void;
  /** The same without blocking the run loop on fsync (the runner's timer). */
  flushInBackground(): void;
  close(): void;
  /**
   * The run loop's mode: the records of one turn of the event loop go to the journal in one write()
   * (JournalWriter.batchWrites); `writePending` writes them now, before the caller acts on them.
   */
  batchWrites(onError: (error: StorageError) => void): void;
  writePending(): void;
}

export interface CheckedState {
  state: RunState;
  /** A crash cut the journal's last write: the next writer cuts it off (and keeps it aside). */
  tornTail: TornTail | null;
  /** Damage the runner must not act on (edited, removed or inserted records, lines that are not records). */
  problems: ChainProblem[];
}

/**
 * Reads and checks the whole journal (hash chain, seq, the head state.json records) and folds its records
 * into a state. Never throws: an unreadable journal or a record the fold cannot apply is a problem.
 */
export function loadState(paths: StatePaths): CheckedState {
  return readState(paths).checked;
}

/** loadState, with the journal's text as read (null when there is none or it cannot be read). */
function readState(paths: StatePaths): { checked: CheckedState; text: string | null } {
  let text: string;
  try {
    text = readFileSync(paths.journal, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { checked: { state: emptyState(), tornTail: null, problems: [] }, text: null };
    return {
      checked: { state: emptyState(), tornTail: null, problems: [{ line: 1, code: 'journal-unreadable', message: `cannot read the journal (${code ?? String(error)})` }] },
      text: null,
    };
  }
  return { checked: checkText(paths, text), text };
}

function checkText(paths: StatePaths, text: string): CheckedState {
  const snapshotText = readSnapshotText(paths.state);
  const snapshot = parseSnapshot(snapshotText);
  // This journal and this snapshot, byte for byte, were checked and folded before: the fold is the snapshot.
  const key = snapshot ? checkedKey(text, snapshotText!) : null;
  if (key && isChecked(paths.dir, key)) return { state: snapshot!, tornTail: null, problems: [] };
  const inspected = inspectJournal(text, snapshot?.journal ?? null);
  const state = emptyState();
  const problems = [...inspected.problems];
  for (const [i, record] of inspected.records.entries()) {
    try {
      applyRecord(state, record, inspected.hashes[i]!);
    } catch (error) {
      problems.push({ line: i + 1, code: 'journal-not-record', message: `record ${record.seq} cannot be applied (${error instanceof Error ? error.message : String(error)})` });
      break;
    }
  }
  if (key && problems.length === 0 && !inspected.tornTail) recordChecked(paths.dir, key, state, snapshot);
  return { state, tornTail: inspected.tornTail, problems };
}

function readSnapshotText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export type LoadedState = Result<{ state: RunState; tornTail: TornTail | null }, FailureOf<'history-damaged'>>;

/** loadState for commands: damage is reported (the CLI names it and the recovery), never thrown. */
export function tryLoadState(paths: StatePaths): LoadedState {
  const loaded = loadState(paths);
  if (loaded.problems.length) return err({ kind: 'history-damaged', problems: loaded.problems, journal: paths.journal });
  return ok({ state: loaded.state, tornTail: loaded.tornTail });
}

export class JournalDamaged extends Error {
  constructor(readonly problems: ChainProblem[]) {
    super(`the journal is damaged (${problems.length} problem(s))`);
  }
}

export class FileStore implements Store {
  readonly persistent = true;
  private readonly writer: JournalWriter;
  private dirty = false;

  private constructor(
    private readonly paths: StatePaths,
    readonly state: RunState,
    /** Where a torn tail cut off on open was kept, and its size. */
    readonly repairedTail: { file: string; bytes: number; line: number } | null,
  ) {
    this.writer = new JournalWriter(paths.journal, state.journal);
  }

  /** Opens the only writer. Throws JournalDamaged (callers check with tryLoadState first) and fs errors. */
  static open(paths: StatePaths): FileStore {
    mkdirPrivate(paths.dir);
    assertNotSymlink(paths.journal);
    const { checked, text } = readState(paths);
    const { state, tornTail, problems } = checked;
    if (problems.length) throw new JournalDamaged(problems);
    let repaired: FileStore['repairedTail'] = null;
    if (tornTail) {
      // Keep what the crash left (never lose bytes of the history), then cut it so the next record
      // starts on a line of its own right after the last good one.
      const file = `${paths.journal}.torn-${Date.now()}`;
      writeFileSync(file, tornTail.text);
      truncateSync(paths.journal, tornTail.keepBytes);
      repaired = { file, bytes: Buffer.byteLength(tornTail.text), line: tornTail.line };
    }
    const store = new FileStore(paths, state, repaired);
    // A journal whose torn tail was cut is not tracked (its next load checks it in full, once).
    if (!tornTail) store.writer.trackDigest(text ?? '');
    return store;
  }

  append(body: JournalBody): JournalRecord {
    const record = this.writer.append(body, new Date());
    applyRecord(this.state, record, this.writer.current.hash);
    this.dirty = true;
    return record;
  }

  flush(): void {
    if (!this.dirty && !this.snapshotInFlight) return;
    this.generation++;
    this.writer.sync();
    const snapshotText = writeSnapshot(this.paths.state, this.state);
    this.dirty = false;
    this.noteChecked(snapshotText);
  }

  /**
   * This store's state is the fold of the journal it holds (checked when opened, then every append
   * applied in order), so the journal's note can say so for the bytes left on disk: the next `status`
   * or control verb then takes the snapshot without replaying the journal. recordChecked writes it only
   * when the snapshot reads back as exactly this state.
   */
  private noteChecked(snapshotText: string): void {
    const digest = this.writer.digestHex();
    const key = digest ? keyOfDigests(digest, snapshotText) : null;
    if (key) recordChecked(this.paths.dir, key, this.state, parseSnapshot(snapshotText));
  }

  private snapshotInFlight = false;
  private generation = 0;
  /** A background write that failed (disk full, read-only): the next synchronous flush reports it. */
  backgroundError: Error | null = null;

  batchWrites(onError: (error: StorageError) => void): void {
    this.writer.batchWrites(onError);
  }

  writePending(): void {
    this.writer.writePending();
  }

  flushInBackground(): void {
    if (!this.dirty || this.snapshotInFlight) return;
    this.writer.writePending();
    this.dirty = false;
    this.snapshotInFlight = true;
    const generation = this.generation;
    // Serialized now, with the head the fsync below makes durable: the snapshot never points past it.
    const text = `${JSON.stringify(this.state)}\n`;
    const started = this.writer.syncInBackground((syncError) => {
      if (syncError) {
        this.snapshotInFlight = false;
        this.backgroundError = syncError;
        return;
      }
      writeSnapshotInBackground(
        this.paths.state,
        text,
        () => generation === this.generation,
        (error) => {
          this.snapshotInFlight = false;
          if (error) this.backgroundError = error;
        },
      );
    });
    if (!started) {
      this.snapshotInFlight = false;
      this.dirty = true;
    }
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.writer.close();
    }
  }
}

export class NullStore implements Store {
  readonly persistent = false;
  private seq = 0;
  readonly state = emptyState();

  append(body: JournalBody): JournalRecord {
    const record = { seq: ++this.seq, ts: new Date().toISOString(), prev: '', ...body };
    applyRecord(this.state, record, '');
    return record;
  }

  flush(): void {}
  flushInBackground(): void {}
  close(): void {}
  batchWrites(): void {}
  writePending(): void {}
}
