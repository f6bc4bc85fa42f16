/**
 * TTY renderer on listr2: a header row (progress count, failures, elapsed) and one row per running slot
 * (task id, elapsed time, the tail of its output). Rows are bounded by the concurrency, never by the
 * plan size. The live display is cleared at the end and replaced by the summary. listr2 only draws:
 * the runner owns scheduling and failure policy.
 */
import { Listr, type ListrDefaultRenderer, type ListrSimpleRenderer, type ListrTask, type ListrTaskWrapper } from 'listr2';

type Wrapper = ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;
type Task = ListrTask<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;
import type { RunEvent } from './events.js';
import { summaryLines, type RenderTarget } from './render-plain.js';
import { unreachable } from '../core/unreachable.js';

const maxSlots = 8;

interface Slot {
  task: string | null;
  title: string;
  since: number;
  tail: string;
  wrapper: Wrapper | null;
}

export interface TtyRenderer {
  onEvent: (event: RunEvent) => void;
  /** Resolves once listr2 has drawn its last frame. */
  done: Promise<void>;
}

/** What the live view shows, and how each event changes it. */
class TtyView {
  readonly slots: Slot[];
  readonly started = Date.now();
  finished = 0;
  failed = 0;
  fresh = 0;
  running = 0;
  header: Wrapper | null = null;
  readonly notes: string[] = [];
  shownNotes = 0;
  /** The tasks this run covers (--only selects fewer than the plan has). */
  selected: number | null = null;
  final: Extract<RunEvent, { event: 'run-end' }> | null = null;
  endRun!: () => void;
  readonly ended = new Promise<void>((resolve) => (this.endRun = resolve));

  constructor(
    concurrency: number,
    private readonly total: () => number,
  ) {
    this.slots = Array.from({ length: Math.min(concurrency, maxSlots) }, () => ({ task: null, title: '', since: 0, tail: '', wrapper: null }));
  }

  private elapsed(since: number): string {
    return `${Math.floor((Date.now() - since) / 1000)}s`;
  }

  draw(): void {
    const { header, slots } = this;
    if (header) {
      const more = this.running > slots.length ? `, ${this.running - slots.length} more running` : '';
      header.title = `${this.finished}/${this.selected ?? this.total()} finished${this.fresh ? ` (${this.fresh} fresh)` : ''}${this.failed ? `, ${this.failed} failed` : ''}${more} · ${this.elapsed(this.started)}`;
      // listr2 keeps the last outputs a task was given (outputBar): give each note once, never again.
      while (this.shownNotes < this.notes.length) header.output = this.notes[this.shownNotes++]!;
    }
    for (const slot of slots) {
      if (!slot.wrapper) continue;
      slot.wrapper.title = slot.task ? `${slot.task} · ${this.elapsed(slot.since)}  ${slot.title}` : 'idle';
      slot.wrapper.output = slot.task ? slot.tail : '';
    }
  }

  /** listr2's rows: the header, then one per slot; each lasts until the run ends. */
  tasks(): Task[] {
    return [
      {
        title: 'starting',
        task: async (_ctx, task) => {
          this.header = task;
          this.draw();
          await this.ended;
        },
        rendererOptions: { outputBar: 2, persistentOutput: false },
      },
      ...this.slots.map((slot) => ({
        title: 'idle',
        task: async (_ctx: unknown, task: Wrapper) => {
          slot.wrapper = task;
          await this.ended;
          task.title = 'idle';
          task.output = '';
        },
        rendererOptions: { outputBar: 1, persistentOutput: false },
      })),
    ];
  }

  private slotOf(task: string): Slot | undefined {
    return this.slots.find((s) => s.task === task);
  }

  /** A task left its slot: it ended, hit a limit, or was stopped or interrupted. */
  private left(event: Extract<RunEvent, { event: 'task-end' | 'task-limited' | 'task-stopped' | 'task-interrupted' }>): void {
    this.running--;
    const slot = this.slotOf(event.task);
    if (slot) slot.task = null;
    if (event.event === 'task-stopped') this.notes.push(`${event.task} ${event.reason}`);
    if (event.event === 'task-end') {
      if (event.status === 'failed') {
        this.failed++;
        this.notes.push(`${event.task} failed: ${event.reason}`);
      }
      if (event.status === 'done') this.finished++;
    }
  }

  onEvent(event: RunEvent): void {
    switch (event.event) {
      case 'run-start':
        this.selected = event.tasks;
        break;
      case 'notice':
        this.notes.push(event.message);
        break;
      case 'task-start': {
        this.running++;
        const slot = this.slots.find((s) => s.task === null);
        if (slot) Object.assign(slot, { task: event.task, title: event.title, since: Date.now(), tail: '' });
        break;
      }
      case 'task-output': {
        const slot = this.slotOf(event.task);
        if (slot && !event.quiet) slot.tail = event.line.slice(0, 200);
        break;
      }
      case 'task-progress': {
        const slot = this.slotOf(event.task);
        if (slot && event.progress.message) slot.tail = event.progress.message;
        break;
      }
      case 'task-end':
      case 'task-limited':
      case 'task-stopped':
      case 'task-interrupted':
        this.left(event);
        break;
      case 'task-fresh':
        this.finished++;
        this.fresh++;
        break;
      case 'run-end':
        this.final = event;
        this.draw();
        this.endRun();
        break;
      default:
        return unreachable(event, 'event');
    }
  }
}

export function ttyRenderer(target: RenderTarget, concurrency: number, total: () => number): TtyRenderer {
  const view = new TtyView(concurrency, total);
  const timer = setInterval(() => view.draw(), 250);
  const list = new Listr<unknown, 'default', 'simple'>(view.tasks(), {
    concurrent: true,
    exitOnError: false,
    registerSignalListeners: false,
    rendererOptions: { collapseSubtasks: true, clearOutput: true },
  });
  const done = list.run().then(
    () => {
      clearInterval(timer);
      if (view.final) for (const line of summaryLines(view.final, target)) target.write(`${line}\n`);
    },
    () => clearInterval(timer),
  );
  return { done, onEvent: (event) => view.onEvent(event) };
}
