/**
 * One attempt's log file. Lines are written as they arrive: the lines of one chunk of output are
 * gathered while the chunk is split and written with one write() right after (a microtask), so nothing
 * the task printed waits in the runner's memory for a timer that a kill -9 would cancel — the kernel has
 * it before the runner handles anything else. The file is fsync'ed when the attempt ends, and created on
 * the first line, so a silent task leaves no empty file behind.
 */
import { closeSync, fsyncSync, writeSync } from 'node:fs';
import { openAppendNoFollow } from './state-fs.js';
import path from 'node:path';
import { StorageError, storage } from './storage-error.js';

export class LogWriter {
  private fd: number | null = null;
  private pending: string[] = [];
  private scheduled = false;
  private failed = false;
  wroteAny = false;

  /** `onError`: a write the disk refused (full, read-only); later lines are dropped. */
  constructor(
    readonly file: string,
    private readonly onError: (error: StorageError) => void = (error) => {
      throw error;
    },
  ) {}

  line(text: string): void {
    if (this.failed) return;
    this.pending.push(text, '\n');
    this.wroteAny = true;
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
