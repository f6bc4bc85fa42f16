/**
 * A markdown execution plan, as spec writers write one, -> plan:
 * - a `Work Streams` table (Stream | Responsibility | Owns | Skills) -> streams (a folder `src/models/`
 *   owns `src/models/**`);
 * - `Phase N: Name` headings -> phases (barriers, in order), each with an optional chunk table
 *   (Chunk | Stream | Outcome | Depends On) and chunk blocks:
 *       - [ ] **Title**
 *         Outcome: ...   Stream: ...   Skills: ...
 *         - sub-task bullets -> steps
 * - `Depends On`: `—` (nothing beyond the phase), `Phase 1` (the barrier already says it), chunk titles or
 *   slugs (`auth-utilities`), or both (`Phase 1 + auth-utilities`);
 * - a `Communication` table (From | To | When | What) -> communication, `After Phase 1` -> that phase.
 * A chunk table row and a block are the same chunk when their titles match (exactly, as a prefix, or by
 * most of their words): writers often shorten the title in the table.
 */
import type { Diagnostic } from '../compiler/diagnostic.js';
import { error, idAllocator, isTableSeparator, pathsIn, plainText, slug, tableCells, type ImportedPlan, type ImportedTask, type ImportNote, type ImportResult } from './common.js';

interface Table {
  line: number;
  header: string[];
  rows: Array<{ line: number; cells: string[]; raw: string }>;
}

interface Chunk {
  title: string;
  line: number;
  phase?: string;
  stream?: string;
  outcome?: string;
  tableOutcome?: string;
  skills?: string[];
  steps: string[];
  dependsOn?: { text: string; line: number; col: number };
  done: boolean;
  issue?: string;
  fromTable: boolean;
}

const normal = (s: string) =>
  plainText(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

interface Phase {
  id: string;
  title: string;
  description?: string;
  number: string;
}

/** What one pass over the lines finds: the title, the phases, the chunks (table rows and blocks apart) and the two tables. */
interface Scanned {
  title: string;
  phases: Phase[];
  chunks: Chunk[];
  streamsTable: Table | null;
  communicationTable: Table | null;
}

type StreamsOf = NonNullable<ImportedPlan['streams']>;

/** Diagnostics and notes, collected in the order the steps find them. */
interface Findings {
  file: string;
  notes: ImportNote[];
  diagnostics: Diagnostic[];
}

export function importMarkdownPlan(file: string, text: string): ImportResult {
  const found: Findings = { file, notes: [], diagnostics: [] };
  const scanned = scanLines(text.split(/\r?\n/), found.notes);
  const merged = mergeChunks(scanned.chunks, scanned.phases);
  if (merged.length === 0)
    return {
      ok: false,
      diagnostics: [error(file, 1, 1, 'import-no-tasks', 'no chunks found (expected `### Phase 1: Name` sections with a chunk table or `- [ ] **Chunk title**` blocks)')],
    };
  const allocate = idAllocator();
  const ids = new Map<Chunk, string>(merged.map((c) => [c, allocate(slug(c.title))]));
  const streams = streamsOf(scanned.streamsTable, found.notes);
  const streamKey = streamKeyer(streams, scanned.streamsTable !== null, found);
  const { tasks, done } = tasksOf(merged, ids, scanned.phases, streams, streamKey, found);
  const communication = communicationOf(scanned.communicationTable, scanned.phases, streamKey, found);
  if (found.diagnostics.length) return { ok: false, diagnostics: found.diagnostics.sort((a, b) => a.line - b.line || a.col - b.col) };
  found.notes.push({ message: 'chunks carry no estimates: add `estimate` (hours) so the schedule means something' });
  const { title, phases } = scanned;
  const plan: ImportedPlan = {
    name: slug(title.replace(/\bexecution plan\b/i, '') || 'plan', 'plan'),
    title: title || 'Imported execution plan',
    ...(Object.keys(streams).length ? { streams } : {}),
    ...(phases.length ? { phases: phases.map(({ number: _n, ...p }) => p) } : {}),
    ...(communication.length ? { communication } : {}),
    tasks,
  };
  return { ok: true, output: { plan, notes: found.notes, done } };
}

function readTable(lines: readonly string[], start: number): [Table, number] {
  const table: Table = { line: start + 1, header: tableCells(lines[start]!).map((h) => normal(h)), rows: [] };
  let i = start + 1;
  if (i < lines.length && isTableSeparator(lines[i]!)) i++;
  for (; i < lines.length && /^\s*\|/.test(lines[i]!); i++) table.rows.push({ line: i + 1, cells: tableCells(lines[i]!), raw: lines[i]! });
  return [table, i - 1];
}

/** One pass over the document: headings set the section, tables and chunk blocks are collected where they are. */
function scanLines(lines: readonly string[], notes: ImportNote[]): Scanned {
  const scanned: Scanned = { title: '', phases: [], chunks: [], streamsTable: null, communicationTable: null };
  const phaseId = idAllocator();
  let section: Section = 'none';
  let current: Chunk | null = null;
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    if (inFence) continue;
    const heading = raw.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      current = null;
      section = readHeading(heading[1]!.length, plainText(heading[2]!), section, scanned, phaseId);
      continue;
    }
    if (/^\s*\|/.test(raw) && i + 1 < lines.length && isTableSeparator(lines[i + 1]!)) {
      const [table, end] = readTable(lines, i);
      i = end;
      current = null;
      placeTable(table, section, scanned);
      continue;
    }
    const block = raw.match(/^\s*[-*]\s+\[( |x|X)\]\s+\*\*(.+?)\*\*\s*(.*)$/);
    if (block && section === 'phase') {
      const issue = block[3]!.match(/\(([A-Z][A-Z0-9]*-\d+)\)/)?.[1];
      current = { title: plainText(block[2]!), line: i + 1, phase: scanned.phases.at(-1)?.id, steps: [], done: block[1] !== ' ', issue, fromTable: false };
      scanned.chunks.push(current);
      continue;
    }
    if (current && raw.trim() && !readChunkLine(current, raw, i + 1, notes) && /^\S/.test(raw)) current = null;
  }
  return scanned;
}

type Section = 'none' | 'streams' | 'phase' | 'communication';

/** A heading: the document title (the first `#`), a phase, or the section the lines below it belong to. */
function readHeading(level: number, h: string, section: Section, scanned: Scanned, phaseId: (wanted: string) => string): Section {
  if (level === 1 && !scanned.title) scanned.title = h;
  const phase = h.match(/^Phase\s+(\d+[\w.]*)\s*[:.-]\s*(.+?)\s*(?:\((.*)\))?\s*$/i);
  if (phase) {
    const id = phaseId(slug(phase[2]!, `phase-${phase[1]}`));
    scanned.phases.push({ id, title: phase[2]!.trim(), number: phase[1]!, ...(phase[3] ? { description: phase[3].trim() } : {}) });
    return 'phase';
  }
  if (/work streams?/i.test(h)) return 'streams';
  if (/^communication/i.test(h)) return 'communication';
  if (level <= 3) return 'none';
  return section;
}

/** A table is the Work Streams table, the Communication table, or a phase's chunk table (by section or header). */
function placeTable(table: Table, section: Section, scanned: Scanned): void {
  if (section === 'streams' || (table.header[0] === 'stream' && table.header.includes('owns'))) scanned.streamsTable = table;
  else if (section === 'communication' || (table.header[0] === 'from' && table.header[1] === 'to')) scanned.communicationTable = table;
  else if (table.header[0] === 'chunk' || table.header.includes('depends on')) scanned.chunks.push(...chunkRows(table, scanned.phases.at(-1)?.id));
}

function chunkRows(table: Table, phase: string | undefined): Chunk[] {
  const col = (name: string) => table.header.indexOf(name);
  const chunks: Chunk[] = [];
  for (const row of table.rows) {
    const cell = (name: string) => (col(name) >= 0 ? plainText(row.cells[col(name)] ?? '') : '');
    const chunkTitle = cell('chunk');
    if (!chunkTitle) continue;
    const depIndex = col('depends on');
    const depText = depIndex >= 0 ? (row.cells[depIndex] ?? '') : '';
    chunks.push({
      title: chunkTitle,
      line: row.line,
      phase,
      stream: cell('stream') || undefined,
      tableOutcome: cell('outcome') || undefined,
      steps: [],
      dependsOn: depText ? { text: plainText(depText), line: row.line, col: Math.max(1, row.raw.indexOf(depText.trim()) + 1) } : undefined,
      done: false,
      fromTable: true,
    });
  }
  return chunks;
}

/** A line under a chunk block: a field (`Outcome: ...`) or a sub-task bullet. false: it is neither. */
function readChunkLine(current: Chunk, raw: string, line: number, notes: ImportNote[]): boolean {
  const field = raw.match(/^\s+(Outcome|Stream|Skills|Depends On|Estimate|Files)\s*:\s*(.*)$/i);
  if (field) {
    const value = plainText(field[2]!);
    const key = field[1]!.toLowerCase();
    if (key === 'outcome') current.outcome = value;
    else if (key === 'stream') current.stream = value;
    else if (key === 'skills')
      current.skills = value
        .split(/[,;]\s*/)
        .map((s) => s.trim())
        .filter(Boolean);
    else if (key === 'depends on') current.dependsOn = { text: value, line, col: raw.indexOf(field[2]!) + 1 };
    else notes.push({ line, message: `chunk '${current.title}': ${field[1]} is not mapped (${value})` });
    return true;
  }
  const bullet = raw.match(/^\s+[-*]\s+(?!\[[ xX]\])(.*)$/);
  if (bullet) {
    current.steps.push(plainText(bullet[1]!));
    return true;
  }
  return false;
}

/** Chunk tables and blocks describe the same chunks: merge them, in each phase, in the table's order. */
function mergeChunks(chunks: readonly Chunk[], phases: readonly Phase[]): Chunk[] {
  const merged: Chunk[] = [];
  for (const phase of [undefined, ...phases.map((p) => p.id)]) {
    const rows = chunks.filter((c) => c.phase === phase && c.fromTable);
    const blocks = chunks.filter((c) => c.phase === phase && !c.fromTable);
    const taken = new Set<Chunk>();
    for (const row of rows) {
      const match = blockOfRow(row, rows, blocks, taken);
      if (match) {
        taken.add(match);
        merged.push({
          ...row,
          ...definedOf(match),
          title: match.title,
          line: match.line,
          fromTable: false,
          dependsOn: match.dependsOn ?? row.dependsOn,
          stream: match.stream ?? row.stream,
          tableOutcome: row.tableOutcome,
        });
      } else merged.push(row);
    }
    for (const b of blocks) if (!taken.has(b)) merged.push(b);
  }
  return merged;
}

/** The block a table row describes: same title, one title a prefix of the other, most words shared, or the same place. */
function blockOfRow(row: Chunk, rows: readonly Chunk[], blocks: readonly Chunk[], taken: ReadonlySet<Chunk>): Chunk | undefined {
  return (
    blocks.find((b) => !taken.has(b) && normal(b.title) === normal(row.title)) ??
    blocks.find((b) => !taken.has(b) && (normal(b.title).startsWith(normal(row.title)) || normal(row.title).startsWith(normal(b.title)))) ??
    blocks.find((b) => !taken.has(b) && wordOverlap(b.title, row.title) >= 0.5) ??
    (rows.length === blocks.length ? blocks.find((b) => !taken.has(b) && blocks.indexOf(b) === rows.indexOf(row)) : undefined)
  );
}

/** The Work Streams table as plan streams (a folder `src/models/` owns `src/models/**`). */
function streamsOf(streamsTable: Table | null, notes: ImportNote[]): StreamsOf {
  const streams: StreamsOf = {};
  if (!streamsTable) return streams;
  const col = (name: string) => streamsTable.header.indexOf(name);
  for (const row of streamsTable.rows) {
    const name = plainText(row.cells[Math.max(0, col('stream'))] ?? '');
    if (!name) continue;
    const stream: { title?: string; owns?: string[]; skills?: string[] } = {};
    const responsibility = col('responsibility') >= 0 ? plainText(row.cells[col('responsibility')] ?? '') : '';
    if (responsibility) stream.title = responsibility;
    const owns = col('owns') >= 0 ? splitCell(row.cells[col('owns')] ?? '').map((p) => (p.endsWith('/') ? `${p}**` : p)) : [];
    if (owns.length) stream.owns = owns;
    const skills = col('skills') >= 0 ? splitCell(row.cells[col('skills')] ?? '') : [];
    if (skills.length) stream.skills = skills;
    const key = slug(name, 'stream');
    if (key !== name) notes.push({ line: row.line, message: `stream '${name}' is named '${key}' in the plan` });
    streams[key] = stream;
  }
  return streams;
}

type StreamKey = (name: string | undefined, line: number) => string | undefined;

/** A stream name as its plan key; without a Work Streams table every name makes a stream, with one an unknown name is an error. */
function streamKeyer(streams: StreamsOf, hasTable: boolean, found: Findings): StreamKey {
  return (name, line) => {
    if (!name) return undefined;
    const key = slug(name, 'stream');
    if (!streams[key]) {
      if (hasTable)
        found.diagnostics.push(
          error(found.file, line, 1, 'import-unknown-stream', `stream '${name}' is not in the Work Streams table (streams: ${Object.keys(streams).join(', ') || 'none'})`),
        );
      else streams[key] = {};
    }
    return key;
  };
}

function tasksOf(
  merged: readonly Chunk[],
  ids: ReadonlyMap<Chunk, string>,
  phases: readonly Phase[],
  streams: StreamsOf,
  streamKey: StreamKey,
  found: Findings,
): { tasks: ImportedTask[]; done: string[] } {
  const tasks: ImportedTask[] = [];
  const done: string[] = [];
  for (const chunk of merged) {
    const id = ids.get(chunk)!;
    const needs = needsOf(chunk, merged, ids, phases, found);
    const stream = streamKey(chunk.stream, chunk.line);
    const task = taskOf(chunk, id, needs, stream, stream ? (streams[stream]?.skills ?? []) : []);
    if (chunk.done) done.push(id);
    if (chunk.fromTable) found.notes.push({ line: chunk.line, message: `chunk '${chunk.title}' has a table row but no block: no steps or skills` });
    tasks.push(task);
  }
  return { tasks, done };
}

function taskOf(chunk: Chunk, id: string, needs: string[], stream: string | undefined, streamSkills: readonly string[]): ImportedTask {
  const skills = (chunk.skills ?? []).filter((s) => !streamSkills.includes(s));
  const outcome = chunk.outcome ?? chunk.tableOutcome;
  const files = pathsIn(chunk.steps.join('\n'));
  const task: ImportedTask = { id, title: chunk.title };
  if (outcome) task.description = outcome;
  if (stream) task.stream = stream;
  if (chunk.phase) task.phase = chunk.phase;
  if (needs.length) task.needs = needs;
  if (files.length) task.files = files;
  if (skills.length) task.skills = skills;
  if (chunk.steps.length) task.steps = chunk.steps;
  if (outcome) task.acceptance = [outcome];
  const comments: string[] = [];
  if (chunk.issue) comments.push(`tracked as ${chunk.issue}`);
  if (chunk.done) comments.push('done in the source ([x])');
  if (comments.length) task.comment = comments.join('; ');
  return task;
}

/**
 * A chunk's `Depends On` as task ids: `—` is nothing, `Phase 1` is an earlier phase (the barrier already
 * orders it), anything else names a chunk by slug or title.
 */
function needsOf(chunk: Chunk, merged: readonly Chunk[], ids: ReadonlyMap<Chunk, string>, phases: readonly Phase[], found: Findings): string[] {
  const needs: string[] = [];
  if (!chunk.dependsOn) return needs;
  const { line, col } = chunk.dependsOn;
  for (const part of chunk.dependsOn.text
    .split(/\s*[+,;&]\s*|\s+and\s+(?=phase\b)/i)
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (/^(—|–|-|none|n\/a|nothing)$/i.test(part)) continue;
    const phaseRef = part.match(/^(?:after\s+)?phase\s+(\d+[\w.]*)$/i);
    if (phaseRef) {
      const target = phases.find((p) => p.number === phaseRef[1]);
      if (!target) found.diagnostics.push(error(found.file, line, col, 'import-unknown-phase', `'${part}': there is no Phase ${phaseRef[1]} in this plan`));
      else if (phaseOrder(phases, target.id) >= phaseOrder(phases, chunk.phase))
        found.diagnostics.push(error(found.file, line, col, 'import-phase-order', `chunk '${chunk.title}' depends on ${part}, which is not an earlier phase`));
      // An earlier phase: the barrier between phases already orders them.
      continue;
    }
    const target = chunkNamed(part, chunk.phase, merged, ids);
    if (!target || target === chunk) {
      found.diagnostics.push(
        error(
          found.file,
          line,
          col,
          'import-unknown-chunk',
          `chunk '${chunk.title}' depends on '${part}', which names no chunk (chunks: ${merged.map((c) => ids.get(c)).join(', ')})`,
        ),
      );
      continue;
    }
    if (!needs.includes(ids.get(target)!)) needs.push(ids.get(target)!);
  }
  return needs;
}

/** The chunk a dependency names: by id or title, by prefix, or (in another phase) by most of its words. */
function chunkNamed(ref: string, phaseOfChunk: string | undefined, merged: readonly Chunk[], ids: ReadonlyMap<Chunk, string>): Chunk | undefined {
  const n = normal(ref);
  const s = slug(ref);
  return (
    merged.find((c) => ids.get(c) === s || normal(c.title) === n) ??
    merged.find((c) => normal(c.title).startsWith(n) || n.startsWith(normal(c.title))) ??
    merged.find((c) => c.phase !== phaseOfChunk && wordOverlap(c.title, ref) >= 0.6)
  );
}

/** The Communication table (From | To | When | What); `After Phase 1` in When becomes that phase. */
function communicationOf(communicationTable: Table | null, phases: readonly Phase[], streamKey: StreamKey, found: Findings): NonNullable<ImportedPlan['communication']> {
  const communication: NonNullable<ImportedPlan['communication']> = [];
  if (!communicationTable) return communication;
  const col = (name: string) => communicationTable.header.indexOf(name);
  for (const row of communicationTable.rows) {
    const cell = (name: string) => (col(name) >= 0 ? plainText(row.cells[col(name)] ?? '') : '');
    const from = cell('from');
    const to = cell('to');
    const what = cell('what');
    if (!from || !to || !what) {
      found.notes.push({ line: row.line, message: 'communication row without From, To and What, not mapped' });
      continue;
    }
    const entry: { from: string; to: string; after?: string; what: string } = { from: streamKey(from, row.line)!, to: streamKey(to, row.line)!, what };
    const when = cell('when');
    const after = when.match(/phase\s+(\d+[\w.]*)/i);
    if (after) {
      const target = phases.find((p) => p.number === after[1]);
      if (target) entry.after = target.id;
      else
        found.diagnostics.push(
          error(found.file, row.line, Math.max(1, row.raw.indexOf(when) + 1), 'import-unknown-phase', `'${when}': there is no Phase ${after[1]} in this plan`),
        );
    } else if (when) found.notes.push({ line: row.line, message: `communication '${what}': when '${when}' is not a phase; kept without \`after\`` });
    communication.push(entry);
  }
  return communication;
}

function definedOf(chunk: Chunk): Partial<Chunk> {
  return Object.fromEntries(Object.entries(chunk).filter(([, v]) => v !== undefined));
}

function phaseOrder(phases: ReadonlyArray<{ id: string }>, id: string | undefined): number {
  return id === undefined ? -1 : phases.findIndex((p) => p.id === id);
}

function splitCell(cell: string): string[] {
  return cell
    .split(/[,;]|\s+and\s+/)
    .map((s) => plainText(s))
    .filter(Boolean);
}

function wordOverlap(a: string, b: string): number {
  const wa = new Set(
    normal(a)
      .split(' ')
      .filter((w) => w.length > 2),
  );
  const wb = new Set(
    normal(b)
      .split(' ')
      .filter((w) => w.length > 2),
  );
  if (wa.size === 0 || wb.size === 0) return 0;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / Math.min(wa.size, wb.size);
}
