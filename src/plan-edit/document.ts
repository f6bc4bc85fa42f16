/**
 * A plan text as an editable YAML document, printed back in the plan's own style. Pure: text in, text out.
 *
 * The yaml library keeps comments, key order and blank lines, but it prints every flow collection and
 * every indentation one way. A person reviewing `execplan task set` wants a one-line diff, not a reprint
 * of `{ id: a }` as `{id: a}` all over the file. So the edited document is printed, compared line by line
 * with a print of the unedited document, and only the lines the edit changed are taken from the new print;
 * every other line is the user's original line, byte for byte.
 */
import { diffArrays } from 'diff';
import { isMap, isScalar, isSeq, parseDocument, type Document, type ToStringOptions, YAMLMap, YAMLSeq } from 'yaml';

export interface PlanDocument {
  /** The plan with '\n' line ends (see `eol`). */
  text: string;
  /** The line end the file uses: a Windows checkout keeps '\r\n' on the lines an edit adds too. */
  eol: '\n' | '\r\n';
  doc: Document.Parsed;
  style: ToStringOptions;
}

export type ParseOutcome = { ok: true; plan: PlanDocument } | { ok: false; message: string };

/**
 * Parses a plan for editing. Syntax errors are not reported here in detail: the CLI validates the
 * original with the normal loader first and prints its diagnostics.
 */
export function parsePlanDocument(original: string): ParseOutcome {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const text = eol === '\r\n' ? original.replace(/\r\n/g, '\n') : original;
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return { ok: false, message: `the plan is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it first (execplan validate shows where)` };
  if (!isMap(doc.contents)) return { ok: false, message: 'the plan is not a YAML mapping; fix it first (execplan validate shows where)' };
  return { ok: true, plan: { text, eol, doc, style: detectStyle(text) } };
}

/** Indentation and flow padding as the plan writes them, so the lines an edit adds look like their neighbours. */
export function detectStyle(text: string): ToStringOptions {
  const lines = text.split('\n');
  let indent = 2;
  let indentSeq = true;
  let sawMap = false;
  let sawSeq = false;
  for (let i = 0; i < lines.length - 1; i++) {
    if (!/^[A-Za-z_][\w-]*:\s*(#.*)?$/.test(lines[i]!)) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (!next) continue;
    const lead = next.length - next.trimStart().length;
    if (next.trimStart().startsWith('- ')) {
      if (!sawSeq) indentSeq = lead > 0;
      sawSeq = true;
    } else if (!sawMap && lead > 0) {
      indent = lead;
      sawMap = true;
    }
  }
  const paddedSeqs = (text.match(/\[ [^\]\n]/g) ?? []).length;
  const tightSeqs = (text.match(/\[[^ \]\n]/g) ?? []).length;
  return { indent, indentSeq, lineWidth: 0, minContentWidth: 0, flowCollectionPadding: paddedSeqs > tightSeqs };
}

/** The edited document as text: the user's own lines wherever the edit did not touch them. */
export function printPlan(plan: PlanDocument): string {
  const before = parseDocument(plan.text).toString(plan.style);
  const after = plan.doc.toString(plan.style);
  const merged = before === after ? plan.text : mergeKeepingOriginal(splitLines(plan.text), splitLines(before), splitLines(after)).join('\n');
  return plan.eol === '\n' ? merged : merged.replace(/\n/g, '\r\n');
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

/**
 * `original` and `reprint` are the same document (the reprint normalises formatting), `edited` is the
 * reprint with the edit applied. The result is `original` with the reprint->edited changes applied:
 * a region of the reprint the edit left alone is emitted as the original wrote it.
 */
function mergeKeepingOriginal(original: string[], reprint: string[], edited: string[]): string[] {
  const units = alignUnits(original, reprint);
  const originalOf = new Map<number, string>();
  for (const u of units) if (u.r1 - u.r0 === 1 && u.o1 - u.o0 === 1) originalOf.set(u.r0, original[u.o0]!);
  const edit = editOf(reprint, edited, originalOf);
  return emit(units, original, reprint.length, edit);
}

/** Aligned spans of reprint lines [r0, r1) and original lines [o0, o1). */
interface Unit {
  r0: number;
  r1: number;
  o0: number;
  o1: number;
}

/** Units: aligned spans of reprint and original lines (equal lines one by one, reformatted spans whole). */
function alignUnits(original: readonly string[], reprint: readonly string[]): Unit[] {
  const units: Unit[] = [];
  let r = 0;
  let o = 0;
  let pending: Unit | null = null;
  // A reformatted span of as many lines as the original is the same lines restyled: pair them one by one.
  const pushUnit = (u: Unit) => {
    if (u.r1 - u.r0 !== u.o1 - u.o0) return void units.push(u);
    for (let k = 0; k < u.r1 - u.r0; k++) units.push({ r0: u.r0 + k, r1: u.r0 + k + 1, o0: u.o0 + k, o1: u.o0 + k + 1 });
  };
  // Aligned on the lines without their whitespace: the reprint differs from the original mostly in
  // spacing (`{ a }`, comment columns), and a diff that sees those as changes costs O(lines x changes).
  const squeeze = (line: string) => line.replace(/\s+/g, '');
  for (const part of diffArrays(reprint.map(squeeze), original.map(squeeze))) {
    const n = part.count ?? part.value.length;
    if (!part.added && !part.removed) {
      if (pending) {
        pushUnit(pending);
        pending = null;
      }
      for (let k = 0; k < n; k++) units.push({ r0: r + k, r1: r + k + 1, o0: o + k, o1: o + k + 1 });
      r += n;
      o += n;
    } else {
      pending ??= { r0: r, r1: r, o0: o, o1: o };
      if (part.removed) pending.r1 = r += n;
      else pending.o1 = o += n;
    }
  }
  if (pending) pushUnit(pending);
  return units;
}

/** For every reprint line: kept by the edit or not (and as what); and what the edit inserted before reprint line i. */
interface Edit {
  kept: boolean[];
  keptAs: string[];
  inserted: Map<number, string[]>;
}

function editOf(reprint: string[], edited: string[], originalOf: ReadonlyMap<number, string>): Edit {
  const kept: boolean[] = new Array<boolean>(reprint.length).fill(false);
  const keptAs: string[] = new Array<string>(reprint.length).fill('');
  const inserted = new Map<number, string[]>();
  let r = 0;
  let removedFrom = -1;
  for (const part of diffArrays(reprint, edited)) {
    const n = part.count ?? part.value.length;
    if (part.added) {
      // A changed line keeps the column of its trailing comment (`estimate: 3        # hours`).
      const lines = part.value.map((line, k) => (removedFrom >= 0 && removedFrom + k < r ? alignComment(line, originalOf.get(removedFrom + k)) : line));
      inserted.set(r, [...(inserted.get(r) ?? []), ...lines]);
      removedFrom = -1;
    } else if (part.removed) {
      removedFrom = r;
      r += n;
    } else {
      removedFrom = -1;
      for (let k = 0; k < n; k++) {
        kept[r + k] = true;
        keptAs[r + k] = part.value[k]!;
      }
      r += n;
    }
  }
  return { kept, keptAs, inserted };
}

/** A unit the edit left whole is written as the original had it; any other as the edited reprint says. */
function emit(units: readonly Unit[], original: readonly string[], reprintLength: number, { kept, keptAs, inserted }: Edit): string[] {
  const out: string[] = [];
  const flushInsertions = (at: number) => {
    const lines = inserted.get(at);
    if (lines) {
      out.push(...lines);
      inserted.delete(at);
    }
  };
  for (const unit of units) {
    if (unit.r1 > unit.r0) flushInsertions(unit.r0);
    let untouched = true;
    for (let i = unit.r0; i < unit.r1; i++) if (!kept[i] || (i > unit.r0 && inserted.has(i))) untouched = false;
    if (untouched) {
      out.push(...original.slice(unit.o0, unit.o1));
      continue;
    }
    for (let i = unit.r0; i < unit.r1; i++) {
      if (i > unit.r0) flushInsertions(i);
      if (kept[i]) out.push(keptAs[i]!);
    }
  }
  flushInsertions(reprintLength);
  return out;
}

/** `line` with its trailing comment moved to the column `original` had it in, when both end in the same comment. */
function alignComment(line: string, original: string | undefined): string {
  if (original === undefined) return line;
  line = padBracesLike(line, original);
  const before = original.match(/^(.*\S)(\s+)(#[^#]*)$/);
  const after = line.match(/^(.*\S) (#[^#]*)$/);
  if (!before || !after || before[3] !== after[2]) return line;
  const column = before[1]!.length + before[2]!.length;
  return `${after[1]}${' '.repeat(Math.max(1, column - after[1]!.length))}${after[2]}`;
}

/** `{a: 1}` as `{ a: 1 }` when the line it replaces wrote its flow map that way (brackets inside quotes untouched). */
function padBracesLike(line: string, original: string): string {
  if (!/\{ \S/.test(original) || !/\{\S/.test(line)) return line;
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && line[i - 1] === ' ') return out + line.slice(i);
    else if (c === '{' && line[i + 1] !== ' ' && line[i + 1] !== '}') {
      out += '{ ';
      continue;
    } else if (c === '}' && line[i - 1] !== ' ' && line[i - 1] !== '{') {
      out += ' }';
      continue;
    }
    out += c;
  }
  return out;
}

/** The `tasks` sequence of the plan (created when missing). */
export function tasksSeq(plan: PlanDocument): YAMLSeq {
  const root = plan.doc.contents as YAMLMap;
  const tasks: unknown = root.get('tasks', true);
  if (isSeq(tasks)) {
    // A comment right above the first task is parsed as the list's; it belongs to the task (it moves with it).
    const first = tasks.items[0] as { commentBefore?: string | null } | undefined;
    if (tasks.commentBefore && first && typeof first === 'object') {
      first.commentBefore = first.commentBefore ? `${tasks.commentBefore}\n${first.commentBefore}` : tasks.commentBefore;
      tasks.commentBefore = undefined;
    }
    return tasks;
  }
  const created = new YAMLSeq();
  root.set('tasks', created);
  return created;
}

/** Index of the task with this id in the tasks sequence, or -1. */
export function taskIndex(plan: PlanDocument, id: string): number {
  return tasksSeq(plan).items.findIndex((item) => isMap(item) && scalarValue(item.get('id', true)) === id);
}

export function taskIds(plan: PlanDocument): string[] {
  return tasksSeq(plan).items.map((item) => (isMap(item) ? scalarText(item.get('id', true)) : ''));
}

export function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** A scalar as text (`7` for an id written as a number); '' for a missing node or a collection. */
function scalarText(node: unknown): string {
  const value = scalarValue(node);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
}
