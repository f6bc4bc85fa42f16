/**
 * Plan edits as pure functions: plan text in, edited plan text out (or a reason it cannot be done).
 * The CLI validates the result with the normal loader before it writes anything.
 */
import { isMap, isScalar, isSeq, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { parseDuration } from '../compiler/duration.js';
import { closest } from '../compiler/suggest.js';
import { parsePlanDocument, printPlan, scalarValue, taskIds, taskIndex, tasksSeq, type PlanDocument } from './document.js';
import { isListField, splitList, typedValue } from './typed-value.js';
import type { Task } from '../types/plan.js';
import { doubtLimits } from './doubts.js';

export { concurrencyDoubt, doubtLimits, planSizeDoubt } from './doubts.js';

export type EditFailure =
  /** Wrong arguments: an unknown task, a malformed key=value (exit 1). */
  | { kind: 'usage'; message: string }
  /** Other tasks need the task being removed (exit 5: the plan would be invalid). */
  | { kind: 'dependents'; message: string; dependents: string[] }
  /** The plan cannot be edited as it is (not YAML, not a mapping). */
  | { kind: 'unreadable'; message: string };

export interface EditSuccess {
  ok: true;
  text: string;
  /** One line for the user: what changed. */
  summary: string;
  /** Values that are allowed but almost certainly a mistake: confirmed with --yes. */
  doubts: string[];
}

export type EditResult = EditSuccess | ({ ok: false } & EditFailure);

/**
 * `execplan add`'s task: the plan's task fields; the ones the command line gives as text (estimate, size,
 * risk, test, one run command) stay text here and are checked when the edited plan is validated.
 */
export interface NewTask extends Pick<Task, 'id' | 'title' | 'description' | 'feature' | 'stream' | 'phase' | 'needs' | 'files'> {
  estimate?: string;
  size?: string;
  risk?: string;
  test?: string;
  acceptance?: string[];
  run?: string;
  /** Insert after this task (default: at the end). */
  after?: string;
}

function withPlan(text: string, edit: (plan: PlanDocument) => Omit<EditSuccess, 'ok' | 'text'> | ({ ok: false } & EditFailure)): EditResult {
  const parsed = parsePlanDocument(text);
  if (!parsed.ok) return { ok: false, kind: 'unreadable', message: parsed.message };
  const outcome = edit(parsed.plan);
  if ('ok' in outcome) return outcome;
  return { ok: true, text: printPlan(parsed.plan), ...outcome };
}

function unknownTask(plan: PlanDocument, id: string): { ok: false } & EditFailure {
  const guess = closest(id, taskIds(plan));
  return { ok: false, kind: 'usage', message: `no task '${id}' in the plan${guess ? ` (did you mean '${guess}'?)` : ''}` };
}

/** Blank lines between tasks, as the plan already separates them. */
function separatedByBlankLines(seq: YAMLSeq): boolean {
  return seq.items.length > 1 && seq.items.slice(1).every((item) => (item as Node).spaceBefore === true);
}

/** Flow style for short lists (`needs: [a, b]`) unless the plan writes them as blocks. */
function listStyleFlow(seq: YAMLSeq): boolean {
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    for (const key of ['needs', 'files']) {
      const node = item.get(key, true);
      if (isSeq(node) && node.items.length > 0) return node.flow === true;
    }
  }
  return true;
}

/**
 * How the plan quotes the items of this list elsewhere (`files: ["a"]` vs `files: [a]`), so an added item
 * matches its neighbours. `like` is the list being edited, when there is one.
 */
function itemQuoting(plan: PlanDocument, key: string, like?: YAMLSeq): Scalar.Type | undefined {
  const first = (seq: unknown) => (isSeq(seq) ? seq.items.find((n): n is Scalar => isScalar(n) && typeof n.value === 'string') : undefined);
  const own = first(like);
  if (own) return own.type;
  for (const item of tasksSeq(plan).items) {
    const found = isMap(item) ? first(item.get(key, true)) : undefined;
    if (found) return found.type;
  }
  return undefined;
}

function makeItem(plan: PlanDocument, value: unknown, type: Scalar.Type | undefined): Node {
  const node = plan.doc.createNode(value) as Node;
  if (isScalar(node) && typeof value === 'string' && (type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE)) node.type = type;
  return node;
}

function makeList(plan: PlanDocument, values: unknown[], flow: boolean, key?: string, like?: YAMLSeq): YAMLSeq {
  const type = key ? itemQuoting(plan, key, like) : undefined;
  const node = new YAMLSeq();
  for (const value of values) node.items.push(makeItem(plan, value, type));
  node.flow = flow && values.every((v) => typeof v !== 'object');
  return node;
}

function estimateValue(text: string): number | string {
  return /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : text;
}

function doubtsFor(key: string, value: unknown): string[] {
  const hours = (v: unknown) => {
    if (typeof v !== 'number' && typeof v !== 'string') return null;
    const parsed = parseDuration(v);
    return parsed.ok ? parsed.hours : null;
  };
  const out: string[] = [];
  if (key === 'estimate' || key.startsWith('estimate.')) {
    const h = hours(value);
    if (h !== null && h > doubtLimits.estimateHours)
      out.push(`an estimate of ${h} h for one task (more than ${doubtLimits.estimateHours} h: a bare number means hours; split the task or check the unit)`);
  }
  if (key === 'timeout') {
    const h = hours(value);
    if (h !== null && h > doubtLimits.timeoutHours) out.push(`a timeout of ${h} h (more than ${doubtLimits.timeoutHours} h)`);
  }
  if (key === 'retries' && typeof value === 'number' && value > doubtLimits.retries) out.push(`${value} retries (more than ${doubtLimits.retries})`);
  return out;
}

export function addTask(text: string, task: NewTask): EditResult {
  return withPlan(text, (plan) => {
    const seq = tasksSeq(plan);
    if (taskIndex(plan, task.id) >= 0)
      return { ok: false, kind: 'usage', message: `a task '${task.id}' already exists; pick another id or edit it with \`execplan task set ${task.id} key=value\`` };
    let at = seq.items.length;
    if (task.after !== undefined) {
      const i = taskIndex(plan, task.after);
      if (i < 0) return unknownTask(plan, task.after);
      at = i + 1;
    }
    const flow = listStyleFlow(seq);
    // `tasks: []` in a starter plan: the first task makes it a block list, as every plan writes tasks.
    if (seq.flow && seq.items.length === 0) seq.flow = false;
    const node = new YAMLMap();
    node.set('id', task.id);
    node.set('title', task.title);
    if (task.description !== undefined) node.set('description', task.description);
    if (task.feature !== undefined) node.set('feature', task.feature);
    if (task.stream !== undefined) node.set('stream', task.stream);
    if (task.phase !== undefined) node.set('phase', task.phase);
    if (task.needs?.length) node.set('needs', makeList(plan, task.needs, flow, 'needs'));
    if (task.estimate !== undefined) node.set('estimate', estimateValue(task.estimate));
    if (task.size !== undefined) node.set('size', task.size);
    if (task.risk !== undefined) node.set('risk', task.risk);
    if (task.test !== undefined) node.set('test', task.test);
    if (task.files?.length) node.set('files', makeList(plan, task.files, flow, 'files'));
    if (task.acceptance?.length) node.set('acceptance', makeList(plan, task.acceptance, false));
    if (task.run !== undefined) node.set('run', task.run);
    const blank = separatedByBlankLines(seq) || (seq.items.length === 1 && text.includes('\n\n'));
    if (at === 0 && seq.items[0]) {
      node.spaceBefore = (seq.items[0] as Node).spaceBefore;
      (seq.items[0] as Node).spaceBefore = blank || undefined;
    } else if (blank) node.spaceBefore = true;
    seq.items.splice(at, 0, node);
    const doubts = task.estimate !== undefined ? doubtsFor('estimate', estimateValue(task.estimate)) : [];
    if (seq.items.length > doubtLimits.tasks) doubts.push(`a plan of ${seq.items.length} tasks (more than ${doubtLimits.tasks}: is the plan over-decomposed?)`);
    return { summary: `added task '${task.id}'${task.after !== undefined ? ` after '${task.after}'` : ''} (${seq.items.length} tasks)`, doubts };
  });
}

/** The tasks whose `needs` or `deps` name `id`. */
function dependentsOf(plan: PlanDocument, id: string): string[] {
  const out: string[] = [];
  for (const item of tasksSeq(plan).items) {
    if (!isMap(item)) continue;
    if (referencesOf(item, id).length > 0) out.push(String(scalarValue(item.get('id', true))));
  }
  return out;
}

/** Where a task's needs/deps mention `id`: [list key, index] pairs. */
function referencesOf(task: YAMLMap, id: string): Array<['needs' | 'deps', number]> {
  const out: Array<['needs' | 'deps', number]> = [];
  const needs = task.get('needs', true);
  if (isSeq(needs)) needs.items.forEach((n, i) => scalarValue(n) === id && out.push(['needs', i]));
  const deps = task.get('deps', true);
  if (isSeq(deps)) deps.items.forEach((d, i) => isMap(d) && scalarValue(d.get('task', true)) === id && out.push(['deps', i]));
  return out;
}

/** Removes the references to `id` from one task; an emptied list goes too. */
function dropReferences(task: YAMLMap, id: string): number {
  const refs = referencesOf(task, id);
  for (const [key, index] of [...refs].reverse()) (task.get(key, true) as unknown as YAMLSeq).items.splice(index, 1);
  for (const key of ['needs', 'deps']) {
    const list = task.get(key, true);
    if (isSeq(list) && list.items.length === 0) task.delete(key);
  }
  return refs.length;
}

export function removeTask(text: string, id: string, force: boolean): EditResult {
  return withPlan(text, (plan) => {
    const seq = tasksSeq(plan);
    const index = taskIndex(plan, id);
    if (index < 0) return unknownTask(plan, id);
    const dependents = dependentsOf(plan, id).filter((d) => d !== id);
    if (dependents.length > 0 && !force) {
      return {
        ok: false,
        kind: 'dependents',
        dependents,
        message: `task '${id}' is needed by ${dependents.map((d) => `'${d}'`).join(', ')}; remove those dependencies first (execplan dep rm <task> ${id}) or pass --force to remove them with the task`,
      };
    }
    for (const item of seq.items) if (isMap(item)) dropReferences(item, id);
    const [removed] = seq.items.splice(index, 1);
    if (index === 0 && seq.items[0]) (seq.items[0] as Node).spaceBefore = (removed as Node).spaceBefore;
    const also = dependents.length ? `; removed it from the needs of ${dependents.map((d) => `'${d}'`).join(', ')}` : '';
    return { summary: `removed task '${id}' (${seq.items.length} tasks)${also}`, doubts: [] };
  });
}

export function moveTask(text: string, id: string, where: { before?: string; after?: string }): EditResult {
  return withPlan(text, (plan) => {
    const seq = tasksSeq(plan);
    const from = taskIndex(plan, id);
    if (from < 0) return unknownTask(plan, id);
    const anchor = where.before ?? where.after!;
    if (anchor === id) return { ok: false, kind: 'usage', message: `cannot move '${id}' relative to itself` };
    if (taskIndex(plan, anchor) < 0) return unknownTask(plan, anchor);
    const blank = separatedByBlankLines(seq);
    const firstSpace = (seq.items[0] as Node).spaceBefore;
    const [node] = seq.items.splice(from, 1);
    const to = taskIndex(plan, anchor) + (where.after !== undefined ? 1 : 0);
    seq.items.splice(to, 0, node);
    // Spacing belongs to the position, not the task: the first keeps the plan's first-task spacing.
    seq.items.forEach((item, i) => ((item as Node).spaceBefore = i === 0 ? firstSpace : blank || undefined));
    return { summary: `moved task '${id}' ${where.before !== undefined ? 'before' : 'after'} '${anchor}' (position ${to + 1} of ${seq.items.length})`, doubts: [] };
  });
}

/** Sets one scalar in place, so the comment on its line and its quoting stay. */
function setValue(plan: PlanDocument, map: YAMLMap, key: string, value: unknown, flow: boolean): void {
  const current = map.get(key, true);
  if (isScalar(current) && typeof value !== 'object') {
    if (typeof current.value !== typeof value) current.type = Scalar.PLAIN;
    current.value = value;
    return;
  }
  if (Array.isArray(value)) {
    const node = makeList(plan, value, isSeq(current) ? current.flow === true : flow, key, isSeq(current) ? current : undefined);
    if (isSeq(current)) {
      node.comment = current.comment;
      node.commentBefore = current.commentBefore;
    }
    map.set(key, node);
    return;
  }
  map.set(key, value);
}

/**
 * `key=value` (set; an empty value removes the field), `key+=item` and `key-=item` (lists), dotted keys for
 * nested fields (`agent.profile=codex`, `resources.db=1`). `id=new` renames the task and every reference to it.
 */
export function setTaskFields(text: string, id: string, assignments: readonly string[]): EditResult {
  return withPlan(text, (plan) => {
    const seq = tasksSeq(plan);
    const index = taskIndex(plan, id);
    if (index < 0) return unknownTask(plan, id);
    const target: Target = { plan, seq, task: seq.items[index] as YAMLMap, id, flow: listStyleFlow(seq) };
    const changes: string[] = [];
    const doubts: string[] = [];
    for (const assignment of assignments) {
      const match = assignment.match(/^([A-Za-z_][\w.-]*?)(\+=|-=|=)(.*)$/s);
      if (!match) return usage(`'${assignment}' is not key=value (or key+=item, key-=item)`);
      const [, key, op, raw] = match as unknown as [string, string, '+=' | '-=' | '=', string];
      const applied = applyAssignment(target, key, op, raw);
      if ('ok' in applied) return applied;
      changes.push(applied.change);
      doubts.push(...applied.doubts);
    }
    return { summary: `task '${target.id}': ${changes.join(', ')}`, doubts };
  });
}

/** The task an edit changes; `id` follows a rename. */
interface Target {
  plan: PlanDocument;
  seq: YAMLSeq;
  task: YAMLMap;
  id: string;
  /** Lists are written in flow style (`[a, b]`). */
  flow: boolean;
}

type Applied = { change: string; doubts: string[] } | ({ ok: false } & EditFailure);

const usage = (message: string): { ok: false } & EditFailure => ({ ok: false, kind: 'usage', message });

/** One `key=value`, `key+=item` or `key-=item`: a rename, a removal, a list edit, or a value set. */
function applyAssignment(target: Target, key: string, op: '+=' | '-=' | '=', raw: string): Applied {
  if (key === 'id') return renameTask(target, op, raw);
  const { plan, task, id, flow } = target;
  const parts = key.split('.');
  const parent = parts.length > 1 ? ensureMap(plan, task, parts.slice(0, -1)) : task;
  const leaf = parts[parts.length - 1]!;
  if (op === '=' && raw === '') {
    if (!parent || !parent.has(leaf)) return usage(`task '${id}' has no ${key} to remove`);
    parent.delete(leaf);
    return { change: `removed ${key}`, doubts: [] };
  }
  if (op !== '=') return editList(target, parts, parent, op, raw);
  const typed = typedValue(parts, raw);
  if (!typed.ok) return usage(typed.message);
  if (!parent) return usage(`cannot set ${key}: a part of it is not a mapping`);
  setValue(plan, parent, leaf, typed.value, flow);
  if (key === 'estimate') parent.delete('size');
  if (key === 'size') parent.delete('estimate');
  return { change: `${key}=${raw}`, doubts: doubtsFor(key, typed.value) };
}

/** `id=new`: the task and every `needs` / `deps` reference to it renamed. */
function renameTask(target: Target, op: string, raw: string): Applied {
  const { plan, seq, flow, id } = target;
  if (op !== '=' || raw === '') return usage('id takes a new id: id=<new-id>');
  if (taskIndex(plan, raw) >= 0) return usage(`a task '${raw}' already exists`);
  let renamed = 0;
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    for (const [list, i] of referencesOf(item, id)) {
      const entry = (item.get(list, true) as unknown as YAMLSeq).items[i];
      if (list === 'needs' && isScalar(entry)) entry.value = raw;
      if (list === 'deps' && isMap(entry)) setValue(plan, entry, 'task', raw, flow);
      renamed++;
    }
  }
  setValue(plan, target.task, 'id', raw, flow);
  target.id = raw;
  return { change: `id=${raw}${renamed ? ` (${renamed} reference${renamed === 1 ? '' : 's'} renamed)` : ''}`, doubts: [] };
}

/** `key+=item` / `key-=item` on a list field; an emptied list is removed. */
function editList(target: Target, parts: string[], parent: YAMLMap | null, op: '+=' | '-=', raw: string): Applied {
  const { plan, id, flow } = target;
  const key = parts.join('.');
  const leaf = parts[parts.length - 1]!;
  if (!isListField(parts)) return usage(`${key} is not a list; use ${key}=value`);
  const current = parent?.get(leaf, true);
  const items = isSeq(current) ? current.items.map((n) => (isScalar(n) ? n.value : n)) : [];
  const free = key === 'steps' || key === 'acceptance';
  const given = free ? [raw] : splitList(raw);
  let next: unknown[];
  if (op === '+=') next = [...items, ...given.filter((g) => !items.includes(g))];
  else {
    const missing = given.filter((g) => !items.includes(g));
    if (missing.length) return usage(`${key} of '${id}' has no ${missing.map((m) => `'${m}'`).join(', ')}`);
    next = items.filter((v) => !given.includes(v as string));
  }
  if (next.length === 0) parent!.delete(leaf);
  else if (isSeq(current) && op === '+=') for (const g of given.filter((x) => !items.includes(x))) current.items.push(makeItem(plan, g, itemQuoting(plan, key, current)));
  else if (isSeq(current)) current.items = current.items.filter((n) => !given.includes((isScalar(n) ? n.value : n) as string));
  else setValue(plan, parent!, leaf, next, flow);
  return { change: `${key}${op}${raw}`, doubts: [] };
}

/** The mapping at a nested path of a task, created when missing (`agent` for `agent.profile=...`). */
function ensureMap(plan: PlanDocument, task: YAMLMap, parts: string[]): YAMLMap | null {
  let node: YAMLMap = task;
  for (const part of parts) {
    let next: unknown = node.get(part, true);
    if (next === undefined) {
      const created = new YAMLMap();
      created.flow = true;
      node.set(part, created);
      next = created;
    }
    if (!isMap(next)) return null;
    node = next;
  }
  void plan;
  return node;
}

export function addDependency(text: string, id: string, needed: string): EditResult {
  return withPlan(text, (plan) => {
    const index = taskIndex(plan, id);
    if (index < 0) return unknownTask(plan, id);
    if (id === needed) return { ok: false, kind: 'usage', message: `a task cannot depend on itself ('${id}')` };
    const task = tasksSeq(plan).items[index] as YAMLMap;
    if (referencesOf(task, needed).length > 0) return { summary: `'${id}' already depends on '${needed}' (nothing changed)`, doubts: [] };
    const needs = task.get('needs', true);
    if (isSeq(needs)) needs.items.push(makeItem(plan, needed, itemQuoting(plan, 'needs', needs)));
    else insertAfterKeys(task, 'needs', makeList(plan, [needed], listStyleFlow(tasksSeq(plan)), 'needs'), ['phase', 'stream', 'feature', 'description', 'title', 'id']);
    return { summary: `'${id}' now needs '${needed}'`, doubts: [] };
  });
}

export function removeDependency(text: string, id: string, needed: string): EditResult {
  return withPlan(text, (plan) => {
    const index = taskIndex(plan, id);
    if (index < 0) return unknownTask(plan, id);
    const task = tasksSeq(plan).items[index] as YAMLMap;
    if (dropReferences(task, needed) === 0) return { ok: false, kind: 'usage', message: `'${id}' does not depend on '${needed}'` };
    return { summary: `'${id}' no longer needs '${needed}'`, doubts: [] };
  });
}

/** Adds a key right after the first of `after` the map has, so a new `needs` sits where people put it. */
function insertAfterKeys(map: YAMLMap, key: string, value: Node, after: string[]): void {
  map.set(key, value);
  const pair = map.items.pop()!;
  for (const anchor of after) {
    const i = map.items.findIndex((p) => isScalar(p.key) && p.key.value === anchor);
    if (i >= 0) {
      map.items.splice(i + 1, 0, pair);
      return;
    }
  }
  map.items.push(pair);
}
