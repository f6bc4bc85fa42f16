/**
 * journal.jsonl: the append-only, hash-chained history of a state directory (docs/runner.md).
 * Every record carries `seq` and `prev` = sha256 of the previous line's text, so editing, removing or
 * reordering a record breaks the chain; state.json keeps the head (seq + hash of the last line), so
 * truncating the tail is detected too. The journal is the source of truth: state.json is a snapshot of
 * it, and after a crash the tail past the snapshot is replayed.
 */
import { sha256 } from '../compiler/artifacts/json.js';
import { closeSync, fsync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { JournalBody } from './records.js';

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

  constructor(file: string, head: JournalHead) {
    this.fd = openSync(file, 'a');
    this.head = head;
  }

  get current(): JournalHead {
    return this.head;
  }

  append(body: JournalBody, now: Date): JournalRecord {
    const record = { seq: this.head.seq + 1, ts: now.toISOString(), prev: this.head.hash, ...body };
    const line = JSON.stringify(record);
    // One write() per record: after kill -9 the kernel still has it (page cache); fsync is grouped (sync()).
    writeSync(this.fd, `${line}\n`);
    this.head = { seq: record.seq, hash: hashLine(line) };
    this.dirty = true;
    return record;
  }

  /** Makes appended records durable against power loss too (group commit). */
  sync(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  /** The same on the thread pool, so a slow disk never stalls the run loop; at most one in flight. */
  syncInBackground(): void {
    if (!this.dirty || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    fsync(this.fd, () => {
      this.syncing = false;
    });
  }

  private syncing = false;

  close(): void {
    this.sync();
    closeSync(this.fd);
  }
}

export interface ReadJournal {
  records: JournalRecord[];
  head: JournalHead;
  /** A torn last line (crash in the middle of a write), ignored and reported. */
  tornTail: boolean;
}

export function readJournal(file: string): ReadJournal {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { records: [], head: { seq: 0, hash: genesis }, tornTail: false };
  }
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  let head: JournalHead = { seq: 0, hash: genesis };
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
      head = { seq: records[records.length - 1]!.seq, hash: hashLine(line) };
    } catch {
      if (i >= lines.length - 2) tornTail = true;
      else throw new Error(`journal line ${i + 1} is not JSON`);
    }
  }
  return { records, head, tornTail };
}

export interface ChainProblem {
  line: number;
  code: 'journal-not-json' | 'journal-broken-chain' | 'journal-bad-seq' | 'journal-head-mismatch';
  message: string;
}

/** Checks every link of the chain, and that the chain ends where state.json says it does. */
export function verifyJournal(text: string, expectedHead: JournalHead | null): { problems: ChainProblem[]; records: number } {
  const problems: ChainProblem[] = [];
  let prevHash = genesis;
  let prevSeq = 0;
  let count = 0;
  const hashAt = new Map<number, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      problems.push({ line: i + 1, code: 'journal-not-json', message: 'record is not valid JSON' });
      prevHash = hashLine(line);
      continue;
    }
    count++;
    if (record.prev !== prevHash) {
      problems.push({ line: i + 1, code: 'journal-broken-chain', message: `record ${record.seq} does not follow the previous record (hash mismatch): an earlier record was changed, removed or inserted` });
    }
    if (record.seq !== prevSeq + 1) {
      problems.push({ line: i + 1, code: 'journal-bad-seq', message: `record seq ${record.seq} follows seq ${prevSeq}` });
    }
    prevHash = hashLine(line);
    prevSeq = record.seq;
    hashAt.set(record.seq, prevHash);
  }
  if (expectedHead && expectedHead.seq > 0 && hashAt.get(expectedHead.seq) !== expectedHead.hash) {
    problems.push({ line: lines.length, code: 'journal-head-mismatch', message: `state.json records head seq ${expectedHead.seq}, but the journal has no such record with that hash (it ends at seq ${prevSeq}): the journal was truncated or a record was changed` });
  }
  return { problems, records: count };
}
