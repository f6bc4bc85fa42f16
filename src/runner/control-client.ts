/** The command side of the control protocol (see control.ts): deliver a request to a live runner or apply it. */
import { existsSync, mkdirSync } from 'node:fs';
import { controlProblem, drainControl, sanitizeControl, submitControl } from './control.js';
import { resolveActor } from './actor.js';
import { agentSummary, writeHandoffFor } from './handoff-artifacts.js';
import { acquireLock, liveHolder } from './lock.js';
import type { StatePaths } from './paths.js';
import type { RunPlan } from './plan-view.js';
import type { ControlAction } from './records.js';
import { FileStore, tryLoadState } from './store.js';

export type ControlResult =
  | { kind: 'applied' }
  | { kind: 'applied-by-runner'; pid: number }
  | { kind: 'queued'; pid: number }
  | { kind: 'rejected'; message: string };

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function sendControl(paths: StatePaths, plan: RunPlan, action: ControlAction, waitMs = 5000): Promise<ControlResult> {
  const loaded = tryLoadState(paths);
  if (!loaded.ok) return { kind: 'rejected', message: loaded.message };
  const problem = controlProblem(action, loaded.state, plan);
  if (problem) return { kind: 'rejected', message: problem };
  mkdirSync(paths.dir, { recursive: true });
  for (let tries = 0; tries < 50; tries++) {
    const holder = liveHolder(paths.lock);
    if (holder?.kind === 'run') {
      const file = submitControl(paths.control, sanitizeControl(action));
      for (let waited = 0; waited < waitMs; waited += 50) {
        if (!existsSync(file)) return { kind: 'applied-by-runner', pid: holder.pid };
        await sleep(50);
      }
      return { kind: 'queued', pid: holder.pid };
    }
    const lock = acquireLock(paths.lock, 'control');
    if (!lock.ok) {
      await sleep(20);
      continue;
    }
    try {
      const store = FileStore.open(paths);
      // Requests a runner left behind (it ended before draining) are applied first, in order.
      for (const queued of [...drainControl(paths.control), action]) {
        if (controlProblem(queued, store.state, plan) !== null) continue;
        const actor = queued.actor ?? resolveActor();
        const record = store.append({ type: 'control', by: process.pid, actor, ...sanitizeControl(queued) });
        writeHandoffFor({ stateDir: paths.dir, plan, state: store.state, actor, summaryOf: (id) => agentSummary(paths.dir, id) }, record);
      }
      store.close();
      return { kind: 'applied' };
    } finally {
      lock.release();
    }
  }
  return { kind: 'rejected', message: 'the state directory stayed locked; try again' };
}
