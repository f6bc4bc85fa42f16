/**
 * journal.jsonl: the append-only, hash-chained history of a state directory (tamper-evident: corrections are new records, never edits).
 * Every record carries `seq` and `prev` = sha256 of the previous line's text, so editing, removing or
 * reordering a record breaks the chain; state.json keeps the head (seq + hash of the last line), so
 * truncating the tail is detected too. The journal is the source of truth: state.json is a snapshot of
 * it, and after a crash the tail past the snapshot is replayed.
 */
import { sha256 } from '../compiler/artifacts/json.js';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsync, fsyncSync, writeSync } from 'node:fs';
import { openAppendNoFollow } from './state-fs.js';
import type { JournalBody } from './records.js';
import { StorageError, storage } from './storage-error.js';

export const genesis = '0'.repeat(64);

export type JournalRecord = JournalBody & { seq: number; ts: string; prev: string };

export interface JournalHead {
  seq: number;
  hash: string;
}

export function hashLine(line: string): string {
  return sha256(line);
}

export class JournalWriter {
  private fd: number;
  private dirty = false;
  private head: JournalHead;

  constructor(
    private readonly file: string,
    head: JournalHead,
  ) {
    this.fd = storage(file, 'open the journal', () => openAppendNoFollow(file));
    this.head = head;
  }

  get current(): JournalHead {
    return this.head;
  }

  append(body: JournalBody, now: Date): JournalRecord {
    const record = { seq: this.head.seq + 1, ts: now.toISOString(), prev: this.head.hash, ...body };
    const line = JSON.stringify(record);
    if (this.batch) {
      this.pending.push(line, '\n');
      if (this.pending.length === 2) queueMicrotask(() => this.writeQueued());
    } else {
      // One write() per record: after kill -9 the kernel still has it (page cache); fsync is grouped (sync()).
      this.writeNow(`${line}\n`);
    }
    this.head = { seq: record.seq, hash: hashLine(line) };
    this.dirty = true;
    return record;
  }

  /** Lines appended in this turn of the event loop and not written yet (batch mode). */
  private pending: string[] = [];
  private batch: { onError: (error: StorageError) => void } | null = null;
  /** A batched write the disk refused: nothing is written after it (a gap would break the hash chain). */
  private refused: StorageError | null = null;

  /**
   * Batch mode (the run loop): the records of one turn of the event loop go out in one write() at the
   * end of the turn (a microtask, before any timer or I/O callback runs), or earlier when the caller is
   * about to act on them (`writePending`: before a process starts, before a control request is
   * answered). A refused write is reported to `onError`; after it the journal takes no more lines.
   */
  batchWrites(onError: (error: StorageError) => void): void {
    this.batch = { onError };
  }

  private writeQueued(): void {
    // Written already (writePending), or nothing new since a refusal was reported.
    if (this.pending.length === 0) return;
    try {
      this.writePending();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.batch?.onError(error);
    }
  }

  /** Writes the lines appended so far (batch mode) with one write(); throws StorageError when the disk refuses. */
  writePending(): void {
    if (this.refused) {
      this.pending = [];
      throw this.refused;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    try {
      this.writeNow(text);
    } catch (error) {
      if (error instanceof StorageError) this.refused = error;
      throw error;
    }
  }

  private writeNow(text: string): void {
    let bytes: number;
    try {
      bytes = storage(this.file, 'write the journal', () => writeSync(this.fd, text));
    } catch (error) {
      this.digest = null;
      throw error;
    }
    if (!this.digest) return;
    if (bytes === Buffer.byteLength(text)) this.digest.update(text, 'utf8');
    else this.digest = null;
  }

  /**
   * sha256 of the whole file as this writer knows it (what it was opened on plus every line it wrote), so
   * the journal's note can be written for the bytes it leaves without reading them back: bytes another
   * process put there are never vouched for. Null until `trackDigest`, and for good after any write that
   * failed or came out short (the file's end is then unknown).
   */
  private digest: Hash | null = null;

  /** Starts the digest from the text the journal held when it was opened. */
  trackDigest(text: string): void {
    this.digest = createHash('sha256').update(text, 'utf8');
  }

  /** The digest's hex (as sha256() of the file's text gives it), or null when it is not known. */
  digestHex(): string | null {
    return this.digest?.copy().digest('hex') ?? null;
  }

  /** Makes appended records durable against power loss too (group commit). */
  sync(): void {
    this.writePending();
    if (!this.dirty) return;
    storage(this.file, 'write the journal', () => fsyncSync(this.fd));
    this.dirty = false;
  }

  /**
   * The same on the thread pool, so a slow disk never stalls the run loop; at most one in flight.
   * `durable` runs once the records appended so far are on disk (a snapshot written after it never
   * points past the journal's durable end).
   */
  syncInBackground(durable: (error: Error | null) => void): boolean {
    if (this.syncing) return false;
    this.writePending();
    this.dirty = false;
    this.syncing = true;
    fsync(this.fd, (error) => {
      this.syncing = false;
      durable(error);
    });
    return true;
  }

  private syncing = false;

  close(): void {
    try {
      this.sync();
    } finally {
      closeSync(this.fd);
    }
  }
}

export type ProblemCode = 'journal-not-json' | 'journal-not-record' | 'journal-broken-chain' | 'journal-bad-seq' | 'journal-head-mismatch' | 'journal-unreadable';

export interface ChainProblem {
  line: number;
  code: ProblemCode;
  message: string;
}

/** What a crash in the middle of a write leaves: unparseable text after the last good record. */
export interface TornTail {
  /** 1-based line of the first torn line. */
  line: number;
  /** Bytes of the file that hold good records (truncate to this). */
  keepBytes: number;
  text: string;
}

export interface InspectedJournal {
  records: JournalRecord[];
  /** hash of each record's line, same index as records. */
  hashes: string[];
  head: JournalHead;
  tornTail: TornTail | null;
  /** Damage that is not a torn tail: the history cannot be trusted. */
  problems: ChainProblem[];
}

/** Every record type, as an object so that a new type in records.ts is a compile error until it is listed here. */
const recordTypeList: Record<JournalRecord['type'], true> = {
  'run-start': true,
  plan: true,
  'task-reset': true,
  'task-start': true,
  'task-pgid': true,
  'task-end': true,
  'task-retry': true,
  'task-interrupted': true,
  'task-stopped': true,
  'task-limited': true,
  'task-fresh': true,
  'task-wait': true,
  control: true,
  'run-end': true,
  branches: true,
  'task-blocked': true,
  'task-scope': true,
  'limit-warning': true,
};
const recordTypes = new Set<string>(Object.keys(recordTypeList));

function asRecord(value: unknown): JournalRecord | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  if (!Number.isInteger(r.seq) || typeof r.prev !== 'string' || typeof r.type !== 'string' || !recordTypes.has(r.type)) return null;
  if ('task' in r && typeof r.task !== 'string') return null;
  return value as JournalRecord;
}

function parseLine(line: string): { json: true; value: unknown } | { json: false } {
  try {
    return { json: true, value: JSON.parse(line) };
  } catch {
    return { json: false };
  }
}

/**
 * Reads the journal's text once: every record, the chain checks, and the torn tail. Unparseable lines
 * after the last good record are what a crash in the middle of a write leaves (the tail is cut off and
 * kept aside by the next writer); anything else that is wrong — a line in the middle that is not a record,
 * a broken hash chain, a seq gap, a head in state.json the journal does not have — is damage.
 */
export function inspectJournal(text: string, expectedHead: JournalHead | null): InspectedJournal {
  const lines = text.split('\n');
  const parsed = lines.map((line) => (line === '' ? null : parseLine(line)));
  let lastJson = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (parsed[i]?.json) {
      lastJson = i;
      break;
    }
  }
  const tornTail = tornTailOf(lines, parsed, lastJson);
  const records: JournalRecord[] = [];
  const hashes: string[] = [];
  const problems: ChainProblem[] = [];
  let prevHash = genesis;
  let prevSeq = 0;
  const hashAt = new Map<number, string>();
  for (let i = 0; i <= lastJson; i++) {
    const line = lines[i]!;
    const p = parsed[i];
    if (!p) continue;
    if (!p.json) {
      problems.push({ line: i + 1, code: 'journal-not-json', message: 'record is not valid JSON' });
      prevHash = hashLine(line);
      continue;
    }
    const record = asRecord(p.value);
    if (!record) {
      problems.push({ line: i + 1, code: 'journal-not-record', message: `line is JSON but not a journal record (${line.length > 40 ? `${line.slice(0, 40)}...` : line})` });
      prevHash = hashLine(line);
      continue;
    }
    if (record.prev !== prevHash) {
      problems.push({
        line: i + 1,
        code: 'journal-broken-chain',
        message: `record ${record.seq} does not follow the previous record (hash mismatch): an earlier record was changed, removed or inserted`,
      });
    }
    if (record.seq !== prevSeq + 1) {
      problems.push({ line: i + 1, code: 'journal-bad-seq', message: `record seq ${record.seq} follows seq ${prevSeq}` });
    }
    prevHash = hashLine(line);
    prevSeq = record.seq;
    hashAt.set(record.seq, prevHash);
    records.push(record);
    hashes.push(prevHash);
  }
  const headProblem = headMismatch(expectedHead, hashAt, lastJson + 1, prevSeq);
  if (headProblem) problems.push(headProblem);
  const head = records.length ? { seq: records[records.length - 1]!.seq, hash: hashes[hashes.length - 1]! } : { seq: 0, hash: genesis };
  return { records, hashes, head, tornTail, problems };
}

/** Lines that do not parse after the last good record: what a crash in the middle of a write leaves. */
function tornTailOf(lines: string[], parsed: Array<{ json: boolean } | null>, lastJson: number): TornTail | null {
  const firstTorn = parsed.findIndex((p, i) => i > lastJson && p !== null);
  if (firstTorn === -1) return null;
  const keepBytes = Buffer.byteLength(
    lines
      .slice(0, firstTorn)
      .map((l) => `${l}\n`)
      .join(''),
  );
  return { line: firstTorn + 1, keepBytes, text: lines.slice(firstTorn).join('\n') };
}

/** state.json names a head (seq and hash) the journal does not have: it was truncated or a record changed. */
function headMismatch(expectedHead: JournalHead | null, hashAt: ReadonlyMap<number, string>, line: number, lastSeq: number): ChainProblem | null {
  if (!expectedHead || expectedHead.seq <= 0 || hashAt.get(expectedHead.seq) === expectedHead.hash) return null;
  return {
    line,
    code: 'journal-head-mismatch',
    message: `state.json records head seq ${expectedHead.seq}, but the journal has no such record with that hash (it ends at seq ${lastSeq}): the journal was truncated or a record was changed`,
  };
}

/** Checks every link of the chain, and that the chain ends where state.json says it does. */
export function verifyJournal(text: string, expectedHead: JournalHead | null): { problems: ChainProblem[]; records: number; tornTail: TornTail | null } {
  const inspected = inspectJournal(text, expectedHead);
  return { problems: inspected.problems, records: inspected.records.length, tornTail: inspected.tornTail };
}
