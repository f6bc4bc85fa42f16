/**
 * Task Master tasks.json -> plan. Both forms: tagged (`{"master": {"tasks": [...]}, "feature-x": {...}}`)
 * and legacy (`{"tasks": [...]}`); ids are numbers or strings.
 *
 * A task with subtasks becomes its subtasks (ids `task-2.1`, `task-2.2`) plus the task itself, which needs
 * all of them: it carries the parent's details and test strategy, the check that the whole works. Subtasks
 * inherit the parent's dependencies. In a subtask, a number names a sibling subtask (Task Master's
 * convention) and `"3.1"` any subtask; elsewhere a number names a task.
 */
import { LineCounter, parseDocument, type Node } from 'yaml';
import type { Diagnostic } from '../compiler/diagnostic.js';
import { error, lineColAt, type ImportedTask, type ImportNote, type ImportResult } from './common.js';

interface TmTask {
  id?: unknown;
  title?: unknown;
  description?: unknown;
  details?: unknown;
  testStrategy?: unknown;
  status?: unknown;
  priority?: unknown;
  dependencies?: unknown;
  subtasks?: unknown;
}

const priorities: Record<string, 'critical' | 'high' | 'medium' | 'low'> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low' };

type Path = Array<string | number>;
/** A diagnostic at the JSON node of a path (or the nearest node above it that exists). */
type At = (path: Path, code: string, message: string) => Diagnostic;

/** The shared state of one import: where the tasks are, which ids exist, and what is found on the way. */
interface Context {
  at: At;
  base: Path;
  known: Set<string>;
  notes: ImportNote[];
  done: string[];
  diagnostics: Diagnostic[];
}

export function importTaskMaster(file: string, text: string, options: { tag?: string } = {}): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, diagnostics: [jsonSyntaxError(file, text, e)] };
  }
  const at = positionsOf(file, text);
  const notes: ImportNote[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, diagnostics: [at([], 'import-not-taskmaster', 'a Task Master tasks.json is an object with `tasks` (or tags such as `master` holding `tasks`)')] };
  const root = value as Record<string, unknown>;
  const found = findTaskList(root, options.tag, at, notes);
  if (!found.ok) return found;
  const { base, tagName } = found;
  const list = found.list as TmTask[];
  const ids = checkIds(list, base, at);
  if (ids.diagnostics.length) return { ok: false, diagnostics: ids.diagnostics };
  const context: Context = { at, base, known: ids.known, notes, done: [], diagnostics: [] };
  const tasks = list.flatMap((task, i) => tasksOfEntry(context, task, i, ids.subtaskIds.get(idOf(task.id)!)!));
  if (context.diagnostics.length) return { ok: false, diagnostics: context.diagnostics };
  notes.push({ message: 'Task Master tasks carry no estimates or file lists: add `estimate` and `files` so the schedule and conflict checks are real' });
  return { ok: true, output: { plan: { ...planHeader(root, tagName), tasks }, notes, done: context.done } };
}

/** Positions of nodes, for diagnostics about the content (JSON is YAML, and the yaml parser keeps ranges). */
function positionsOf(file: string, text: string): At {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (path, code, message) => {
    let node = doc.getIn(path, true) as Node | undefined;
    for (let p = path.slice(); !node && p.length; p = p.slice(0, -1)) node = doc.getIn(p, true) as Node | undefined;
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    return error(file, pos.line, pos.col, code, message);
  };
}

/** The task list: `tasks` of the legacy form, or of the tag asked for (`master`, else the first tag). */
function findTaskList(
  root: Record<string, unknown>,
  tag: string | undefined,
  at: At,
  notes: ImportNote[],
): { ok: true; base: Path; list: unknown[]; tagName: string | undefined } | { ok: false; diagnostics: Diagnostic[] } {
  let base: Path;
  let list: unknown;
  let tagName: string | undefined;
  if ('tasks' in root) {
    base = ['tasks'];
    list = root.tasks;
    if (tag) notes.push({ message: `--tag ${tag}: this tasks.json has no tags (legacy form); imported its tasks` });
  } else {
    const tags = Object.keys(root).filter((k) => typeof root[k] === 'object' && root[k] !== null && 'tasks' in root[k]);
    if (tags.length === 0)
      return { ok: false, diagnostics: [at([], 'import-not-taskmaster', 'no `tasks` list found (neither `{"tasks": [...]}` nor a tag like `{"master": {"tasks": [...]}}`)')] };
    tagName = tag ?? (tags.includes('master') ? 'master' : tags[0]!);
    if (!tags.includes(tagName)) return { ok: false, diagnostics: [at([], 'import-unknown-tag', `no tag '${tagName}' in this tasks.json (tags: ${tags.join(', ')})`)] };
    const others = tags.filter((t) => t !== tagName);
    if (others.length) notes.push({ message: `imported tag '${tagName}'; other tags not imported: ${others.join(', ')} (use --tag)` });
    base = [tagName, 'tasks'];
    list = (root[tagName] as Record<string, unknown>).tasks;
  }
  if (!Array.isArray(list)) return { ok: false, diagnostics: [at(base, 'import-not-taskmaster', '`tasks` must be a list')] };
  return { ok: true, base, list, tagName };
}

const idOf = (raw: unknown): string | null =>
  (typeof raw === 'number' && Number.isInteger(raw)) || (typeof raw === 'string' && /^[A-Za-z0-9][\w.-]*$/.test(raw)) ? String(raw) : null;
const planId = (tmId: string) => `task-${tmId}`;

/** Every task and subtask has a usable, unique id and a title; `known` holds them all (subtasks as `2.1`). */
function checkIds(list: readonly TmTask[], base: Path, at: At): { diagnostics: Diagnostic[]; known: Set<string>; subtaskIds: Map<string, string[]> } {
  const diagnostics: Diagnostic[] = [];
  const known = new Set<string>();
  const subtaskIds = new Map<string, string[]>();
  list.forEach((task, i) => {
    const id = idOf(task?.id);
    if (!task || typeof task !== 'object' || id === null)
      return diagnostics.push(at([...base, i, 'id'], 'import-bad-id', `task ${i + 1}: \`id\` must be a number or a simple string`));
    if (typeof task.title !== 'string' || !task.title.trim()) diagnostics.push(at([...base, i, 'title'], 'import-no-title', `task ${id} has no title`));
    if (known.has(id)) diagnostics.push(at([...base, i, 'id'], 'import-duplicate-id', `task id ${id} is used twice`));
    known.add(id);
    const subs: string[] = [];
    if (task.subtasks !== undefined && !Array.isArray(task.subtasks))
      diagnostics.push(at([...base, i, 'subtasks'], 'import-bad-subtasks', `task ${id}: \`subtasks\` must be a list`));
    for (const [j, sub] of (Array.isArray(task.subtasks) ? (task.subtasks as TmTask[]) : []).entries()) {
      const sid = idOf(sub?.id);
      if (sid === null) {
        diagnostics.push(at([...base, i, 'subtasks', j, 'id'], 'import-bad-id', `task ${id}, subtask ${j + 1}: \`id\` must be a number or a simple string`));
        continue;
      }
      if (typeof sub.title !== 'string' || !sub.title.trim()) diagnostics.push(at([...base, i, 'subtasks', j, 'title'], 'import-no-title', `subtask ${id}.${sid} has no title`));
      const full = sid.includes('.') ? sid : `${id}.${sid}`;
      if (known.has(full)) diagnostics.push(at([...base, i, 'subtasks', j, 'id'], 'import-duplicate-id', `subtask id ${full} is used twice`));
      known.add(full);
      subs.push(full);
    }
    subtaskIds.set(id, subs);
  });
  return { diagnostics, known, subtaskIds };
}

/** One Task Master task as plan tasks: its subtasks first, then the task itself, which needs them all. */
function tasksOfEntry(context: Context, task: TmTask, i: number, subs: readonly string[]): ImportedTask[] {
  const { base, notes } = context;
  const tasks: ImportedTask[] = [];
  const id = idOf(task.id)!;
  const own = resolveDeps(context, task.dependencies, [...base, i, 'dependencies'], null);
  const priority = typeof task.priority === 'string' ? priorities[task.priority] : undefined;
  if (task.priority !== undefined && !priority) notes.push({ message: `${planId(id)}: priority '${shown(task.priority)}' is not critical/high/medium/low; left out` });
  (Array.isArray(task.subtasks) ? (task.subtasks as TmTask[]) : []).forEach((sub, j) => {
    const full = subs[j]!;
    const subDeps = resolveDeps(context, sub.dependencies, [...base, i, 'subtasks', j, 'dependencies'], id);
    // A subtask waits for what its parent waits for (a dependency on another task's subtask stays precise).
    const needs = [...new Set([...own, ...subDeps])].filter((d) => d !== planId(full));
    tasks.push(
      clean({
        id: planId(full),
        title: String(sub.title).trim(),
        description: describe(sub),
        priority,
        needs,
        acceptance: typeof sub.testStrategy === 'string' && sub.testStrategy.trim() ? [sub.testStrategy.trim()] : undefined,
        comment: statusNote(context, full, sub.status),
      }),
    );
  });
  const needs = [...new Set([...own, ...subs.map(planId)])];
  tasks.push(
    clean({
      id: planId(id),
      title: String(task.title).trim(),
      description: describe(task),
      priority,
      needs,
      acceptance: typeof task.testStrategy === 'string' && task.testStrategy.trim() ? [task.testStrategy.trim()] : undefined,
      comment:
        [
          subs.length ? `needs its ${subs.length} subtask${subs.length === 1 ? '' : 's'}: it carries the whole task's details and test strategy` : undefined,
          statusNote(context, id, task.status),
        ]
          .filter(Boolean)
          .join('; ') || undefined,
    }),
  );
  return tasks;
}

/** `dependencies` as plan ids. In a subtask (`parent` set) a number names a sibling subtask first. */
function resolveDeps(context: Context, deps: unknown, path: Path, parent: string | null): string[] {
  const { known } = context;
  if (deps === undefined) return [];
  if (!Array.isArray(deps)) {
    context.diagnostics.push(context.at(path, 'import-bad-dependencies', '`dependencies` must be a list of task ids'));
    return [];
  }
  const out: string[] = [];
  deps.forEach((dep, k) => {
    const raw = idOf(dep);
    let target: string | null = null;
    if (raw !== null) {
      if (parent !== null && typeof dep === 'number' && known.has(`${parent}.${raw}`)) target = `${parent}.${raw}`;
      else if (known.has(raw)) target = raw;
      else if (parent !== null && known.has(`${parent}.${raw}`)) target = `${parent}.${raw}`;
    }
    if (target === null) context.diagnostics.push(context.at([...path, k], 'import-unknown-task', `dependency ${JSON.stringify(dep)} names no task or subtask of this file`));
    else if (!out.includes(planId(target))) out.push(planId(target));
  });
  return out;
}

/** A field of the wrong type is quoted as JSON, so an object reads as itself rather than `[object Object]`. */
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The comment a status leaves on the task: done tasks are recorded as done; other statuses are noted. */
function statusNote(context: Context, id: string, status: unknown): string | undefined {
  if (status === undefined || status === 'pending') return undefined;
  if (status === 'done' || status === 'completed') {
    context.done.push(planId(id));
    return 'done in Task Master (status: done)';
  }
  context.notes.push({ message: `${planId(id)}: status '${shown(status)}' has no place in a plan (a run records progress); imported as a task to do` });
  return `Task Master status: ${shown(status)}`;
}

const describe = (t: TmTask) =>
  [t.description, t.details]
    .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
    .map((s) => s.trim())
    .join('\n\n') || undefined;

/** The plan's name, title and description: the project name, else the tag. */
function planHeader(root: Record<string, unknown>, tagName: string | undefined): { name: string; title: string; description?: string } {
  const tagInfo = tagName ? (root[tagName] as { metadata?: { description?: unknown } }).metadata : undefined;
  const project = typeof (root.meta as { projectName?: unknown } | undefined)?.projectName === 'string' ? String((root.meta as { projectName: string }).projectName) : undefined;
  const name = project ?? (tagName && tagName !== 'master' ? tagName : 'taskmaster-plan');
  return {
    name: name.replace(/[^A-Za-z0-9._-]/g, '-'),
    title: project ?? `Tasks${tagName ? ` (tag ${tagName})` : ''}`,
    ...(typeof tagInfo?.description === 'string' ? { description: tagInfo.description } : {}),
  };
}

function clean(task: ImportedTask): ImportedTask {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(task)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out as unknown as ImportedTask;
}

/** A JSON syntax error at its line and column (Node reports a character position). */
export function jsonSyntaxError(file: string, text: string, e: unknown, lineOffset = 0): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  const pos = message.match(/at position (\d+)/);
  const { line, col } = lineColAt(text, pos ? Number(pos[1]) : text.length);
  return error(file, line + lineOffset, col, 'import-bad-json', `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '')}`);
}
