/** execplan run [plan.yaml]: execute the plan Makefile-style, resuming from .execplan/ by default. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../compiler/diagnostic.js';
import { archiveState } from '../../runner/archive.js';
import { dryRun } from '../../runner/dry-run.js';
import { agentExecutorFromConfig, formatUsage, recordRunUsage, startWorktreeSession, usageTotals, type WorktreeSession } from '../../agents/index.js';
import { defaultExecutors } from '../../runner/executors.js';
import { acquireLock } from '../../runner/lock.js';
import { statePaths } from '../../runner/paths.js';
import { jsonRenderer, plainRenderer, type RenderTarget } from '../../runner/render-plain.js';
import { newRunId, Runner } from '../../runner/runner.js';
import { dependencyClosure } from '../../runner/selection.js';
import { SpawnHelper } from '../../runner/spawn-client.js';
import { FileStore, NullStore, tryLoadState, type Store } from '../../runner/store.js';
import { emptyState } from '../../runner/state.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import { currentPlanApproval } from '../../runner/plan-approval.js';
import type { RunPlan } from '../../runner/plan-view.js';
import type { LoadedState } from '../../runner/store.js';

/** Why a plan that requires approval may not run yet (with how to approve it), or null when approved. */
function planApprovalRefusal(plan: RunPlan, loaded: LoadedState, file: string): string | null {
  if (!loaded.ok) return `execplan: cannot start: ${loaded.message}\n`;
  const { current, voided } = currentPlanApproval(loaded.state, plan.planVersion);
  if (current) return null;
  const how = `run \`execplan approve --plan ${file} --reason TEXT\` (who approves is recorded)`;
  if (voided) return `execplan: cannot start: this plan requires approval, and the plan changed since ${voided.actor} approved it at ${voided.at} (version ${voided.planVersion.slice(0, 12)}, now ${plan.planVersion.slice(0, 12)}); ${how}\n`;
  return `execplan: cannot start: this plan requires approval before it runs (version ${plan.planVersion.slice(0, 12)}); ${how}\n`;
}

function envInt(value: string | undefined, fallback: number): number {
  return value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : fallback;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the plan Makefile-style (resumes by default; live status; state in .execplan/)',
  usage:
    'execplan run [plan.yaml] [--concurrency N] [--dry-run] [--keep-going] [--only ID[,ID..]].. [--upstream-done] [--fresh] [--force] [--json] [--wait] [--no-state] [--worktrees] [--require-approval] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
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
        worktrees: { type: 'boolean' },
        'require-approval': { type: 'boolean' },
      },
      1,
    );
    const concurrencyFlag = parsePositiveInt(values.concurrency, '--concurrency');
    const outcome = await loadRunPlan(io, positionals[0], values.config);
    if (!outcome.ok) return outcome.exitCode;
    const { model, input, plan } = outcome;
    const only = values.only ? values.only.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean) : null;
    for (const id of only ?? []) if (!plan.tasks.has(id)) throw new UsageError(`--only: no task '${id}' in ${input.file}`);
    // A CI job per task: its upstream ran in other jobs (their `needs`), so only the named tasks run here.
    const upstreamDone = Boolean(values['upstream-done']);
    if (upstreamDone && !only) throw new UsageError('--upstream-done goes with --only ID: it runs just those tasks and takes what they depend on as done');
    const concurrency = concurrencyFlag ?? model.settings.maxConcurrency;
    const paths = statePaths(input.dir);
    const target: RenderTarget = { write: io.stdout, cwd: io.cwd, planDir: input.dir };

    if (values['dry-run']) {
      const selected = only ? (upstreamDone ? new Set(only) : dependencyClosure(plan, only)) : new Set(plan.tasks.keys());
      const loaded = values.fresh ? { ok: true as const, state: emptyState() } : tryLoadState(paths);
      if (!loaded.ok) {
        io.stderr(`execplan: ${loaded.message}\n`);
        return ExitCode.failedNotResumable;
      }
      const state = loaded.state;
      const rows = dryRun(plan, state, selected, Boolean(values.force));
      if (values.json) io.stdout(`${JSON.stringify({ concurrency, order: rows })}\n`);
      else {
        io.stdout(`launch order (${rows.length} tasks, concurrency ${concurrency}; nothing is run):\n`);
        const width = String(rows.length).length;
        const label = { run: 'run', fresh: 'fresh: up to date, would be skipped', 'already-done': 'already done: not re-run (resume)', manual: 'manual: waits for `execplan done`', approval: 'waits for `execplan approve`' };
        rows.forEach((row, i) => io.stdout(`${String(i + 1).padStart(width)}. ${row.task}${row.action === 'run' ? '' : `  (${label[row.action]})`}\n`));
      }
      return ExitCode.ok;
    }

    if (values['require-approval'] || model.source.settings?.require_approval) {
      const refusal = planApprovalRefusal(plan, tryLoadState(paths), input.file);
      if (refusal) {
        io.stderr(refusal);
        return ExitCode.cannotStart;
      }
    }

    const persist = !values['no-state'];
    let release = () => {};
    if (persist) {
      mkdirSync(paths.dir, { recursive: true });
      let lock = acquireLock(paths.lock, 'run');
      // A control command holds the lock for milliseconds: wait for it rather than failing.
      for (let i = 0; !lock.ok && lock.holder.kind === 'control' && i < 40; i++) {
        await sleep(50);
        lock = acquireLock(paths.lock, 'run');
      }
      if (!lock.ok) {
        io.stderr(`execplan: cannot start: ${path.relative(io.cwd, paths.dir) || '.'} is in use by another execplan ${lock.holder.kind} (pid ${lock.holder.pid}, since ${lock.holder.startedAt}); wait for it, or check \`execplan status\`\n`);
        return ExitCode.cannotStart;
      }
      release = lock.release;
      if (lock.tookOverStale) io.stderr(`execplan: note: the previous run (pid ${lock.tookOverStale.pid}) ended without cleaning up; resuming\n`);
      if (values.fresh) {
        const archived = archiveState(paths, newRunId(new Date()));
        if (archived) io.stderr(`execplan: --fresh: previous state archived in ${path.relative(io.cwd, archived)}\n`);
      }
    }
    // Large plans spawn through a small helper process: forking the (big) runner itself costs more per task.
    const commandTasks = model.tasks.filter((t) => t.kind === 'command').length;
    const spawnMode = io.env.EXECPLAN_SPAWN === 'helper' || io.env.EXECPLAN_SPAWN === 'direct' ? io.env.EXECPLAN_SPAWN : commandTasks >= 50 ? 'helper' : 'direct';
    const helper = spawnMode === 'helper' ? SpawnHelper.start() : null;
    try {
      if (persist) {
        const check = tryLoadState(paths);
        if (!check.ok) {
          io.stderr(`execplan: cannot resume: ${check.message}\n`);
          return ExitCode.failedNotResumable;
        }
      }
      const store: Store = persist ? FileStore.open(paths) : new NullStore();
      const json = Boolean(values.json);
      const useTty = !json && io.isTTY && !io.env.CI;
      let onEvent = json ? jsonRenderer(target) : plainRenderer(target);
      let ttyDone: Promise<void> | null = null;
      const runId = newRunId(new Date());
      let worktrees: WorktreeSession | null = null;
      const runner = new Runner(plan, store, paths, {
        concurrency,
        keepGoing: Boolean(values['keep-going']),
        only,
        upstreamDone,
        force: Boolean(values.force),
        wait: Boolean(values.wait),
        graceMs: envInt(io.env.EXECPLAN_KILL_GRACE_MS, 3000),
        retryBaseMs: envInt(io.env.EXECPLAN_RETRY_BASE_MS, 1000),
        executors: {
          ...defaultExecutors(envInt(io.env.EXECPLAN_KILL_GRACE_MS, 3000), helper ? (script, options) => helper.spawnTree(script, options) : undefined),
          agent: agentExecutorFromConfig(model, outcome.loaded.config, outcome.loaded.configPath, { notify: (m) => io.stderr(`execplan: ${m}\n`) }),
        },
        env: io.env,
        runId,
        onEvent: (event) => {
          // A stream's finished task (checks passed) is committed on the stream's branch.
          if (worktrees && event.event === 'task-end' && event.status === 'done') {
            const problem = worktrees.commit(plan.tasks.get(event.task)!.model, `execplan run ${runId}`);
            if (problem) io.stderr(`execplan: warning: ${problem}\n`);
          }
          onEvent(event);
        },
      });
      const problems = await runner.preflight();
      if (problems.length) {
        store.close();
        io.stderr(problems.map((p) => `execplan: cannot start: ${p}\n`).join(''));
        return ExitCode.cannotStart;
      }
      if (values.worktrees) {
        const started = startWorktreeSession(model, input.dir, runId);
        if (!started.ok) {
          store.close();
          io.stderr(`execplan: cannot start: ${started.message}\n`);
          return ExitCode.cannotStart;
        }
        worktrees = started.session;
        // Stream tasks (their commands, agents and acceptance checks) run in the stream's worktree.
        for (const task of plan.tasks.values()) {
          const dir = worktrees.workdirFor(task.model);
          if (!dir) continue;
          task.cwd = path.resolve(dir, path.relative(input.dir, task.cwd));
          task.root = dir;
        }
      }
      if (useTty) {
        // listr2 is loaded only for a terminal: a smaller runner process forks its tasks faster.
        const { ttyRenderer } = await import('../../runner/render-tty.js');
        const tty = ttyRenderer(target, concurrency, () => plan.tasks.size);
        onEvent = tty.onEvent;
        ttyDone = tty.done;
      }
      const onSignal = () => runner.interrupt();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const code = await runner.start();
        if (ttyDone) await ttyDone;
        const ids = [...plan.tasks.keys()];
        // The session's worktrees are in the compiler's merge order: the run record lists them the same way.
        const branches = worktrees ? worktrees.worktrees.map((w) => ({ stream: w.stream, branch: w.branch })) : null;
        if (persist) recordRunUsage(paths.dir, runId, ids, branches);
        const agentLines = [formatUsage(usageTotals(paths.dir, ids, runId)), worktrees?.finish() ?? null].filter((l): l is string => l !== null);
        if (agentLines.length) io.stdout(json ? `${JSON.stringify({ event: 'agents-summary', lines: agentLines })}\n` : `${agentLines.join('\n')}\n`);
        return code;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    } finally {
      helper?.close();
      release();
    }
  },
};
