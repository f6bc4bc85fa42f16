/**
 * Over-decomposition guards and the auto-normalization suggestions (split > 16 h,
 * merge < 0.5 h). Suggestions only: the plan is never changed behind the user's back.
 */
import type { AnalysisInput } from '../compiled.js';
import type { TaskModel } from '../model.js';
import { round } from '../rounding.js';
import type { AnalysisThresholds, Finding } from './thresholds.js';

export interface MergeSuggestion {
  /** The tasks to merge, in plan order; the first keeps its id. */
  tasks: string[];
  combinedHours: number;
  reason: string;
}

export interface SplitSuggestion {
  task: string;
  hours: number;
  /** How many parts of about `partHours` each. */
  count: number;
  /**
   * Proposed ids of the parts (`<id>a`, `<id>b`, ...), in order, each depending on the previous; at most
   * `maxNamedParts` of them (an absurd estimate must not turn into millions of names).
   */
  parts: string[];
  partHours: number;
  /** The task's steps distributed over the parts, when it lists steps. */
  stepsByPart: string[][];
}

export interface DecompositionReport {
  findings: Finding[];
  merges: MergeSuggestion[];
  splits: SplitSuggestion[];
  /** tasks.json meta.autonormalization: suggestions written compactly. */
  autonormalization: { split: string[]; merged: string[] };
}

export function analyzeDecomposition(compiled: AnalysisInput, t: AnalysisThresholds): DecompositionReport {
  const { model } = compiled;
  const merging = mergeSuggestions(model.tasks, neighboursOf(compiled), t);
  const splitting = splitSuggestions(model.tasks, t);
  const { merges } = merging;
  const { splits } = splitting;
  return {
    // Merge findings first, then the plan-wide ones, then the splits: the order the report lists them in.
    findings: [...merging.findings, ...planSizeFindings(model.tasks, t), ...splitting.findings],
    merges,
    splits,
    autonormalization: {
      split: splits.map((s) => `${s.task}->${s.parts.join(',')}${s.count > s.parts.length ? `,...(${s.count} parts)` : ''} (>${t.splitAboveHours}h)`),
      merged: merges.map((m) => `${m.tasks.join(',')} (<${t.tinyTaskHours}h)`),
    },
  };
}

/** Each task's direct predecessors and successors, by id. */
interface Neighbours {
  byId: Map<string, TaskModel>;
  preds: Map<string, string[]>;
  succs: Map<string, string[]>;
}

function neighboursOf({ model, graph }: AnalysisInput): Neighbours {
  const byId = new Map(model.tasks.map((x) => [x.id, x]));
  const preds = new Map<string, string[]>(model.tasks.map((x) => [x.id, []]));
  const succs = new Map<string, string[]>(model.tasks.map((x) => [x.id, []]));
  for (const e of graph.edges) {
    preds.get(e.to)?.push(e.from);
    succs.get(e.from)?.push(e.to);
  }
  return { byId, preds, succs };
}

const sameGroup = (a: TaskModel, b: TaskModel) => a.stream === b.stream && a.phase === b.phase;

/** A tiny task, and why it would merge with its partner. */
type Partner = [TaskModel, string];

function mergeSuggestions(tasks: readonly TaskModel[], neighbours: Neighbours, t: AnalysisThresholds): { merges: MergeSuggestion[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const merges: MergeSuggestion[] = [];
  const merged = new Set<string>();
  for (const task of tasks) {
    // Command tasks are Makefile recipes: many small ones cost nothing. The guard is for agent and human work.
    // Generated test tasks are not in plan.yaml: nothing to merge by hand.
    if (task.kind === 'command' || task.generatedFor !== null || task.hours >= t.tinyTaskHours || merged.has(task.id)) continue;
    const hit = mergePartner(task, tasks, neighbours, merged);
    if (!hit) {
      findings.push({
        severity: 'info',
        code: 'tiny-task',
        message: `task '${task.id}' takes ${round(task.hours)} h (< ${t.tinyTaskHours} h) and has no natural partner to merge with`,
        tasks: [task.id],
        streams: task.stream ? [task.stream] : [],
      });
      continue;
    }
    const other = hit[0];
    const pair = [task, other].sort((a, b) => a.index - b.index).map((x) => x.id);
    merged.add(task.id).add(other.id);
    const combined = round(task.hours + other.hours);
    merges.push({ tasks: pair, combinedHours: combined, reason: hit[1] });
    findings.push({
      severity: 'warning',
      code: 'tiny-task',
      message: `task '${task.id}' takes ${round(task.hours)} h (< ${t.tinyTaskHours} h): merge it with '${other.id}' (${hit[1]}; ${combined} h together)`,
      tasks: pair,
      streams: task.stream ? [task.stream] : [],
    });
  }
  return { merges, findings };
}

/**
 * A tiny task merges best with the task it is chained to alone (its only predecessor whose only
 * successor it is, or the reverse), else with a sibling of the same stream and phase.
 */
function mergePartner(task: TaskModel, tasks: readonly TaskModel[], { byId, preds, succs }: Neighbours, merged: ReadonlySet<string>): Partner | undefined {
  const p = preds.get(task.id)!;
  const s = succs.get(task.id)!;
  // Tried in order, lazily: the sibling search scans every task, so it runs only when no chain partner fits.
  const candidates: Array<[() => TaskModel | undefined, string]> = [
    [() => (p.length === 1 && succs.get(p[0]!)!.length === 1 ? byId.get(p[0]!) : undefined), 'chained: the only successor of its only predecessor'],
    [() => (s.length === 1 && preds.get(s[0]!)!.length === 1 ? byId.get(s[0]!) : undefined), 'chained: the only predecessor of its only successor'],
    [
      () => tasks.find((o) => o.id !== task.id && o.kind !== 'command' && o.generatedFor === null && !merged.has(o.id) && sameGroup(o, task) && sameSet(preds.get(o.id)!, p)),
      'same stream, phase and predecessors',
    ],
  ];
  // Never into a command task: a review or an agent's work does not belong in a Makefile recipe.
  const fits = (c: TaskModel | undefined): c is TaskModel => c !== undefined && c.kind !== 'command' && c.generatedFor === null && !merged.has(c.id) && sameGroup(c, task);
  for (const [find, why] of candidates) {
    const c = find();
    if (fits(c)) return [c, why];
  }
  return undefined;
}

/** Plan-wide guards: too many tasks for the work (over-decomposed), and too many tasks at all. */
function planSizeFindings(tasks: readonly TaskModel[], t: AnalysisThresholds): Finding[] {
  const findings: Finding[] = [];
  const total = tasks.reduce((sum, x) => sum + x.hours, 0);
  const n = tasks.length;
  const work = tasks.filter((x) => x.kind !== 'command').length;
  if (work >= t.minTasksForRatioCheck && total / n < t.minAverageTaskHours) {
    const suggested = Math.max(1, Math.ceil(total / t.minAverageTaskHours));
    findings.push({
      severity: 'warning',
      code: 'over-decomposed',
      message: `${n} tasks for ${round(total)} h of work (${round(total / n)} h each on average, < ${t.minAverageTaskHours} h): about ${suggested} tasks would do; see the merge suggestions`,
      tasks: [],
      streams: [],
    });
  }
  if (n >= t.largePlanTasks) {
    findings.push({
      severity: 'warning',
      code: 'large-plan',
      message: `${n} tasks (>= ${t.largePlanTasks}): review the plan before running it, and consider splitting the spec`,
      tasks: [],
      streams: [],
    });
  }
  return findings;
}

function splitSuggestions(tasks: readonly TaskModel[], t: AnalysisThresholds): { splits: SplitSuggestion[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const splits: SplitSuggestion[] = [];
  for (const task of tasks) {
    if (task.hours <= t.splitAboveHours || task.generatedFor !== null) continue;
    const count = Math.max(2, Math.ceil(task.hours / t.splitTargetHours));
    const parts = Array.from({ length: Math.min(count, maxNamedParts) }, (_, i) => `${task.id}${partSuffix(i)}`);
    const steps = task.source.steps ?? [];
    const stepsByPart = parts.map((_, i) => steps.slice(Math.floor((i * steps.length) / count), Math.floor(((i + 1) * steps.length) / count)));
    splits.push({ task: task.id, hours: round(task.hours), count, parts, partHours: round(task.hours / count), stepsByPart });
    findings.push({
      severity: 'warning',
      code: 'task-too-large',
      message: `task '${task.id}' takes ${round(task.hours)} h (> ${t.splitAboveHours} h): split it into ${partList({ count, parts })} of about ${round(task.hours / count)} h each`,
      tasks: [task.id],
      streams: task.stream ? [task.stream] : [],
    });
  }
  return { splits, findings };
}

/** Most part ids proposed for one split; beyond it the suggestion gives the count only. */
const maxNamedParts = 12;

/** `a1, a2 and a3`, or `a1, ..., a12 and 988 more parts` for an absurd estimate. */
export function partList(split: Pick<SplitSuggestion, 'count' | 'parts'>): string {
  const more = split.count - split.parts.length;
  return more > 0 ? `${split.parts.join(', ')} and ${more} more parts` : split.parts.join(', ');
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** a, b, ..., z, then aa, ab, ... */
function partSuffix(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}
