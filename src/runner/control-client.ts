/** The command side of the control protocol (see control.ts): deliver a request to a live runner or apply it, and say truly what happened. */
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { answerFile, controlProblem, type ControlRequest, drainControl, readAnswer, sanitizeControl, submitControl, writeAnswer } from './control.js';
import { resolveActor } from './actor.js';
import { agentSummary, writeHandoffFor } from './handoff-artifacts.js';
import { acquireLock, liveHolder } from './lock.js';
import type { StatePaths } from './paths.js';
import type { RunPlan } from './plan-view.js';
import type { ControlAction } from './records.js';
import { asStorageError } from './storage-error.js';
import { FileStore, tryLoadState } from './store.js';

export type ControlResult =
  /**
   * Recorded in the journal by this command (no run active); `note` adds what it means now. `warnings`:
   * writes after the journal's that the disk refused (the hand-off file, the state snapshot): the request
   * stands, since the journal is the truth and everything else is rebuilt from it.
   */
  | { kind: 'applied'; note: string | null; warnings: string[] }
  /** The disk refused the journal write (full, read-only): nothing was recorded. */
  | { kind: 'not-written'; message: string }
  /** The running runner applied it and said so. */
  | { kind: 'applied-by-runner'; pid: number; message: string }
  /** Refused (by this command's check or by the runner): nothing changed. */
  | { kind: 'rejected'; message: string; pid: number | null }
  /** Only a running runner can do it (`stop`), and none is. */
  | { kind: 'no-run'; message: string }
  /** Handed to a live runner that has not answered in time: not known to be applied. */
  | { kind: 'unanswered'; pid: number }
  | { kind: 'damaged'; journal: string; problems: Array<{ line: number; code: string; message: string }> };

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function takeAnswer(file: string) {
  const answer = readAnswer(file);
  if (answer) {
    try {
      unlinkSync(answerFile(file));
    } catch {
      // removed by the runner's pruning
    }
  }
  return answer;
}

export async function sendControl(paths: StatePaths, plan: RunPlan, action: ControlAction, waitMs = 5000): Promise<ControlResult> {
  try {
    return await deliver(paths, plan, action, waitMs);
  } catch (error) {
    // The state folder, the lock or the request file could not be written: the request went nowhere.
    return { kind: 'not-written', message: `${storageMessage(error, paths.dir, 'write the request in')}: nothing was recorded` };
  }
}

async function deliver(paths: StatePaths, plan: RunPlan, action: ControlAction, waitMs: number): Promise<ControlResult> {
  const loaded = tryLoadState(paths);
  if (!loaded.ok) return { kind: 'damaged', journal: loaded.error.journal, problems: loaded.error.problems };
  if (action.action === 'stop' && !liveHolder(paths.lock)) return noRun();
  const problem = controlProblem(action, loaded.value.state, plan);
  if (problem) return { kind: 'rejected', message: problem, pid: null };
  mkdirSync(paths.dir, { recursive: true });
  let mine: string | null = null;
  for (let tries = 0; tries < 50; tries++) {
    const holder = liveHolder(paths.lock);
    if (holder?.kind === 'run') {
      mine ??= submitControl(paths.control, sanitizeControl(action));
      const answered = await awaitRunner(paths, holder.pid, mine, waitMs);
      if (answered) return answered;
      continue;
    }
    if (action.action === 'stop') return noRun();
    const lock = acquireLock(paths.lock, 'control');
    if (!lock.ok) {
      if (lock.holder === null) return { kind: 'rejected', message: lock.message, pid: null };
      await sleep(20);
      continue;
    }
    try {
      return applyHere(paths, plan, action, mine);
    } finally {
      lock.release();
    }
  }
  return { kind: 'rejected', message: 'the state directory stayed locked; try again', pid: null };
}

const noRun = (): ControlResult => ({ kind: 'no-run', message: 'no `execplan run` is active for this plan: there is nothing to stop' });

function runnerAnswer(answer: NonNullable<ReturnType<typeof takeAnswer>>, pid: number): ControlResult {
  return answer.ok ? { kind: 'applied-by-runner', pid, message: answer.message } : { kind: 'rejected', message: answer.message, pid };
}

/**
 * Waits for the live runner's answer to the request in `mine`. Null when the runner ended without taking
 * the request (it is still in the queue), so the caller can apply it itself.
 */
async function awaitRunner(paths: StatePaths, pid: number, mine: string, waitMs: number): Promise<ControlResult | null> {
  for (let waited = 0; waited < waitMs; waited += 25) {
    const answer = takeAnswer(mine);
    if (answer) return runnerAnswer(answer, pid);
    if (waited % 200 === 0 && !liveHolder(paths.lock)) break;
    await sleep(25);
  }
  const answer = takeAnswer(mine);
  if (answer) return runnerAnswer(answer, pid);
  if (liveHolder(paths.lock)) return { kind: 'unanswered', pid };
  // The runner ended without answering. If it took the request, it may or may not have applied it.
  if (!existsSync(mine)) return { kind: 'rejected', message: `the execplan run (pid ${pid}) ended before answering; check \`execplan status\` and send it again if needed`, pid };
  return null;
}

/**
 * No run is active and this command holds the lock: it applies the queue itself. Requests a runner left
 * behind (it ended before taking them) are applied first, in order, and answered in their files; this
 * command's own request (queued or not) gives the result.
 */
function applyHere(paths: StatePaths, plan: RunPlan, action: ControlAction, mine: string | null): ControlResult {
  let store: FileStore;
  try {
    store = FileStore.open(paths);
  } catch (error) {
    return { kind: 'not-written', message: `${storageMessage(error, paths.journal, 'open the journal')}: nothing was recorded` };
  }
  const warnings: string[] = [];
  // The first journal write the disk refuses ends the batch: a later request must not be recorded
  // after an earlier one that was not (the queue's order is the order they were sent in).
  let refused: string | null = null;
  let own: ControlResult = { kind: 'applied', note: null, warnings };
  const queue = drainControl(paths.control);
  const requests = mine && queue.some((r) => r.file === mine) ? queue : [...queue, { file: null, action, problem: null }];
  for (const request of requests) {
    const isMine = request.file === null || request.file === mine;
    let why: string | null = refused ?? requestProblem(request, store, plan);
    if (why === null && request.action) {
      const actor = request.action.actor ?? resolveActor();
      try {
        const record = store.append({ type: 'control', by: process.pid, actor, ...sanitizeControl(request.action) });
        try {
          writeHandoffFor({ stateDir: paths.dir, plan, state: store.state, actor, summaryOf: (id) => agentSummary(paths.dir, id) }, record);
        } catch (error) {
          warnings.push(`its hand-off file was not written (${storageMessage(error, paths.dir, 'write a hand-off in')})`);
        }
      } catch (error) {
        refused = why = `${storageMessage(error, paths.journal, 'write the journal')}: nothing was recorded`;
      }
    }
    if (isMine)
      own =
        why === null
          ? { kind: 'applied', note: request.action?.action === 'pause' && request.action.stop ? 'no `execplan run` is active, so no task was running to stop' : null, warnings }
          : refused === why
            ? { kind: 'not-written', message: why }
            : { kind: 'rejected', message: why, pid: null };
    else if (request.file) writeAnswer(request.file, why === null ? { ok: true, message: 'recorded; the next execplan run acts on it' } : { ok: false, message: why });
  }
  try {
    store.close();
  } catch (error) {
    // The record's write() succeeded, so every reader already sees it; the snapshot (or the fsync) is what failed.
    if (own.kind === 'applied') warnings.push(`${storageMessage(error, paths.state, 'write the state snapshot')}; the journal holds the request`);
  }
  return own;
}

/** The one line an fs failure comes to; anything that is not one (a bug) is thrown on. */
function storageMessage(error: unknown, file: string, what: string): string {
  const failure = asStorageError(error, file, what);
  if (!failure) throw error;
  return failure.message;
}

/** Why a request cannot be applied against the state as it is now (null: it can). */
function requestProblem(request: Pick<ControlRequest, 'action' | 'problem'>, store: FileStore, plan: RunPlan): string | null {
  return (
    request.problem ??
    (request.action && controlProblem(request.action, store.state, plan)) ??
    (request.action?.action === 'stop' ? 'no `execplan run` is active: there is nothing to stop' : null)
  );
}
