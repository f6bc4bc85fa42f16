/**
 * One attempt's log file, written synchronously in 64 KB batches: a task printing faster than the disk
 * takes is slowed down instead of filling the runner's memory. The file is created on the first line,
 * so a silent task leaves no empty file behind.
 */
import { closeSync, writeSync } from 'node:fs';
import { openAppendNoFollow } from './state-fs.js';
import path from 'node:path';

const batchBytes = 64 * 1024;

export class LogWriter {
  private fd: number | null = null;
  private pending: string[] = [];
  private pendingBytes = 0;
  wroteAny = false;

  constructor(readonly file: string) {}

  line(text: string): void {
    this.pending.push(text, '\n');
    this.pendingBytes += text.length + 1;
    this.wroteAny = true;
    if (this.pendingBytes >= batchBytes) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    if (this.fd === null) {
      this.fd = openAppendNoFollow(this.file);
    }
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
