/**
 * The run loop: reconciles the state with the plan (resume, changed tasks), then launches tasks
 * Makefile-style as their deps, phase, slots, resources and files allow, in launch-priority order;
 * journals every change; applies control requests; ends with a summary and a documented exit code.
 */
import path from 'node:path';
import { ExitCode } from '../compiler/diagnostic.js';
import { resolveActor } from './actor.js';
import { agentSummary, writeHandoffFor } from './handoff-artifacts.js';
import type { JournalRecord } from './journal.js';
import { runChecks } from './checks.js';
import { controlProblem, drainControl, sanitizeControl } from './control.js';
import type { RunEvent, FailureSummary, WaitingTask } from './events.js';
import type { AttemptHandle, AttemptOutcome, ExecutorContext, ExecutorRegistry } from './executor.js';
import { fingerprint, outputsExist } from './fingerprint.js';
import { LogWriter } from './log-writer.js';
import { logPath, type StatePaths } from './paths.js';
import { sha256, type RunPlan, type RunTask } from './plan-view.js';
import type { ControlAction, RunOutcome } from './records.js';
import { createLineRedactor } from '../secrets/index.js';
import { outcomeResult } from './outcome-result.js';
import { Readiness } from './readiness.js';
import { reconcile } from './reconcile.js';
import { preflightProblems } from './preflight.js';
import { redact } from './redact.js';
import { writeRunSummary } from './run-summary.js';
import { dependencyClosure } from './selection.js';
import type { TaskState } from './state.js';
import type { Store } from './store.js';
import { waitReasons } from './wait-reason.js';
import { isBlocked, type DisplayedStatus, type WaitReason } from '../core/task-status.js';

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
  /** Keep running while tasks wait for people (done/approve/resume) instead of exiting 7. */
  wait: boolean;
  graceMs: number;
  retryBaseMs: number;
  executors: ExecutorRegistry;
  env: NodeJS.ProcessEnv;
  onEvent: (event: RunEvent) => void;
  now?: () => number;
  /** The run's id, when the caller needs it before the run starts (worktree branch names); default from the clock. */
  runId?: string;
}

interface Running {
  task: RunTask;
  attempt: number;
  startMs: number;
  handle: AttemptHandle | null;
  log: LogWriter | null;
  timer: NodeJS.Timeout | null;
}

export function newRunId(date: Date): string {
  return `${date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
}

export class Runner {
  private running = new Map<string, Running>();
  private retryTimers = new Map<string, NodeJS.Timeout>();
  private selected: Set<string>;
  private readonly readiness: Readiness;
  private stopping = false;
  private interrupts = 0;
  private finished: Promise<number>;
  private resolveFinished!: (code: number) => void;
  private runId = '';
  private startMs = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private scheduling = false;
  private rescheduleWanted = false;

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
  }

  private actorName: string | null = null;

  /** Who started the run (resolved once: it may ask git). */
  private actor(): string {
    return (this.actorName ??= resolveActor(this.options.env, this.plan.planDir));
  }

  /** The hand-off artifact a journal record calls for (persistent state only: --no-state leaves no files). */
  private handoff(record: JournalRecord): void {
    if (!this.store.persistent) return;
    try {
      writeHandoffFor({ stateDir: this.paths.dir, plan: this.plan, state: this.store.state, actor: this.actor(), summaryOf: (id) => agentSummary(this.paths.dir, id) }, record);
    } catch (error) {
      this.emit({ event: 'notice', message: `hand-off for ${'task' in record ? String(record.task) : record.type} not written: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private emit(event: RunEvent): void {
    this.options.onEvent(event);
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

  /** Fails with exit 6 before anything runs when an executor is missing or not usable. */
  preflight(): Promise<string[]> {
    return preflightProblems(this.plan, this.selected, this.options.executors, this.context());
  }

  async start(): Promise<number> {
    this.startMs = this.now();
    this.runId = this.options.runId ?? newRunId(new Date(this.now()));
    reconcile({ plan: this.plan, store: this.store, selected: this.selected, runId: this.runId, concurrency: this.options.concurrency, emit: (event) => this.emit(event), actor: this.actor() });
    // Requests queued while no runner was polling (one ended meanwhile) apply before anything launches.
    this.applyControl(drainControl(this.paths.control));
    this.readiness.rebuild();
    this.pollTimer = setInterval(() => this.pollControl(), 100);
    this.flushTimer = setInterval(() => this.flush(), 500);
    this.schedule();
    return this.finished;
  }

  /** Ctrl-C: stop launching, stop running trees (grace, then SIGKILL); a second call forces. */
  interrupt(): void {
    this.interrupts++;
    if (this.interrupts === 1) this.emit({ event: 'notice', message: `interrupted: stopping ${this.running.size} running task(s) (Ctrl-C again to force)` });
    this.stopping = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const r of this.running.values()) r.handle?.kill('interrupt');
    this.schedule();
  }

  private flush(): void {
    for (const r of this.running.values()) r.log?.flush();
    this.store.flushInBackground();
  }

  private pollControl(): void {
    const actions = drainControl(this.paths.control);
    if (actions.length === 0) return;
    this.applyControl(actions);
    this.readiness.rebuild();
    this.store.flushInBackground();
    this.schedule();
  }

  private applyControl(actions: ControlAction[]): void {
    for (const action of actions) {
      const problem = controlProblem(action, this.store.state, this.plan);
      if (problem) {
        this.emit({ event: 'notice', message: `control ${action.action} ignored: ${problem}` });
        continue;
      }
      this.handoff(this.store.append({ type: 'control', by: process.pid, actor: action.actor ?? this.actor(), ...sanitizeControl(action) }));
      this.emit({ event: 'notice', message: `control: ${action.action}${'task' in action ? ` ${action.task}` : ''} applied` });
    }
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
    if (this.stopping || this.store.state.paused) return;
    if (!this.options.keepGoing && this.readiness.anyFailed()) return;
    for (const task of this.ready()) {
      const s = this.ts(task.model.id);
      if (task.model.kind === 'manual') continue;
      if (task.model.gate === 'approve' && !s?.approved) continue;
      if (this.isFresh(task)) {
        this.rescheduleWanted = true;
        continue;
      }
      if (this.running.size >= this.options.concurrency) break;
      if (!this.readiness.fits(task)) continue;
      this.launch(task);
    }
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
    this.store.append({ type: 'task-fresh', task: task.model.id, fingerprint: current });
    this.readiness.dequeue(task.model.id);
    this.readiness.markSatisfied(task);
    this.emit({ event: 'task-fresh', task: task.model.id });
    return true;
  }

  private launch(task: RunTask): void {
    const id = task.model.id;
    const s = this.ts(id);
    const attempt = (s?.attempts.reduce((m, a) => Math.max(m, a.n), 0) ?? 0) + 1;
    const file = logPath(this.paths, id, attempt);
    const relLog = path.relative(this.plan.planDir, file);
    this.store.append({ type: 'task-start', task: id, attempt, runId: this.runId, log: relLog });
    this.readiness.hold(task);
    const log = this.store.persistent ? new LogWriter(file) : null;
    const running: Running = { task, attempt, startMs: this.now(), handle: null, log, timer: null };
    this.running.set(id, running);
    this.emit({ event: 'task-start', task: id, title: task.model.title, attempt });
    // One redactor per stream: a private key printed over several lines is hidden through its END line.
    const redactors = { stdout: createLineRedactor(), stderr: createLineRedactor() };
    const onLine = (raw: string, stream: 'stdout' | 'stderr') => {
      const line = redactors[stream](raw);
      log?.line(line);
      this.emit({ event: 'task-output', task: id, stream, line });
    };
    const env: NodeJS.ProcessEnv = { ...this.options.env, ...task.env, EXECPLAN_TASK: id, EXECPLAN_ATTEMPT: String(attempt), EXECPLAN_RUN_ID: this.runId };
    if (s?.note) env.EXECPLAN_NOTE = s.note;
    const executor = this.options.executors[task.model.kind as 'command' | 'agent']!;
    const handle = executor.start(
      { task: task.model, attempt, cwd: task.cwd, env, logPath: file, onLine, onProgress: (progress) => this.emit({ event: 'task-progress', task: id, progress }) },
      this.context(),
    );
    running.handle = handle;
    if (task.model.timeoutSeconds !== null) {
      running.timer = setTimeout(() => running.handle?.kill('timeout'), task.model.timeoutSeconds * 1000);
    }
    void handle.done.then((outcome) => this.afterCommand(running, outcome, env));
  }

  private async afterCommand(running: Running, outcome: AttemptOutcome, env: NodeJS.ProcessEnv): Promise<void> {
    if (running.timer) clearTimeout(running.timer);
    const task = running.task;
    const ended = outcomeResult(outcome, task.model.timeoutSeconds);
    let reason = ended.reason;
    const hasChecks = task.model.acceptance.some((a) => typeof a !== 'string');
    // Ctrl-C arrived while the command ran: its checks are not run now, so it is not done either —
    // it is interrupted and runs again on resume (a task is done only when its checks passed).
    const checksSkipped = reason === null && this.stopping && hasChecks;
    if (reason === null && !this.stopping && hasChecks) {
      const result = await runChecks(task.model.acceptance, {
        planDir: task.root ?? this.plan.planDir,
        cwd: task.cwd,
        env,
        graceMs: this.options.graceMs,
        onLine: (line) => {
          const clean = redact(line);
          running.log?.line(clean);
          this.emit({ event: 'task-output', task: task.model.id, stream: 'stdout', line: clean });
        },
        track: (handle) => (running.handle = handle ?? running.handle),
      });
      if (!result.ok) reason = result.reason;
    }
    this.finishAttempt(running, reason, ended.exitCode, checksSkipped || (outcome.kind === 'killed' && outcome.reason === 'interrupt'));
  }

  private finishAttempt(running: Running, rawReason: string | null, exitCode: number | null, interrupted: boolean): void {
    const reason = rawReason === null ? null : redact(rawReason);
    const task = running.task;
    const id = task.model.id;
    running.log?.close();
    this.running.delete(id);
    this.readiness.release(task);
    const durationMs = this.now() - running.startMs;
    const logged = running.log?.wroteAny ?? false;
    const relLog = logged ? path.relative(this.plan.planDir, running.log!.file) : null;
    if (interrupted || (this.stopping && reason !== null)) {
      this.handoff(this.store.append({ type: 'task-interrupted', task: id, attempt: running.attempt, reason: 'interrupted by the user' }));
      this.readiness.requeue(id);
      this.emit({ event: 'task-interrupted', task: id, attempt: running.attempt });
    } else if (reason === null) {
      const fp = task.inputs.length ? fingerprint(task, this.plan.planDir, this.upstreamFingerprints(task)) : sha256(`${task.definition}:${this.runId}:${running.attempt}`);
      this.handoff(this.store.append({ type: 'task-end', task: id, attempt: running.attempt, status: 'done', exitCode, reason: null, fingerprint: fp, durationMs, logged }));
      this.readiness.markSatisfied(task);
      this.emit({ event: 'task-end', task: id, attempt: running.attempt, status: 'done', durationMs, reason: null, log: relLog, retryInMs: null });
    } else {
      this.handoff(this.store.append({ type: 'task-end', task: id, attempt: running.attempt, status: 'failed', exitCode, reason, fingerprint: null, durationMs, logged }));
      const failures = this.ts(id)!.failuresSinceReset;
      let retryInMs: number | null = null;
      if (failures <= task.model.retries && !this.stopping) {
        // Exponential backoff with jitter (50-100% of base * 2^(n-1)), capped at a minute.
        retryInMs = Math.round(Math.min(60_000, this.options.retryBaseMs * 2 ** (failures - 1)) * (0.5 + Math.random() * 0.5));
        this.store.append({ type: 'task-retry', task: id, nextAttempt: running.attempt + 1, delayMs: retryInMs });
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

  /** Why pending tasks are not running, for the statuses as they are now (summary and `execplan status`). */
  private waitingReasons(): (task: RunTask) => WaitReason | null {
    const why = waitReasons(this.plan, (id) => this.status(id), this.store.state.paused);
    return (task) => why(task, this.ts(task.model.id)?.approved ?? false);
  }

  private maybeFinish(): void {
    if (this.running.size > 0 || this.retryTimers.size > 0) return;
    if (!this.stopping && this.ready().length > 0 && this.launchPossible()) return;
    const pending = [...this.selected].filter((id) => !this.readiness.satisfied(id) && this.status(id) !== 'failed');
    const waitingFor = this.waitingReasons();
    // Anything but a failed upstream can still change (a person, a resume, a slot): --wait keeps going.
    const humanWait = pending.some((id) => !isBlocked(waitingFor(this.plan.tasks.get(id)!)));
    if (!this.stopping && this.options.wait && humanWait && !(this.readiness.anyFailed() && !this.options.keepGoing)) return;
    this.finish();
  }

  /** Ready tasks exist but may all wait for a person (manual, gate) or a pause. */
  private launchPossible(): boolean {
    if (this.store.state.paused) return false;
    if (!this.options.keepGoing && this.readiness.anyFailed()) return false;
    return this.ready().some((t) => t.model.kind !== 'manual' && (t.model.gate !== 'approve' || this.ts(t.model.id)?.approved));
  }

  private finished_ = false;

  private finish(): void {
    if (this.finished_) return;
    this.finished_ = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
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
      } else if (status === 'pending') {
        const why = waitingFor(task);
        const kind = isBlocked(why) ? 'blocked' : this.stopping || (this.readiness.anyFailed() && !this.options.keepGoing) ? 'cancelled' : 'waiting';
        status = kind;
        const interrupted = s?.attempts.some((a) => a.runId === this.runId && a.status === 'interrupted');
        waiting.push({ task: id, status: kind, reason: why ?? { kind: interrupted ? 'interrupted' : 'not-started' } });
      }
      counts[status] = (counts[status] ?? 0) + 1;
    }
    let outcome: RunOutcome;
    let exitCode: number;
    if (this.stopping) [outcome, exitCode] = ['aborted', ExitCode.aborted];
    else if (failures.length) [outcome, exitCode] = ['failed', ExitCode.failedResumable];
    else if (waiting.length) [outcome, exitCode] = ['waiting', ExitCode.failedResumable];
    else [outcome, exitCode] = ['completed', ExitCode.ok];
    this.store.append({ type: 'run-end', runId: this.runId, exitCode, outcome });
    const durationMs = this.now() - this.startMs;
    if (this.store.persistent) {
      writeRunSummary(this.paths.runs, { runId: this.runId, startMs: this.startMs, durationMs, exitCode, outcome, concurrency: this.options.concurrency, selected: this.selected, tasks: this.store.state.tasks });
    }
    this.store.close();
    const parts = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${v} ${k}`);
    const summary = `${outcome}: ${parts.join(', ') || 'nothing to run'} in ${(durationMs / 1000).toFixed(1)}s`;
    this.emit({ event: 'run-end', runId: this.runId, exitCode, outcome, durationMs, counts, failures, waiting, summary });
    this.resolveFinished(exitCode);
  }
}
