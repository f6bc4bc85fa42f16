/**
 * The runner side of the native spawn helper (native/spawn-helper.c): the same contract as spawnTree and
 * as the Node helpers (spawn-client.ts). Node's spawn forks the whole calling process on Linux, so every
 * task paid for copying a Node process's page tables; the native helper spawns with posix_spawn (vfork
 * semantics), so a task costs its exec and little more. It is built by `npm run build` where a C compiler
 * is found (scripts/build-native.mjs); without it the runner uses the Node helpers.
 *
 * Frames (little-endian u32): out [len][id] script NUL cwd NUL ("NAME=value" NUL)*; in [type][id][a][b]
 * (16 bytes) and, for output, b bytes. See the C file for the meaning of a and b.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AttemptHandle } from './executor.js';
import type { SpawnTreeOptions } from './command-executor.js';
import { GroupLifecycle, lineOutput, type ProcessEnd } from './process-group.js';

/** Where the build puts the helper: the same path from src/runner (tests) and dist/runner (the CLI). */
const helperUrl = new URL('../../dist/native/execplan-spawn-helper', import.meta.url);

/** The helper's path when it was built and can be run here, else null (the Node helpers are used). */
export function nativeHelperPath(): string | null {
  if (process.platform !== 'linux') return null;
  const file = fileURLToPath(helperUrl);
  try {
    accessSync(file, fsConstants.X_OK);
    return file;
  } catch {
    return null;
  }
}

const T_STARTED = 1;
const T_DATA = 2;
const T_END = 3;
const T_FAILED = 4;
const GROUP_GONE = 0x100;
const PIPES_HELD = 0x200;

const signalNames = new Map<number, string>(Object.entries(osConstants.signals).map(([name, n]) => [n, name]));
const errnoNames = new Map<number, string>(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));

interface Pending {
  cwd: string;
  life: GroupLifecycle;
  lines: ReturnType<typeof lineOutput>;
  resolve: (outcome: Awaited<AttemptHandle['done']>) => void;
}

/** One native helper process for the whole run: a spawn takes it a fraction of a millisecond. */
export class NativeSpawnHelper {
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  private dead = false;
  private carry: Buffer | null = null;
  private outbox: Buffer[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    // Writes after the helper is gone fail with EPIPE; its exit reports every pending attempt.
    child.stdin!.on('error', () => {});
    child.on('error', () => this.exited());
    child.on('exit', () => this.exited());
  }

  static start(file: string): NativeSpawnHelper {
    // stderr is the runner's: a helper that cannot go on says why there.
    return new NativeSpawnHelper(spawn(file, [], { stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  close(): void {
    this.child.stdin!.end();
  }

  private exited(): void {
    if (this.dead) return;
    this.dead = true;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      this.end(p, { kind: 'error', message: 'the spawn helper process exited' }, false);
    }
  }

  private end(p: Pending, end: ProcessEnd, gone: boolean): void {
    p.lines.end();
    void p.life.end(end, gone).then(p.resolve);
  }

  /** Frames from the helper; one may span two chunks. */
  private receive(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 16) {
      const type = buf.readUInt32LE(at);
      const id = buf.readUInt32LE(at + 4);
      const a = buf.readUInt32LE(at + 8);
      const b = buf.readUInt32LE(at + 12);
      if (type === T_DATA && buf.length - at - 16 < b) break;
      const p = this.pending.get(id);
      switch (type) {
        case T_STARTED:
          p?.life.started(a);
          break;
        case T_DATA:
          p?.lines.push(a === 1 ? 'stdout' : 'stderr', buf.subarray(at + 16, at + 16 + b));
          at += b;
          break;
        case T_END:
          if (p) {
            this.pending.delete(id);
            const how = a & 0xff;
            const end: ProcessEnd = how === 0 ? { kind: 'exited', exitCode: b } : { kind: 'signalled', signal: signalNames.get(b) ?? `signal ${b}` };
            this.end(p, a & PIPES_HELD ? { ...end, pipesHeld: true } : end, (a & GROUP_GONE) !== 0);
          }
          break;
        case T_FAILED:
          if (p) {
            this.pending.delete(id);
            this.end(p, { kind: 'error', message: failure(a, b === 1, p.cwd) }, false);
          }
          break;
        default:
          // Not a frame of ours: the stream is out of step and nothing after this can be trusted.
          this.child.kill('SIGKILL');
          return this.exited();
      }
      at += 16;
    }
    this.carry = at < buf.length ? Buffer.from(buf.subarray(at)) : null;
  }

  /** Starts of one scheduling pass go as one write (one wake-up of the helper). */
  private post(frame: Buffer): void {
    if (this.outbox.length === 0)
      queueMicrotask(() => {
        const frames = this.outbox;
        this.outbox = [];
        if (!this.dead) this.child.stdin!.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
      });
    this.outbox.push(frame);
  }

  spawnTree(script: string, options: SpawnTreeOptions): AttemptHandle {
    const id = this.next++ >>> 0;
    const life = new GroupLifecycle(options.graceMs);
    const lines = lineOutput(options.onLine);
    const done = new Promise<Awaited<AttemptHandle['done']>>((resolve) => {
      if (this.dead) return resolve({ kind: 'error', message: 'the spawn helper process exited' });
      const frame = startFrame(id, script, options);
      if (typeof frame === 'string') return resolve({ kind: 'error', message: frame });
      this.pending.set(id, { cwd: options.cwd, life, lines, resolve });
      this.post(frame);
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

/** What a failed spawn says: the same words as the in-process spawn (process-group-core.ts) and Node's. */
function failure(errno: number, cwdMissing: boolean, cwd: string): string {
  const code = errnoNames.get(errno) ?? `errno ${errno}`;
  return cwdMissing && code === 'ENOENT' ? `working directory ${cwd} does not exist (cwd:)` : `spawn /bin/sh ${code}`;
}

const hasNul = (s: string) => s.includes('\0');

/** The start frame, or why the command cannot be passed to a process (a NUL byte: Node refuses it too). */
function startFrame(id: number, script: string, options: SpawnTreeOptions): Buffer | string {
  if (hasNul(script) || hasNul(options.cwd)) return 'the command or its working directory contains a NUL byte';
  let text = `${script}\0${options.cwd}\0`;
  for (const key in options.env) {
    const value = options.env[key];
    if (value === undefined) continue;
    if (hasNul(key) || hasNul(value)) return `the environment variable ${key.replace(/\0/g, '\\0')} contains a NUL byte`;
    text += `${key}=${value}\0`;
  }
  const len = Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(8 + len);
  frame.writeUInt32LE(len, 0);
  frame.writeUInt32LE(id, 4);
  frame.write(text, 8);
  return frame;
}
