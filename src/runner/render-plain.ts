/**
 * Renderers that print lines: plain (no TTY or CI set: one line per event, task output prefixed with the
 * task id, whole lines only) and NDJSON (--json: one RunEvent per line).
 */
import path from 'node:path';
import { describeWaitReason } from '../core/task-status.js';
import type { RunEvent } from './events.js';
import { defaultMaxLogBytes, TailBuffer } from './log-writer.js';
import { unreachable } from '../core/unreachable.js';

export interface RenderTarget {
  write: (text: string) => void;
  /** For showing log paths relative to where the user is. */
  cwd: string;
  planDir: string;
}

export function displayPath(target: RenderTarget, rel: string): string {
  const shown = path.relative(target.cwd, path.join(target.planDir, rel));
  return shown.startsWith('..') && shown.split(path.sep).filter((p) => p === '..').length > 2 ? path.join(target.planDir, rel) : shown;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function summaryLines(event: Extract<RunEvent, { event: 'run-end' }>, target: RenderTarget): string[] {
  const lines = [event.summary];
  for (const f of event.failures) lines.push(`  FAILED ${f.task}: ${f.reason}${f.log ? ` (log: ${displayPath(target, f.log)})` : ''}`);
  const shown = event.waiting.slice(0, 20);
  for (const w of shown) lines.push(`  ${w.status} ${w.task}: ${describeWaitReason(w.reason, w.task)}`);
  if (event.waiting.length > shown.length) lines.push(`  ... and ${event.waiting.length - shown.length} more (execplan status)`);
  if (event.outcome === 'waiting') lines.push('Waiting for people: run the commands above, then `execplan run` again (or keep a run alive with --wait).');
  else if (event.outcome === 'failed') lines.push('Run `execplan run` again to resume (finished tasks are not re-run).');
  if (event.outcome === 'aborted') lines.push('Aborted. Run `execplan run` to resume.');
  return lines;
}

/**
 * Coalesces writes made in one turn of the event loop into one write (a task printing a million lines
 * would otherwise cost a million write calls); flushed before the loop waits, and at once on run-end.
 */
export function batchedWriter(write: (text: string) => void): { write: (text: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    size = 0;
    write(text);
  };
  return {
    flush,
    write(text) {
      parts.push(text);
      size += text.length;
      if (size >= 64 * 1024) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

/**
 * Plain lines. A task's output is capped per attempt like its log: the first half of `maxOutputBytes` is
 * printed as it comes, then one note, and the last lines (within the other half) when the attempt ends,
 * so a task printing a gigabyte does not print a gigabyte.
 */
export function plainRenderer(target: RenderTarget, showOutput = true, maxOutputBytes = defaultMaxLogBytes): (event: RunEvent) => void {
  const view = new PlainView(target, showOutput, maxOutputBytes);
  return (event) => {
    view.render(event);
    if (event.event === 'run-end' || event.event === 'run-start') view.batch.flush();
  };
}

/** The plain renderer's state: the batched console writer and each task's output so far (head printed, tail kept). */
class PlainView {
  readonly batch: ReturnType<typeof batchedWriter>;
  private readonly printed = new Map<string, number>();
  private readonly tails = new Map<string, TailBuffer>();
  private readonly headLimit: number;

  constructor(
    private readonly target: RenderTarget,
    private readonly showOutput: boolean,
    private readonly maxOutputBytes: number,
  ) {
    this.batch = batchedWriter(target.write);
    this.headLimit = Math.floor(maxOutputBytes / 2);
  }

  private out(line: string): void {
    this.batch.write(`${line}\n`);
  }

  /** The attempt ended: the last lines kept past the cap are printed, with how many were left out. */
  private flushTail(task: string): void {
    const tail = this.tails.get(task);
    this.printed.delete(task);
    if (!tail) return;
    this.tails.delete(task);
    if (tail.droppedLines) this.out(`${task} | [execplan: ${tail.droppedLines} line(s) not shown; \`execplan logs ${task}\` has the log]`);
    for (const line of tail.take()) this.out(`${task} | ${line}`);
  }

  /** A line of a task's output: printed up to the head limit, then kept in the tail for the attempt's end. */
  private output(event: Extract<RunEvent, { event: 'task-output' }>): void {
    // An agent's raw event stream is in its attempt log; its one-line progress messages are shown instead.
    if (!this.showOutput || event.quiet) return;
    // The prefix counts: the cap is on what reaches the console.
    const bytes = Buffer.byteLength(event.line) + event.task.length + 4;
    const sofar = this.printed.get(event.task) ?? 0;
    const tail = this.tails.get(event.task);
    if (!tail && sofar + bytes <= this.headLimit) {
      this.printed.set(event.task, sofar + bytes);
      this.out(`${event.task} | ${event.line}`);
    } else if (tail) tail.push(event.line, bytes);
    else {
      this.out(`${event.task} | [execplan: output over ${(this.headLimit / 1024 / 1024).toFixed(1)} MiB; its last lines follow when the attempt ends]`);
      const fresh = new TailBuffer(this.maxOutputBytes - this.headLimit);
      fresh.push(event.line, bytes);
      this.tails.set(event.task, fresh);
    }
  }

  render(event: RunEvent): void {
    const { target } = this;
    const out = (line: string) => this.out(line);
    switch (event.event) {
      case 'run-start':
        out(`execplan run ${event.runId} (${event.mode}): ${event.toRun} of ${event.tasks} task(s) to run, concurrency ${event.concurrency}`);
        break;
      case 'notice':
        out(`note   ${event.message}`);
        break;
      case 'task-start':
        out(`start  ${event.task}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
        break;
      case 'task-output':
        this.output(event);
        break;
      case 'task-progress':
        if (event.progress.message) out(`${event.task} : ${event.progress.message}`);
        break;
      case 'task-end':
        this.flushTail(event.task);
        if (event.status === 'done') out(`done   ${event.task} ${seconds(event.durationMs)}`);
        else {
          out(`FAILED ${event.task} (attempt ${event.attempt}): ${event.reason}${event.log ? ` (log: ${displayPath(target, event.log)})` : ''}`);
          if (event.retryInMs !== null) out(`retry  ${event.task} in ${seconds(event.retryInMs)}`);
        }
        break;
      case 'task-fresh':
        out(`fresh  ${event.task} (up to date, not re-run)`);
        break;
      case 'task-interrupted':
        this.flushTail(event.task);
        out(`stop   ${event.task} (attempt ${event.attempt} interrupted)`);
        break;
      case 'task-limited':
        out(`limit  ${event.task} (attempt ${event.attempt}): ${event.limit} of ${event.pool}: ${event.message}; waits, no retry used`);
        break;
      case 'task-stopped':
        this.flushTail(event.task);
        out(`stop   ${event.task} (attempt ${event.attempt} stopped: ${event.reason})`);
        break;
      case 'run-end':
        for (const line of summaryLines(event, target)) out(line);
        break;
      default:
        return unreachable(event, 'event');
    }
  }
}

export function jsonRenderer(target: RenderTarget): (event: RunEvent) => void {
  const batch = batchedWriter(target.write);
  return (event) => {
    batch.write(`${JSON.stringify(event.event === 'run-end' ? withWaitText(event) : event)}\n`);
    if (event.event === 'run-end') batch.flush();
  };
}

/** NDJSON keeps the one-line text of each wait reason (`for`, as the plain summary shows it) beside the typed reason. */
function withWaitText(event: Extract<RunEvent, { event: 'run-end' }>) {
  return { ...event, waiting: event.waiting.map((w) => ({ task: w.task, status: w.status, for: describeWaitReason(w.reason, w.task), reason: w.reason })) };
}
