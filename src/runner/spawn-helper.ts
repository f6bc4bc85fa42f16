/**
 * The spawn helper process (forked by spawn-client.ts). Node's spawn forks the whole parent; a runner that
 * loaded and compiled a large plan is about twice the size of a bare Node process, and every fork pays for
 * it (bench/runner-forksize.mjs). This small process does the spawning instead (process-group-core's
 * spawnGroupChunks, what spawnGroup does below its line splitting) and relays output chunks over IPC, one chunk in flight per stream (backpressure: the child's pipe
 * fills, not memory). Messages in: {op:'start', id, script, cwd, env} (the first; later ones carry
 * {set, unset}: the changes to that first environment, a fraction of its size). Out: started {id,pid} |
 * data {id,stream,data} | end {id,end: ProcessEnd, gone?: true} (gone: the group was empty once the
 * leader ended). Either way several messages of one event-loop turn travel as one {op:'batch', messages}.
 * Kills are sent by the runner itself (process groups).
 */
// The core, not process-group.ts: the helper relays chunks and needs no line splitting (nor the secrets detector it loads).
import { groupAlive, shellArgs, spawnGroupChunks } from './process-group-core.js';

type StartMessage = { op: 'start'; id: number; script: string; cwd: string } & ({ env: NodeJS.ProcessEnv } | { set: NodeJS.ProcessEnv; unset: string[] });

let baseEnv: NodeJS.ProcessEnv = {};

function envOf(msg: StartMessage): NodeJS.ProcessEnv {
  if ('env' in msg) return (baseEnv = msg.env);
  const env = { ...baseEnv, ...msg.set };
  for (const key of msg.unset) delete env[key];
  return env;
}

/**
 * Messages out wait for the end of the event-loop turn and go as one batch: the starts, exits and output
 * of one turn cost the runner one wake-up, not one each (with no-op tasks, wake-ups are most of its work).
 * A message's callback runs once its batch is written (the output's backpressure).
 */
let queue: Array<{ message: object; callback: (() => void) | undefined }> = [];

function flushQueue(): void {
  const batch = queue;
  queue = [];
  const done = () => {
    for (const q of batch) q.callback?.();
  };
  if (!process.connected) return done();
  process.send!(batch.length === 1 ? batch[0]!.message : { op: 'batch', messages: batch.map((q) => q.message) }, undefined, {}, () => done());
}

const send = (message: object, callback?: () => void) => {
  if (queue.length === 0) setImmediate(flushQueue);
  queue.push({ message, callback });
};

process.on('message', (raw) => {
  const msg = raw as StartMessage | { op: 'batch'; messages: StartMessage[] };
  if (msg.op === 'batch') msg.messages.forEach(start);
  else start(msg);
});

function start(msg: StartMessage): void {
  if (msg.op !== 'start') return;
  const handle = spawnGroupChunks({
    ...shellArgs(msg.script),
    cwd: msg.cwd,
    env: envOf(msg),
    graceMs: 0,
    // The runner signals the group and owns the grace period: killing the members here when the leader
    // ends would cut it short for members that handle SIGTERM.
    leaveGroupToCaller: true,
    // latin1 keeps every byte; the runner turns it back into bytes before decoding UTF-8 lines.
    output: { chunks: (chunk, stream) => new Promise<void>((resume) => send({ op: 'data', id: msg.id, stream, data: chunk.toString('latin1') }, resume)) },
  });
  send({ op: 'started', id: msg.id, pid: handle.pid });
  // The outcome is never 'killed' here: only the runner kills (it owns the grace period). Whether the
  // leader left members behind is asked here, not by the runner: one kill(-pgid, 0) per attempt, usually
  // a thrown ESRCH, off the runner's thread (which is the run's critical path with short tasks). An empty
  // group stays empty, so the runner's own check would only say the same later.
  const pid = handle.pid;
  void handle.done.then((end) => send({ op: 'end', id: msg.id, end, ...(pid !== null && !groupAlive(pid) ? { gone: true } : {}) }));
}

// The runner is gone (even kill -9): nothing left to report to, and no one to read an exit code.
process.on('disconnect', () => process.exit());
// Ctrl-C reaches the whole foreground group, this helper included: the runner decides what stops (it
// signals the tasks' own groups), so the helper stays to report how the tasks ended.
// SIGTERM or SIGHUP sent to the runner's whole process group (a closed terminal, `timeout`, a service
// manager) reach it too, for the same reason.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('SIGHUP', () => {});
