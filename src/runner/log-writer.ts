/**
 * One attempt's log file. Every line is written with its own write() as it arrives, so a kill -9 of the
 * runner loses nothing the task printed (the kernel has it), and the file is fsync'ed when the attempt
 * ends. The file is created on the first line, so a silent task leaves no empty file behind.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { storage } from './storage-error.js';

export class LogWriter {
  private fd: number | null = null;
  wroteAny = false;

  constructor(readonly file: string) {}

  /** Throws StorageError when the disk refuses the write. */
  line(text: string): void {
    storage(this.file, 'write the log', () => {
      if (this.fd === null) {
        mkdirSync(path.dirname(this.file), { recursive: true });
        this.fd = openSync(this.file, 'a');
      }
      writeSync(this.fd, `${text}\n`);
    });
    this.wroteAny = true;
  }

  /** fsync (the attempt ended: its log survives a power loss too) and close. */
  close(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return;
    try {
      storage(this.file, 'write the log', () => fsyncSync(fd));
    } finally {
      closeSync(fd);
    }
  }
}
