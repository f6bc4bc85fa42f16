/**
 * Mermaid for Plan.md and `execplan graph`: the dependency graph (phases, then streams, as subgraphs;
 * critical path highlighted, soft and low-confidence dependencies dotted), a condensed phase/stream graph
 * for large plans, and a gantt of the frontier schedule. Node ids are generated (t0, t1, ...) so that task ids
 * with dots, dashes or Mermaid keywords (`end`) cannot break the diagram; labels are escaped.
 */
import type { CompiledPlan } from '../compiled.js';
import { round } from '../rounding.js';

/** Text safe inside a quoted Mermaid label. */
export function mermaidLabel(text: string, max = 48): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return short
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]+/g, ' ');
}

/** Mermaid (and so GitHub) refuses to render a diagram with more edges than this ("Edge limit exceeded"). */
export const mermaidMaxEdges = 500;

/** Arrows in a flowchart. */
export function mermaidEdgeCount(chart: string): number {
  return chart.split('\n').filter((line) => / -(->|\.->)/.test(line)).length;
}

const styles = ['classDef crit fill:#fde2e1,stroke:#c0392b,stroke-width:3px,color:#000', 'classDef task fill:#eef3fb,stroke:#4a6fa5,color:#000'];

/**
 * The dependency graph: tasks grouped by phase (a subgraph per phase, in plan order), and within a phase
 * by stream, so a reviewer sees the barriers first and who works on what second. With `phase`, only that
 * phase's tasks and the dependencies among them (Plan.md's per-phase graphs of a large plan; the
 * dependencies from earlier phases are in the overview and in each chunk's "Depends on").
 */
export function mermaidFlowchart(compiled: CompiledPlan, options: { phase?: string } = {}): string {
  const { model, graph } = compiled;
  const node = new Map(model.tasks.map((t, i) => [t.id, `t${i}`]));
  const shown = options.phase === undefined ? model.tasks : model.tasks.filter((t) => t.phase === options.phase);
  const critical = new Set(graph.criticalPath);
  const lines = ['flowchart LR'];
  // One phase drawn alone needs no phase box around it.
  taskDeclarations(compiled, shown, node, options.phase === undefined && model.phases.length > 0, lines);
  const critEdges = dependencyArrows(compiled, new Set(shown.map((t) => t.id)), node, lines);
  for (const style of styles) lines.push(`  ${style}`);
  const crit = shown.filter((t) => critical.has(t.id)).map((t) => node.get(t.id));
  const rest = shown.filter((t) => !critical.has(t.id)).map((t) => node.get(t.id));
  if (rest.length) lines.push(`  class ${rest.join(',')} task`);
  if (crit.length) lines.push(`  class ${crit.join(',')} crit`);
  if (critEdges.length) lines.push(`  linkStyle ${critEdges.join(',')} stroke:#c0392b,stroke-width:3px`);
  return lines.join('\n') + '\n';
}

type Tasks = CompiledPlan['model']['tasks'];

/** The task boxes: a subgraph per phase (when `phased`), within it one per stream, then the tasks without a stream. */
function taskDeclarations(compiled: CompiledPlan, shown: Tasks, node: ReadonlyMap<string, string>, phased: boolean, lines: string[]): void {
  const { model } = compiled;
  const decl = (t: Tasks[number]): string => `${node.get(t.id)}["${mermaidLabel(t.id)}<br/>${mermaidLabel(t.title, 40)} (${round(t.hours)} h)"]`;
  const streamIndex = new Map(model.streams.map((s, si) => [s.name, si]));
  /** Stream subgraphs (then tasks without a stream) of a set of tasks, indented, ids prefixed so nesting stays unique. */
  const byStream = (tasks: Tasks, prefix: string, indent: string) => {
    for (const s of model.streams) {
      const members = tasks.filter((t) => t.stream === s.name);
      if (members.length === 0) continue;
      lines.push(`${indent}subgraph ${prefix}s${streamIndex.get(s.name)}["stream: ${mermaidLabel(s.name)}"]`);
      // A subgraph with no arrow leaving it is laid out on its own, top to bottom unless told.
      lines.push(`${indent}  direction LR`);
      for (const t of members) lines.push(`${indent}  ${decl(t)}`);
      lines.push(`${indent}end`);
    }
    for (const t of tasks) if (t.stream === null) lines.push(`${indent}${decl(t)}`);
  };
  if (!phased) return byStream(shown, '', '  ');
  for (const p of model.phases) {
    const members = shown.filter((t) => t.phase === p.id);
    if (members.length === 0) continue;
    lines.push(`  subgraph p${p.index}["phase ${p.index + 1}: ${mermaidLabel(p.title)}"]`);
    byStream(members, `p${p.index}`, '    ');
    lines.push('  end');
  }
  byStream(
    shown.filter((t) => t.phase === null),
    'u',
    '  ',
  );
}

/**
 * The arrows among the shown tasks: the reduced dependencies, the critical-path steps the reduction
 * dropped or that cross a phase barrier, then soft and low-confidence ones (dotted). Returns the
 * numbers of the critical-path arrows, for their style.
 */
function dependencyArrows(compiled: CompiledPlan, inView: ReadonlySet<string>, node: ReadonlyMap<string, string>, lines: string[]): number[] {
  const { graph } = compiled;
  const critEdges: number[] = [];
  let index = 0;
  const both = (a: string, b: string) => inView.has(a) && inView.has(b);
  const nextOnPath = new Map<string, string>();
  // The first occurrence of a task on the path decides, as a search from the start would.
  for (let i = graph.criticalPath.length - 2; i >= 0; i--) nextOnPath.set(graph.criticalPath[i]!, graph.criticalPath[i + 1]!);
  const reduced = new Set<string>();
  for (const [from, to] of graph.reducedEdges) {
    reduced.add(`${from}\u0000${to}`);
    if (!both(from, to)) continue;
    lines.push(`  ${node.get(from)} --> ${node.get(to)}`);
    if (nextOnPath.get(from) === to) critEdges.push(index);
    index++;
  }
  const direct = new Set(graph.edges.map((e) => `${e.from}\u0000${e.to}`));
  for (let i = 0; i + 1 < graph.criticalPath.length; i++) {
    const a = graph.criticalPath[i]!;
    const b = graph.criticalPath[i + 1]!;
    if (!both(a, b) || reduced.has(`${a}\u0000${b}`)) continue;
    lines.push(`  ${node.get(a)} -->${direct.has(`${a}\u0000${b}`) ? '' : '|phase barrier|'} ${node.get(b)}`);
    critEdges.push(index++);
  }
  for (const e of [...graph.softDeps, ...graph.lowConfidenceDeps]) {
    if (!both(e.from, e.to)) continue;
    const label = e.hard ? `confidence ${e.confidence}` : 'soft';
    lines.push(`  ${node.get(e.from)} -.->|${label}| ${node.get(e.to)}`);
    index++;
  }
  return critEdges;
}

/** One node per (phase, stream) group with its task count and hours; edges carry dependency counts. */
export function mermaidCondensed(compiled: CompiledPlan): string {
  const { model, graph } = compiled;
  const critical = new Set(graph.criticalPath);
  const groupKey = (phase: string | null, stream: string | null) => `${phase ?? ''}\u0000${stream ?? ''}`;
  const groups = new Map<string, { id: string; phase: string | null; stream: string | null; tasks: number; hours: number; critical: boolean }>();
  for (const t of model.tasks) {
    const key = groupKey(t.phase, t.stream);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { id: `g${groups.size}`, phase: t.phase, stream: t.stream, tasks: 0, hours: 0, critical: false }));
    g.tasks++;
    g.hours += t.hours;
    if (critical.has(t.id)) g.critical = true;
  }
  const groupOf = new Map(model.tasks.map((t) => [t.id, groups.get(groupKey(t.phase, t.stream))!]));
  const lines = ['flowchart LR'];
  const label = (g: { stream: string | null; tasks: number; hours: number }) =>
    `"${mermaidLabel(g.stream ?? 'no stream')}<br/>${g.tasks} task${g.tasks === 1 ? '' : 's'}, ${round(g.hours)} h"`;
  const phases = [...model.phases.map((p) => p.id as string | null), null];
  phases.forEach((p, pi) => {
    const members = [...groups.values()].filter((g) => g.phase === p);
    if (members.length === 0) return;
    if (p === null) {
      for (const g of members) lines.push(`  ${g.id}[${label(g)}]`);
      return;
    }
    lines.push(`  subgraph p${pi}["phase ${pi + 1}: ${mermaidLabel(model.phases[pi]!.title)}"]`);
    for (const g of members) lines.push(`    ${g.id}[${label(g)}]`);
    lines.push('  end');
  });
  const counts = new Map<string, number>();
  for (const e of graph.edges) {
    const a = groupOf.get(e.from)!.id;
    const b = groupOf.get(e.to)!.id;
    if (a === b) continue;
    counts.set(`${a} ${b}`, (counts.get(`${a} ${b}`) ?? 0) + 1);
  }
  for (const [key, n] of [...counts.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const [a, b] = key.split(' ');
    lines.push(`  ${a} -->|${n}| ${b}`);
  }
  for (const barrier of graph.phaseBarriers) {
    const a = model.phases.findIndex((p) => p.id === barrier.from);
    const b = model.phases.findIndex((p) => p.id === barrier.to);
    lines.push(`  p${a} ==>|barrier| p${b}`);
  }
  lines.push(...styles.map((s) => `  ${s}`));
  const all = [...groups.values()];
  const crit = all.filter((g) => g.critical).map((g) => g.id);
  const rest = all.filter((g) => !g.critical).map((g) => g.id);
  if (rest.length) lines.push(`  class ${rest.join(',')} task`);
  if (crit.length) lines.push(`  class ${crit.join(',')} crit`);
  return lines.join('\n') + '\n';
}

/** Text safe as a gantt task name (`:` ends the name, `#` and `;` start comments/entities). */
function ganttName(text: string): string {
  return text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60) || 'task';
}

/**
 * Gantt keywords (case-insensitive, at the start of a line). A task `title`, `section` or `dateFormat`
 * would otherwise turn its bar into the diagram title, a section, or a date format that breaks every
 * bar after it.
 */
const ganttKeyword =
  /^(title|section|dateformat|axisformat|tickinterval|excludes|includes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|acctitle|accdescr|click|displaymode)\b/i;

function ganttTaskName(text: string): string {
  const name = ganttName(text);
  return ganttKeyword.test(name) ? `task ${name}` : name;
}

/**
 * Gantt bars are written as local date-times counted from 2000-01-01 00:00. Mermaid parses them in the
 * viewer's time zone and labels its axis in the same zone, so "03:00" on the axis means three hours in
 * wherever the page is read. (`dateFormat X` looked simpler, but mermaid 11 reads a bar's start in
 * milliseconds and its end in seconds with it, so every bar was drawn from 0.)
 */
export const GANTT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ss';
const ganttEpochMs = Date.UTC(2000, 0, 1);

/** Seconds after the schedule's start as a gantt date-time (computed in UTC, read by mermaid as local). */
function ganttTime(seconds: number): string {
  return new Date(ganttEpochMs + seconds * 1000).toISOString().slice(0, 19);
}

/** Gantt of the frontier schedule. Times are hours from the start, drawn on a clock that starts at 00:00. */
export function mermaidGantt(compiled: CompiledPlan): string {
  const { model, frontier, graph } = compiled;
  const critical = new Set(graph.criticalPath);
  const byId = new Map(model.tasks.map((t, i) => [t.id, { t, i }]));
  const days = frontier.makespanHours > 24;
  const lines = ['gantt', `  dateFormat ${GANTT_DATE_FORMAT}`, `  axisFormat ${days ? 'day %j %Hh' : '%H:%M'}`, '  todayMarker off'];
  const sectionOf = (id: string) => byId.get(id)!.t.stream ?? 'tasks';
  const sections = [...new Set(frontier.schedule.map((s) => sectionOf(s.task)))];
  for (const section of sections) {
    lines.push(`  section ${ganttName(section)}`);
    for (const s of frontier.schedule.filter((x) => sectionOf(x.task) === section)) {
      const { t, i } = byId.get(s.task)!;
      const start = Math.round(s.start * 3600);
      // A zero-length bar is invalid for Mermaid: give it one second.
      const end = Math.max(start + 1, Math.round(s.finish * 3600));
      lines.push(`  ${ganttTaskName(`${t.id} ${t.title}`)} :${critical.has(t.id) ? 'crit, ' : ''}t${i}, ${ganttTime(start)}, ${ganttTime(end)}`);
    }
  }
  return lines.join('\n') + '\n';
}
