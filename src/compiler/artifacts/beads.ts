/**
 * beads.jsonl (docs/artifacts.md): one epic for the plan, one issue per task, in the field names and value
 * types of beads' own JSONL (its Issue and Dependency structs): `bd import` reads it as is.
 * Ids are `<prefix>-<first 8 hex of sha256(plan name + task id)>` (the epic: sha256(plan name)), so a
 * re-import updates the same issues. Dependencies live on the blocked issue's line.
 */
import type { CompiledPlan } from '../compiled.js';
import type { TaskModel } from '../model.js';
import { sha256 } from './json.js';
import { describeCheck } from './checks.js';
import { PieceWriter, piecesText, type Pieces } from './pieces.js';

export interface BeadsDependency {
  issue_id: string;
  depends_on_id: string;
  type: 'blocks' | 'parent-child';
  created_at: string;
  created_by: string;
}

export interface BeadsIssue {
  id: string;
  title: string;
  description: string;
  acceptance_criteria: string;
  status: 'open' | 'in_progress' | 'blocked' | 'closed';
  priority: number;
  issue_type: 'epic' | 'task';
  estimated_minutes: number;
  created_at: string;
  updated_at: string;
  labels: string[];
  dependencies: BeadsDependency[];
}

export interface BeadsOptions {
  /** Id prefix (default: the plan name). */
  prefix?: string;
  /** RFC 3339 time written to created_at / updated_at. */
  timestamp: string;
  /** Each task's status from a run state (`export beads` after a run); tasks not named stay open. */
  statuses?: ReadonlyMap<string, BeadsIssue['status']>;
}

export function beadsId(prefix: string, planName: string, taskId = ''): string {
  return `${prefix}-${sha256(planName + taskId).slice(0, 8)}`;
}

/** Up to this many sink x source pairs a barrier is written as direct `blocks` dependencies. */
const maxBarrierPairs = 100;

/** beads priorities: 0 critical .. 4 backlog. A task without priority takes its feature's, else 2. */
const priorityNumber = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export function buildBeadsIssues(compiled: CompiledPlan, options: BeadsOptions): BeadsIssue[] {
  const issues: BeadsIssue[] = [];
  eachBeadsIssue(compiled, options, (issue) => issues.push(issue));
  return issues;
}

/**
 * renderBeadsJsonl(buildBeadsIssues(compiled, options)), with each issue printed as soon as it is made
 * and its line encoded a few dozen KB at a time (pieces.ts): neither the ~10,000 issues (and their
 * dependency records) of a large plan nor their lines are kept until the last one is made, which the
 * young-generation collector would copy into the old generation.
 */
export function beadsJsonlPieces(compiled: CompiledPlan, options: BeadsOptions): Pieces {
  const out = new PieceWriter();
  eachBeadsIssue(compiled, options, (issue) => out.add(`${JSON.stringify(issue)}\n`));
  return out.finish();
}

/** beadsJsonlPieces as one text. */
export function beadsJsonl(compiled: CompiledPlan, options: BeadsOptions): string {
  return piecesText(beadsJsonlPieces(compiled, options));
}

/** The issues of buildBeadsIssues, in its order, each handed to `visit` as it is made. */
function eachBeadsIssue(compiled: CompiledPlan, options: BeadsOptions, visit: (issue: BeadsIssue) => void): void {
  const { model } = compiled;
  const prefix = options.prefix ?? model.name;
  const at = options.timestamp;
  const epicId = beadsId(prefix, model.name);
  const idOf = new Map(model.tasks.map((t) => [t.id, beadsId(prefix, model.name, t.id)]));
  const featurePriority = new Map((model.source.features ?? []).map((f) => [f.id, f.priority]));
  const { blockers, milestones } = blockingOf(compiled, { prefix, at, epicId, idOf });
  const dependency = (issue: string, on: string, type: BeadsDependency['type']): BeadsDependency => ({
    issue_id: issue,
    depends_on_id: on,
    type,
    created_at: at,
    created_by: 'execplan',
  });
  visit(epicIssue(compiled, epicId, at));
  for (let i = 0; i < milestones.length; i++) visit(milestones[i]!);
  for (let k = 0; k < model.tasks.length; k++) {
    const task = model.tasks[k]!;
    const priority = task.priority ?? (task.feature ? featurePriority.get(task.feature) : undefined) ?? 'medium';
    const id = idOf.get(task.id)!;
    visit({
      id,
      title: task.title,
      description: describe(task),
      acceptance_criteria: task.acceptance.map((a) => `- ${describeCheck(a)}`).join('\n'),
      status: options.statuses?.get(task.id) ?? 'open',
      priority: priorityNumber[priority],
      issue_type: 'task',
      estimated_minutes: Math.round(task.hours * 60),
      created_at: at,
      updated_at: at,
      labels: labelsOf(task),
      dependencies: [dependency(id, epicId, 'parent-child'), ...blockers.get(task.id)!.map((from) => dependency(id, idOf.get(from)!, 'blocks'))],
    });
  }
}

/** The plan's epic: every task issue is its child. */
function epicIssue(compiled: CompiledPlan, epicId: string, at: string): BeadsIssue {
  const { model } = compiled;
  const total = model.tasks.reduce((s, t) => s + t.hours, 0);
  return {
    id: epicId,
    title: model.title,
    description: [model.source.description ?? '', `Execution plan '${model.name}' (${model.tasks.length} tasks), compiled by execplan.`].filter(Boolean).join('\n\n'),
    acceptance_criteria: 'Every task of the plan is closed.',
    status: 'open',
    priority: 1,
    issue_type: 'epic',
    estimated_minutes: Math.round(total * 60),
    created_at: at,
    updated_at: at,
    labels: ['execplan', `plan:${model.name}`],
    dependencies: [],
  };
}

interface BlockingIds {
  prefix: string;
  at: string;
  epicId: string;
  /** Task id -> issue id; the milestones' ids are added as they are made. */
  idOf: Map<string, string>;
}

/**
 * Blocks: every scheduled dependency, plus the phase barriers, so `bd ready` offers exactly what the
 * schedule would start. A barrier is the last tasks of a phase blocking the first tasks of the next;
 * when that cross product is large, one milestone issue per barrier keeps the file linear in size.
 */
function blockingOf(compiled: CompiledPlan, ids: BlockingIds): { blockers: Map<string, string[]>; milestones: BeadsIssue[] } {
  const { model, graph } = compiled;
  const blockers = new Map<string, string[]>(model.tasks.map((t) => [t.id, []]));
  const add = (from: string, to: string) => {
    const list = blockers.get(to)!;
    if (!list.includes(from)) list.push(from);
  };
  for (const e of graph.edges) add(e.from, e.to);
  const milestones: BeadsIssue[] = [];
  const phaseOf = new Map(model.tasks.map((t) => [t.id, t.phase]));
  const hasSuccessorInPhase = new Set<string>();
  const hasPredecessorInPhase = new Set<string>();
  for (const e of graph.edges) {
    if (phaseOf.get(e.from) !== undefined && phaseOf.get(e.from) === phaseOf.get(e.to)) {
      hasSuccessorInPhase.add(e.from);
      hasPredecessorInPhase.add(e.to);
    }
  }
  for (const barrier of graph.phaseBarriers) {
    const sinks = model.tasks.filter((t) => t.phase === barrier.from && !hasSuccessorInPhase.has(t.id)).map((t) => t.id);
    const sources = model.tasks.filter((t) => t.phase === barrier.to && !hasPredecessorInPhase.has(t.id)).map((t) => t.id);
    if (sinks.length * sources.length <= maxBarrierPairs) {
      for (const to of sources) for (const from of sinks) add(from, to);
      continue;
    }
    milestones.push(barrierMilestone(model.name, barrier, sinks, ids));
    for (const to of sources) add(`#phase:${barrier.to}`, to);
  }
  return { blockers, milestones };
}

/** The milestone issue that stands for a large phase barrier: blocked by the phase's last tasks. */
function barrierMilestone(planName: string, barrier: { from: string; to: string }, sinks: string[], ids: BlockingIds): BeadsIssue {
  const { at, epicId, idOf } = ids;
  const id = beadsId(ids.prefix, planName, `#phase:${barrier.to}`);
  idOf.set(`#phase:${barrier.to}`, id);
  return {
    id,
    title: `Finish phase ${barrier.from} before phase ${barrier.to}`,
    description: `Phase barrier of execplan plan '${planName}': close this issue when every task of phase '${barrier.from}' is closed; the first tasks of phase '${barrier.to}' wait for it.`,
    acceptance_criteria: `- Every task of phase ${barrier.from} is closed.`,
    status: 'open',
    priority: 1,
    issue_type: 'task',
    estimated_minutes: 0,
    created_at: at,
    updated_at: at,
    labels: ['execplan', 'kind:phase-barrier', `phase:${barrier.from}`],
    dependencies: [
      { issue_id: id, depends_on_id: epicId, type: 'parent-child', created_at: at, created_by: 'execplan' },
      ...sinks.map((from): BeadsDependency => ({ issue_id: id, depends_on_id: idOf.get(from)!, type: 'blocks', created_at: at, created_by: 'execplan' })),
    ],
  };
}

function describe(task: TaskModel): string {
  const lines = [task.description.trim()];
  const facts = [`execplan task: ${task.id}`];
  if (task.stream) facts.push(`stream: ${task.stream}`);
  if (task.phase) facts.push(`phase: ${task.phase}`);
  if (task.files.length) facts.push(`files: ${task.files.join(', ')}`);
  lines.push(facts.join('\n'));
  return lines.filter(Boolean).join('\n\n');
}

function labelsOf(task: TaskModel): string[] {
  const labels = ['execplan'];
  if (task.stream) labels.push(`stream:${task.stream}`);
  if (task.phase) labels.push(`phase:${task.phase}`);
  if (task.feature) labels.push(`feature:${task.feature}`);
  if (task.risk) labels.push(`risk:${task.risk}`);
  labels.push(`kind:${task.kind}`);
  return labels;
}

/** One JSON object per line, keys in beads' own order, no trailing spaces; ends with a newline. */
export function renderBeadsJsonl(issues: BeadsIssue[]): string {
  return issues.map((i) => JSON.stringify(i)).join('\n') + '\n';
}
