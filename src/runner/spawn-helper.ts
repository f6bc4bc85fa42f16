/**
 * The spawn helper process (forked by spawn-client.ts). Node's spawn forks the whole parent; a runner that
 * loaded and compiled a large plan is about twice the size of a bare Node process, and every fork pays for
 * it (bench/runner-forksize.mjs). This small process does the spawning instead and relays output chunks
 * over IPC, one chunk in flight per stream (backpressure: the child's pipe fills, not memory).
 * Messages in: {op:'start', id, script, cwd, env}. Out: started {id,pid} | data {id,stream,data} |
 * error {id,message} | close {id,code,signal}. Signals are sent by the runner itself (process groups).
 */
import { spawn } from 'node:child_process';

type StartMessage = { op: 'start'; id: number; script: string; cwd: string; env: NodeJS.ProcessEnv };

const send = (message: object, callback?: () => void) => {
  if (process.connected) process.send!(message, undefined, {}, callback ? () => callback() : undefined);
};

process.on('message', (raw) => {
  const msg = raw as StartMessage;
  if (msg.op !== 'start') return;
  let child;
  try {
    child = spawn('/bin/sh', ['-c', msg.script], { cwd: msg.cwd, env: msg.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    send({ op: 'error', id: msg.id, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  send({ op: 'started', id: msg.id, pid: child.pid ?? null });
  for (const stream of ['stdout', 'stderr'] as const) {
    const pipe = child[stream]!;
    pipe.on('data', (chunk: Buffer) => {
      pipe.pause();
      // latin1 keeps every byte; the runner turns it back into bytes before decoding UTF-8 lines.
      send({ op: 'data', id: msg.id, stream, data: chunk.toString('latin1') }, () => pipe.resume());
    });
  }
  child.on('error', (error) => send({ op: 'error', id: msg.id, message: error.message }));
  child.on('close', (code, signal) => send({ op: 'close', id: msg.id, code, signal }));
});

// The runner is gone (even kill -9): nothing left to report to.
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole foreground group, this helper included: the runner decides what stops (it
// signals the tasks' own groups), so the helper stays to report how the tasks ended.
process.on('SIGINT', () => {});
