/**
 * The persisted state of one state directory: journal (truth) + state.json (atomic snapshot, for people
 * and monitors). Loading folds the whole journal, so a snapshot older than the journal never matters.
 * `NullStore` keeps the same state in memory only (--no-state; the durability bench).
 */
import { mkdirSync, truncateSync, readFileSync } from 'node:fs';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import { applyRecord, emptyState, writeSnapshot, writeSnapshotInBackground, type RunState } from './state.js';
import { hashLine, JournalWriter, readJournal, type JournalRecord } from './journal.js';
import type { JournalBody } from './records.js';
import type { StatePaths } from './paths.js';

export interface Store {
  readonly state: RunState;
  readonly persistent: boolean;
  append(body: JournalBody): JournalRecord;
  /** Writes the snapshot now if anything changed (synchronously: control commands, the end of a run). */
  flush(): void;
  /** The same without blocking the run loop on fsync (the runner's timer). */
  flushInBackground(): void;
  close(): void;
}

/** Folds the journal into a state; `tornTail` says a crash cut the last line. */
export function loadState(paths: StatePaths): { state: RunState; tornTail: boolean } {
  const journal = readJournal(paths.journal);
  const state = emptyState();
  const lines = journal.records.length ? readFileSync(paths.journal, 'utf8').split('\n').filter((l) => l !== '') : [];
  journal.records.forEach((record, i) => applyRecord(state, record, hashLine(lines[i]!)));
  return { state, tornTail: journal.tornTail };
}

export type LoadedState = Result<RunState, FailureOf<'state-damaged'>>;

/** loadState for commands: a journal with a broken line in the middle is reported, not thrown. */
export function tryLoadState(paths: StatePaths): LoadedState {
  try {
    return ok(loadState(paths).state);
  } catch (error) {
    return err({ kind: 'state-damaged', journal: paths.journal, detail: error instanceof Error ? error.message : String(error), resuming: false });
  }
}

export class FileStore implements Store {
  readonly persistent = true;
  private writer: JournalWriter;
  private dirty = false;

  private constructor(private readonly paths: StatePaths, readonly state: RunState) {
    this.writer = new JournalWriter(paths.journal, state.journal);
  }

  static open(paths: StatePaths): FileStore {
    mkdirSync(paths.dir, { recursive: true });
    const { state, tornTail } = loadState(paths);
    if (tornTail) {
      // Drop the torn line so the next record starts on a line of its own.
      const text = readFileSync(paths.journal, 'utf8');
      const keep = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
      truncateSync(paths.journal, Buffer.byteLength(keep));
    }
    return new FileStore(paths, state);
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
    writeSnapshot(this.paths.state, this.state);
    this.dirty = false;
  }

  private snapshotInFlight = false;
  private generation = 0;

  flushInBackground(): void {
    if (!this.dirty || this.snapshotInFlight) return;
    this.writer.syncInBackground();
    this.dirty = false;
    this.snapshotInFlight = true;
    const generation = this.generation;
    writeSnapshotInBackground(this.paths.state, this.state, () => generation === this.generation, () => {
      this.snapshotInFlight = false;
    });
  }

  close(): void {
    this.flush();
    this.writer.close();
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
}
