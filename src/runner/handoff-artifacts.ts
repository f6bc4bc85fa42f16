/**
 * The hand-off store: what each task left for whoever works next, in one folder per task,
 * `<state>/handoffs/<task>/`:
 * - `<attempt>-<event>.json`: one artifact for every task event that matters to the next worker
 *   (finished, failed, stopped, rejected, approved), in the format of schema/handoff.schema.json. They are
 *   written from journal records (after they are appended), so each file says what the journal says, with
 *   the words a person or agent needs: the outcome, what must happen next, whether the work is integrated
 *   yet, and the earlier artifacts it follows from. Committed on a stream's branch in a worktree run.
 * - `agent.json`: an agent task's own record of its latest attempt (final message, failure, usage, session
 *   id, folder), written redacted by the agent executor when the agent ends. The usage figures, session
 *   continuation and the executor's summary come from it; it stays local (it names folders and sessions).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { AgentUsage } from '../agents/output.js';
import type { JournalRecord } from './journal.js';
import { statePathsIn } from './paths.js';
import type { RunPlan } from './plan-view.js';
import { redactSecrets as redact } from '../secrets/index.js';
import type { RunState } from './state.js';
import { loadState } from './store.js';
import { lowerBound } from '../core/lower-bound.js';

export type HandoffEvent = 'finished' | 'failed' | 'stopped' | 'rejected' | 'approved';

export interface HandoffArtifact {
  schema_version: 1;
  task: string;
  plan: string;
  plan_version: string;
  step_order: number | null;
  event: HandoffEvent;
  attempt: number;
  timestamp: string;
  actor: string;
  outcome: { summary: string; exit_code?: number | null; reason?: string | null; duration_s?: number | null; reopened?: string[]; judged_attempt?: number | null };
  next_action: string;
  integrated: boolean;
  links: string[];
}

const dirOf = (stateDir: string, task: string) => path.join(stateDir, 'handoffs', task);

/** The agent's record in a task's folder; every other JSON file there is an artifact. */
const AGENT_RECORD = 'agent.json';

/** The artifact files of a task (not the agent's record, not a temp file of an atomic write). */
function artifactNames(stateDir: string, task: string): string[] {
  try {
    return readdirSync(dirOf(stateDir, task)).filter(isArtifactName);
  } catch {
    return [];
  }
}

const isArtifactName = (n: string) => n.endsWith('.json') && !n.startsWith('.') && n !== AGENT_RECORD;

/**
 * What is in each task's folder, for the one writer of the store (a runner holding the state's lock): one
 * listing of the store, then each folder at most once, kept up to date with the names it adds. A task
 * with no folder costs nothing (a fresh state: no failed listing, no existence check per hand-off).
 */
export class HandoffFolders {
  private tasks: Set<string> | null = null;
  private readonly names = new Map<string, Set<string> | null>();

  constructor(private readonly stateDir: string) {}

  /** The names in a task's folder (temp files included), or null when it has none yet. */
  list(task: string): Set<string> | null {
    let known = this.names.get(task);
    if (known !== undefined) return known;
    this.tasks ??= tasksWithHandoffs(this.stateDir);
    known = null;
    if (this.tasks.has(task)) {
      try {
        known = new Set(readdirSync(dirOf(this.stateDir, task)));
      } catch {
        known = null;
      }
    }
    this.names.set(task, known);
    return known;
  }

  add(task: string, name: string): void {
    const known = this.list(task);
    if (known) known.add(name);
    else this.names.set(task, new Set([name]));
  }
}

/** One hand-off file to put in place: `newFolder` when the task's folder does not exist yet. */
export interface HandoffFile {
  task: string;
  dir: string;
  file: string;
  text: string;
  newFolder: boolean;
}

/** An agent task's record of its latest attempt (`agent.json`). */
export interface AgentHandoff {
  task: string;
  /** The run that produced it (EXECPLAN_RUN_ID), or null outside a run. */
  runId: string | null;
  attempt: number;
  agent: string;
  profile: string;
  exitCode: number | null;
  isError: boolean;
  summary: string | null;
  /** Why the attempt failed, in the agent's (or its CLI's) own words; null when it succeeded. */
  failure?: string | null;
  usage: AgentUsage;
  sessionId: string | null;
  /** Where the agent ran and when it ended: a stream's next task continues this session only from the same folder. */
  cwd?: string;
  endedAt?: string;
  /** The session this attempt continued (null: a new one). */
  continued?: string | null;
}

export const agentHandoffPath = (stateDir: string, task: string): string => path.join(dirOf(stateDir, task), AGENT_RECORD);

export function writeAgentHandoff(stateDir: string, handoff: AgentHandoff): void {
  const file = agentHandoffPath(stateDir, handoff.task);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(handoff, null, 2)}\n`, { fsync: false, mode: 0o600 });
}

export function readAgentHandoff(stateDir: string, task: string): AgentHandoff | null {
  const file = agentHandoffPath(stateDir, task);
  // Every task that ran has a folder here, only agent tasks this record: a stat, not a thrown ENOENT per
  // task, keeps status on a big plan of commands cheap.
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AgentHandoff;
  } catch {
    return null;
  }
}

/** The tasks that have a folder in the store: one listing instead of a failed open per task of a big plan. */
export function tasksWithHandoffs(stateDir: string): Set<string> {
  try {
    return new Set(readdirSync(path.join(stateDir, 'handoffs')));
  } catch {
    return new Set();
  }
}

/** The newest artifact of a task (by timestamp, then file name), or null. `listed`: its folder's names, when the caller has them. */
export function latestHandoff(stateDir: string, task: string, listed?: Iterable<string>): { file: string; artifact: HandoffArtifact } | null {
  const names = listed ? [...listed].filter(isArtifactName) : artifactNames(stateDir, task);
  let best: { file: string; artifact: HandoffArtifact } | null = null;
  for (const name of names) {
    const file = path.join(dirOf(stateDir, task), name);
    try {
      const artifact = JSON.parse(readFileSync(file, 'utf8')) as HandoffArtifact;
      if (!best || artifact.timestamp > best.artifact.timestamp || (artifact.timestamp === best.artifact.timestamp && file > best.file)) best = { file, artifact };
    } catch {
      // a damaged file is skipped: the journal stays the source of truth
    }
  }
  return best;
}

type Start = [startedAt: string, task: string, attempt: number];
const before = (a: Start, b: Start) => (a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2]);

/**
 * Every attempt start of a state in launch order (start time, then task id, then attempt number): an
 * attempt's step order is its place in it. A runner keeps one for its whole run and adds each start it
 * journals, so a hand-off finds its place by binary search; going over the whole state for every
 * hand-off made a run's hand-offs quadratic in the plan's size.
 */
export class LaunchOrder {
  private readonly starts: Start[] = [];

  constructor(state: RunState) {
    for (const [id, s] of Object.entries(state.tasks)) for (const a of s.attempts) this.starts.push([a.startedAt, id, a.n]);
    this.starts.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  /** A start journaled after this was built (usually the latest, so the insert is at the end). */
  add(startedAt: string, task: string, attempt: number): void {
    const key: Start = [startedAt, task, attempt];
    let i = this.starts.length;
    while (i > 0 && before(key, this.starts[i - 1]!)) i--;
    this.starts.splice(i, 0, key);
  }

  /** 1-based place of the attempt that started at `startedAt`, or null when it is not in the state. */
  place(startedAt: string, task: string, attempt: number): number | null {
    const key: Start = [startedAt, task, attempt];
    const lo = lowerBound(this.starts.length, (i) => before(this.starts[i]!, key));
    const found = this.starts[lo];
    return found && found[0] === startedAt && found[1] === task && found[2] === attempt ? lo + 1 : null;
  }
}

/** Launch order of an attempt: its place among all attempt starts in this state. */
function stepOrder(ctx: HandoffContext, task: string, attempt: number): number | null {
  const own = ctx.state.tasks[task]?.attempts.find((a) => a.n === attempt);
  if (!own) return null;
  return (ctx.launchOrder ?? new LaunchOrder(ctx.state)).place(own.startedAt, task, attempt);
}

function logTail(planDir: string, log: string | undefined, lines = 5): string {
  if (!log) return '';
  try {
    const text = readFileSync(path.resolve(planDir, log), 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface HandoffContext {
  stateDir: string;
  plan: RunPlan;
  state: RunState;
  /** Who started the run (the runner's own events are theirs). */
  actor: string;
  /** A summary from the task's executor (an agent's final message), when there is one. */
  summaryOf?: (task: string) => string | null;
  /** The state's attempt starts in order, kept up to date by the caller (a runner); built from the state when absent. */
  launchOrder?: LaunchOrder;
  /**
   * The newest artifact per task, for a caller that is the only writer while it holds the state's lock (a
   * runner): filled from disk on first use, then kept up to date by writeHandoffFor, so a hand-off does not
   * list and read its own and its upstream tasks' folders again.
   */
  latest?: Map<string, { file: string; artifact: HandoffArtifact } | null>;
  /** The same writer's index of the folders' names (with `latest`): names are picked without asking the disk. */
  folders?: HandoffFolders;
  /** Puts the file in place (a runner: on the thread pool); default: now, atomically (temp + rename). */
  write?: (file: HandoffFile) => void;
}

/** latestHandoff through the caller's cache, when it keeps one. */
function latestOf(ctx: HandoffContext, task: string): { file: string; artifact: HandoffArtifact } | null {
  if (!ctx.latest) return latestHandoff(ctx.stateDir, task);
  let known = ctx.latest.get(task);
  if (known === undefined) {
    const listed = ctx.folders?.list(task);
    known = listed === null ? null : latestHandoff(ctx.stateDir, task, listed);
    ctx.latest.set(task, known);
  }
  return known;
}

/** Writes the artifact a journal record calls for, and returns its path (null when the record is not such an event). */
export function writeHandoffFor(ctx: HandoffContext, record: JournalRecord): string | null {
  const made = artifactFor(ctx, record);
  if (!made) return null;
  const dir = dirOf(ctx.stateDir, made.task);
  const listed = ctx.folders?.list(made.task);
  const taken = listed === undefined ? (name: string) => existsSync(path.join(dir, name)) : (name: string) => listed?.has(name) ?? false;
  // A second decision on the same attempt (rejected twice) gets its own file: none is overwritten.
  let name = `${made.attempt}-${made.event}.json`;
  for (let n = 2; taken(name); n++) name = `${made.attempt}-${made.event}-${n}.json`;
  const file = path.join(dir, name);
  const text = `${JSON.stringify(made, null, 2)}\n`;
  ctx.folders?.add(made.task, name);
  if (ctx.write) ctx.write({ task: made.task, dir, file, text, newFolder: listed === null });
  else {
    // A folder the index already knows exists needs no mkdir.
    if (!listed) mkdirSync(dir, { recursive: true });
    writeFileAtomic(file, text, { fsync: false });
  }
  if (ctx.latest) {
    // The same order as latestHandoff's: by timestamp, then file name.
    const best = latestOf(ctx, made.task);
    if (!best || made.timestamp > best.artifact.timestamp || (made.timestamp === best.artifact.timestamp && file > best.file)) ctx.latest.set(made.task, { file, artifact: made });
  }
  return file;
}

/** What one journal record says happened to a task: the event-specific part of its artifact. */
interface HandoffFacts {
  task: string;
  event: HandoffEvent;
  attempt: number;
  actor: string;
  outcome: HandoffArtifact['outcome'];
  next: string;
}

type RecordOf<T extends JournalRecord['type']> = Extract<JournalRecord, { type: T }>;

function artifactFor(ctx: HandoffContext, record: JournalRecord): HandoffArtifact | null {
  const facts = factsOf(ctx, record);
  if (!facts) return null;
  const { plan } = ctx;
  const { task, attempt } = facts;
  const links = linksOf(ctx, task, attempt);
  return {
    schema_version: 1,
    task,
    plan: plan.model.name,
    plan_version: plan.planVersion,
    step_order: attempt > 0 ? stepOrder(ctx, task, attempt) : null,
    event: facts.event,
    attempt,
    timestamp: record.ts,
    actor: facts.actor,
    outcome: facts.outcome,
    next_action: facts.next,
    // Work done in a stream's worktree is on its branch until someone merges it.
    integrated: plan.tasks.get(task)?.root === undefined,
    links,
  };
}

/** The facts of the records that call for an artifact; null for every other record. */
function factsOf(ctx: HandoffContext, record: JournalRecord): HandoffFacts | null {
  switch (record.type) {
    case 'task-end':
      return taskEndFacts(ctx, record);
    case 'task-interrupted':
    case 'task-stopped':
      return {
        task: record.task,
        attempt: record.attempt,
        event: 'stopped',
        actor: ctx.actor,
        outcome: { summary: redact(record.reason), reason: redact(record.reason) },
        next: 'it runs again as a new attempt on the next `execplan run` (or `execplan skip` / `done --reason` it)',
      };
    case 'control':
      return controlFacts(ctx, record);
    default:
      return null;
  }
}

const attemptState = (state: RunState, id: string, n: number) => state.tasks[id]?.attempts.find((a) => a.n === n);
const latestAttempt = (state: RunState, id: string) => state.tasks[id]?.attempts.reduce((m, a) => Math.max(m, a.n), 0) ?? 0;

function taskEndFacts(ctx: HandoffContext, record: RecordOf<'task-end'>): HandoffFacts {
  const { plan, state } = ctx;
  const { task, attempt } = record;
  const log = attemptState(state, task, attempt)?.logged ? attemptState(state, task, attempt)!.log : undefined;
  const summary = ctx.summaryOf?.(task) ?? logTail(plan.planDir, log);
  const outcome = {
    // The fixed texts hold no secret: only what the task printed goes through the redactor (~20 us a task).
    summary: summary ? redact(summary) : record.status === 'done' ? 'finished with no output' : 'failed with no output',
    exit_code: record.exitCode,
    reason: record.reason,
    duration_s: record.durationMs / 1000,
  };
  if (record.status === 'done') {
    const dependents = plan.tasks.get(task)?.dependents ?? [];
    const next = dependents.length ? `dependent tasks can start: ${dependents.join(', ')}` : 'nothing depends on it; the plan ends when the other tasks do';
    return { task, attempt, event: 'finished', actor: ctx.actor, outcome, next };
  }
  return { task, attempt, event: 'failed', actor: ctx.actor, outcome, next: `fix the cause and \`execplan retry ${task}\` (or \`skip\` / \`done --reason\`); see the log` };
}

/** A person's decision: done by hand, or a gate approved or rejected; other control actions leave no artifact. */
function controlFacts(ctx: HandoffContext, record: RecordOf<'control'>): HandoffFacts | null {
  const { state } = ctx;
  if (record.action === 'done') {
    // A person's statement replaces the old failure as what the next agent reads.
    const task = record.task;
    return {
      task,
      attempt: latestAttempt(state, task),
      event: 'finished',
      actor: record.actor,
      outcome: { summary: record.reason, reason: null },
      next: `marked done by ${record.actor}; dependent tasks can start`,
    };
  }
  if (record.action !== 'approve' && record.action !== 'reject') return null;
  const task = record.task;
  // The gate's own attempt (0 before it ran); the attempt the decision judged may be its upstream work's.
  const attempt = latestAttempt(state, task);
  const actor = record.actor;
  const judged = record.attempt ?? null;
  if (record.action === 'approve') {
    return {
      task,
      attempt,
      event: 'approved',
      actor,
      outcome: { summary: record.reason ?? `approved by ${record.actor}`, judged_attempt: judged },
      next: state.tasks[task]?.attempts.length ? 'the gate is open: dependent tasks can start' : `the gate is open: ${task} can start`,
    };
  }
  return {
    task,
    attempt,
    event: 'rejected',
    actor,
    outcome: { summary: record.reason, reopened: record.reopened, judged_attempt: judged },
    next: `redo ${record.reopened.join(', ')} (new attempts on the next \`execplan run\`), then ${task} waits for a new decision`,
  };
}

/** The artifacts this one follows from (the task's previous one, its dependencies' latest) and the attempt's log. */
function linksOf(ctx: HandoffContext, task: string, attempt: number): string[] {
  const { plan } = ctx;
  const links: string[] = [];
  const rel = (file: string) => path.relative(plan.planDir, file);
  const previous = latestOf(ctx, task);
  if (previous) links.push(rel(previous.file));
  for (const up of plan.tasks.get(task)?.deps ?? []) {
    const h = latestOf(ctx, up);
    if (h) links.push(rel(h.file));
  }
  const a = attemptState(ctx.state, task, attempt);
  if (a?.logged) links.push(a.log);
  return links;
}

/** The final message an agent task left (its `agent.json`), the best summary of what it did; null for command tasks. */
export function agentSummary(stateDir: string, task: string): string | null {
  const h = readAgentHandoff(stateDir, task);
  return typeof h?.summary === 'string' && h.summary.trim() ? h.summary : null;
}

/**
 * Task statuses and retry notes from the run's journal (folded the way the runner does), or 'unknown':
 * what an agent's prompt says beside its upstream hand-offs. Lenient: a state it cannot read is empty.
 */
export function readRunState(stateDir: string): { status(id: string): string; note(id: string): string | null; forced(id: string): string | null } {
  let tasks: Record<string, { status: string; forced: string | null; note: string | null }> = {};
  try {
    tasks = loadState(statePathsIn(stateDir)).state.tasks;
  } catch {
    tasks = {};
  }
  return {
    status: (id) => {
      const s = tasks[id];
      if (!s) return 'unknown';
      return s.forced && s.status === 'done' ? `done (forced: ${s.forced})` : s.status;
    },
    note: (id) => tasks[id]?.note || null,
    /** The reason a person gave with `execplan done --reason` when they completed the task by hand. */
    forced: (id) => (tasks[id]?.status === 'done' && tasks[id]?.forced) || null,
  };
}

/**
 * Where a worktree run commits the hand-offs on a stream's branch, relative to the plan's directory:
 * `.execplan-history/handoffs/<plan>/<task>/<file>`. Outside `.execplan/` (the local state, never
 * committed) and beside the conflict history; one folder per task, so branches of different streams never
 * conflict over them.
 */
export function committedHandoffDir(planName: string): string {
  return `.execplan-history/handoffs/${planName}`;
}

/**
 * The hand-off files of `tasks` as they are committed on a stream's branch (path relative to the plan's
 * directory, and content). Links to other hand-offs point at their committed copies, so they resolve in
 * any clone of the branch; other links (logs) stay as they are: they exist only where the run ran.
 */
export function committedHandoffs(stateDir: string, planDir: string, planName: string, tasks: Iterable<string>): Array<{ path: string; content: string }> {
  const toPosix = (p: string) => p.split(path.sep).join('/');
  const statePrefix = `${toPosix(path.relative(planDir, path.join(stateDir, 'handoffs')))}/`;
  const target = committedHandoffDir(planName);
  const out: Array<{ path: string; content: string }> = [];
  for (const task of tasks) {
    for (const name of artifactNames(stateDir, task).sort()) {
      let artifact: HandoffArtifact;
      try {
        artifact = JSON.parse(readFileSync(path.join(dirOf(stateDir, task), name), 'utf8')) as HandoffArtifact;
      } catch {
        continue; // a damaged file is not spread further; the journal stays the source of truth
      }
      const links = artifact.links.map((l) => (toPosix(l).startsWith(statePrefix) ? `${target}/${toPosix(l).slice(statePrefix.length)}` : l));
      out.push({ path: `${target}/${task}/${name}`, content: `${JSON.stringify({ ...artifact, links }, null, 2)}\n` });
    }
  }
  return out;
}
