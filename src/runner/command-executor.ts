/**
 * The command executor: runs a task's `run:` commands in a shell, in their own process group, so a
 * timeout or Ctrl-C stops the whole tree (grandchildren included): SIGTERM to the group, then SIGKILL
 * after a grace period. Uses node:child_process directly (see bench/RESULTS.md for the spawn-cost numbers).
 */
import { spawn } from 'node:child_process';
import type { AttemptHandle, AttemptInput, AttemptOutcome, ExecutorContext, KillReason, TaskExecutor } from './executor.js';
import { LineSplitter } from './lines.js';

export interface SpawnTreeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Milliseconds between SIGTERM and SIGKILL. */
  graceMs: number;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Several commands run in order and stop at the first failure, like make's recipe lines. */
export function shellScript(commands: readonly string[]): string {
  return commands.length === 1 ? commands[0]! : `set -e\n${commands.join('\n')}`;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Spawns `sh -c script` as the leader of a new process group and streams its output as lines. */
export function spawnTree(script: string, options: SpawnTreeOptions): AttemptHandle {
  let killedFor: KillReason | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  let child;
  try {
    child = spawn('/bin/sh', ['-c', script], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { pid: null, done: Promise.resolve({ kind: 'error', message: error instanceof Error ? error.message : String(error) }), kill() {} };
  }
  const pid = child.pid ?? null;
  const out = new LineSplitter((line) => options.onLine(line, 'stdout'));
  const err = new LineSplitter((line) => options.onLine(line, 'stderr'));
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const done = new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      out.end();
      err.end();
      if (killTimer) clearTimeout(killTimer);
      // Leftover members of the group (a background grandchild) die with the attempt.
      if (pid !== null && groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      resolve(outcome);
    };
    child.on('error', (error) => finish({ kind: 'error', message: error.message }));
    child.on('close', (code, signal) => {
      if (killedFor) finish({ kind: 'killed', reason: killedFor });
      else if (code !== null) finish({ kind: 'exited', exitCode: code });
      else finish({ kind: 'signalled', signal: signal ?? 'unknown' });
    });
  });
  return {
    pid,
    done,
    kill(reason) {
      if (pid === null) return;
      if (killedFor) {
        signalGroup(pid, 'SIGKILL');
        return;
      }
      killedFor = reason;
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), options.graceMs);
      killTimer.unref();
    },
  };
}

export type Spawner = (script: string, options: SpawnTreeOptions) => AttemptHandle;

export function commandExecutor(graceMs = 3000, spawner: Spawner = spawnTree): TaskExecutor {
  return {
    kind: 'command',
    async preflight() {
      return [];
    },
    start(input: AttemptInput, _context: ExecutorContext) {
      return spawner(shellScript(input.task.run), { cwd: input.cwd, env: input.env, graceMs, onLine: input.onLine });
    },
  };
}
