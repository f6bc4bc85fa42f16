/**
 * Stream checks and guidance: ownership overlaps, task files outside their
 * stream, the communication table, the order in which stream branches merge, and branch names.
 */
import type { AnalysisInput } from '../compiled.js';
import type { PlanModel } from '../model.js';
import { globCovers, globsOverlap } from './globs.js';
import type { Finding } from './thresholds.js';

export interface CommunicationRow {
  from: string;
  to: string;
  /** Phase id after which the hand-off happens, or null. */
  after: string | null;
  what: string;
  /** declared in plan.yaml, or implied by a cross-stream dependency with no declared row. */
  origin: 'declared' | 'implied';
}

export interface StreamBranch {
  stream: string;
  branch: string;
  /** 1-based position in the merge order; streams that depend on each other share a position. */
  mergeStep: number;
  /** Streams whose work this one builds on (cross-stream dependencies). */
  after: string[];
  tasks: number;
}

export interface StreamReport {
  findings: Finding[];
  communication: CommunicationRow[];
  branches: StreamBranch[];
}

/** A ref-safe component: git forbids spaces, `..`, `~^:?*[\`, a leading `-` or `.`, and a trailing `.lock`. */
function refSafe(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/\.lock$/, '-lock')
      .replace(/^[-.]+|[-.]+$/g, '') || 'x'
  );
}

/**
 * The one branch name of a stream: tasks.json records it and `execplan run --worktrees` creates it, so a
 * tool that reads the artifact finds the branch the run made.
 */
export function branchName(plan: string, stream: string): string {
  return `execplan/${refSafe(plan)}/${refSafe(stream)}`;
}

/** The order in which stream branches merge (Plan.md, tasks.json, the worktree summary and the run record). */
export interface StreamMergeOrder {
  /** Every declared stream in merge order (by step, then declaration order). */
  branches: Array<{ stream: string; branch: string; mergeStep: number; after: string[] }>;
  /** Streams that depend on each other: they share one merge step and are merged together (or re-planned). */
  entangled: string[][];
}

/**
 * A stream merges after every stream it builds on (a scheduled dependency from one of its tasks to one of
 * theirs). Streams caught in a cycle (each needs the other) are merged in the same step, with every stream
 * still waiting at that point. Computed here once for everyone who shows or follows the order.
 */
export function streamMergeOrder(model: PlanModel): StreamMergeOrder {
  const streamOf = new Map(model.tasks.map((t) => [t.id, t.stream]));
  const names = model.streams.map((s) => s.name);
  const deps = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const e of model.edges) {
    if (!e.scheduled) continue;
    const from = streamOf.get(e.from);
    const to = streamOf.get(e.to);
    if (from && to && from !== to) deps.get(to)?.add(from);
  }
  const step = new Map<string, number>();
  const entangled: string[][] = [];
  const remaining = new Set(names);
  for (let current = 1; remaining.size > 0; current++) {
    let ready = names.filter((n) => remaining.has(n) && [...deps.get(n)!].every((d) => !remaining.has(d)));
    if (ready.length === 0) {
      ready = names.filter((n) => remaining.has(n));
      entangled.push(ready);
    }
    for (const n of ready) {
      step.set(n, current);
      remaining.delete(n);
    }
  }
  const branches = names.map((n) => ({ stream: n, branch: branchName(model.name, n), mergeStep: step.get(n)!, after: [...deps.get(n)!].sort() }));
  branches.sort((a, b) => a.mergeStep - b.mergeStep || names.indexOf(a.stream) - names.indexOf(b.stream));
  return { branches, entangled };
}

export function analyzeStreams(compiled: AnalysisInput): StreamReport {
  const { model } = compiled;
  const communication = communicationTable(compiled);
  const merge = streamMergeOrder(model);
  const findings = [...ownershipOverlaps(model), ...filesOutsideStream(model), ...undeclaredHandoffs(communication), ...streamCycles(merge)];
  const counts = new Map<string, number>();
  for (const t of model.tasks) if (t.stream) counts.set(t.stream, (counts.get(t.stream) ?? 0) + 1);
  const branches = merge.branches.map((b) => ({ ...b, tasks: counts.get(b.stream) ?? 0 }));
  return { findings, communication, branches };
}

/** Two streams that own overlapping paths: their parallel branches will conflict there. */
function ownershipOverlaps({ streams }: PlanModel): Finding[] {
  const findings: Finding[] = [];
  for (let i = 0; i < streams.length; i++) {
    for (let j = i + 1; j < streams.length; j++) {
      const a = streams[i]!;
      const b = streams[j]!;
      const pairs = a.owns.flatMap((x) => b.owns.filter((y) => globsOverlap(x, y)).map((y) => `${x} ~ ${y}`));
      if (pairs.length > 0) {
        findings.push({
          severity: 'warning',
          code: 'stream-owns-overlap',
          message: `streams '${a.name}' and '${b.name}' own overlapping paths (${pairs.join(', ')}): parallel branches will conflict on them`,
          tasks: [],
          streams: [a.name, b.name],
        });
      }
    }
  }
  return findings;
}

/** A task that modifies files its stream does not own, naming the streams that own them. */
function filesOutsideStream(model: PlanModel): Finding[] {
  const { streams } = model;
  const findings: Finding[] = [];
  const streamByName = new Map(streams.map((s) => [s.name, s]));
  for (const task of model.tasks) {
    const stream = task.stream ? streamByName.get(task.stream) : undefined;
    if (!stream || stream.owns.length === 0) continue;
    const outside = task.files.filter((f) => !stream.owns.some((o) => globCovers(o, f)));
    if (outside.length > 0) {
      const owners = streams.filter((s) => s.name !== stream.name && outside.some((f) => s.owns.some((o) => globsOverlap(o, f)))).map((s) => s.name);
      findings.push({
        severity: 'warning',
        code: 'file-outside-stream',
        message: `task '${task.id}' modifies ${outside.join(', ')}, outside stream '${stream.name}' (owns ${stream.owns.join(', ')})${owners.length ? `; owned by ${owners.map((o) => `'${o}'`).join(', ')}` : ''}`,
        tasks: [task.id],
        streams: [stream.name, ...owners],
      });
    }
  }
  return findings;
}

/** The declared hand-offs, then one implied row per pair of streams a scheduled cross-stream edge joins and no declared row covers. */
function communicationTable({ model, graph }: AnalysisInput): CommunicationRow[] {
  const streamOf = new Map(model.tasks.map((t) => [t.id, t.stream]));
  const phaseOf = new Map(model.tasks.map((t) => [t.id, t.phase]));
  const implied = new Map<string, CommunicationRow>();
  for (const e of graph.edges) {
    const from = streamOf.get(e.from);
    const to = streamOf.get(e.to);
    if (!from || !to || from === to) continue;
    const key = `${from}\u0000${to}`;
    if (!implied.has(key)) implied.set(key, { from, to, after: phaseOf.get(e.from) ?? null, what: `results of ${e.from} (needed by ${e.to})`, origin: 'implied' });
  }
  const declared: CommunicationRow[] = (model.source.communication ?? []).map((c) => ({ from: c.from, to: c.to, after: c.after ?? null, what: c.what, origin: 'declared' }));
  const declaredPairs = new Set(declared.map((c) => `${c.from}\u0000${c.to}`));
  return [...declared, ...[...implied.entries()].filter(([k]) => !declaredPairs.has(k)).map(([, v]) => v)];
}

function undeclaredHandoffs(communication: readonly CommunicationRow[]): Finding[] {
  return communication
    .filter((c) => c.origin === 'implied')
    .map((row) => ({
      severity: 'info',
      code: 'undeclared-handoff',
      message: `stream '${row.to}' depends on stream '${row.from}' (${row.what}) but communication declares no hand-off from ${row.from} to ${row.to}`,
      tasks: [],
      streams: [row.from, row.to],
    }));
}

function streamCycles(merge: StreamMergeOrder): Finding[] {
  return merge.entangled.map((group) => ({
    severity: 'warning',
    code: 'stream-cycle',
    message: `streams ${group.map((r) => `'${r}'`).join(', ')} depend on each other: merge them together, or move the tasks that cross over`,
    tasks: [],
    streams: group,
  }));
}
