/**
 * Flow metrics from the journal: journal records (and what the plan says about each task) in, numbers
 * out. Pure: no files, no clock; the CLI reads the journal and prints (src/cli/commands/report.ts).
 *
 * Definitions (docs/governance.md):
 * - lead_time_s: from when the task became ready (the first moment all its dependencies were done, within
 *   a run) to when it was last done; cycle_time_s: from the start of the successful attempt to its end.
 * - attempts: attempts started; limited: those of them a usage or rate limit of the agent ended (not a
 *   failure, not rework: the task waits for the limit and runs again); rework: times a rejected gate re-opened it.
 * - wait_s: seconds a ready task waited, by reason (`task-wait` records: resource, file lock, slot, wave;
 *   `gate`: ready until approved).
 * - per run and overall: throughput_per_hour (tasks finished / wall hours), wip_avg (busy task-time /
 *   wall time), wip_max (most attempts running at once), rework_rate (re-opened / finished),
 *   parallel_efficiency (busy task-time / (concurrency x wall time)), estimate_accuracy (mean of
 *   |estimated - actual| / actual over finished tasks with an estimate; 0 is perfect).
 */
import type { JournalRecord } from '../runner/journal.js';

export interface TaskInfo {
  id: string;
  deps: string[];
  /** Estimated hours (null: no estimate). */
  estimateHours: number | null;
  owner: string | null;
  stream: string | null;
}

export interface Usage {
  tokens: number;
  costUsd: number | null;
  turns: number;
}

export interface TaskMetrics {
  task: string;
  owner: string | null;
  stream: string | null;
  status: 'done' | 'failed' | 'skipped' | 'pending';
  lead_time_s: number | null;
  cycle_time_s: number | null;
  attempts: number;
  /** Attempts ended by a usage or rate limit of the agent: neither a failure nor rework. */
  limited: number;
  rework: number;
  wait_s: Record<string, number>;
  estimate_h: number | null;
  actual_s: number | null;
}

export interface FlowMetrics {
  runs: number;
  wall_s: number;
  busy_s: number;
  finished: number;
  reopened: number;
  throughput_per_hour: number;
  wip_avg: number;
  wip_max: number;
  rework_rate: number;
  parallel_efficiency: number;
  estimate_accuracy: number | null;
  agent_usage: { agents: number; tokens: number; cost_usd: number | null; turns: number };
}

export interface RunMetrics extends FlowMetrics {
  run_id: string;
  started_at: string;
  ended_at: string | null;
  concurrency: number;
  outcome: string | null;
}

export interface Report {
  tasks: TaskMetrics[];
  runs: RunMetrics[];
  overall: FlowMetrics;
}

export interface ReportOptions {
  /** Only runs that started at or after this time (ms since the epoch). */
  sinceMs?: number | null;
  status?: string | null;
  stream?: string | null;
  owner?: string | null;
}

const ms = (ts: string) => Date.parse(ts);
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Interval {
  task: string;
  attempt: number;
  start: number;
  end: number | null;
  ok: boolean;
}

/** A run as the report sees it: each run-start opens one; it closes at its run-end (or at the last record before the next run). */
interface RunAcc {
  id: string;
  start: number;
  end: number | null;
  startedAt: string;
  endedAt: string | null;
  concurrency: number;
  outcome: string | null;
  records: JournalRecord[];
}

/** Where a task stands while the journal is replayed. */
interface TaskState {
  status: TaskMetrics['status'];
  lastDone: number | null;
  readyAt: number | null;
  okStart: number | null;
  okEnd: number | null;
  waitSince: Map<string, number>;
}

export function computeReport(records: readonly JournalRecord[], tasks: readonly TaskInfo[], usage: Readonly<Record<string, Usage>> = {}, options: ReportOptions = {}): Report {
  const { runs, kept } = splitRuns(records, options.sinceMs ?? null);
  const replay = new Replay(tasks);
  for (const r of kept) replay.apply(r);
  replay.finish();
  const { perTask, intervals } = replay;
  const selected = tasks.filter((t) => (!options.stream || t.stream === options.stream) && (!options.owner || t.owner === options.owner));
  const chosen = new Set(selected.filter((t) => !options.status || perTask.get(t.id)!.status === options.status).map((t) => t.id));
  const flow = (ivs: Interval[], recs: JournalRecord[], wallMs: number, concurrency: number, runCount: number) =>
    flowMetrics({ chosen, perTask, usage }, ivs, recs, wallMs, concurrency, runCount);
  const runMetrics: RunMetrics[] = runs.map((run) => {
    const ivs = intervals.filter((iv) => iv.start >= run.start && (run.end === null || iv.start <= run.end));
    const wall = (run.end ?? run.start) - run.start;
    return {
      run_id: run.id,
      started_at: run.startedAt,
      ended_at: run.endedAt,
      concurrency: run.concurrency,
      outcome: run.outcome,
      ...flow(ivs, run.records, wall, run.concurrency, 1),
    };
  });
  // Overall: the runs' wall times added (time between runs is nobody's work), concurrency weighted by wall.
  const wallAll = runs.reduce((n, run) => n + ((run.end ?? run.start) - run.start), 0);
  const capacity = runs.reduce((n, run) => n + run.concurrency * ((run.end ?? run.start) - run.start), 0);
  const overall = flow(intervals, kept, wallAll, wallAll > 0 ? capacity / wallAll : 0, runs.length);
  return { tasks: tasks.filter((t) => chosen.has(t.id)).map((t) => perTask.get(t.id)!), runs: runMetrics, overall };
}

/** The runs (those started since `since`) and the records in scope, each record filed under its run. */
function splitRuns(records: readonly JournalRecord[], since: number | null): { runs: RunAcc[]; kept: JournalRecord[] } {
  const runs: RunAcc[] = [];
  let current: RunAcc | null = null;
  const kept: JournalRecord[] = [];
  for (const r of records) {
    if (r.type === 'run-start') {
      if (current && current.end === null && current.records.length) current.end = ms(current.records.at(-1)!.ts);
      current = { id: r.runId, start: ms(r.ts), end: null, startedAt: r.ts, endedAt: null, concurrency: r.concurrency, outcome: null, records: [] };
      if (since === null || current.start >= since) runs.push(current);
    }
    const inScope = since === null || (current !== null && current.start >= since) || ms(r.ts) >= since;
    if (!inScope) continue;
    kept.push(r);
    if (current && runs.includes(current)) {
      current.records.push(r);
      if (r.type === 'run-end') {
        current.end = ms(r.ts);
        current.endedAt = r.ts;
        current.outcome = r.outcome;
      }
    }
  }
  if (current && current.end === null && current.records.length) current.end = ms(current.records.at(-1)!.ts);
  return { runs, kept };
}

/** Replays the journal record by record: each task's metrics, and the intervals its attempts were busy. */
class Replay {
  readonly perTask = new Map<string, TaskMetrics>();
  readonly intervals: Interval[] = [];
  private readonly state = new Map<string, TaskState>();
  private readonly open = new Map<string, Interval>();
  private runOpen = false;

  constructor(private readonly tasks: readonly TaskInfo[]) {
    for (const t of tasks) {
      this.perTask.set(t.id, {
        task: t.id,
        owner: t.owner,
        stream: t.stream,
        status: 'pending',
        lead_time_s: null,
        cycle_time_s: null,
        attempts: 0,
        limited: 0,
        rework: 0,
        wait_s: {},
        estimate_h: t.estimateHours,
        actual_s: null,
      });
      this.state.set(t.id, { status: 'pending', lastDone: null, readyAt: null, okStart: null, okEnd: null, waitSince: new Map() });
    }
  }

  apply(r: JournalRecord): void {
    const at = ms(r.ts);
    switch (r.type) {
      case 'run-start':
        this.runOpen = true;
        this.markReady(at);
        break;
      case 'task-start':
        this.taskStart(r.task, r.attempt, at);
        break;
      case 'task-end':
        this.taskEnd(r.task, r.status === 'done', r.durationMs, at);
        break;
      case 'task-limited':
      case 'task-interrupted':
      case 'task-stopped': {
        // Ended early by an agent limit, Ctrl-C or `execplan stop`: busy time, but neither done nor a failure.
        const limitedTask = r.type === 'task-limited' ? this.perTask.get(r.task) : undefined;
        if (limitedTask) limitedTask.limited++;
        const iv = this.open.get(r.task);
        if (iv) {
          iv.end = at;
          this.open.delete(r.task);
        }
        break;
      }
      case 'task-fresh': {
        const s = this.state.get(r.task);
        if (s) {
          s.status = 'done';
          s.lastDone = at;
          this.markReady(at);
        }
        break;
      }
      case 'task-wait': {
        const s = this.state.get(r.task);
        if (!s) break;
        this.closeWaits(r.task, at);
        s.waitSince.set(r.reason.kind, at);
        break;
      }
      case 'control':
        this.control(r, at);
        break;
      case 'run-end':
        this.runOpen = false;
        for (const [id, iv] of this.open) {
          iv.end = at;
          this.open.delete(id);
        }
        for (const t of this.tasks) this.closeWaits(t.id, at);
        break;
      default:
        break;
    }
  }

  /** After the last record: each task's status, lead time and cycle time. */
  finish(): void {
    for (const t of this.tasks) {
      const s = this.state.get(t.id)!;
      const m = this.perTask.get(t.id)!;
      m.status = s.status;
      if (s.status === 'done' && s.lastDone !== null && s.readyAt !== null) m.lead_time_s = round((s.lastDone - s.readyAt) / 1000);
      if (s.status === 'done' && s.okStart !== null && s.okEnd !== null) {
        m.cycle_time_s = round((s.okEnd - s.okStart) / 1000);
        m.actual_s = m.cycle_time_s;
      }
    }
  }

  private taskStart(task: string, attempt: number, at: number): void {
    const s = this.state.get(task);
    const m = this.perTask.get(task);
    if (!s || !m) return;
    m.attempts++;
    this.closeWaits(task, at);
    if (s.readyAt === null) s.readyAt = at;
    const iv: Interval = { task, attempt, start: at, end: null, ok: false };
    this.intervals.push(iv);
    this.open.set(task, iv);
  }

  private taskEnd(task: string, done: boolean, durationMs: number, at: number): void {
    const s = this.state.get(task);
    const iv = this.open.get(task);
    if (iv) {
      iv.end = at;
      iv.ok = done;
      this.open.delete(task);
    }
    if (!s) return;
    s.status = done ? 'done' : 'failed';
    if (done) {
      s.lastDone = at;
      s.okStart = iv?.start ?? at - durationMs;
      s.okEnd = at;
      this.markReady(at);
    }
  }

  private control(r: Extract<JournalRecord, { type: 'control' }>, at: number): void {
    if (r.action === 'approve') {
      const s = this.state.get(r.task);
      // A gate holds a ready task until someone decides: from the run's gate record when there is one,
      // else from when it became ready in this run (between runs nobody waits).
      const since = s?.waitSince.get('gate');
      if (s && since !== undefined) {
        this.addWait(r.task, 'gate', since, at);
        s.waitSince.delete('gate');
      } else if (s && s.readyAt !== null && s.okEnd === null && this.runOpen) this.addWait(r.task, 'gate', s.readyAt, at);
    } else if (r.action === 'reject') {
      for (const id of r.reopened) {
        const m = this.perTask.get(id);
        const s = this.state.get(id);
        if (m) m.rework++;
        if (s) {
          s.status = 'pending';
          s.okStart = null;
          s.okEnd = null;
        }
      }
    } else if (r.action === 'done') {
      const s = this.state.get(r.task);
      if (s) {
        s.status = 'done';
        s.lastDone = at;
        if (s.readyAt === null) s.readyAt = at;
        this.markReady(at);
      }
    } else if (r.action === 'skip') {
      const s = this.state.get(r.task);
      if (s) {
        s.status = 'skipped';
        this.markReady(at);
      }
    }
  }

  private addWait(id: string, reason: string, from: number, to: number): void {
    const m = this.perTask.get(id);
    if (m && to > from) m.wait_s[reason] = round((m.wait_s[reason] ?? 0) + (to - from) / 1000);
  }

  private closeWaits(id: string, at: number): void {
    const s = this.state.get(id);
    if (!s) return;
    for (const [reason, from] of s.waitSince) this.addWait(id, reason, from, at);
    s.waitSince.clear();
  }

  private satisfied(id: string): boolean {
    return ['done', 'skipped'].includes(this.state.get(id)?.status ?? 'pending');
  }

  /** A task becomes ready when its last dependency is done (or when a run starts with all of them done). */
  private markReady(at: number): void {
    for (const t of this.tasks) {
      const s = this.state.get(t.id)!;
      if (s.readyAt === null && s.status === 'pending' && t.deps.every((d) => this.satisfied(d))) s.readyAt = at;
    }
  }
}

/** The tasks the report is about, their metrics, and the agents' usage: what flowMetrics counts with. */
interface FlowScope {
  chosen: ReadonlySet<string>;
  perTask: ReadonlyMap<string, TaskMetrics>;
  usage: Readonly<Record<string, Usage>>;
}

/** The flow numbers of a span of the journal (one run, or all of them) for the chosen tasks. */
function flowMetrics(scope: FlowScope, ivs: Interval[], recs: JournalRecord[], wallMs: number, concurrency: number, runCount: number): FlowMetrics {
  const { chosen, perTask, usage } = scope;
  const mine = ivs.filter((iv) => chosen.has(iv.task) && iv.end !== null);
  const busyMs = mine.reduce((n, iv) => n + (iv.end! - iv.start), 0);
  const finished = recs.filter(
    (r) => (r.type === 'task-end' && r.status === 'done' && chosen.has(r.task)) || (r.type === 'control' && r.action === 'done' && chosen.has(r.task)),
  ).length;
  const reopened = recs.reduce((n, r) => n + (r.type === 'control' && r.action === 'reject' ? r.reopened.filter((id) => chosen.has(id)).length : 0), 0);
  const finishedIds = new Set(recs.flatMap((r) => (r.type === 'task-end' && r.status === 'done' && chosen.has(r.task) ? [r.task] : [])));
  const accuracy = [...finishedIds]
    .map((id) => perTask.get(id)!)
    .filter((m) => m.estimate_h !== null && m.actual_s !== null && m.actual_s > 0)
    .map((m) => Math.abs(m.estimate_h! * 3600 - m.actual_s!) / m.actual_s!);
  const used = [...finishedIds].filter((id) => usage[id]);
  const cost = used.some((id) => usage[id]!.costUsd !== null)
    ? round(
        used.reduce((n, id) => n + (usage[id]!.costUsd ?? 0), 0),
        6,
      )
    : null;
  const wallS = wallMs / 1000;
  return {
    runs: runCount,
    wall_s: round(wallS),
    busy_s: round(busyMs / 1000),
    finished,
    reopened,
    throughput_per_hour: wallS > 0 ? round(finished / (wallS / 3600)) : 0,
    wip_avg: wallMs > 0 ? round(busyMs / wallMs) : 0,
    wip_max: mostAtOnce(mine),
    rework_rate: finished > 0 ? round(reopened / finished) : 0,
    parallel_efficiency: wallMs > 0 && concurrency > 0 ? round(busyMs / (concurrency * wallMs)) : 0,
    estimate_accuracy: accuracy.length ? round(accuracy.reduce((a, b) => a + b, 0) / accuracy.length) : null,
    agent_usage: { agents: used.length, tokens: used.reduce((n, id) => n + usage[id]!.tokens, 0), cost_usd: cost, turns: used.reduce((n, id) => n + usage[id]!.turns, 0) },
  };
}

/** Most attempts running at once: sweep over starts (+1) and ends (-1); an end before a start at the same instant. */
function mostAtOnce(closed: readonly Interval[]): number {
  const points = closed.flatMap((iv) => [[iv.start, 1] as const, [iv.end!, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let wip = 0;
  let wipMax = 0;
  for (const [, d] of points) wipMax = Math.max(wipMax, (wip += d));
  return wipMax;
}
