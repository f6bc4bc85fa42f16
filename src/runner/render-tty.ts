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

export function ttyRenderer(target: RenderTarget, concurrency: number, total: () => number): TtyRenderer {
  const slots: Slot[] = Array.from({ length: Math.min(concurrency, maxSlots) }, () => ({ task: null, title: '', since: 0, tail: '', wrapper: null }));
  const started = Date.now();
  let finished = 0;
  let failed = 0;
  let fresh = 0;
  let running = 0;
  let header: Wrapper | null = null;
  let endRun!: () => void;
  const ended = new Promise<void>((resolve) => (endRun = resolve));
  const notes: string[] = [];
  let shownNotes = 0;
  /** The tasks this run covers (--only selects fewer than the plan has). */
  let selected: number | null = null;
  let final: Extract<RunEvent, { event: 'run-end' }> | null = null;

  const elapsed = (since: number) => `${Math.floor((Date.now() - since) / 1000)}s`;
  const draw = () => {
    if (header) {
      const more = running > slots.length ? `, ${running - slots.length} more running` : '';
      header.title = `${finished}/${selected ?? total()} finished${fresh ? ` (${fresh} fresh)` : ''}${failed ? `, ${failed} failed` : ''}${more} · ${elapsed(started)}`;
      // listr2 keeps the last outputs a task was given (outputBar): give each note once, never again.
      while (shownNotes < notes.length) header.output = notes[shownNotes++]!;
    }
    for (const slot of slots) {
      if (!slot.wrapper) continue;
      slot.wrapper.title = slot.task ? `${slot.task} · ${elapsed(slot.since)}  ${slot.title}` : 'idle';
      slot.wrapper.output = slot.task ? slot.tail : '';
    }
  };
  const timer = setInterval(draw, 250);

  const tasks: Task[] = [
    {
      title: 'starting',
      task: async (_ctx, task) => {
        header = task;
        draw();
        await ended;
      },
      rendererOptions: { outputBar: 2, persistentOutput: false },
    },
    ...slots.map((slot) => ({
      title: 'idle',
      task: async (_ctx: unknown, task: Wrapper) => {
        slot.wrapper = task;
        await ended;
        task.title = 'idle';
        task.output = '';
      },
      rendererOptions: { outputBar: 1, persistentOutput: false },
    })),
  ];
  const list = new Listr<unknown, 'default', 'simple'>(tasks, {
    concurrent: true,
    exitOnError: false,
    registerSignalListeners: false,
    rendererOptions: { collapseSubtasks: true, clearOutput: true },
  });
  const done = list.run().then(
    () => {
      clearInterval(timer);
      if (final) for (const line of summaryLines(final, target)) target.write(`${line}\n`);
    },
    () => clearInterval(timer),
  );

  return {
    done,
    onEvent(event) {
      switch (event.event) {
        case 'run-start':
          selected = event.tasks;
          break;
        case 'notice':
          notes.push(event.message);
          break;
        case 'task-start': {
          running++;
          const slot = slots.find((s) => s.task === null);
          if (slot) Object.assign(slot, { task: event.task, title: event.title, since: Date.now(), tail: '' });
          break;
        }
        case 'task-output': {
          const slot = slots.find((s) => s.task === event.task);
          if (slot && !event.quiet) slot.tail = event.line.slice(0, 200);
          break;
        }
        case 'task-progress': {
          const slot = slots.find((s) => s.task === event.task);
          if (slot && event.progress.message) slot.tail = event.progress.message;
          break;
        }
        case 'task-end':
        case 'task-limited':
        case 'task-stopped':
        case 'task-interrupted': {
          running--;
          const slot = slots.find((s) => s.task === event.task);
          if (slot) slot.task = null;
          if (event.event === 'task-stopped') notes.push(`${event.task} ${event.reason}`);
          if (event.event === 'task-end') {
            if (event.status === 'failed') {
              failed++;
              notes.push(`${event.task} failed: ${event.reason}`);
            }
            if (event.status === 'done') finished++;
          }
          break;
        }
        case 'task-fresh':
          finished++;
          fresh++;
          break;
        case 'run-end':
          final = event;
          draw();
          endRun();
          break;
        default:
          return unreachable(event, 'event');
      }
    },
  };
}
