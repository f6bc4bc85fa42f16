/**
 * beads JSONL -> plan: what `execplan export beads` writes (the original task ids, streams, phases and
 * files come back from the description and labels) and what `bd export` writes (ids such as `bd-a1b2`).
 * `blocks` dependencies become `needs`; epics become features (their children, by `parent-child`, belong
 * to them), except the plan epic execplan writes, which gives the plan its name and title. Closed issues
 * are reported as done. The phase-barrier milestones execplan adds are dropped: phases are barriers again.
 */
import type { Diagnostic } from '../compiler/diagnostic.js';
import { error, idAllocator, slug, type ImportedPlan, type ImportedTask, type ImportNote, type ImportResult } from './common.js';
import { jsonSyntaxError } from './taskmaster.js';

interface Issue {
  id: string;
  title: string;
  description?: string;
  design?: string;
  acceptance_criteria?: string;
  notes?: string;
  status?: string;
  priority?: number;
  issue_type?: string;
  labels?: string[];
  estimated_minutes?: number;
  dependencies?: Array<{ issue_id?: string; depends_on_id?: string; type?: string }>;
  line: number;
}

const priorityName = ['critical', 'high', 'medium', 'low', 'low'] as const;

type Features = NonNullable<ImportedPlan['features']>;

/** The issues sorted by their role, the task ids chosen, and what the steps find on the way. */
interface Context {
  file: string;
  notes: ImportNote[];
  planEpic: Issue | undefined;
  epics: Issue[];
  /** The phase-barrier milestones execplan adds: dropped, and a dependency on one is no dependency. */
  milestones: Set<string>;
  /** Everything else: the tasks. */
  work: Issue[];
  byBeadsId: Map<string, Issue>;
  /** beads id -> task id. */
  idOf: Map<string, string>;
  /** beads id -> the `execplan task: / stream: / phase: / files:` lines of its description. */
  facts: Map<string, Record<string, string>>;
  features: Features;
  featureIds: Set<string>;
  featureOf: Map<string, string>;
}

export function importBeads(file: string, text: string): ImportResult {
  const { issues, diagnostics } = parseIssues(file, text);
  if (diagnostics.length === 0 && issues.length === 0) diagnostics.push(error(file, 1, 1, 'import-no-tasks', 'no issues in this file'));
  if (diagnostics.length) return { ok: false, diagnostics };
  const context = contextOf(file, issues);
  const { notes, work } = context;
  const tasks: ImportedTask[] = [];
  const done: string[] = [];
  for (const issue of work) {
    if (unknownStatus.has(issue.status ?? '')) {
      notes.push({ line: issue.line, message: `${issue.id}: status ${issue.status}, not imported` });
      continue;
    }
    const needs = needsOf(context, issue);
    if (!Array.isArray(needs)) return { ok: false, diagnostics: [needs] };
    const task = taskOf(context, issue, needs);
    if (issue.status === 'closed') done.push(task.id);
    tasks.push(task);
  }
  if (labels(work[0] ?? ({} as Issue)).includes('execplan'))
    notes.push({ message: 'acceptance checks ({run}, {file}) come back as text criteria: beads keeps only their description' });
  return { ok: true, output: { plan: planOf(context, tasks), notes, done } };
}

/** One issue object per line; each needs a string id and a title, and no id twice. */
function parseIssues(file: string, text: string): { issues: Issue[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      diagnostics.push(jsonSyntaxError(file, raw, e, i));
      return;
    }
    const o = value as Partial<Issue> | null;
    if (!o || typeof o !== 'object' || Array.isArray(o))
      return void diagnostics.push(error(file, line, 1, 'import-not-beads', 'each line of a beads JSONL file is one issue object'));
    if (typeof o.id !== 'string' || !o.id) return void diagnostics.push(error(file, line, 1, 'import-bad-id', 'issue without a string `id`'));
    if (typeof o.title !== 'string' || !o.title.trim()) return void diagnostics.push(error(file, line, 1, 'import-no-title', `issue ${o.id} has no title`));
    if (seen.has(o.id)) return void diagnostics.push(error(file, line, 1, 'import-duplicate-id', `issue ${o.id} appears twice (first on line ${seen.get(o.id)})`));
    seen.set(o.id, line);
    issues.push({ ...(o as Issue), line });
  });
  return { issues, diagnostics };
}

const labels = (i: Issue) => (Array.isArray(i.labels) ? i.labels.filter((l): l is string => typeof l === 'string') : []);
const label = (i: Issue, prefix: string) =>
  labels(i)
    .find((l) => l.startsWith(`${prefix}:`))
    ?.slice(prefix.length + 1);
const unknownStatus = new Set(['tombstone', 'deleted']);

/** Sorts the issues (the plan epic, feature epics, milestones, tasks) and gives every task its id. */
function contextOf(file: string, issues: readonly Issue[]): Context {
  const notes: ImportNote[] = [];
  const planEpic = issues.find((i) => i.issue_type === 'epic' && label(i, 'plan') !== undefined);
  const milestones = new Set(issues.filter((i) => labels(i).includes('kind:phase-barrier')).map((i) => i.id));
  const epics = issues.filter((i) => i.issue_type === 'epic' && i !== planEpic);
  const work = issues.filter((i) => i !== planEpic && i.issue_type !== 'epic' && !milestones.has(i.id));
  if (milestones.size) notes.push({ message: `${milestones.size} phase-barrier milestone issue${milestones.size === 1 ? '' : 's'} dropped: the phases order the tasks again` });
  // Task ids: the execplan id when the issue came from execplan, else the beads id.
  const allocate = idAllocator();
  const idOf = new Map<string, string>();
  const facts = new Map<string, Record<string, string>>();
  for (const issue of work) {
    const f: Record<string, string> = {};
    for (const m of (issue.description ?? '').matchAll(/^(execplan task|stream|phase|files): (.+)$/gm)) f[m[1]!] = m[2]!.trim();
    facts.set(issue.id, f);
    const wanted = f['execplan task'] ?? (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(issue.id) ? issue.id : slug(issue.id));
    idOf.set(issue.id, allocate(wanted));
  }
  const features: Features = epics.map((e) => ({
    id: slug(e.id),
    title: e.title.trim(),
    ...(typeof e.priority === 'number' ? { priority: priorityName[Math.max(0, Math.min(4, e.priority))]! } : {}),
  }));
  const featureOf = new Map<string, string>();
  for (const issue of work) {
    for (const dep of Array.isArray(issue.dependencies) ? issue.dependencies : []) {
      if (dep.type === 'parent-child' && epics.some((e) => e.id === dep.depends_on_id)) featureOf.set(issue.id, slug(dep.depends_on_id!));
    }
  }
  const byBeadsId = new Map(work.map((i) => [i.id, i]));
  return { file, notes, planEpic, epics, milestones, work, byBeadsId, idOf, facts, features, featureIds: new Set(features.map((f) => f.id)), featureOf };
}

const phaseOf = (context: Context, issue: Issue) => context.facts.get(issue.id)!.phase ?? label(issue, 'phase');

/** `blocks` links as task ids (a milestone blocker is dropped); other links are noted. A blocker not in the file is the error. */
function needsOf(context: Context, issue: Issue): string[] | Diagnostic {
  const { notes, planEpic, epics } = context;
  const needs: string[] = [];
  for (const dep of Array.isArray(issue.dependencies) ? issue.dependencies : []) {
    if (dep.type === 'parent-child') {
      if (dep.depends_on_id !== planEpic?.id && !epics.some((e) => e.id === dep.depends_on_id))
        notes.push({ line: issue.line, message: `${issue.id}: parent ${dep.depends_on_id} is not an epic; the hierarchy is not mapped` });
      continue;
    }
    if (dep.type !== 'blocks' && dep.type !== undefined) {
      notes.push({ line: issue.line, message: `${issue.id}: '${dep.type}' link to ${dep.depends_on_id} is not a scheduling dependency; not mapped` });
      continue;
    }
    const blocker = context.byBeadsId.get(dep.depends_on_id ?? '');
    if (!blocker) {
      if (context.milestones.has(dep.depends_on_id ?? '')) continue;
      return error(context.file, issue.line, 1, 'import-unknown-task', `issue ${issue.id} is blocked by ${dep.depends_on_id}, which is not in this file`);
    }
    // Kept even across phases: the file cannot tell an explicit dependency from the barrier edges
    // execplan writes, and a redundant one changes no schedule.
    const need = context.idOf.get(blocker.id)!;
    if (!needs.includes(need)) needs.push(need);
  }
  return needs;
}

/** An issue as a task: the fields execplan wrote back from its description and labels, the rest noted. */
function taskOf(context: Context, issue: Issue, needs: string[]): ImportedTask {
  const { notes } = context;
  const f = context.facts.get(issue.id)!;
  const description = (issue.description ?? '').replace(/\n*^execplan task: [^]*$/m, '').trim();
  const acceptance = (issue.acceptance_criteria ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*[-*]\s+(\[[ xX]\]\s+)?/, '').trim())
    .filter(Boolean);
  const task: ImportedTask = { id: context.idOf.get(issue.id)!, title: issue.title.trim() };
  if (description) task.description = description;
  const feature = context.featureOf.get(issue.id) ?? label(issue, 'feature');
  if (feature) {
    task.feature = feature;
    addFeature(context, feature);
  }
  const stream = f.stream ?? label(issue, 'stream');
  if (stream) task.stream = stream;
  const phase = phaseOf(context, issue);
  if (phase) task.phase = phase;
  if (typeof issue.priority === 'number') task.priority = priorityName[Math.max(0, Math.min(4, issue.priority))]!;
  if (issue.priority === 4) notes.push({ line: issue.line, message: `${issue.id}: priority 4 (backlog) imported as low` });
  if (needs.length) task.needs = needs;
  if (typeof issue.estimated_minutes === 'number' && issue.estimated_minutes > 0)
    task.estimate = issue.estimated_minutes % 60 === 0 ? issue.estimated_minutes / 60 : `${issue.estimated_minutes}m`;
  const risk = label(issue, 'risk');
  if (risk === 'low' || risk === 'medium' || risk === 'high') task.risk = risk;
  if (f.files) task.files = f.files.split(', ').filter(Boolean);
  if (acceptance.length) task.acceptance = acceptance;
  if (issue.design?.trim()) notes.push({ line: issue.line, message: `${issue.id}: design notes not mapped (keep them in the spec)` });
  if (issue.status === 'closed') task.comment = `closed in beads (${issue.id})`;
  else if (issue.status && issue.status !== 'open')
    notes.push({ line: issue.line, message: `${issue.id}: status ${issue.status} has no place in a plan; imported as a task to do` });
  return task;
}

/** A `feature:` label without an epic: the feature is made, its id as its title. */
function addFeature(context: Context, feature: string): void {
  if (context.featureIds.has(feature)) return;
  context.features.push({ id: feature, title: feature });
  context.featureIds.add(feature);
  context.notes.push({ message: `feature '${feature}' has no title in beads; its id is its title` });
}

/** The plan around the tasks: name and title from the plan epic, phases in the order their tasks appear, streams by name. */
function planOf(context: Context, tasks: ImportedTask[]): ImportedPlan {
  const { planEpic, features, notes } = context;
  const phaseIds: string[] = [];
  for (const issue of context.work) {
    const p = phaseOf(context, issue);
    if (p && !phaseIds.includes(p)) phaseIds.push(p);
  }
  const planName = planEpic ? label(planEpic, 'plan')! : 'beads-plan';
  const description = planEpic?.description?.replace(/\n*Execution plan '[^']*' \(\d+ tasks?\), compiled by execplan\.$/, '').trim();
  const plan: ImportedPlan = {
    name: /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(planName) ? planName : slug(planName),
    title: planEpic?.title ?? 'Imported from beads',
    ...(description ? { description } : {}),
    ...(phaseIds.length ? { phases: phaseIds.map((id) => ({ id })) } : {}),
    ...(features.length ? { features } : {}),
    tasks,
  };
  const streams = [...new Set(tasks.map((t) => t.stream).filter((s): s is string => !!s))];
  if (streams.length) {
    plan.streams = Object.fromEntries(streams.map((s) => [s, {}]));
    notes.push({ message: 'streams come back without their owned paths and skills (beads does not carry them)' });
  }
  if (phaseIds.length) notes.push({ message: 'phases come back without titles, in the order their tasks appear' });
  return plan;
}
