/** The runner side of the spawn helper (see spawn-helper.ts): same contract as spawnTree. */
import { fork, type ChildProcess } from 'node:child_process';
import type { AttemptHandle, AttemptOutcome } from './executor.js';
import type { SpawnTreeOptions } from './command-executor.js';
import { GroupLifecycle, lineOutput, type OutputStream, type ProcessEnd } from './process-group.js';
import { unreachable } from '../core/unreachable.js';

type HelperMessage =
  { op: 'started'; id: number; pid: number | null } | { op: 'data'; id: number; stream: OutputStream; data: string } | { op: 'end'; id: number; end: ProcessEnd };
type HelperBatch = HelperMessage | { op: 'batch'; messages: HelperMessage[] };

interface Pending {
  onStarted: (pid: number | null) => void;
  onData: (stream: OutputStream, data: Buffer) => void;
  onEnd: (end: ProcessEnd) => void;
}

export class SpawnHelper {
  private next = 0;
  private pending = new Map<number, Pending>();
  private dead = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const msg = raw as HelperBatch;
      if (msg.op === 'batch') msg.messages.forEach((m) => this.receive(m));
      else this.receive(msg);
    });
    child.on('exit', () => {
      this.dead = true;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.onEnd({ kind: 'error', message: 'the spawn helper process exited' });
      }
    });
  }

  private receive(msg: HelperMessage): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.op) {
      case 'started':
        p.onStarted(msg.pid);
        break;
      case 'data':
        p.onData(msg.stream, Buffer.from(msg.data, 'latin1'));
        break;
      case 'end':
        this.pending.delete(msg.id);
        p.onEnd(msg.end);
        break;
      default:
        return unreachable(msg, 'helper message');
    }
  }

  static start(): SpawnHelper {
    const child = fork(new URL('./spawn-helper.js', import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new SpawnHelper(child);
  }

  /** The environment last sent in full: later starts send only what differs from it (the task's own variables). */
  private baseEnv: NodeJS.ProcessEnv | null = null;

  /** The start message's environment: in full the first time, then as changes to that one. */
  private envMessage(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv } | { set: NodeJS.ProcessEnv; unset: string[] } {
    const base = this.baseEnv;
    if (!base) {
      this.baseEnv = env;
      return { env };
    }
    const set: NodeJS.ProcessEnv = {};
    for (const key in env) if (env[key] !== base[key]) set[key] = env[key];
    const unset: string[] = [];
    for (const key in base) if (!(key in env)) unset.push(key);
    return { set, unset };
  }

  /** Starts of one scheduling pass, sent as one message when the pass is over (one write, one helper wake-up). */
  private outbox: object[] = [];

  private post(message: object): void {
    if (this.outbox.length === 0)
      queueMicrotask(() => {
        const batch = this.outbox;
        this.outbox = [];
        this.child.send(batch.length === 1 ? batch[0]! : { op: 'batch', messages: batch });
      });
    this.outbox.push(message);
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }

  spawnTree(script: string, options: SpawnTreeOptions): AttemptHandle {
    const id = this.next++;
    const life = new GroupLifecycle(options.graceMs);
    const lines = lineOutput(options.onLine);
    const done = new Promise<AttemptOutcome>((resolve) => {
      if (this.dead) {
        resolve({ kind: 'error', message: 'the spawn helper process exited' });
        return;
      }
      this.pending.set(id, {
        onStarted: (pid) => life.started(pid),
        onData: (stream, data) => lines.push(stream, data),
        onEnd: (end) => {
          lines.end();
          void life.end(end).then(resolve);
        },
      });
      this.post({ op: 'start', id, script, cwd: options.cwd, ...this.envMessage(options.env) });
    });
    return {
      get pid() {
        return life.leader;
      },
      done,
      kill: (reason) => life.kill(reason),
    };
  }
}
