/** execplan run [plan.yaml]: execute the plan Makefile-style, resuming from .execplan/ by default. */
import path from 'node:path';
import { availableParallelism } from 'node:os';
import type { PlanModel } from '../../compiler/model.js';
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import type { RunEvent } from '../../runner/events.js';
import type * as Agents from '../../agents/index.js';
import type { WorktreeSession } from '../../agents/index.js';
import { parseBytes } from '../../core/bytes.js';
import { defaultExecutors } from '../../runner/executors.js';
import { acquireLock } from '../../runner/lock.js';
import type { StatePaths } from '../../runner/paths.js';
import type { RunPlan } from '../../runner/plan-view.js';
import type { RunOutcome } from '../../runner/records.js';
import type { ExecutorRegistry } from '../../runner/executor.js';
import { committedHandoffs } from '../../runner/handoff-artifacts.js';
import { preflightProblems } from '../../runner/preflight.js';
import { ensureStateDir } from '../../runner/state-dir.js';
import { StorageError } from '../../runner/storage-error.js';
import { jsonRenderer, plainRenderer, type RenderTarget } from '../../runner/render-plain.js';
import { newRunId, Runner, type RunOptions } from '../../runner/runner.js';
import type { beadsSync } from '../../runner/beads-sync.js';
import type { Served } from '../../serve/server.js';
import { dependencyClosure } from '../../runner/selection.js';
import { SpawnHelper } from '../../runner/spawn-client.js';
import { NativeSpawnHelper, nativeHelperPath } from '../../runner/spawn-native.js';
import { FileStore, NullStore, tryLoadState, type Store } from '../../runner/store.js';
import { emptyState } from '../../runner/state.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { concurrencyDoubt } from '../../plan-edit/doubts.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { configNotice, describeConfig, recordConfigInSummary } from '../config-trust.js';
import { exitCodeOfRun } from '../exit-code.js';
import { loadRunPlan, type LoadedRunPlan } from '../run-plan-input.js';
import { planState } from '../state-input.js';
import { mkdirPrivate, onStateWarning, StateFsError } from '../../runner/state-fs.js';

function envInt(value: string | undefined, fallback: number): number {
  return value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : fallback;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

const runFlags = {
  concurrency: { type: 'string', short: 'j' },
  'dry-run': { type: 'boolean', short: 'n' },
  'keep-going': { type: 'boolean', short: 'k' },
  only: { type: 'string', multiple: true },
  'upstream-done': { type: 'boolean' },
  fresh: { type: 'boolean' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  'no-state': { type: 'boolean' },
  config: { type: 'string' },
  'allow-outside': { type: 'string', multiple: true },
  worktrees: { type: 'boolean' },
  'execution-model': { type: 'string' },
  'require-approval': { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'beads-sync': { type: 'boolean' },
  'no-wait-for-limits': { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

/** The command line of `execplan run`, checked against the plan (`--only` must name its tasks). */
interface RunRequest {
  concurrency: number;
  only: string[] | null;
  /** With --only: what the selected tasks depend on ran elsewhere (a CI job per task) and counts as done. */
  upstreamDone: boolean;
  dryRun: boolean;
  keepGoing: boolean;
  fresh: boolean;
  force: boolean;
  json: boolean;
  wait: boolean;
  persist: boolean;
  worktrees: boolean;
  /** --metrics-port: serve Prometheus metrics while the run lasts (0: any free port). */
  metrics: { port: number; host: string } | null;
  /** --beads-sync or settings.beads.sync. */
  beadsSync: boolean;
  /** At an agent's usage limit: wait for its reset (default), or end the run with exit 7. */
  waitForLimits: boolean;
}

function runRequest(values: ReturnType<typeof parseRunArgs>['values'], concurrencyFlag: number | undefined, loaded: LoadedRunPlan): RunRequest {
  const { plan, model, input } = loaded;
  const only = values.only
    ? values.only
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean)
    : null;
  for (const id of only ?? []) if (!plan.tasks.has(id)) throw new UsageError(`--only: no task '${id}' in ${input.file}`);
  // A CI job per task: its upstream ran in other jobs (their `needs`), so only the named tasks run here.
  const upstreamDone = Boolean(values['upstream-done']);
  if (upstreamDone && !only) throw new UsageError('--upstream-done goes with --only ID: it runs just those tasks and takes what they depend on as done');
  const metricsPort = values['metrics-port'] === '0' ? 0 : parsePositiveInt(values['metrics-port'], '--metrics-port');
  if (metricsPort !== undefined && metricsPort > 65535) throw new UsageError('--metrics-port: expected a port number up to 65535');
  if (values['metrics-host'] !== undefined && metricsPort === undefined) throw new UsageError('--metrics-host goes with --metrics-port P');
  return {
    concurrency: concurrencyFlag ?? model.settings.maxConcurrency,
    only,
    upstreamDone,
    dryRun: Boolean(values['dry-run']),
    keepGoing: Boolean(values['keep-going']),
    fresh: Boolean(values.fresh),
    force: Boolean(values.force),
    json: Boolean(values.json),
    wait: Boolean(values.wait),
    persist: !values['no-state'],
    worktrees: Boolean(values.worktrees),
    metrics: metricsPort === undefined ? null : { port: metricsPort, host: values['metrics-host'] ?? '127.0.0.1' },
    beadsSync: Boolean(values['beads-sync'] || model.source.settings?.beads?.sync),
    waitForLimits: !values['no-wait-for-limits'],
  };
}

function parseRunArgs(args: string[]) {
  return parseCommandArgs(args, runFlags, 1);
}

/** --dry-run: the launch order, from the state as it is; nothing is run or written. */
async function printDryRun(io: CliIo, plan: RunPlan, paths: StatePaths, request: RunRequest): Promise<CommandResult> {
  const selected = request.only ? (request.upstreamDone ? new Set(request.only) : dependencyClosure(plan, request.only)) : new Set(plan.tasks.keys());
  const loaded = request.fresh ? ok({ state: emptyState(), tornTail: null }) : tryLoadState(paths);
  if (!loaded.ok) return loaded;
  const { dryRun } = await import('../../runner/dry-run.js');
  const rows = dryRun(plan, loaded.value.state, selected, request.force);
  if (request.json) {
    io.stdout(`${JSON.stringify({ concurrency: request.concurrency, order: rows })}\n`);
    return ok();
  }
  io.stdout(`launch order (${rows.length} tasks, concurrency ${request.concurrency}; nothing is run):\n`);
  const width = String(rows.length).length;
  const label = {
    run: 'run',
    fresh: 'fresh: up to date, would be skipped',
    'already-done': 'already done: not re-run (resume)',
    manual: 'manual: waits for `execplan done`',
    approval: 'waits for `execplan approve`',
  };
  rows.forEach((row, i) => io.stdout(`${String(i + 1).padStart(width)}. ${row.task}${row.action === 'run' ? '' : `  (${label[row.action]})`}\n`));
  return ok();
}

/**
 * A plan that requires approval runs only once its current version (meaning hash) is approved: why not
 * yet, with how to approve it, or null when it may run.
 */
async function planApprovalRefusal(plan: RunPlan, paths: StatePaths, file: string): Promise<Result<never, Failure> | null> {
  const loaded = tryLoadState(paths);
  if (!loaded.ok) return loaded;
  const { currentPlanApproval } = await import('../../runner/plan-approval.js');
  const { current, voided } = currentPlanApproval(loaded.value.state, plan.planVersion);
  if (current) return null;
  const how = `run \`execplan approve --plan ${file} --reason TEXT\` (who approves is recorded)`;
  const why = voided
    ? `this plan requires approval, and the plan changed since ${voided.actor} approved it at ${voided.at} (version ${voided.planVersion.slice(0, 12)}, now ${plan.planVersion.slice(0, 12)}); ${how}`
    : `this plan requires approval before it runs (version ${plan.planVersion.slice(0, 12)}); ${how}`;
  return err({ kind: 'cannot-start', problems: [why] });
}

/** The state folder cannot be written (read-only, full, permissions): one line, exit 6, nothing left behind. */
function cannotWrite(io: CliIo, paths: StatePaths, error: unknown): Result<never, Failure> {
  // A state folder that is a link, not a folder, or someone else's (see state-fs.ts).
  if (error instanceof StateFsError) return err({ kind: 'cannot-start', problems: [error.message] });
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' && !(error instanceof StorageError)) throw error;
  const shownDir = path.relative(io.cwd, paths.dir) || '.';
  return err({
    kind: 'cannot-start',
    problems: [error instanceof StorageError ? error.message.replace(paths.dir, shownDir) : `cannot write the run state in ${shownDir} (${code})`],
  });
}

/** Takes the state folder's lock (waiting briefly for a control command that holds it). */
async function claimStateDir(io: CliIo, paths: StatePaths): Promise<Result<() => void, Failure>> {
  try {
    mkdirPrivate(paths.dir);
    ensureStateDir(paths.dir);
    let lock = acquireLock(paths.lock, 'run');
    // A control command holds the lock for milliseconds: wait for it rather than failing.
    for (let i = 0; !lock.ok && lock.holder?.kind === 'control' && i < 40; i++) {
      await sleep(50);
      lock = acquireLock(paths.lock, 'run');
    }
    if (!lock.ok) {
      if (lock.holder === null) return err({ kind: 'cannot-start', problems: [lock.message] });
      return err({ kind: 'lock-held', stateDir: path.relative(io.cwd, paths.dir) || '.', holder: lock.holder });
    }
    if (lock.tookOverStale) io.stderr(`execplan: note: the previous run (pid ${lock.tookOverStale.pid}) ended without cleaning up; resuming\n`);
    return ok(lock.release);
  } catch (error) {
    return cannotWrite(io, paths, error);
  }
}

/** The store the run appends to; with --fresh the old state is archived first (only once the run can start). */
async function openStore(io: CliIo, paths: StatePaths, request: RunRequest): Promise<Result<Store, Failure>> {
  if (!request.persist) return ok(new NullStore());
  // The option modules load only with their option (--fresh here, --dry-run, approval, logs.keep_runs).
  const archive = request.fresh ? await import('../../runner/archive.js') : null;
  try {
    if (archive) {
      const archived = archive.archiveState(paths, newRunId(new Date()));
      if (archived) io.stderr(`execplan: --fresh: previous state archived in ${path.relative(io.cwd, archived)}\n`);
    }
    const opened = FileStore.open(paths);
    if (opened.repairedTail) {
      const torn = opened.repairedTail;
      io.stderr(
        `execplan: note: the journal ended in a torn write (a crash in the middle of a record, line ${torn.line}): cut off after the last good record; the ${torn.bytes} byte(s) are kept in ${path.relative(io.cwd, torn.file)}\n`,
      );
    }
    return ok(opened);
  } catch (error) {
    return cannotWrite(io, paths, error);
  }
}

/** What the run's command tasks spawn through: the native helper, the Node helpers, or the runner itself. */
export type TaskSpawner = Pick<SpawnHelper, 'spawnTree' | 'close'>;

/**
 * Command tasks spawn through the native helper where it was built (posix_spawn: a task costs its exec,
 * not a copy of the runner; starting the helper costs about a millisecond, so every run with a command
 * uses it). Without it, large plans spawn through small Node helper processes: forking the (big) runner
 * itself costs more per task; one helper per core, up to the concurrency, since a spawn holds its process
 * until the child has exec'd. EXECPLAN_SPAWN=native|helper|direct forces one way.
 */
function spawnHelper(io: CliIo, model: PlanModel, concurrency: number): TaskSpawner | null {
  const commandTasks = model.tasks.filter((t) => t.kind === 'command').length;
  if (commandTasks === 0) return null;
  const forced = io.env.EXECPLAN_SPAWN;
  const native = forced === 'helper' || forced === 'direct' ? null : nativeHelperPath();
  if (native) return NativeSpawnHelper.start(native);
  const spawnMode = forced === 'helper' || forced === 'direct' ? forced : commandTasks >= 50 ? 'helper' : 'direct';
  return spawnMode === 'helper' ? SpawnHelper.start(Math.min(concurrency, availableParallelism())) : null;
}

/** --worktrees: one worktree per stream; the stream's tasks (commands, agents, checks) run in it. */
function useWorktrees(agents: typeof Agents, loaded: LoadedRunPlan, runId: string, store: Store, fresh: boolean): Result<WorktreeSession, Failure> {
  const { model, input, plan } = loaded;
  // The branches an earlier run of this state recorded: resumed runs work on the same ones.
  const started = agents.startWorktreeSession(model, input.dir, runId, { recorded: store.state.branches ?? null, fresh });
  if (!started.ok) return started;
  const worktrees = started.value;
  for (const task of plan.tasks.values()) {
    const dir = worktrees.workdirFor(task.model);
    if (!dir) continue;
    task.cwd = path.resolve(dir, path.relative(input.dir, task.cwd));
    task.root = dir;
  }
  return ok(worktrees);
}

function runResult(outcome: RunOutcome): CommandResult {
  switch (outcome) {
    case 'completed':
      return ok();
    case 'failed':
    case 'waiting':
      return err({ kind: 'run-failed', resumable: true });
    case 'aborted':
      return err({ kind: 'aborted' });
    default:
      return unreachable(outcome, 'run outcome');
  }
}

/**
 * The agents module (executor, profiles, worktrees, usage: a fifth of a run's start-up), loaded only for
 * a run that can use it: a plan with agent tasks, --worktrees, or an agent budget in the config. Without
 * those its part of a run does nothing: no agent executor is ever asked for, no usage is recorded.
 */
async function agentsFor(loaded: LoadedRunPlan, request: RunRequest): Promise<typeof Agents | null> {
  const { config } = loaded.loaded;
  const budgets = Boolean(config.budget) || Object.values(config.profiles ?? {}).some((p) => Boolean(p.budget));
  const used = request.worktrees || budgets || loaded.model.tasks.some((t) => t.kind === 'agent');
  return used ? await import('../../agents/index.js') : null;
}

/** The executors of this run: commands (through the spawn helper for large plans) and agents (when any can run). */
function runExecutors(io: CliIo, loaded: LoadedRunPlan, agents: typeof Agents | null, helper: TaskSpawner | null, graceMs: number): ExecutorRegistry {
  return {
    ...defaultExecutors(graceMs, helper ? (script, options) => helper.spawnTree(script, options) : undefined),
    ...(agents ? { agent: agents.agentExecutorFromConfig(loaded.model, loaded.loaded.config, loaded.loaded.configPath, { notify: (m) => io.stderr(`execplan: ${m}\n`) }) } : {}),
  } satisfies ExecutorRegistry;
}

/** What keeps the run from starting (executors, the beads CLI), and the beads CLI when the sync is on. */
async function startProblems(
  io: CliIo,
  loaded: LoadedRunPlan,
  request: RunRequest,
  paths: StatePaths,
  executors: ExecutorRegistry,
): Promise<{ problems: string[]; bd: string | null }> {
  const { plan } = loaded;
  const selected = request.only ? (request.upstreamDone ? new Set(request.only) : dependencyClosure(plan, request.only)) : new Set(plan.tasks.keys());
  const problems = await preflightProblems(plan, selected, executors, { planDir: loaded.input.dir, stateDir: paths.dir, env: io.env });
  // Only when asked to sync: without it, beads is never called (nor its module loaded).
  const bd = request.beadsSync ? (await import('../../runner/beads-sync.js')).findBd(io.env) : null;
  if (request.beadsSync && bd === null)
    problems.push('beads sync (--beads-sync or settings.beads.sync) needs the beads CLI `bd` on PATH (not found); install beads or turn the sync off');
  return { problems, bd };
}

async function beadsFor(io: CliIo, loaded: LoadedRunPlan, bd: string, runId: string): Promise<ReturnType<typeof beadsSync>> {
  const { model, plan } = loaded;
  const prefix = model.source.settings?.beads?.prefix ?? model.name;
  const [{ beadsSync }, { beadsId }] = await Promise.all([import('../../runner/beads-sync.js'), import('../../compiler/artifacts/beads.js')]);
  return beadsSync({
    bd,
    cwd: loaded.input.dir,
    env: io.env,
    runId,
    idOf: (task) => (plan.tasks.has(task) ? beadsId(prefix, model.name, task) : undefined),
    warn: (m) => io.stderr(`execplan: warning: ${m}\n`),
  });
}

/** A --worktrees run's bookkeeping: the branches in the state, and the hand-offs committed on them. */
interface WorktreeHooks {
  worktrees: WorktreeSession | null;
  /** Journals the branches and their tips when they changed, so a resumed run (also after kill -9) finds them. */
  recordBranches: () => void;
  /** Commits the hand-offs of a stream's tasks on its branch; a problem to warn about, or null. */
  commitHandoffs: (stream: string | null, message: string) => string | null;
}

function worktreeHooks(io: CliIo, loaded: LoadedRunPlan, request: RunRequest, paths: StatePaths, store: Store, worktrees: WorktreeSession | null, runId: string): WorktreeHooks {
  const { model, plan } = loaded;
  let lastBranches = '';
  const recordBranches = () => {
    if (!worktrees || !request.persist) return;
    const recorded = worktrees.recorded();
    const text = JSON.stringify(recorded);
    if (text === lastBranches) return;
    lastBranches = text;
    store.append({ type: 'branches', ...recorded });
  };
  recordBranches();
  // Hand-offs travel with the work: each one of a stream task is committed on the stream's branch (a
  // commit of its own, after the task's work); the whole stream's are synced, so decisions recorded
  // between runs (approve, reject, done) are committed by the next worktree run.
  const commitHandoffs = (stream: string | null, message: string): string | null => {
    if (!worktrees || !request.persist || stream === null) return null;
    const ids = [...plan.tasks.values()].filter((t) => t.model.stream === stream).map((t) => t.model.id);
    const problem = worktrees.commitFiles(stream, committedHandoffs(paths.dir, plan.planDir, model.name, ids), `${message}\n\nexecplan run ${runId}`);
    recordBranches();
    return problem;
  };
  for (const wt of worktrees?.worktrees ?? []) {
    const problem = commitHandoffs(wt.stream, `hand-offs of stream ${wt.stream} recorded since its last run`);
    if (problem) io.stderr(`execplan: warning: ${problem}\n`);
  }
  return { worktrees, recordBranches, commitHandoffs };
}

/** logs.keep_runs: this run counts as one of the kept, so keep_runs 3 leaves it and the two before it. */
async function pruneOldLogs(io: CliIo, loaded: LoadedRunPlan, request: RunRequest, paths: StatePaths, store: Store, runId: string): Promise<void> {
  const keep = loaded.model.source.settings?.logs?.keep_runs;
  if (!request.persist || keep === undefined) return;
  const { pruneLogs } = await import('../../runner/prune.js');
  const pruned = pruneLogs(paths, store.state, keep, runId);
  if (pruned.removedFiles) io.stderr(`execplan: logs.keep_runs ${keep}: removed the logs of ${pruned.removedRuns.length} older run(s) (${pruned.removedFiles} file(s))\n`);
}

/** The run's and the profiles' agent budgets, when any is set: what stops new agent starts. */
function budgetOption(loaded: LoadedRunPlan, agents: typeof Agents | null, paths: StatePaths, runId: string): Pick<RunOptions, 'budget'> {
  const config = loaded.loaded.config;
  const profileBudgets = Object.fromEntries(Object.entries(config.profiles ?? {}).map(([name, p]) => [name, p.budget]));
  // agentsFor loads the module whenever a budget is set.
  if (!agents || (!config.budget && !Object.values(profileBudgets).some(Boolean))) return {};
  const taskIds = [...loaded.plan.tasks.keys()];
  return { budget: (pool: string) => agents.budgetReached(paths.dir, taskIds, runId, config.budget, profileBudgets, pool) };
}

/** Everything the runner is told about this run. */
function runnerOptions(
  io: CliIo,
  loaded: LoadedRunPlan,
  request: RunRequest,
  paths: StatePaths,
  run: { runId: string; graceMs: number; agents: typeof Agents | null; executors: ExecutorRegistry; hooks: WorktreeHooks; onEvent: (event: RunEvent) => void },
): RunOptions {
  const { model } = loaded;
  const { runId, hooks } = run;
  const { worktrees, recordBranches } = hooks;
  const bp = loaded.loaded.config.backpressure;
  return {
    concurrency: request.concurrency,
    keepGoing: request.keepGoing,
    only: request.only,
    upstreamDone: request.upstreamDone,
    force: request.force,
    wait: request.wait,
    graceMs: run.graceMs,
    retryBaseMs: envInt(io.env.EXECPLAN_RETRY_BASE_MS, 1000),
    waitForLimits: request.waitForLimits,
    capacity:
      bp && (bp.max_load !== undefined || bp.min_free_memory !== undefined)
        ? { maxLoad: bp.max_load ?? null, minFreeBytes: bp.min_free_memory !== undefined ? parseBytes(bp.min_free_memory) : null }
        : null,
    capacityPollMs: envInt(io.env.EXECPLAN_PROBE_INTERVAL_MS, 2000),
    ...budgetOption(loaded, run.agents, paths, runId),
    // Tests compress the waits at agent limits; the reset times themselves come from the agents.
    limits: {
      marginMs: envInt(io.env.EXECPLAN_LIMIT_MARGIN_MS, 60_000),
      defaultUsageWaitMs: envInt(io.env.EXECPLAN_LIMIT_WAIT_MS, 30 * 60_000),
      backoffBaseMs: envInt(io.env.EXECPLAN_LIMIT_BACKOFF_MS, 15_000),
    },
    executors: run.executors,
    env: io.env,
    runId,
    logMaxBytes: model.source.settings?.logs?.max_bytes_per_attempt,
    exitCodeOf: exitCodeOfRun,
    onEvent: run.onEvent,
    // Before a stream task starts, its upstream streams' work is merged into its worktree.
    prepareTask: (task) => {
      const conflict = worktrees?.bringUpstream(task.model) ?? null;
      recordBranches();
      if (!conflict || !worktrees) return null;
      const into = worktrees.worktrees.find((w) => w.stream === task.model.stream)!.branch;
      return { stream: conflict.stream, branch: conflict.branch, into, files: conflict.files };
    },
    // A stream's finished task (checks passed) is committed on the stream's branch, then scope-checked.
    recordTask: (task) => {
      if (!worktrees) return { problem: null, outOfScope: [], fail: false };
      const r = worktrees.record(task.model, `execplan run ${runId}`);
      recordBranches();
      return { ...r, fail: model.settings.scope === 'fail' };
    },
    // Only a worktree run commits hand-offs; without that hook the runner puts them in place off its loop.
    handoffWritten: worktrees ? (task, file) => hooks.commitHandoffs(task.model.stream, `${task.model.id}: hand-off ${path.basename(file, '.json')}`) : undefined,
  };
}

/** How the run's events are shown: JSON lines, plain lines, or (on a terminal) the live view. */
async function renderer(io: CliIo, loaded: LoadedRunPlan, request: RunRequest): Promise<{ onEvent: (event: RunEvent) => void; done: Promise<void> | null }> {
  const target: RenderTarget = { write: io.stdout, cwd: io.cwd, planDir: loaded.input.dir };
  if (request.json) return { onEvent: jsonRenderer(target), done: null };
  if (!io.isTTY || io.env.CI) return { onEvent: plainRenderer(target, true, loaded.model.source.settings?.logs?.max_bytes_per_attempt), done: null };
  // listr2 is loaded only for a terminal: a smaller runner process forks its tasks faster.
  const { ttyRenderer } = await import('../../runner/render-tty.js');
  const tty = ttyRenderer(target, request.concurrency, () => loaded.plan.tasks.size);
  return { onEvent: tty.onEvent, done: tty.done };
}

/** --metrics-port: the Prometheus endpoint for the run's lifetime (a failure to listen stops the start). */
async function startMetrics(io: CliIo, loaded: LoadedRunPlan, request: RunRequest, paths: StatePaths, store: Store): Promise<Result<Served | null, Failure>> {
  if (!request.metrics) return ok(null);
  const { host, port } = request.metrics;
  let metrics: Served;
  try {
    // Loaded only with --metrics-port (prom-client is a noticeable part of a run's start-up).
    const [{ serve }, { createMetrics }] = await Promise.all([import('../../serve/server.js'), import('../../serve/metrics.js')]);
    // The runner's own state (not the journal read again): a scrape costs the run nothing on disk.
    metrics = await serve({ host, port, requireToken: false, metrics: createMetrics({ plan: loaded.plan, stateDir: paths.dir, state: () => store.state }) });
  } catch (error) {
    return err({ kind: 'cannot-start', problems: [`--metrics-port: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`] });
  }
  io.stderr(`execplan: metrics: ${metrics.url}metrics\n`);
  return ok(metrics);
}

/** Runs the plan with the state directory claimed (or none for --no-state). */
async function execute(io: CliIo, loaded: LoadedRunPlan, request: RunRequest, paths: StatePaths, helper: TaskSpawner | null): Promise<CommandResult> {
  // A damaged history is never acted on (--fresh archives it, once the run can start).
  if (request.persist && !request.fresh) {
    const check = tryLoadState(paths);
    if (!check.ok) return check;
  }
  const graceMs = envInt(io.env.EXECPLAN_KILL_GRACE_MS, 3000);
  const agents = await agentsFor(loaded, request);
  const executors = runExecutors(io, loaded, agents, helper, graceMs);
  // Preflight before the state is touched: a run that cannot start leaves it as it was (--fresh too).
  const { problems, bd } = await startProblems(io, loaded, request, paths, executors);
  if (problems.length) return err({ kind: 'cannot-start', problems });
  const runId = newRunId(new Date());
  const beads = bd ? await beadsFor(io, loaded, bd, runId) : null;
  const opened = await openStore(io, paths, request);
  if (!opened.ok) return opened;
  const store = opened.value;
  let worktrees: WorktreeSession | null = null;
  if (request.worktrees) {
    // agentsFor loaded the module for --worktrees.
    const started = useWorktrees(agents!, loaded, runId, store, request.fresh);
    if (!started.ok) {
      store.close();
      return started;
    }
    worktrees = started.value;
  }
  const hooks = worktreeHooks(io, loaded, request, paths, store, worktrees, runId);
  await pruneOldLogs(io, loaded, request, paths, store, runId);
  const shown = await renderer(io, loaded, request);
  const onEvent = (event: RunEvent) => {
    shown.onEvent(event);
    beads?.onEvent(event);
  };
  const runner = new Runner(loaded.plan, store, paths, runnerOptions(io, loaded, request, paths, { runId, graceMs, agents, executors, hooks, onEvent }));
  const metrics = await startMetrics(io, loaded, request, paths, store);
  if (!metrics.ok) {
    store.close();
    return metrics;
  }
  // A closed terminal (SIGHUP) or a service manager (SIGTERM) stops the run like Ctrl-C: trees
  // ended, state saved, exit 9 — never a runner gone with its tasks left running.
  const onSignal = () => runner.interrupt();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const outcome = await runner.start();
    if (shown.done) await shown.done;
    await beads?.drain();
    reportAgents(io, loaded, agents, request, paths, runId, worktrees);
    return runResult(outcome);
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    await metrics.value?.close();
  }
}

/** After the run: what the agents used, and (with --worktrees) the branches to merge, in merge order. */
function reportAgents(
  io: CliIo,
  loaded: LoadedRunPlan,
  agents: typeof Agents | null,
  request: RunRequest,
  paths: StatePaths,
  runId: string,
  worktrees: WorktreeSession | null,
): void {
  const { plan } = loaded;
  // Without the module no agent ran and there are no worktrees: no usage to record, no line to print.
  if (!agents) {
    if (request.persist) recordConfigInSummary(paths.dir, runId, loaded.loaded.configPath);
    return;
  }
  // Only agent tasks leave usage (their agent.json): no failed look-up per command task of a big plan.
  const ids = [...plan.tasks.values()].filter((t) => t.model.kind === 'agent').map((t) => t.model.id);
  // The session's worktrees are in the compiler's merge order: the run record lists them the same way.
  const branches = worktrees ? worktrees.worktrees.map((w) => ({ stream: w.stream, branch: w.branch })) : null;
  if (request.persist) agents.recordRunUsage(paths.dir, runId, ids, branches);
  if (request.persist) recordConfigInSummary(paths.dir, runId, loaded.loaded.configPath);
  const agentLines = [agents.formatUsage(agents.usageTotals(paths.dir, ids, runId)), worktrees?.finish() ?? null].filter((l): l is string => l !== null);
  if (agentLines.length) io.stdout(request.json ? `${JSON.stringify({ event: 'agents-summary', lines: agentLines })}\n` : `${agentLines.join('\n')}\n`);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the plan Makefile-style (resumes by default; live status; state in .execplan/<plan name>/; `-` reads the plan from stdin)',
  usage:
    'execplan run [plan.yaml | -] [--concurrency N] [--dry-run] [--keep-going] [--only ID[,ID..]].. [--upstream-done] [--fresh] [--force] [--json] [--wait] [--no-state] [--worktrees] [--execution-model wave_based|rolling_frontier] [--require-approval] [--no-wait-for-limits] [--metrics-port P [--metrics-host 127.0.0.1]] [--beads-sync] [--config FILE] [--allow-outside PATH] [--yes]',
  async run(args, io) {
    const { values, positionals } = parseRunArgs(args);
    const concurrencyFlag = parsePositiveInt(values.concurrency, '--concurrency');
    const executionModel = values['execution-model'];
    if (executionModel !== undefined && executionModel !== 'wave_based' && executionModel !== 'rolling_frontier') {
      throw new UsageError(`--execution-model must be wave_based or rolling_frontier, not '${executionModel}'`);
    }
    const loaded = await loadRunPlan(io, positionals[0], values.config, 'run', executionModel ? { executionModel } : {}, values['allow-outside']);
    if (!loaded.ok) return loaded;
    const request = runRequest(values, concurrencyFlag, loaded.value);
    const doubt = concurrencyDoubt(
      request.concurrency,
      concurrencyFlag !== undefined ? '--concurrency' : 'the configured concurrency (settings.max_concurrency or the config file)',
    );
    if (doubt !== null && !request.dryRun && !values.yes) return err({ kind: 'unconfirmed', message: doubt });
    const paths = planState(io, loaded.value.input, loaded.value.plan.tasks.keys(), loaded.value.model.name);
    if (request.dryRun) return await printDryRun(io, loaded.value.plan, paths, request);
    if (values['require-approval'] || loaded.value.model.source.settings?.require_approval) {
      const refused = await planApprovalRefusal(loaded.value.plan, paths, loaded.value.input.file);
      if (refused) return refused;
    }

    let release = () => {};
    if (request.persist) {
      onStateWarning((m) => io.stderr(`execplan: ${m}\n`));
      const claimed = await claimStateDir(io, paths);
      if (!claimed.ok) return claimed;
      release = claimed.value;
      const { configPath, config } = loaded.value.loaded;
      if (configPath) io.stderr(`execplan: ${describeConfig(io.cwd, configPath)}\n`);
      const notice = configNotice(paths.dir, io.cwd, configPath, config);
      if (notice) io.stderr(`execplan: ${notice}\n`);
    }
    const helper = spawnHelper(io, loaded.value.model, request.concurrency);
    try {
      return await execute(io, loaded.value, request, paths, helper);
    } finally {
      helper?.close();
      release();
    }
  },
};
