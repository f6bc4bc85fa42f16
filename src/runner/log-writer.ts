/**
 * One attempt's log file. Lines are written as they arrive: the lines of one chunk of output are
 * gathered while the chunk is split and written with one write() right after (a microtask), so nothing
 * the task printed waits in the runner's memory for a timer that a kill -9 would cancel — the kernel has
 * it before the runner handles anything else. The file is fsync'ed when the attempt ends, and created on
 * the first line, so a silent task leaves no empty file behind.
 *
 * A log keeps at most `maxBytes`: the first half as it comes, then the last lines in memory (at most the
 * other half), written after a marked gap when the attempt ends. The end is what people need after a
 * failure; the beginning says how it started. While the output is within the cap the file is exactly
 * what the task printed.
 */
import { closeSync, fsyncSync, writeSync } from 'node:fs';
import { openAppendNoFollow } from './state-fs.js';
import { StorageError, storage } from './storage-error.js';

export const defaultMaxLogBytes = 20 * 1024 * 1024;
/** Room kept for the gap marker line, so head + marker + tail stays within the cap. */
const markerRoom = 200;

/** The last lines of a stream within a byte budget (oldest dropped first). */
export class TailBuffer {
  private lines: string[] = [];
  private start = 0;
  bytes = 0;
  droppedBytes = 0;
  droppedLines = 0;

  constructor(private readonly limit: number) {}

  push(text: string, bytes: number): void {
    this.lines.push(text);
    this.bytes += bytes;
    while (this.bytes > this.limit && this.start < this.lines.length) {
      const dropped = this.lines[this.start++]!;
      const size = Buffer.byteLength(dropped) + 1;
      this.bytes -= size;
      this.droppedBytes += size;
      this.droppedLines++;
    }
    // Compact now and then instead of shifting on every drop.
    if (this.start > 4096 && this.start * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.start);
      this.start = 0;
    }
  }

  take(): string[] {
    const out = this.lines.slice(this.start);
    this.lines = [];
    this.start = 0;
    this.bytes = 0;
    return out;
  }
}

export class LogWriter {
  private fd: number | null = null;
  private pending: string[] = [];
  private scheduled = false;
  private failed = false;
  /** Bytes of the beginning written so far. */
  private headBytes = 0;
  private readonly headLimit: number;
  private tail: TailBuffer | null = null;
  wroteAny = false;

  /** `onError`: a write the disk refused (full, read-only); later lines are dropped. */
  constructor(
    readonly file: string,
    private readonly onError: (error: StorageError) => void = (error) => {
      throw error;
    },
    readonly maxBytes = defaultMaxLogBytes,
  ) {
    this.headLimit = Math.floor(maxBytes / 2);
  }

  line(text: string): void {
    if (this.failed) return;
    const bytes = Buffer.byteLength(text) + 1;
    this.wroteAny = true;
    if (this.tail !== null || this.headBytes + bytes > this.headLimit) {
      this.tail ??= new TailBuffer(Math.max(0, this.maxBytes - this.headLimit - markerRoom));
      this.tail.push(text, bytes);
      return;
    }
    this.headBytes += bytes;
    this.pending.push(text, '\n');
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flushNow());
    }
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.failed) return;
    const text = this.pending.join('');
    this.pending = [];
    try {
      storage(this.file, 'write the log', () => {
        // Never through a link planted in the state folder (a link in its place is replaced).
        this.fd ??= openAppendNoFollow(this.file);
        writeSync(this.fd, text);
      });
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed = true;
      this.onError(error);
    }
  }

  /** Writes what is pending, fsyncs (the attempt ended: its log survives a power loss too) and closes. */
  close(): void {
    if (this.tail) {
      const { droppedBytes, droppedLines } = this.tail;
      if (droppedLines > 0) {
        const mib = (this.maxBytes / 1024 / 1024).toFixed(1);
        this.pending.push(
          `[execplan: ${droppedLines} line(s), ${droppedBytes} byte(s) omitted here; a log keeps its first and last lines within ${mib} MiB (logs.max_bytes_per_attempt)]\n`,
        );
      }
      for (const line of this.tail.take()) this.pending.push(line, '\n');
      this.tail = null;
    }
    this.flushNow();
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return;
    try {
      storage(this.file, 'write the log', () => fsyncSync(fd));
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.onError(error);
    } finally {
      closeSync(fd);
    }
  }
}
