/** The plan as the runner needs it: resolved cwd/env/inputs per task, dependency maps, definition hashes. */
import { contentHash, sha256 } from '../compiler/artifacts/json.js';
import path from 'node:path';
import type { PlanModel, TaskModel } from '../compiler/model.js';
import { compileForRun, type RunSchedule } from '../compiler/compile-for-run.js';
import { findConflicts } from '../compiler/conflicts.js';
import { fileLocks, launchPriority, type FileLocks } from './priority.js';

export interface RunTask {
  model: TaskModel;
  cwd: string;
  env: Record<string, string>;
  inputs: string[];
  outputs: string[];
  /** Scheduled (hard, confident) upstream task ids. */
  deps: string[];
  dependents: string[];
  /** Launch rank: lower starts first. */
  rank: number;
  /** Its wave (0-based) when the run is wave-based: it starts only once every earlier wave is finished; -1 otherwise. */
  wave: number;
  /** sha256 of everything that defines what the task does; a change re-runs it. */
  readonly definition: string;
  /** Stands in for the plan's directory in `{file}` checks when the task runs elsewhere (its stream's worktree). */
  root?: string;
}

/** Others import sha256 from here: the one helper for UTF-8 text (artifacts, definitions, the journal chain). */
export { sha256 };

export interface RunPlan {
  model: PlanModel;
  planDir: string;
  tasks: Map<string, RunTask>;
  /** In plan order. */
  order: RunTask[];
  capacity: Map<string, number>;
  /** File patterns per task: a task does not start while a running task holds a pattern that blocks it. */
  readonly files: FileLocks;
  planHash: string;
  /**
   * Hash of the plan's meaning (the parsed document, key order and comments aside): what a plan approval
   * signs, so reformatting or a comment edit keeps the approval and any change of content voids it.
   */
  readonly planVersion: string;
}

/**
 * What the plan view is for. `run` launches tasks in the optimized schedule's order, so it compiles what
 * that needs (compileForRun: graph, conflicts, the optimizer; not the artifacts' risk and insights). `state` is for commands that read or change the state without launching
 * anything (`execplan status`, retry/skip/done/approve/pause/resume): they need ids, dependencies and file
 * locks, not a schedule, and skip the optimizer (its cost grows with the plan; theirs must not).
 */
export type RunPlanUse = 'run' | 'state';

/** Hashes the caller already has: the plan text's sha256, and the meaning hash from an earlier load of the same plan. */
export interface KnownHashes {
  planHash: string;
  planVersion?: string;
}

/** Each task's scheduled dependencies and dependents, in edge order, each named once. */
function scheduledNeighbours(model: PlanModel): { deps: Map<string, string[]>; dependents: Map<string, string[]> } {
  const deps = new Map<string, string[]>(model.tasks.map((t) => [t.id, []]));
  const dependents = new Map<string, string[]>(model.tasks.map((t) => [t.id, []]));
  for (const edge of model.edges) {
    if (!edge.scheduled || !deps.has(edge.to) || !deps.has(edge.from)) continue;
    if (!deps.get(edge.to)!.includes(edge.from)) deps.get(edge.to)!.push(edge.from);
    if (!dependents.get(edge.from)!.includes(edge.to)) dependents.get(edge.from)!.push(edge.to);
  }
  return { deps, dependents };
}

/** Wave-based execution keeps the compiled waves: the waves are barriers, like phases. */
function waveIndex(model: PlanModel, compiled: RunSchedule | null): Map<string, number> {
  const waveOf = new Map<string, number>();
  if (compiled?.waves && model.settings.executionModel === 'wave_based') compiled.waves.waves.forEach((w, i) => w.tasks.forEach((id) => waveOf.set(id, i)));
  return waveOf;
}

/** A task as the runner launches it: where, with what environment, and its place in the graph and the launch order. */
function runTask(t: TaskModel, planDir: string, defaults: NonNullable<PlanModel['source']['defaults']>, place: Pick<RunTask, 'deps' | 'dependents' | 'rank' | 'wave'>): RunTask {
  const cwd = path.resolve(planDir, t.source.cwd ?? defaults.cwd ?? '.');
  const env = { ...(defaults.env ?? {}), ...(t.source.env ?? {}) };
  const inputs = t.source.inputs ?? [];
  const outputs = t.source.outputs ?? [];
  // Hashed when first asked for (a run reconciling its state), not by status and the control verbs; from
  // the cwd in the plan, also when a worktree run later points the task's cwd elsewhere.
  let definition: string | undefined;
  const define = () =>
    contentHash({
      kind: t.kind,
      run: t.run,
      cwd: path.relative(planDir, cwd),
      env,
      inputs,
      outputs,
      acceptance: t.acceptance.filter((a) => typeof a !== 'string'),
      agent: t.source.agent ?? (t.kind === 'agent' ? defaults.agent : undefined),
    });
  return {
    model: t,
    cwd,
    env,
    inputs,
    outputs,
    ...place,
    get definition() {
      return (definition ??= define());
    },
  };
}

export function buildRunPlan(model: PlanModel, planDir: string, planText: string, use: RunPlanUse = 'run', compiledPlan?: RunSchedule, known?: KnownHashes): RunPlan {
  const defaults = model.source.defaults ?? {};
  const { deps, dependents } = scheduledNeighbours(model);
  const compiled = use === 'run' ? (compiledPlan ?? compileForRun(model)) : null;
  const waveOf = waveIndex(model, compiled);
  const rank = launchPriority(model, compiled);
  const order: RunTask[] = model.tasks.map((t) =>
    runTask(t, planDir, defaults, { deps: deps.get(t.id)!, dependents: dependents.get(t.id)!, rank: rank.get(t.id)!, wave: waveOf.get(t.id) ?? -1 }),
  );
  // Without a compiled plan the file conflicts are found when first needed: `execplan status` needs them
  // only while a runner holds files, the control verbs never.
  let files: FileLocks | undefined;
  // The plan does not change under a run: hashed once, not on every hand-off that names it (each hash
  // walks the whole plan, which made a run's hand-offs quadratic in its size).
  let version: string | undefined = known?.planVersion;
  return {
    model,
    planDir,
    tasks: new Map(order.map((t) => [t.model.id, t])),
    order,
    capacity: new Map(model.resources.map((r) => [r.name, r.capacity])),
    get files() {
      return (files ??= fileLocks(model, compiled?.conflicts ?? findConflicts(model)));
    },
    planHash: known?.planHash ?? sha256(planText),
    get planVersion() {
      return (version ??= contentHash(model.source));
    },
  };
}
