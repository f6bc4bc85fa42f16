/**
 * GitHub spec-kit tasks.md -> plan. The format: `## Phase N: Name` headings, task lines
 * `- [ ] T012 [P] [US1] Title in path/file.py`, and a `## Dependencies` section in prose
 * (`T010 blocks T012, T019`, `Tests (T004-T009) before implementation (T010-T018)`).
 *
 * Order inside a phase: `[P]` marks tasks that may run beside each other; a task without it runs after
 * the tasks listed before it. So a run of consecutive [P] tasks starts after the task before the run, and
 * the next unmarked task waits for the whole run. Phases become plan phases (barriers), in file order.
 */
import type { Diagnostic } from '../compiler/diagnostic.js';
import { error, idAllocator, pathsIn, plainText, slug, type ImportedTask, type ImportNote, type ImportOutput, type ImportResult } from './common.js';

const taskLine = /^(\s*)[-*]\s+\[( |x|X)\]\s+(.*)$/;
const idAtStart = /^(T\d+)\b\s*/;

interface Parsed extends ImportedTask {
  parallel: boolean;
  inlineNeeds: string[];
  line: number;
  story?: string;
}

type Priority = 'critical' | 'high' | 'medium' | 'low';

/** What one pass over tasks.md finds; the later steps add the order between the tasks. */
interface Scan {
  file: string;
  diagnostics: Diagnostic[];
  notes: ImportNote[];
  done: string[];
  tasks: Parsed[];
  byId: Map<string, Parsed>;
  phases: Array<{ id: string; title: string }>;
  phaseId: (wanted: string) => string;
  stories: Map<string, { title: string; priority?: Priority }>;
  title: string;
  /** The phase the lines below belong to. */
  phase: string | undefined;
  inDependencies: boolean;
  dependencyLines: Array<{ line: number; text: string }>;
}

/** Each task's predecessors, filled in by the ordering steps. */
type Needs = Map<string, Set<string>>;

export function importSpecKit(file: string, text: string): ImportResult {
  const lines = text.split(/\r?\n/);
  const scan = scanLines(file, lines);
  if (scan.diagnostics.length === 0 && scan.tasks.length === 0)
    scan.diagnostics.push(error(file, 1, 1, 'import-no-tasks', 'no spec-kit task lines found (expected lines like `- [ ] T001 [P] Create project structure`)'));
  if (scan.diagnostics.length > 0) return { ok: false, diagnostics: scan.diagnostics };
  const needs = orderFromMarkers(scan.tasks);
  const unknownInline = addInlineNeeds(scan, lines, needs);
  if (unknownInline) return { ok: false, diagnostics: [unknownInline] };
  const dependencyErrors = addDependencySection(scan, needs);
  if (dependencyErrors.length) return { ok: false, diagnostics: dependencyErrors };
  return { ok: true, output: outputOf(scan, needs) };
}

function scanLines(file: string, lines: readonly string[]): Scan {
  const scan: Scan = {
    file,
    diagnostics: [],
    notes: [],
    done: [],
    tasks: [],
    byId: new Map(),
    phases: [],
    phaseId: idAllocator(),
    stories: new Map(),
    title: '',
    phase: undefined,
    inDependencies: false,
    dependencyLines: [],
  };
  let inFence = false;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    const heading = raw.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) readHeading(scan, heading[1]!.length, plainText(heading[2]!));
    else if (scan.inDependencies) {
      if (raw.trim()) scan.dependencyLines.push({ line: lineNo, text: raw });
    } else readTaskLine(scan, raw, lineNo);
  });
  return scan;
}

/** A heading: the title (`# Tasks: ...`), a phase (maybe a user story with its priority), or the Dependencies section. */
function readHeading(scan: Scan, level: number, textOf: string): void {
  if (level === 1 && !scan.title) scan.title = textOf.replace(/^Tasks:\s*/i, '');
  if (level <= 2) scan.inDependencies = /^dependencies\b/i.test(textOf);
  const phaseMatch = level <= 3 ? textOf.match(/^Phase\s+([\w.]+)\s*[:.-]\s*(.+)$/i) : null;
  if (!phaseMatch) return;
  const name = phaseMatch[2]!.replace(/\s*[(⚠🎯].*$/u, '').trim() || `Phase ${phaseMatch[1]}`;
  const id = scan.phaseId(slug(name, `phase-${phaseMatch[1]}`));
  scan.phases.push({ id, title: `Phase ${phaseMatch[1]}: ${name}` });
  scan.phase = id;
  scan.inDependencies = false;
  const story = textOf.match(/User Story\s+(\d+)\s*[-–:]\s*([^(]+?)\s*(?:\(Priority:\s*P(\d)\))?(?:\s*🎯.*)?$/iu);
  if (story)
    scan.stories.set(`US${story[1]}`, {
      title: story[2]!.trim(),
      priority: story[3] ? (['critical', 'high', 'medium', 'low'] as const)[Math.min(3, Number(story[3]))] : undefined,
    });
}

/** `- [ ] T012 [P] [US1] Title in path/file.py (depends on T003)`: one task, or a diagnostic or a note. */
function readTaskLine(scan: Scan, raw: string, lineNo: number): void {
  const m = raw.match(taskLine);
  if (!m) return;
  const body = m[3]!;
  const idMatch = body.match(idAtStart);
  if (!idMatch) {
    if (/^\s*T\d/.test(body) || /^T[\w-]*\d/.test(body))
      scan.diagnostics.push(
        error(scan.file, lineNo, raw.indexOf(body) + 1, 'import-bad-task-id', `'${body.split(/\s/)[0]}' is not a spec-kit task id (T followed by digits, e.g. T012)`),
      );
    else scan.notes.push({ line: lineNo, message: `checklist item without a task id, not imported: ${plainText(body).slice(0, 80)}` });
    return;
  }
  const id = idMatch[1]!;
  const { rest: afterMarkers, parallel, story } = readMarkers(scan, id, body.slice(idMatch[0].length), lineNo);
  let rest = afterMarkers;
  // Newer templates say it inline: `... in src/service.py (depends on T003, T004)`.
  const inline = rest.match(/\s*\((?:depends on|after|requires|blocked by)\s+(T\d+(?:\s*(?:,|and|-|–)\s*T\d+)*)\)\s*/i);
  const inlineNeeds = inline ? expandIds(inline[1]!) : [];
  if (inline) rest = rest.replace(inline[0], ' ').trim();
  const titleText = plainText(rest);
  if (!titleText) {
    scan.diagnostics.push(error(scan.file, lineNo, raw.indexOf(body) + 1, 'import-no-title', `${id} has no title`));
    return;
  }
  const previous = scan.byId.get(id);
  if (previous) {
    scan.diagnostics.push(
      error(scan.file, lineNo, raw.indexOf(id) + 1, 'import-duplicate-id', `task ${id} is listed twice (first on line ${previous.line}); give each task its own id`),
    );
    return;
  }
  const task: Parsed = { id, title: titleText, phase: scan.phase, parallel, line: lineNo, story, inlineNeeds };
  const files = pathsIn(rest);
  if (files.length) task.files = files;
  if (story) task.feature = story;
  if (m[2] !== ' ') {
    scan.done.push(id);
    task.comment = 'done in tasks.md ([x])';
  }
  scan.tasks.push(task);
  scan.byId.set(id, task);
}

/** The `[P]` and `[US1]` markers after the id; any other marker is noted and left out of the title. */
function readMarkers(scan: Scan, id: string, text: string, lineNo: number): { rest: string; parallel: boolean; story: string | undefined } {
  let rest = text;
  let parallel = false;
  let story: string | undefined;
  for (;;) {
    const marker = rest.match(/^\[([^\]]+)\]\s*/);
    if (!marker) break;
    if (marker[1] === 'P') parallel = true;
    else if (/^US\d+$/i.test(marker[1]!)) story = marker[1]!.toUpperCase();
    else scan.notes.push({ line: lineNo, message: `${id}: marker [${marker[1]}] has no meaning in a plan; kept out of the title` });
    rest = rest.slice(marker[0].length);
  }
  return { rest, parallel, story };
}

/** Order within each phase, from the [P] markers (see the top of this file). */
function orderFromMarkers(tasks: readonly Parsed[]): Needs {
  const needs: Needs = new Map(tasks.map((t) => [t.id, new Set<string>()]));
  let lastSequential: Parsed | undefined;
  let currentPhase: string | undefined = tasks[0]?.phase;
  let lastRun: Parsed[] = [];
  for (const task of tasks) {
    if (task.phase !== currentPhase) {
      currentPhase = task.phase;
      lastSequential = undefined;
      lastRun = [];
    }
    if (task.parallel) {
      if (lastSequential) needs.get(task.id)!.add(lastSequential.id);
      lastRun.push(task);
    } else {
      const before = lastRun.length ? lastRun : lastSequential ? [lastSequential] : [];
      for (const b of before) needs.get(task.id)!.add(b.id);
      lastSequential = task;
      lastRun = [];
    }
  }
  return needs;
}

/** The inline `(depends on T003)` of each task; the first id that names no task is the error. */
function addInlineNeeds(scan: Scan, lines: readonly string[], needs: Needs): Diagnostic | null {
  for (const task of scan.tasks) {
    for (const ref of task.inlineNeeds) {
      if (!scan.byId.has(ref))
        return error(
          scan.file,
          task.line,
          Math.max(1, lines[task.line - 1]!.indexOf(ref) + 1),
          'import-unknown-task',
          `${task.id} depends on ${ref}, which is not a task of this file`,
        );
      if (ref !== task.id) needs.get(task.id)!.add(ref);
    }
  }
  return null;
}

/** The Dependencies section: lines it understands add order inside a phase; ids that name no task are errors. */
function addDependencySection(scan: Scan, needs: Needs): Diagnostic[] {
  const { byId, notes } = scan;
  const phaseIndex = new Map(scan.phases.map((p, i) => [p.id, i]));
  const dependencyErrors: Diagnostic[] = [];
  for (const { line, text: rawLine } of scan.dependencyLines) {
    const textLine = plainText(rawLine.replace(/^\s*[-*]\s+/, ''));
    const refs = [...textLine.matchAll(/T\d+/g)];
    if (refs.length === 0) {
      if (!/^\*?\*?(Phase|Setup|Foundational|User Stor|Polish|Within|Story)/i.test(textLine))
        notes.push({ line, message: `dependency line without task ids, not mapped (phase order already holds): ${textLine.slice(0, 100)}` });
      continue;
    }
    const parsed = parseDependencyLine(textLine);
    if (!parsed) {
      notes.push({ line, message: `dependency line not understood, not mapped (phase-level order is kept by the phases): ${textLine.slice(0, 100)}` });
      continue;
    }
    for (const ref of [...parsed.before, ...parsed.after]) {
      if (!byId.has(ref)) {
        const col = rawLine.indexOf(ref) + 1 || 1;
        dependencyErrors.push(error(scan.file, line, col, 'import-unknown-task', `the Dependencies section names ${ref}, which is not a task of this file`));
      }
    }
    for (const a of parsed.after)
      for (const b of parsed.before)
        if (a !== b && byId.has(a) && byId.has(b)) {
          const pa = phaseIndex.get(byId.get(a)!.phase ?? '') ?? -1;
          const pb = phaseIndex.get(byId.get(b)!.phase ?? '') ?? -1;
          // Across phases the barrier already orders them (and the reverse direction would be refused).
          if (pa === pb) needs.get(a)!.add(b);
          else if (pb > pa) notes.push({ line, message: `${b} before ${a} contradicts the phase order (${b} is in a later phase); not mapped` });
        }
  }
  return dependencyErrors;
}

/** The plan: phases, the user stories as features, the tasks with their needs, and what is missing as notes. */
function outputOf(scan: Scan, needs: Needs): ImportOutput {
  const { tasks, stories, notes, phases, title } = scan;
  const features = [...new Set(tasks.map((t) => t.story).filter((s): s is string => !!s))].map((id) => ({
    id,
    title: stories.get(id)?.title ?? `User story ${id.slice(2)}`,
    ...(stories.get(id)?.priority ? { priority: stories.get(id)!.priority } : {}),
  }));
  const out = tasks.map(({ parallel: _p, line: _l, story: _s, inlineNeeds: _i, ...task }): ImportedTask => {
    const list = [...needs.get(task.id)!];
    return list.length ? { ...task, needs: list } : task;
  });
  if (tasks.every((t) => t.files === undefined))
    notes.push({ message: 'no file paths found in the task lines: tasks that touch the same files may be scheduled side by side; add `files`' });
  notes.push({ message: 'spec-kit tasks carry no estimates or acceptance criteria: add `estimate` and `acceptance` (execplan task set <id> estimate=2 acceptance+=...)' });
  return {
    plan: {
      name: slug(title || 'spec-kit-plan'),
      title: title || 'Imported spec-kit plan',
      ...(phases.length ? { phases } : {}),
      ...(features.length ? { features } : {}),
      tasks: out,
    },
    notes,
    done: scan.done,
  };
}

/** Expands `T004-T009` and `T004, T005` into ids. */
function expandIds(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/T(\d+)\s*(?:[-–]|\.\.|to)\s*T(\d+)|T(\d+)/g)) {
    if (m[3] !== undefined) {
      out.push(`T${m[3]}`);
      continue;
    }
    const width = m[1]!.length;
    const from = Number(m[1]);
    const to = Number(m[2]);
    for (let n = from; n <= to && n - from < 10_000; n++) out.push(`T${String(n).padStart(width, '0')}`);
  }
  return out;
}

/** `A blocks B`, `A before B`, `B depends on A`, `B requires A`, `B after A`: which ids come first. */
function parseDependencyLine(text: string): { before: string[]; after: string[] } | null {
  const forward = text.match(/^(.*?)\b(blocks|before|must precede|precedes|then|→|->)\b(.*)$/i) ?? text.match(/^(.*?)(→|->)(.*)$/);
  if (forward && /T\d/.test(forward[1]!) && /T\d/.test(forward[3]!)) return { before: expandIds(forward[1]!), after: expandIds(forward[3]!) };
  const backward = text.match(/^(.*?)\b(depends on|requires|needs|after|blocked by)\b(.*)$/i);
  if (backward && /T\d/.test(backward[1]!) && /T\d/.test(backward[3]!)) return { before: expandIds(backward[3]!), after: expandIds(backward[1]!) };
  return null;
}
