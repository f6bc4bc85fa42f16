/**
 * Telling beads what a run does, through its `bd` CLI: a task's issue goes in_progress when it starts,
 * closed when it is done, blocked when it fails for good or a failed upstream blocks it. Every call names
 * the run. Calls go one at a time in event order (bd keeps one database), and a failing call is reported
 * through `warn`, never a failed task: beads is told, it does not decide.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { RunEvent } from './events.js';

export type BeadsStatus = 'open' | 'in_progress' | 'blocked' | 'closed';

/** The status a task's issue has for a task status of the run state (`export beads`). */
export function beadsStatusOf(status: string): BeadsStatus {
  switch (status) {
    case 'done':
    case 'fresh':
    case 'skipped':
      return 'closed';
    case 'running':
      return 'in_progress';
    case 'failed':
    case 'blocked':
      return 'blocked';
    default:
      return 'open';
  }
}

/** The first executable `bd` on PATH, or null. */
export function findBd(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, 'bd');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export interface BeadsSync {
  onEvent(event: RunEvent): void;
  /** Waits for the calls still queued. */
  drain(): Promise<void>;
}

interface BeadsSyncOptions {
  bd: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  runId: string;
  idOf: (task: string) => string | undefined;
  warn: (message: string) => void;
}

export function beadsSync(options: BeadsSyncOptions): BeadsSync {
  // One bd call at a time, in event order: a close must not overtake the update before it.
  let queue: Promise<void> = Promise.resolve();
  const run = `execplan run ${options.runId}`;
  return {
    onEvent(event) {
      for (const args of bdCallsFor(event, run, options.idOf)) queue = queue.then(() => runBd(options, args));
    },
    drain: () => queue,
  };
}

/** The bd commands that tell beads what a run event means for its issues (none for most events). */
function bdCallsFor(event: RunEvent, run: string, idOf: (task: string) => string | undefined): string[][] {
  switch (event.event) {
    case 'task-start': {
      const id = idOf(event.task);
      return id ? [['update', id, '--status', 'in_progress', '--notes', `${run}: attempt ${event.attempt} started`]] : [];
    }
    case 'task-end': {
      const id = idOf(event.task);
      if (!id) return [];
      if (event.status === 'done') return [['close', id, '--reason', `done in ${run} (attempt ${event.attempt})`]];
      // A failure with a retry coming is not the end: the next start says in_progress again.
      if (event.retryInMs === null) return [['update', id, '--status', 'blocked', '--notes', `${run}: attempt ${event.attempt} failed: ${event.reason ?? 'failed'}`]];
      return [];
    }
    case 'task-fresh': {
      const id = idOf(event.task);
      return id ? [['close', id, '--reason', `up to date in ${run} (not re-run)`]] : [];
    }
    case 'run-end':
      return event.waiting.flatMap((w) => {
        const id = w.status === 'blocked' ? idOf(w.task) : undefined;
        return id ? [['update', id, '--status', 'blocked', '--notes', `${run}: blocked by a failed task upstream`]] : [];
      });
    default:
      return [];
  }
}

/** Runs one bd command; a failure is a warning, never an error of the run. */
function runBd(options: BeadsSyncOptions, args: string[]): Promise<void> {
  return new Promise<void>((resolve) => {
    let output = '';
    const child = spawn(options.bd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c) => (output += String(c)));
    child.stderr.on('data', (c) => (output += String(c)));
    child.on('error', (error) => {
      options.warn(`beads sync: could not run bd ${args.slice(0, 2).join(' ')}: ${error.message}`);
      resolve();
    });
    child.on('close', (code) => {
      if (code !== 0) options.warn(`beads sync: bd ${args.slice(0, 2).join(' ')} failed (exit ${code})${output.trim() ? `: ${output.trim().split('\n').slice(-1)[0]}` : ''}`);
      resolve();
    });
  });
}
