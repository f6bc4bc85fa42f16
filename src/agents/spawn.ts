/**
 * Spawning an agent CLI: argv (no shell), the prompt on stdin, its own process group so a timeout or
 * Ctrl-C stops the agent and every tool process it started (SIGTERM to the group, SIGKILL after a grace).
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { AttemptOutcome, KillReason } from './executor-types.js';

export interface SpawnAgentOptions {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: string | null;
  graceMs: number;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface AgentProcess {
  pid: number | null;
  done: Promise<AttemptOutcome>;
  kill(reason: KillReason): void;
}

/** Whole lines only (a JSON event is never split); a line without a newline is flushed at the end. */
function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  return {
    push(chunk) {
      const text = partial + decoder.write(chunk);
      const lines = text.split('\n');
      partial = lines.pop()!;
      for (const line of lines) emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    end() {
      const rest = partial + decoder.end();
      partial = '';
      if (rest) emit(rest);
    },
  };
}

const signalGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

export function spawnAgent(options: SpawnAgentOptions): AgentProcess {
  let killedFor: KillReason | null = null;
  let timer: NodeJS.Timeout | null = null;
  let child;
  try {
    child = spawn(options.file, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: [options.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    return { pid: null, done: Promise.resolve({ kind: 'error', message: error instanceof Error ? error.message : String(error) }), kill() {} };
  }
  const pid = child.pid ?? null;
  if (options.stdin !== null && child.stdin) {
    // An agent that exits without reading its prompt must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
  }
  const out = lineSplitter((line) => options.onLine(line, 'stdout'));
  const err = lineSplitter((line) => options.onLine(line, 'stderr'));
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const done = new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      out.end();
      err.end();
      if (timer) clearTimeout(timer);
      if (pid !== null) signalGroup(pid, 'SIGKILL');
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
      timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), options.graceMs);
      timer.unref();
    },
  };
}
