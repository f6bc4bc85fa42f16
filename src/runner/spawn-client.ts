/** The runner side of the spawn helper (see spawn-helper.ts): same contract as spawnTree. */
import { fork, type ChildProcess } from 'node:child_process';
import type { AttemptHandle, AttemptOutcome, KillReason } from './executor.js';
import type { SpawnTreeOptions } from './command-executor.js';
import { LineSplitter } from './lines.js';

type HelperMessage =
  | { op: 'started'; id: number; pid: number | null }
  | { op: 'data'; id: number; stream: 'stdout' | 'stderr'; data: string }
  | { op: 'error'; id: number; message: string }
  | { op: 'close'; id: number; code: number | null; signal: string | null };

interface Pending {
  onStarted: (pid: number | null) => void;
  onData: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  onEnd: (outcome: { code: number | null; signal: string | null } | { error: string }) => void;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class SpawnHelper {
  private next = 0;
  private pending = new Map<number, Pending>();
  private dead = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const msg = raw as HelperMessage;
      const p = this.pending.get(msg.id);
      if (!p) return;
      switch (msg.op) {
        case 'started':
          p.onStarted(msg.pid);
          break;
        case 'data':
          p.onData(msg.stream, Buffer.from(msg.data, 'latin1'));
          break;
        case 'error':
          this.pending.delete(msg.id);
          p.onEnd({ error: msg.message });
          break;
        case 'close':
          this.pending.delete(msg.id);
          p.onEnd({ code: msg.code, signal: msg.signal });
          break;
        default: {
          const unknown: never = msg;
          throw new Error(`unknown helper message ${JSON.stringify(unknown)}`);
        }
      }
    });
    child.on('exit', () => {
      this.dead = true;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.onEnd({ error: 'the spawn helper process exited' });
      }
    });
  }

  static start(): SpawnHelper {
    const child = fork(new URL('./spawn-helper.js', import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new SpawnHelper(child);
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }

  spawnTree(script: string, options: SpawnTreeOptions): AttemptHandle {
    const id = this.next++;
    let pid: number | null = null;
    let killedFor: KillReason | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    const out = new LineSplitter((line) => options.onLine(line, 'stdout'));
    const err = new LineSplitter((line) => options.onLine(line, 'stderr'));
    const startKill = () => {
      if (pid === null || killedFor === null) return;
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => pid !== null && signalGroup(pid, 'SIGKILL'), options.graceMs);
      killTimer.unref();
    };
    const done = new Promise<AttemptOutcome>((resolve) => {
      if (this.dead) {
        resolve({ kind: 'error', message: 'the spawn helper process exited' });
        return;
      }
      this.pending.set(id, {
        onStarted: (p) => {
          pid = p;
          startKill();
        },
        onData: (stream, data) => (stream === 'stdout' ? out : err).push(data),
        onEnd: (end) => {
          out.end();
          err.end();
          if (killTimer) clearTimeout(killTimer);
          if (pid !== null && groupAlive(pid)) signalGroup(pid, 'SIGKILL');
          if ('error' in end) resolve({ kind: 'error', message: end.error });
          else if (killedFor) resolve({ kind: 'killed', reason: killedFor });
          else if (end.code !== null) resolve({ kind: 'exited', exitCode: end.code });
          else resolve({ kind: 'signalled', signal: end.signal ?? 'unknown' });
        },
      });
      this.child.send({ op: 'start', id, script, cwd: options.cwd, env: options.env });
    });
    return {
      get pid() {
        return pid;
      },
      done,
      kill(reason) {
        if (killedFor) {
          if (pid !== null) signalGroup(pid, 'SIGKILL');
          return;
        }
        killedFor = reason;
        startKill();
      },
    };
  }
}
