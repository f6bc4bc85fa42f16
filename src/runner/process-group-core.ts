/**
 * The chunk level of process-group.ts (which re-exports all of this and is what executors import): a
 * process group spawned, signalled and ended, its output as raw chunks. Kept apart from the line
 * splitting (lines.ts, which needs the secrets detector to cut long lines safely) because the spawn
 * helper relays raw chunks and nothing else: without that import it loads three small modules instead
 * of ten, and a smaller process forks each task faster (bench/RESULTS.md, runner5).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AttemptHandle, AttemptOutcome, KillReason } from './executor.js';

export type OutputStream = 'stdout' | 'stderr';

/** How a leader ended, before a kill we asked for is taken into account. */
export type ProcessEnd = Exclude<AttemptOutcome, { kind: 'killed' }>;

/** Raw chunks; while a returned promise is pending that stream is paused (backpressure). */
export type ChunkOutput = { chunks: (chunk: Buffer, stream: OutputStream) => Promise<void> | void };

export interface GroupSpawnCore {
  /** The program (looked up on PATH) and its arguments; no shell (shellArgs makes one for a script). */
  file: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; null or absent: no stdin. */
  stdin?: string | null;
  /** Milliseconds between SIGTERM and SIGKILL. */
  graceMs: number;
  /** kill('timeout') after this many milliseconds. */
  timeoutMs?: number | null;
  output: ChunkOutput;
  /** Called once the leader has ended and its pipes are closed (or cut), before the outcome is settled. */
  onOutputEnd?: () => void;
  /**
   * After the leader exits, how long to keep reading pipes that a descendant still holds open (a
   * `setsid daemon &` that inherited stdout) before cutting them. Default 500 ms.
   */
  pipeGraceMs?: number;
  /** The spawn helper leaves the group to the runner, which owns the kill and its grace period. */
  leaveGroupToCaller?: boolean;
}

/** `sh -c script`: the argv for a shell script. */
export function shellArgs(script: string): { file: string; args: string[] } {
  return { file: '/bin/sh', args: ['-c', script] };
}

export function groupAlive(pid: number): boolean {
  // Asked once per attempt, and usually the answer is no (ESRCH, thrown): without a stack trace the
  // error costs a fraction of one with it.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * The kill side of a group, apart from who spawned it: the spawn helper starts the process in another
 * process, and the runner still signals the group itself (its pid arrives later; a kill asked before
 * then applies when it does).
 */
export class GroupLifecycle {
  private pid: number | null = null;
  private killedFor: KillReason | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private killDeadline = 0;
  private ended = false;

  constructor(private readonly graceMs: number) {}

  get leader(): number | null {
    return this.pid;
  }

  started(pid: number | null): void {
    this.pid = pid;
    if (this.killedFor) this.terminate();
  }

  /** SIGTERM to the group, SIGKILL after the grace; a second kill does not wait. */
  kill(reason: KillReason): void {
    if (this.ended) return;
    if (this.killedFor) {
      this.forced = true;
      if (this.pid !== null) signalGroup(this.pid, 'SIGKILL');
      return;
    }
    this.killedFor = reason;
    this.terminate();
  }

  /**
   * The leader ended: members of the group it left behind are killed — after what is left of the grace
   * period when we asked the group to stop (members that handle SIGTERM get their time to clean up),
   * at once otherwise — and the outcome says how the attempt ended. `groupGone`: the spawner already
   * found the group empty after the leader ended; an empty group never gets members again, so there is
   * nothing to wait for or kill (the spawn helper asks, off the runner's thread).
   */
  async end(how: ProcessEnd, groupGone = false): Promise<AttemptOutcome> {
    this.ended = true;
    const pid = groupGone ? null : this.pid;
    if (pid !== null && this.killTimer) {
      while (groupAlive(pid) && Date.now() < this.killDeadline && !this.forced) await new Promise((r) => setTimeout(r, 25));
    }
    if (this.killTimer) clearTimeout(this.killTimer);
    if (pid !== null && groupAlive(pid)) signalGroup(pid, 'SIGKILL');
    if (how.kind !== 'error' && this.killedFor) return { kind: 'killed', reason: this.killedFor, ...(how.pipesHeld ? { pipesHeld: true } : {}) };
    return how;
  }

  private forced = false;

  private terminate(): void {
    const pid = this.pid;
    if (pid === null) return;
    signalGroup(pid, 'SIGTERM');
    this.killDeadline = Date.now() + this.graceMs;
    this.killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), this.graceMs);
    this.killTimer.unref();
  }
}

/** How a child's 'close' event reads as a ProcessEnd. */
export function closeEnd(code: number | null, signal: string | null): ProcessEnd {
  return code !== null ? { kind: 'exited', exitCode: code } : { kind: 'signalled', signal: signal ?? 'unknown' };
}

/** Spawns a program as the leader of a new process group, its output as chunks. */
export function spawnGroupChunks(options: GroupSpawnCore): AttemptHandle {
  const hasStdin = options.stdin !== undefined && options.stdin !== null;
  let child;
  try {
    // spawn reports a missing cwd as "spawn /bin/sh ENOENT", as if the shell were missing: say what it is.
    if (!existsSync(options.cwd)) return { pid: null, done: Promise.resolve({ kind: 'error', message: `working directory ${options.cwd} does not exist (cwd:)` }), kill() {} };
    child = spawn(options.file, options.args, { cwd: options.cwd, env: options.env, detached: true, stdio: [hasStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { pid: null, done: Promise.resolve({ kind: 'error', message: error instanceof Error ? error.message : String(error) }), kill() {} };
  }
  const life = new GroupLifecycle(options.graceMs);
  life.started(options.leaveGroupToCaller ? null : (child.pid ?? null));
  if (hasStdin && child.stdin) {
    // A program that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
  }
  const { chunks } = options.output;
  for (const stream of ['stdout', 'stderr'] as const) {
    const pipe = child[stream]!;
    pipe.on('data', (chunk: Buffer) => {
      const wait = chunks(chunk, stream);
      if (wait) {
        pipe.pause();
        void wait.then(() => pipe.resume());
      }
    });
  }
  let timeout: NodeJS.Timeout | null = null;
  if (options.timeoutMs !== undefined && options.timeoutMs !== null) {
    timeout = setTimeout(() => life.kill('timeout'), options.timeoutMs);
    timeout.unref();
  }
  const done = new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    let pipeTimer: NodeJS.Timeout | null = null;
    const finish = (how: ProcessEnd) => {
      if (settled) return;
      settled = true;
      if (pipeTimer) clearTimeout(pipeTimer);
      options.onOutputEnd?.();
      if (timeout) clearTimeout(timeout);
      void life.end(how).then(resolve);
    };
    child.on('error', (error) => finish({ kind: 'error', message: error.message }));
    child.on('close', (code, signal) => finish(closeEnd(code, signal)));
    // The leader is gone but a descendant that left the group still holds a pipe: stop waiting for it.
    child.on('exit', (code, signal) => {
      pipeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish({ ...closeEnd(code, signal), pipesHeld: true });
      }, options.pipeGraceMs ?? 500);
    });
  });
  return { pid: child.pid ?? null, done, kill: (reason) => life.kill(reason) };
}
