/** The runner side of the spawn helper (see spawn-helper.ts): same contract as spawnTree. */
import { fork, type ChildProcess } from 'node:child_process';
import type { AttemptHandle, AttemptOutcome } from './executor.js';
import type { SpawnTreeOptions } from './command-executor.js';
import { GroupLifecycle, lineOutput, type OutputStream, type ProcessEnd } from './process-group.js';
import { unreachable } from '../core/unreachable.js';

type HelperMessage =
  { op: 'started'; id: number; pid: number | null } | { op: 'data'; id: number; stream: OutputStream; data: string } | { op: 'end'; id: number; end: ProcessEnd; gone?: true };
type HelperBatch = HelperMessage | { op: 'batch'; messages: HelperMessage[] };

interface Pending {
  onStarted: (pid: number | null) => void;
  onData: (stream: OutputStream, data: Buffer) => void;
  /** `gone`: the helper found the group empty once the leader ended. */
  onEnd: (end: ProcessEnd, gone: boolean) => void;
}

/** One helper process: its pending attempts, the environment it holds, the starts waiting to be sent. */
class HelperProcess {
  private next = 0;
  private pending = new Map<number, Pending>();
  private dead = false;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const msg = raw as HelperBatch;
      if (msg.op === 'batch') msg.messages.forEach((m) => this.receive(m));
      else this.receive(msg);
    });
    child.on('exit', () => {
      this.dead = true;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.onEnd({ kind: 'error', message: 'the spawn helper process exited' }, false);
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
        p.onEnd(msg.end, msg.gone === true);
        break;
      default:
        return unreachable(msg, 'helper message');
    }
  }

  /** Attempts started here and not yet ended (the pool sends a start to the least busy helper). */
  get busy(): number {
    return this.pending.size;
  }

  /** The process has exited: every start sent to it ends at once as an error. */
  get gone(): boolean {
    return this.dead;
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
        onEnd: (end, gone) => {
          lines.end();
          void life.end(end, gone).then(resolve);
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

/**
 * The spawn helpers of a run. A spawn blocks its process until the child has exec'd (fork, then the
 * child's exec, which on a busy machine waits for a core), so one helper spawns one task at a time and
 * no faster: with two helpers two spawns run at once, one per core (bench/RESULTS.md). Each start goes to
 * the live helper with the fewest attempts running (to a dead one only when none is left: it reports the
 * start as an error, as a lone helper did).
 */
export class SpawnHelper {
  private constructor(private readonly helpers: HelperProcess[]) {}

  /** `count` helper processes (at least one). */
  static start(count = 1): SpawnHelper {
    const helpers: HelperProcess[] = [];
    // The helper's own environment never reaches a task (each start message carries the task's). Node
    // reads and parses the NODE_EXTRA_CA_CERTS bundle at start-up, before any code runs (~35 ms of CPU for
    // a system bundle, more than the rest of a helper's start); a helper makes no TLS connection.
    const { NODE_EXTRA_CA_CERTS: _certs, ...env } = process.env;
    for (let i = 0; i < Math.max(1, count); i++)
      helpers.push(new HelperProcess(fork(new URL('./spawn-helper.js', import.meta.url), [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })));
    return new SpawnHelper(helpers);
  }

  close(): void {
    for (const helper of this.helpers) helper.close();
  }

  spawnTree(script: string, options: SpawnTreeOptions): AttemptHandle {
    let least = this.helpers[0]!;
    for (const helper of this.helpers) if ((least.gone && !helper.gone) || (helper.gone === least.gone && helper.busy < least.busy)) least = helper;
    return least.spawnTree(script, options);
  }
}
