/**
 * The runner's hand-off files, put in place on the thread pool. An artifact is decided when its journal
 * record is appended (its content and its name, as before); only the file system work (the task's folder,
 * a temporary file, the rename) happens a moment later, so the run loop never waits for it — a folder
 * and a file per task are slow metadata updates on a disk that other programs fsync against.
 * The writes into one task's folder go in order (the folder first). A reader that must find a task's
 * newest artifact on disk (an agent's prompt, about its upstream tasks) waits until `pending(task)` is
 * false; the run ends only once `idle`.
 */
import { mkdir } from 'node:fs';
import { writeFileAtomicAsync } from '../core/atomic-write.js';
import type { HandoffFile } from './handoff-artifacts.js';

export class HandoffWrites {
  private readonly queues = new Map<string, HandoffFile[]>();

  /** `settled`: one file is in place (error null) or could not be written. */
  constructor(private readonly settled: (file: HandoffFile, error: Error | null) => void) {}

  get idle(): boolean {
    return this.queues.size === 0;
  }

  pending(task: string): boolean {
    return this.queues.has(task);
  }

  write(file: HandoffFile): void {
    const queue = this.queues.get(file.task);
    if (queue) queue.push(file);
    else {
      this.queues.set(file.task, [file]);
      // Started after the journal's write of this turn (a microtask queued when the record was appended,
      // so it runs first): a hand-off never reaches the disk before the record it tells of.
      queueMicrotask(() => this.start(file));
    }
  }

  private start(file: HandoffFile): void {
    const put = () => writeFileAtomicAsync(file.file, file.text, (error) => this.done(file, error));
    if (file.newFolder) mkdir(file.dir, { recursive: true }, (error) => (error ? this.done(file, error) : put()));
    else put();
  }

  private done(file: HandoffFile, error: Error | null): void {
    const queue = this.queues.get(file.task)!;
    queue.shift();
    if (queue.length === 0) this.queues.delete(file.task);
    else this.start(queue[0]!);
    this.settled(file, error);
  }
}
