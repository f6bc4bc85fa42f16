/**
 * The run loop: reconciles the state with the plan (resume, changed tasks), then launches tasks
 * Makefile-style as their deps, phase, slots, resources and files allow, in launch-priority order;
 * journals every change; applies control requests; ends with a summary and a documented exit code.
 */
import path from 'node:path';
import { resolveActor } from './actor.js';
import { agentSummary, HandoffFolders, LaunchOrder, writeHandoffFor, type HandoffArtifact, type HandoffFile } from './handoff-artifacts.js';
import { HandoffWrites } from './handoff-writes.js';
import { runChecks } from './checks.js';
import { attemptMarker, endAll, markerVariable, type Ended } from './attempt-processes.js';
import { controlProblem, drainControl, pruneAnswers, sanitizeControl, writeAnswer, type ControlRequest } from './control.js';
import type { RunEvent, FailureSummary, WaitingTask } from './events.js';
import type { LimitWarning } from '../core/task-status.js';
import type { AttemptHandle, AttemptOutcome, ExecutorContext, ExecutorRegistry } from './executor.js';
import { fingerprint, outputsExist } from './fingerprint.js';
import { LogWriter } from './log-writer.js';
import { logPath, type StatePaths } from './paths.js';
import { sha256, type RunPlan, type RunTask } from './plan-view.js';
import type { JournalBody, RunOutcome } from './records.js';
import type { JournalRecord } from './journal.js';
import { createLineRedactor, redactSecrets } from '../secrets/index.js';
import { outcomeResult } from './outcome-result.js';
import { Readiness } from './readiness.js';
import { reconcile } from './reconcile.js';
import { preflightProblems } from './preflight.js';
import { writeRunSummary } from './run-summary.js';
import { dependencyClosure } from './selection.js';
import type { TaskState } from './state.js';
import { StorageError } from './storage-error.js';
import type { Store } from './store.js';
import { waitReasons } from './wait-reason.js';
import { clock, isBlocked, type DisplayedStatus, type WaitReason } from '../core/task-status.js';
import { Pacer } from './pacing.js';
import { capacityProblem, readCapacity, type CapacityLimits } from './capacity.js';

export interface RunOptions {
  concurrency: number;
  keepGoing: boolean;
  /** Run only these tasks and what they need. */
  only: string[] | null;
  /**
   * With `only`: run just the named tasks and take what they depend on as done (a CI job whose upstream
   * jobs already ran those tasks elsewhere, so this machine's state has never seen them).
   */
  upstreamDone?: boolean;
  force: boolean;
  /** Keep running while tasks wait for people (done/approve/resume) instead of ending the run. */
  wait: boolean;
  graceMs: number;
  retryBaseMs: number;
  executors: ExecutorRegistry;
  env: NodeJS.ProcessEnv;
  onEvent: (event: RunEvent) => void;
  /** The exit code recorded for an outcome (the journal, the run summary): the CLI's, which picks exit codes. */
  exitCodeOf: (outcome: RunOutcome) => number;
  now?: () => number;
  /** The run's id, when the caller needs it before the run starts (worktree branch names); default from the clock. */
  runId?: string;
  /**
   * Worktree runs: called before a task launches to bring its upstream work into its worktree. A conflict
   * blocks the task for this run (it does not start; the rest of the run goes on).
   */
  prepareTask?: (task: RunTask) => { stream: string; branch: string; into: string; files: string[] } | null;
  /**
   * Worktree runs: called when a task's checks passed, to commit its work and check its scope. `fail`
   * turns out-of-scope paths into a failure (`scope: fail`); `problem` is reported as a warning.
   */
  recordTask?: (task: RunTask) => { problem: string | null; outOfScope: string[]; fail: boolean };
  /** Most bytes one attempt's log keeps (its beginning and end); default 20 MiB. */
  logMaxBytes?: number;
  /** At an agent's usage limit, wait for its reset (default) instead of ending the run (exit 7). */
  waitForLimits?: boolean;
  /** Backpressure: wait while the machine is past these (null: off). */
  capacity?: CapacityLimits | null;
  /** How often a run held by backpressure looks again (ms). */
  capacityPollMs?: number;
  /** The budget a new agent of `pool` would exceed (its name and usage), or null; absent: no budgets. */
  budget?: (pool: string) => string | null;
  /** Pacing at agent limits (tests compress these). */
  limits?: { marginMs?: number; defaultUsageWaitMs?: number; backoffBaseMs?: number; maxBackoffMs?: number };
  /**
   * After a hand-off artifact of `task` is written (with --worktrees: commit it on the stream's branch, so
   * it travels with the work). Returns why that did not happen, or null.
   */
  handoffWritten?: (task: RunTask, file: string) => string | null;
}

interface Running {
  task: RunTask;
  attempt: number;
  startMs: number;
  handle: AttemptHandle | null;
  log: LogWriter | null;
  timer: NodeJS.Timeout | null;
  /** Its agent profile (limit pool), or null for tasks no service limits. */
  pool: string | null;
  marker: string;
  pgidRecorded: boolean;
  /** Set by `execplan stop` / `pause --stop`: the attempt ends as stopped, with this reason. */
  stopReason: string | null;
}

/** What one scheduling pass learned once for all its launches: the machine's capacity problem, when read. */
interface LaunchPass {
  capacity: string | null | undefined;
}

export function newRunId(date: Date): string {
  return `${date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
}

export class Runner {
  private running = new Map<string, Running>();
  private retryTimers = new Map<string, NodeJS.Timeout>();
  private selected: Set<string>;
  private readonly readiness: Readiness;
  private stopping = false;
  private interrupts = 0;
  private finished: Promise<RunOutcome>;
  private resolveFinished!: (outcome: RunOutcome) => void;
  private runId = '';
  private startMs = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private scheduling = false;
  private rescheduleWanted = false;
  private readonly pacer: Pacer;
  /** Ready tasks a limit of their agent profile holds back, and why (from the last scheduling pass). */
  private held = new Map<string, WaitReason>();
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAtMs = 0;
  /** --no-wait-for-limits: the usage limit that ends the run. */
  private limitStop: { pool: string; untilMs: number } | null = null;
  private pools = new Map<string, string | null>();
  /** The budget that ended agent launches, once reached. */
  private budgetStop: string | null = null;
  private capacityHeld = false;
  /** What the run last said about the machine's capacity (it says so when that changes). */
  private capacityNote: string | null = null;
  /** A write the disk refused: the run stops (trees ended) and ends with this as its reason. */
  private storageFailure: StorageError | null = null;

  constructor(
    private readonly plan: RunPlan,
    private readonly store: Store,
    private readonly paths: StatePaths,
    private readonly options: RunOptions,
  ) {
    this.selected = this.selection();
    const upstreamDone = Boolean(options.upstreamDone && options.only);
    this.readiness = new Readiness(plan, this.selected, (id) => (upstreamDone && !this.selected.has(id) ? 'done' : this.status(id)));
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.handoffWrites = store.persistent && !options.handoffWritten ? new HandoffWrites((file, error) => this.handoffSettled(file, error)) : null;
    store.batchWrites((error) => this.failStorage(error));
    const limits = options.limits ?? {};
    this.pacer = new Pacer({
      concurrency: options.concurrency,
      marginMs: limits.marginMs ?? 60_000,
      defaultUsageWaitMs: limits.defaultUsageWaitMs ?? 30 * 60_000,
      backoffBaseMs: limits.backoffBaseMs ?? 15_000,
      maxBackoffMs: limits.maxBackoffMs ?? 10 * 60_000,
      now: () => this.now(),
    });
  }

  /** The limit pool of a task: its agent profile, as the task's executor names it. */
  private poolOf(task: RunTask): string | null {
    const id = task.model.id;
    if (!this.pools.has(id)) this.pools.set(id, this.options.executors[task.model.kind as 'command' | 'agent']?.pool?.(task.model) ?? null);
    return this.pools.get(id)!;
  }

  private runningIn(pool: string | null): number {
    let n = 0;
    if (pool !== null) for (const r of this.running.values()) if (r.pool === pool) n++;
    return n;
  }

  private actorName: string | null = null;

  /** Who started the run (resolved once: it may ask git). */
  private actor(): string {
    return (this.actorName ??= resolveActor(this.options.env, this.plan.planDir));
  }

  /** The newest hand-off per task: the runner holds the state's lock, so it is the only one writing them. */
  private readonly latestHandoffs = new Map<string, { file: string; artifact: HandoffArtifact } | null>();

  /** The state's attempt starts in order, built at the first hand-off and then kept up to date (record()). */
  private launchOrder: LaunchOrder | null = null;

  /** What each task's hand-off folder holds (the runner is its only writer). */
  private handoffFolders: HandoffFolders | null = null;

  /**
   * Hand-off files in flight on the thread pool; null when each is written at once (no state, or a
   * worktree run, which commits each file on its stream's branch as soon as it is written).
   */
  private readonly handoffWrites: HandoffWrites | null;

  /** The loop waits for hand-off files (an agent's upstream, or the end of the run): schedule when one lands. */
  private handoffWaited = false;

  private handoffSettled(file: HandoffFile, error: Error | null): void {
    if (error) this.emit({ event: 'notice', message: `hand-off for ${file.task} not written: ${error.message}` });
    if (!this.handoffWaited || this.finished_) return;
    this.handoffWaited = false;
    this.schedule();
  }

  /** An agent's prompt reads its upstream tasks' newest hand-offs from disk: it starts once they are there. */
  private awaitsHandoffs(task: RunTask): boolean {
    const writes = this.handoffWrites;
    if (!writes || writes.idle || task.model.kind !== 'agent' || !task.deps.some((d) => writes.pending(d))) return false;
    this.handoffWaited = true;
    return true;
  }

  /** The hand-off artifact a journal record calls for (persistent state only: --no-state leaves no files). */
  private handoff(record: JournalRecord): void {
    if (!this.store.persistent) return;
    if (record.type === 'task-start') {
      this.launchOrder?.add(record.ts, record.task, record.attempt);
      return;
    }
    // A file written at once (a worktree run commits it right away) follows its record on disk.
    if (!this.handoffWrites && !this.writeJournal()) return;
    try {
      const launchOrder = (this.launchOrder ??= new LaunchOrder(this.store.state));
      const file = writeHandoffFor(
        {
          stateDir: this.paths.dir,
          plan: this.plan,
          state: this.store.state,
          actor: this.actor(),
          // Only an agent leaves a final message: no failed open per command task.
          summaryOf: (id) => (this.plan.tasks.get(id)?.model.kind === 'agent' ? agentSummary(this.paths.dir, id) : null),
          launchOrder,
          latest: this.latestHandoffs,
          folders: (this.handoffFolders ??= new HandoffFolders(this.paths.dir)),
          write: this.handoffWrites ? (file) => this.handoffWrites!.write(file) : undefined,
        },
        record,
      );
      const task = file && 'task' in record ? this.plan.tasks.get(String(record.task)) : undefined;
      const problem = task ? (this.options.handoffWritten?.(task, file!) ?? null) : null;
      if (problem) this.emit({ event: 'notice', message: `warning: ${problem}` });
    } catch (error) {
      this.emit({
        event: 'notice',
        message: `hand-off for ${'task' in record ? String(record.task) : record.type} not written: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private emit(event: RunEvent): void {
    // The renderers print these two at once (the rest at the end of the turn, after the journal's write).
    if (event.event === 'run-start' || event.event === 'run-end') this.writeJournal();
    this.options.onEvent(event);
  }

  private baseEnvCopy: NodeJS.ProcessEnv | null = null;

  /** The run's environment as a plain object, copied once: spreading process.env asks the OS for every variable each time. */
  private baseEnv(): NodeJS.ProcessEnv {
    return (this.baseEnvCopy ??= { ...this.options.env });
  }

  private context(): ExecutorContext {
    return { planDir: this.plan.planDir, stateDir: this.paths.dir, env: this.options.env };
  }

  /** --only: the named tasks and everything upstream of them (just the named ones with upstreamDone). */
  private selection(): Set<string> {
    if (this.options.only && this.options.upstreamDone) return new Set(this.options.only);
    return this.options.only ? dependencyClosure(this.plan, this.options.only) : new Set(this.plan.tasks.keys());
  }

  private status(id: string): TaskState['status'] {
    return this.store.state.tasks[id]?.status ?? 'pending';
  }

  private ts(id: string): TaskState | undefined {
    return this.store.state.tasks[id];
  }

  /** What stops the run before anything runs: an executor that is missing or not usable. */
  preflight(): Promise<string[]> {
    return preflightProblems(this.plan, this.selected, this.options.executors, this.context());
  }

  async start(): Promise<RunOutcome> {
    this.startMs = this.now();
    this.runId = this.options.runId ?? newRunId(new Date(this.now()));
    // What an attempt interrupted by a dead runner left running is ended before the task runs again:
    // two attempts of one task must never run side by side.
    const leftovers = await this.endLeftovers();
    this.guard(() => {
      reconcile({
        plan: this.plan,
        store: this.store,
        selected: this.selected,
        runId: this.runId,
        concurrency: this.options.concurrency,
        emit: (event) => this.emit(event),
        leftovers,
        actor: this.actor(),
      });
      // Requests queued while no runner was polling (one ended meanwhile) apply before anything launches.
      this.applyControl(drainControl(this.paths.control));
      this.readiness.rebuild();
    });
    this.pollTimer = setInterval(() => this.guard(() => this.pollControl()), 100);
    this.flushTimer = setInterval(() => this.guard(() => this.flush()), 500);
    this.schedule();
    return this.finished;
  }

  /** Processes of attempts the journal shows as still running (the runner died): TERM, grace, KILL. */
  private async endLeftovers(): Promise<Map<string, Ended>> {
    const found = new Map<string, Ended>();
    const open: Array<[key: string, marker: string, pgid: number | null]> = [];
    for (const [id, task] of Object.entries(this.store.state.tasks)) {
      for (const attempt of task.attempts) {
        if (attempt.status === 'running' && attempt.marker) open.push([`${id}#${attempt.n}`, attempt.marker, attempt.pgid ?? null]);
      }
    }
    await Promise.all(
      open.map(async ([key, marker, pgid]) => {
        const ended = await endAll(marker, pgid, this.options.graceMs);
        if (ended.ended.length || ended.survived.length) found.set(key, ended);
      }),
    );
    return found;
  }

  /**
   * Runs one step of the loop; a write the disk refuses (full, read-only) stops the run cleanly instead
   * of escaping as an exception: running trees are ended and the run ends with the reason.
   */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failStorage(error);
    }
  }

  private failStorage(error: StorageError): void {
    if (this.storageFailure) return;
    this.storageFailure = error;
    this.emit({ event: 'notice', message: `${error.message}: stopping the run (${this.running.size} running task(s) are ended)` });
    this.stopping = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const r of this.running.values()) r.handle?.kill('interrupt');
    this.schedule();
  }

  /** Journals a change; after a refused write the run is stopping and later records are best effort. */
  private record(body: JournalBody): void {
    if (this.storageFailure) {
      try {
        this.store.append(body);
      } catch {
        // the disk still refuses: the journal keeps what it had (resume folds it)
      }
      return;
    }
    let written: JournalRecord;
    try {
      written = this.store.append(body);
    } catch (error) {
      const failure =
        error instanceof StorageError
          ? error
          : typeof (error as NodeJS.ErrnoException).code === 'string'
            ? new StorageError(this.paths.journal, (error as NodeJS.ErrnoException).code!, 'write the journal')
            : null;
      if (!failure) throw error;
      this.failStorage(failure);
      return;
    }
    this.handoff(written);
  }

  /** Writes the journal's pending records now (the runner is about to act on them); false when the disk refused. */
  private writeJournal(): boolean {
    try {
      this.store.writePending();
      return true;
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failStorage(error);
      return false;
    }
  }

  /** Ctrl-C: stop launching, stop running trees (grace, then SIGKILL); a second call forces. */
  interrupt(): void {
    this.interrupts++;
    if (this.interrupts === 1) this.emit({ event: 'notice', message: `interrupted: stopping ${this.running.size} running task(s) (Ctrl-C again to force)` });
    this.stopping = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.clearWake();
    for (const r of this.running.values()) r.handle?.kill('interrupt');
    this.schedule();
  }

  private flush(): void {
    // Helper-spawned attempts learn their group id after the start record: journal it once known.
    for (const r of this.running.values()) {
      if (!r.pgidRecorded && r.handle?.pid) {
        r.pgidRecorded = true;
        this.record({ type: 'task-pgid', task: r.task.model.id, attempt: r.attempt, pgid: r.handle.pid });
      }
    }
    this.store.flushInBackground();
    const failed = (this.store as { backgroundError?: Error | null }).backgroundError;
    if (failed && typeof (failed as NodeJS.ErrnoException).code === 'string')
      this.failStorage(new StorageError(this.paths.state, (failed as NodeJS.ErrnoException).code!, 'write the state snapshot'));
  }

  private pollControl(): void {
    const requests = drainControl(this.paths.control);
    if (requests.length === 0) return;
    this.applyControl(requests);
    pruneAnswers(this.paths.control);
    this.readiness.rebuild();
    this.store.flushInBackground();
    this.schedule();
  }

  /** Applies each request the runner accepts, and answers every one (the command prints the answer). */
  private applyControl(requests: ControlRequest[]): void {
    for (const request of requests) {
      const action = request.action;
      const what = action ? `${action.action}${'task' in action ? ` ${action.task}` : ''}` : 'request';
      const problem = request.problem ?? (action ? controlProblem(action, this.store.state, this.plan) : 'malformed');
      if (problem || !action) {
        this.emit({ event: 'notice', message: `control ${what} rejected: ${problem}` });
        writeAnswer(request.file, { ok: false, message: problem ?? 'malformed request' });
        continue;
      }
      this.record({ type: 'control', by: process.pid, actor: action.actor ?? this.actor(), ...sanitizeControl(action) });
      let message = 'applied';
      if (action.action === 'stop') {
        this.stopTask(action.task, action.reason?.trim() ? `stopped by execplan stop: ${action.reason.trim()}` : 'stopped by execplan stop');
        message = 'stopping it now (its whole process tree); it runs again on the next run';
      } else if (action.action === 'pause' && action.stop) {
        const ids = [...this.running.keys()];
        for (const id of ids) this.stopTask(id, 'stopped by execplan pause --stop');
        message = `paused; stopping ${ids.length ? ids.join(', ') : 'no task (none was running)'}`;
      } else if (action.action === 'pause') message = 'paused: no new task starts; running tasks finish';
      this.emit({ event: 'notice', message: `control: ${what} applied` });
      // "applied" is said only once the journal has it.
      this.writeJournal();
      writeAnswer(request.file, { ok: true, message });
    }
  }

  private stopTask(id: string, reason: string): void {
    const r = this.running.get(id);
    if (!r || r.stopReason) return;
    r.stopReason = reason;
    r.handle?.kill('cancel');
  }

  /** Ready tasks not running and not waiting for a retry backoff. */
  private ready(): RunTask[] {
    return this.readiness.ready((id) => this.running.has(id) || this.retryTimers.has(id));
  }

  private schedule(): void {
    // Re-entrancy guard: fresh tasks complete synchronously inside the loop.
    if (this.scheduling) {
      this.rescheduleWanted = true;
      return;
    }
    this.scheduling = true;
    try {
      do {
        this.rescheduleWanted = false;
        this.launchReady();
      } while (this.rescheduleWanted);
    } finally {
      this.scheduling = false;
    }
    this.maybeFinish();
  }

  private launchReady(): void {
    this.held.clear();
    if (this.stopping || this.store.state.paused) return;
    if (!this.options.keepGoing && this.readiness.anyFailed()) return;
    for (const pool of this.pacer.takeLifted()) {
      const n = this.waitingIn(pool);
      this.emit({ event: 'notice', message: `usage limit of ${pool} over: resuming (${n} task${n === 1 ? '' : 's'} waiting)` });
    }
    const pass: LaunchPass = { capacity: undefined };
    this.capacityHeld = false;
    let full = false;
    for (const task of this.ready()) {
      // A launch whose start record the disk refused stops the run: no further task of this pass starts
      // (their start records would only reach the in-memory state, which the run summary reads).
      if (this.stopping) break;
      const id = task.model.id;
      const s = this.ts(id);
      if (task.model.kind === 'manual') continue;
      if (task.model.gate === 'approve' && !s?.approved) {
        this.noteWait(id, { kind: 'gate' });
        continue;
      }
      if (full) {
        this.noteWait(id, { kind: 'slot', concurrency: this.options.concurrency });
        continue;
      }
      if (this.isFresh(task)) {
        this.rescheduleWanted = true;
        continue;
      }
      if (this.running.size >= this.options.concurrency) {
        // Every ready task after this one waits for a slot too: each is journaled once, not per pass.
        full = true;
        this.noteWait(id, { kind: 'slot', concurrency: this.options.concurrency });
        continue;
      }
      const pool = this.poolOf(task);
      if (this.heldBack(id, pool, pass)) continue;
      const blocked = this.readiness.blockedBy(task);
      if (blocked) {
        this.noteWait(id, blocked);
        continue;
      }
      if (this.awaitsHandoffs(task)) continue;
      this.waitNoted.delete(id);
      const conflict = this.options.prepareTask?.(task) ?? null;
      if (conflict) {
        this.store.append({ type: 'task-blocked', task: task.model.id, ...conflict });
        this.readiness.dequeue(task.model.id);
        this.emit({ event: 'notice', message: `${task.model.id}: blocked: merge conflict in ${conflict.files.join(', ') || 'the worktree'} while bringing in ${conflict.stream}` });
        continue;
      }
      this.launch(task, pool);
    }
    this.armWake();
  }

  /** The machine's capacity, an agent budget or a usage-limit pace keeps a ready task from starting now. */
  private heldBack(id: string, pool: string | null, pass: LaunchPass): boolean {
    // Read the machine once per pass, and only when something would launch.
    if (this.options.capacity && pass.capacity === undefined) pass.capacity = capacityProblem(readCapacity(this.options.env), this.options.capacity);
    const capacity = pass.capacity;
    if (capacity !== undefined && capacity?.split(' ')[0] !== this.capacityNote?.split(' ')[0]) {
      this.emit({ event: 'notice', message: capacity ? `waiting: ${capacity}` : `capacity back (${this.capacityNote?.split(' ')[0]}): launching` });
      this.capacityNote = capacity;
    }
    if (capacity) {
      this.capacityHeld = true;
      this.hold(id, { kind: 'capacity', detail: capacity });
      return true;
    }
    const budget = pool !== null && this.options.budget ? (this.budgetStop ?? this.options.budget(pool)) : null;
    if (budget) {
      if (!this.budgetStop) this.emit({ event: 'notice', message: `budget reached: ${budget}; no new agent starts` });
      this.budgetStop = budget;
      this.hold(id, { kind: 'budget', budget });
      return true;
    }
    const hold = this.pacer.hold(pool, this.runningIn(pool));
    if (hold) {
      this.hold(id, hold);
      return true;
    }
    return false;
  }

  /** Wakes the loop when a held pool may start again (not with --no-wait-for-limits: that run ends). */
  private armWake(): void {
    const limitWake = this.held.size > 0 && !this.limitStop && !this.stopping ? this.pacer.nextWakeMs() : null;
    const capacityWake = this.capacityHeld && !this.stopping ? this.now() + (this.options.capacityPollMs ?? 2000) : null;
    const next = limitWake === null ? capacityWake : capacityWake === null ? limitWake : Math.min(limitWake, capacityWake);
    if (next === null) return this.clearWake();
    if (this.wakeTimer && this.wakeAtMs === next) return;
    this.clearWake();
    this.wakeAtMs = next;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.schedule();
      },
      Math.max(0, next - this.now()) + 5,
    );
  }

  private clearWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
  }

  /** Selected tasks of a pool not finished and not running (the ones a limit keeps waiting). */
  private waitingIn(pool: string): number {
    let n = 0;
    for (const id of this.selected) {
      const status = this.status(id);
      if (status !== 'pending' || this.running.has(id)) continue;
      if (this.poolOf(this.plan.tasks.get(id)!) === pool) n++;
    }
    return n;
  }

  /** The reason last journaled per waiting task, so a decision is recorded once, not on every pass. */
  private waitNoted = new Map<string, string>();

  /** The key of the one slot reason of this run: every pass notes it for each ready task past the last slot. */
  private slotKey: string | null = null;

  private noteWait(task: string, reason: WaitReason): void {
    const key = reason.kind === 'slot' && reason.concurrency === this.options.concurrency ? (this.slotKey ??= JSON.stringify(reason)) : JSON.stringify(reason);
    if (this.waitNoted.get(task) === key) return;
    this.waitNoted.set(task, key);
    this.record({ type: 'task-wait', task, reason });
  }

  /** Journals a profile's usage-limit warning once per window and reset (agents repeat it every turn). */
  private noteLimitWarning(task: string, warning: LimitWarning): void {
    const known = this.store.state.limitWarnings?.[warning.pool];
    if (known && known.window === warning.window && known.resetsAt === warning.resetsAt) return;
    this.record({ type: 'limit-warning', task, ...warning });
  }

  /** Held for this pass by an agent limit, the machine or a budget: the run waits for it (and says why once). */
  private hold(task: string, reason: WaitReason): void {
    this.held.set(task, reason);
    this.noteWait(task, reason);
  }

  private upstreamFingerprints(task: RunTask): Array<string | null> {
    return task.deps.map((d) => this.ts(d)?.fingerprint ?? null);
  }

  private isFresh(task: RunTask): boolean {
    if (this.options.force || task.inputs.length === 0) return false;
    const previous = this.ts(task.model.id)?.fingerprint;
    if (!previous) return false;
    const current = fingerprint(task, this.plan.planDir, this.upstreamFingerprints(task));
    if (current !== previous || !outputsExist(task, this.plan.planDir)) return false;
    this.record({ type: 'task-fresh', task: task.model.id, fingerprint: current });
    this.readiness.dequeue(task.model.id);
    this.readiness.markSatisfied(task);
    this.emit({ event: 'task-fresh', task: task.model.id });
    return true;
  }

  private launch(task: RunTask, pool: string | null): void {
    const id = task.model.id;
    const s = this.ts(id);
    const attempt = (s?.attempts.reduce((m, a) => Math.max(m, a.n), 0) ?? 0) + 1;
    const file = logPath(this.paths, id, attempt);
    const relLog = path.relative(this.plan.planDir, file);
    const marker = attemptMarker(this.runId, id, attempt);
    this.record({ type: 'task-start', task: id, attempt, runId: this.runId, log: relLog, marker });
    // The start is on disk before the process exists: a runner killed after this leaves no process the
    // journal does not know (its marker finds it on resume).
    this.writeJournal();
    if (this.storageFailure) return;
    this.readiness.hold(task);
    const log = this.store.persistent ? new LogWriter(file, (error) => this.failStorage(error), this.options.logMaxBytes) : null;
    const running: Running = { task, attempt, startMs: this.now(), handle: null, log, timer: null, marker, pgidRecorded: false, stopReason: null, pool };
    this.running.set(id, running);
    this.emit({ event: 'task-start', task: id, title: task.model.title, attempt });
    // One redactor per stream: a private key printed over several lines is hidden through its END line.
    const redactors = { stdout: createLineRedactor(), stderr: createLineRedactor() };
    const onLine = (raw: string, stream: 'stdout' | 'stderr', quiet?: boolean) => {
      const line = redactors[stream](raw);
      if (!this.storageFailure) log?.line(line);
      this.emit({ event: 'task-output', task: id, stream, line, ...(quiet ? { quiet } : {}) });
    };
    const env: NodeJS.ProcessEnv = {
      ...this.baseEnv(),
      ...task.env,
      EXECPLAN_TASK: id,
      EXECPLAN_ATTEMPT: String(attempt),
      EXECPLAN_RUN_ID: this.runId,
      [markerVariable]: marker,
    };
    if (s?.note) env.EXECPLAN_NOTE = s.note;
    const executor = this.options.executors[task.model.kind as 'command' | 'agent']!;
    const handle = executor.start(
      {
        task: task.model,
        attempt,
        cwd: task.cwd,
        env,
        logPath: file,
        onLine,
        onProgress: (progress) => {
          if (progress.limitWarning) this.noteLimitWarning(id, progress.limitWarning);
          this.emit({ event: 'task-progress', task: id, progress });
        },
      },
      this.context(),
    );
    running.handle = handle;
    if (handle.pid) {
      running.pgidRecorded = true;
      this.record({ type: 'task-pgid', task: id, attempt, pgid: handle.pid });
    }
    if (task.model.timeoutSeconds !== null) {
      running.timer = setTimeout(() => running.handle?.kill('timeout'), task.model.timeoutSeconds * 1000);
    }
    void handle.done
      .then((outcome) => this.afterCommand(running, outcome, env))
      .catch((error: unknown) => {
        if (!(error instanceof StorageError)) throw error;
        this.failStorage(error);
        if (this.running.get(id) === running) this.finishAttempt(running, 'stopped: the disk refused a write', null, 'interrupted');
      });
  }

  /**
   * After a kill, or when a descendant outside the group held the output open, look for the attempt's
   * processes by their marker and end them (TERM, grace, KILL); report any that survive.
   */
  private async endEscaped(running: Running, outcome: AttemptOutcome): Promise<void> {
    if (outcome.kind !== 'killed' && !outcome.pipesHeld) return;
    const ended = await endAll(running.marker, null, this.options.graceMs, () => this.interrupts > 1);
    if (ended.ended.length === 0 && ended.survived.length === 0) return;
    const id = running.task.model.id;
    if (ended.survived.length)
      this.emit({
        event: 'notice',
        message: `${id}: could not end ${ended.survived.length} process(es) the attempt left running (pid ${ended.survived.join(', ')}); end them by hand`,
      });
    else
      this.emit({ event: 'notice', message: `${id}: ended ${ended.ended.length} process(es) the attempt left running outside its process group (pid ${ended.ended.join(', ')})` });
  }

  private async afterCommand(running: Running, outcome: AttemptOutcome, env: NodeJS.ProcessEnv): Promise<void> {
    if (running.timer) clearTimeout(running.timer);
    await this.endEscaped(running, outcome);
    const task = running.task;
    if (outcome.kind === 'limited' && !this.stopping && !running.stopReason) return this.finishLimited(running, outcome);
    const ended = outcomeResult(outcome, task.model.timeoutSeconds);
    let reason = ended.reason;
    const hasChecks = task.model.acceptance.some((a) => typeof a !== 'string');
    // Ctrl-C arrived while the command ran: its checks are not run now, so it is not done either —
    // it is interrupted and runs again on resume (a task is done only when its checks passed).
    const checksSkipped = reason === null && this.stopping && hasChecks;
    if (reason === null && !this.stopping && !running.stopReason && hasChecks) {
      const result = await runChecks(task.model.acceptance, {
        planDir: task.root ?? this.plan.planDir,
        cwd: task.cwd,
        env,
        graceMs: this.options.graceMs,
        onLine: (line) => {
          const clean = redactSecrets(line);
          running.log?.line(clean);
          this.emit({ event: 'task-output', task: task.model.id, stream: 'stdout', line: clean });
        },
        track: (handle) => (running.handle = handle ?? running.handle),
      });
      if (!result.ok) reason = result.reason;
    }
    if (reason === null && !this.stopping && !running.stopReason && this.options.recordTask) {
      const recorded = this.options.recordTask(task);
      if (recorded.problem) this.emit({ event: 'notice', message: `warning: ${recorded.problem}` });
      if (recorded.outOfScope.length) {
        this.store.append({ type: 'task-scope', task: task.model.id, outOfScope: recorded.outOfScope });
        this.emit({ event: 'notice', message: `${task.model.id}: out-of-scope: ${recorded.outOfScope.join(', ')}` });
        if (recorded.fail) reason = `out-of-scope: ${recorded.outOfScope.join(', ')} (scope: fail)`;
      }
    }
    const ending = running.stopReason ? 'stopped' : checksSkipped || (outcome.kind === 'killed' && outcome.reason === 'interrupt') ? 'interrupted' : 'normal';
    this.finishAttempt(running, reason, ended.exitCode, ending);
  }

  private finishAttempt(running: Running, rawReason: string | null, exitCode: number | null, ending: 'normal' | 'interrupted' | 'stopped'): void {
    const reason = rawReason === null ? null : redactSecrets(rawReason);
    const task = running.task;
    const id = task.model.id;
    this.running.delete(id);
    running.log?.close();
    this.readiness.release(task);
    const durationMs = this.now() - running.startMs;
    const logged = running.log?.wroteAny ?? false;
    const relLog = logged ? path.relative(this.plan.planDir, running.log!.file) : null;
    if (ending === 'stopped') {
      this.record({ type: 'task-stopped', task: id, attempt: running.attempt, reason: running.stopReason! });
      this.emit({ event: 'task-stopped', task: id, attempt: running.attempt, reason: running.stopReason! });
    } else if (ending === 'interrupted' || (this.stopping && reason !== null)) {
      this.record({
        type: 'task-interrupted',
        task: id,
        attempt: running.attempt,
        reason: this.storageFailure ? `stopped: ${this.storageFailure.message}` : 'interrupted by the user',
      });
      this.readiness.requeue(id);
      this.emit({ event: 'task-interrupted', task: id, attempt: running.attempt });
    } else if (reason === null) {
      this.pacer.success(running.pool);
      const fp = task.inputs.length ? fingerprint(task, this.plan.planDir, this.upstreamFingerprints(task)) : sha256(`${task.definition}:${this.runId}:${running.attempt}`);
      this.record({ type: 'task-end', task: id, attempt: running.attempt, status: 'done', exitCode, reason: null, fingerprint: fp, durationMs, logged });
      this.readiness.markSatisfied(task);
      this.emit({ event: 'task-end', task: id, attempt: running.attempt, status: 'done', durationMs, reason: null, log: relLog, retryInMs: null });
    } else {
      this.record({ type: 'task-end', task: id, attempt: running.attempt, status: 'failed', exitCode, reason, fingerprint: null, durationMs, logged });
      const failures = this.ts(id)!.failuresSinceReset;
      let retryInMs: number | null = null;
      if (failures <= task.model.retries && !this.stopping) {
        // Exponential backoff with jitter (50-100% of base * 2^(n-1)), capped at a minute.
        retryInMs = Math.round(Math.min(60_000, this.options.retryBaseMs * 2 ** (failures - 1)) * (0.5 + Math.random() * 0.5));
        this.record({ type: 'task-retry', task: id, nextAttempt: running.attempt + 1, delayMs: retryInMs });
        const timer = setTimeout(() => {
          this.retryTimers.delete(id);
          this.readiness.requeue(id);
          this.schedule();
        }, retryInMs);
        this.retryTimers.set(id, timer);
      } else this.readiness.markFailed(id);
      this.emit({ event: 'task-end', task: id, attempt: running.attempt, status: 'failed', durationMs, reason, log: relLog, retryInMs });
    }
    this.schedule();
  }

  /**
   * An attempt stopped at a limit of its agent profile: not the task's failure. The task is pending
   * again with its retries untouched (its worktree, with any partial work, stays as it is); the pool
   * waits for the reset (usage limit) or backs off with fewer agents at once (rate limit).
   */
  private finishLimited(running: Running, outcome: Extract<AttemptOutcome, { kind: 'limited' }>): void {
    const task = running.task;
    const id = task.model.id;
    running.log?.close();
    this.running.delete(id);
    this.readiness.release(task);
    const pool = outcome.pool;
    const report = outcome.limit === 'usage-limit' ? this.pacer.usageLimit(pool, outcome.resetAtMs) : this.pacer.rateLimit(pool, outcome.resetAtMs, this.runningIn(pool) + 1);
    const resumeAt = new Date(report.resumeAtMs).toISOString();
    this.record({
      type: 'task-limited',
      task: id,
      attempt: running.attempt,
      limit: outcome.limit,
      pool,
      resumeAt,
      message: redactSecrets(outcome.message),
      durationMs: this.now() - running.startMs,
    });
    this.readiness.requeue(id);
    this.emit({ event: 'task-limited', task: id, attempt: running.attempt, limit: outcome.limit, pool, resumeAtMs: report.resumeAtMs, message: redactSecrets(outcome.message) });
    if (outcome.limit === 'usage-limit' && report.newSuspension) {
      const n = this.waitingIn(pool);
      if (this.options.waitForLimits === false) {
        this.limitStop ??= { pool, untilMs: report.resumeAtMs };
        this.emit({ event: 'notice', message: `usage limit of ${pool}: it lifts at ${clock(resumeAt)}; not waiting (--no-wait-for-limits), ${n} task${n === 1 ? '' : 's'} left` });
      } else this.emit({ event: 'notice', message: `usage limit of ${pool}: resuming at ${clock(resumeAt)}, ${n} task${n === 1 ? '' : 's'} waiting` });
    } else if (outcome.limit === 'rate-limit') {
      this.emit({ event: 'notice', message: `rate limit of ${pool}: backing off until ${clock(resumeAt)}, at most ${report.concurrency} of its agents at once` });
    }
    this.schedule();
  }

  /** Why pending tasks are not running, for the statuses as they are now (summary and `execplan status`). */
  private waitingReasons(): (task: RunTask) => WaitReason | null {
    const why = waitReasons(this.plan, (id) => this.status(id), this.store.state.paused);
    return (task) => {
      const blocked = this.ts(task.model.id)?.blocked;
      return blocked ? { kind: 'merge-conflict', ...blocked } : why(task, this.ts(task.model.id)?.approved ?? false);
    };
  }

  private maybeFinish(): void {
    if (this.running.size > 0 || this.retryTimers.size > 0) return;
    // Tasks held by an agent limit: the run waits for the reset and resumes by itself.
    if (this.wakeTimer && !this.stopping) return;
    if (!this.stopping && this.ready().length > 0 && this.launchPossible()) return;
    const pending = [...this.selected].filter((id) => !this.readiness.satisfied(id) && this.status(id) !== 'failed' && this.status(id) !== 'stopped');
    const waitingFor = this.waitingReasons();
    // Anything but a failed upstream can still change (a person, a resume, a slot): --wait keeps going.
    const humanWait = pending.some((id) => !isBlocked(waitingFor(this.plan.tasks.get(id)!)));
    if (!this.stopping && this.options.wait && humanWait && !(this.readiness.anyFailed() && !this.options.keepGoing)) return;
    // Every hand-off file is in place before the run ends (the command exits right after).
    if (this.handoffWrites && !this.handoffWrites.idle) {
      this.handoffWaited = true;
      return;
    }
    this.finish();
  }

  /** Ready tasks exist but may all wait for a person (manual, gate) or a pause. */
  private launchPossible(): boolean {
    if (this.store.state.paused) return false;
    if (!this.options.keepGoing && this.readiness.anyFailed()) return false;
    return this.ready().some((t) => t.model.kind !== 'manual' && (t.model.gate !== 'approve' || this.ts(t.model.id)?.approved) && !this.held.has(t.model.id));
  }

  private finished_ = false;

  private finish(): void {
    if (this.finished_) return;
    this.finished_ = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.clearWake();
    if (this.limitStop) {
      const at = new Date(this.limitStop.untilMs).toISOString();
      this.emit({ event: 'notice', message: `stopped at the usage limit of ${this.limitStop.pool}: it lifts at ${clock(at)} (${at}); run \`execplan run\` again then` });
    }
    if (this.budgetStop) this.emit({ event: 'notice', message: `stopped at the budget: ${this.budgetStop}` });
    const { failures, waiting, counts } = this.endTally();
    // A state that could not be written is a failure of the run, resumable once the disk is fixed.
    let outcome: RunOutcome = this.storageFailure ? 'failed' : this.stopping ? 'aborted' : failures.length ? 'failed' : waiting.length ? 'waiting' : 'completed';
    let exitCode = this.options.exitCodeOf(outcome);
    this.record({ type: 'run-end', runId: this.runId, exitCode, outcome });
    const durationMs = this.now() - this.startMs;
    if (!this.closeState(exitCode, outcome, durationMs)) {
      outcome = 'failed';
      exitCode = this.options.exitCodeOf(outcome);
    }
    if (this.storageFailure) failures.unshift({ task: '(run)', reason: this.storageFailure.message, log: null });
    const parts = Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${v} ${k}`);
    const summary = `${outcome}: ${parts.join(', ') || 'nothing to run'} in ${(durationMs / 1000).toFixed(1)}s`;
    this.emit({ event: 'run-end', runId: this.runId, exitCode, outcome, durationMs, counts, failures, waiting, summary });
    this.resolveFinished(outcome);
  }

  /** How the run left each selected task: the failures, what still waits (and why), and counts by status. */
  private endTally(): { failures: FailureSummary[]; waiting: WaitingTask[]; counts: Partial<Record<DisplayedStatus, number>> } {
    const failures: FailureSummary[] = [];
    const waiting: WaitingTask[] = [];
    const counts: Partial<Record<DisplayedStatus, number>> = {};
    const waitingFor = this.waitingReasons();
    for (const id of this.selected) {
      const s = this.ts(id);
      const task = this.plan.tasks.get(id)!;
      let status: DisplayedStatus = s?.status ?? 'pending';
      if (status === 'failed') {
        const last = s!.attempts[s!.attempts.length - 1];
        failures.push({ task: id, reason: last?.reason ?? 'failed', log: last?.logged ? last.log : null });
      } else if (status === 'stopped') {
        const last = s!.attempts[s!.attempts.length - 1];
        waiting.push({ task: id, status: 'cancelled', reason: { kind: 'stopped', reason: last?.reason ?? 'stopped' } });
      } else if (status === 'pending') {
        const why = waitingFor(task) ?? this.held.get(id) ?? null;
        const kind = isBlocked(why) ? 'blocked' : this.stopping || (this.readiness.anyFailed() && !this.options.keepGoing) ? 'cancelled' : 'waiting';
        status = kind;
        const interrupted = s?.attempts.some((a) => a.runId === this.runId && a.status === 'interrupted');
        waiting.push({ task: id, status: kind, reason: why ?? { kind: interrupted ? 'interrupted' : 'not-started' } });
      }
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return { failures, waiting, counts };
  }

  /** Writes the run summary and closes the store; false when the disk refused (the run then failed). */
  private closeState(exitCode: number, outcome: RunOutcome, durationMs: number): boolean {
    try {
      // The run's end is in the journal before its summary is written.
      this.store.writePending();
      if (this.store.persistent) {
        writeRunSummary(this.paths.runs, {
          runId: this.runId,
          startMs: this.startMs,
          durationMs,
          exitCode,
          outcome,
          concurrency: this.options.concurrency,
          selected: this.selected,
          tasks: this.store.state.tasks,
        });
      }
      this.store.close();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code !== 'string') throw error;
      this.storageFailure ??= new StorageError(this.paths.dir, code, 'write the run state in');
      return false;
    }
    return true;
  }
}
