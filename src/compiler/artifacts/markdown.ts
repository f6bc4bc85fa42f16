/**
 * Plan.md and Decisions.md: a view model computed here (numbers rounded, rows ready), laid out by the
 * nunjucks templates in templates/. The template text is passed in, so rendering stays pure.
 */
import { renderTemplate, type TemplateFilter } from '../../core/templates.js';
import { partList } from '../analysis/decomposition.js';
import type { FileConflicts } from '../compiled.js';
import { round } from '../rounding.js';
import { describeCheck } from './checks.js';
import type { ArtifactContext } from './context.js';
import { contractDecisionsView, contractPlanView } from './contract-view.js';
import { mermaidCondensed, mermaidEdgeCount, mermaidFlowchart, mermaidGantt, mermaidMaxEdges } from './mermaid.js';
import { resourceConflicts, taskSkills } from './tasks-json.js';
import type { CompiledPlan } from '../compiled.js';
import type { EdgeModel, TaskModel } from '../model.js';
import type { AnalysisThresholds } from '../analysis/thresholds.js';

export interface Templates {
  plan: string;
  decisions: string;
}

/**
 * User text on one Markdown line (a heading, a bullet): newlines would end the line, and a `<` that
 * opens a tag or comment (`<Button>`, `<!--`) would be taken as HTML and vanish on GitHub.
 */
function inline(value: string | number | boolean | null | undefined): string {
  // Most text has neither a newline nor a '<': the scans are skipped then (Plan.md runs this per cell).
  let text = String(value ?? '');
  if (text.includes('\n')) text = text.replace(/\s*\r?\n\s*/g, ' ');
  return text.includes('<') ? text.replace(/<(?=[A-Za-z/!?])/g, '&lt;') : text;
}

/** Markdown table cell: one line, no pipes. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  let text = String(value);
  if (text.includes('\\')) text = text.replace(/\\/g, '\\\\');
  if (text.includes('|')) text = text.replace(/\|/g, '\\|');
  return inline(text);
}

// Tenths of an hour read best; tiny tasks keep two decimals so they do not show as 0 h.
const hours = (v: number) => `${Math.abs(v) < 1 ? round(v, 2) : round(v, 1)} h`;

const filters: Record<string, TemplateFilter> = { cell, inline, parts: partList, hours };

/** Most task ids listed in one Markdown cell or bullet; the JSON artifacts always have them all. */
const listLimit = 12;

function shortList(ids: readonly string[]): string {
  return ids.length <= listLimit ? ids.join(', ') : `${ids.slice(0, listLimit).join(', ')} and ${ids.length - listLimit} more`;
}

export interface ConflictRow {
  /** The overlapping patterns, e.g. `src/a.ts` or `src/** ~ src/a.ts`. */
  files: string;
  fromDescription: boolean;
  /** Not files: a pair the plan declared with avoid_concurrent_with. */
  declared: boolean;
  /** Tasks holding either pattern, in plan order. */
  tasks: string[];
  tasksText: string;
  confidence: number;
  enforced: boolean;
  type: string;
}

/** Most overlap rows in Plan.md and Decisions.md; dag.json and tasks.json have them all. */
export const conflictRowLimit = 50;

/**
 * One row per pair of overlapping patterns, with the tasks holding them: a file touched by 30 tasks is one
 * row with 30 tasks, not 435 pairs. Rows are ordered by their first task in plan order, at most
 * conflictRowLimit of them.
 */
export function conflictRows(ctx: ArtifactContext): { rows: ConflictRow[]; more: number } {
  const { model, conflicts } = ctx.compiled;
  const { patterns } = conflicts;
  const index = new Map(model.tasks.map((t) => [t.id, t.index]));
  const first = (p: number) => index.get(patterns[p]!.tasks[0]!)!;
  const text = (p: number) => patterns[p]!.pattern;
  const files = (a: number, b: number) => (text(a) === text(b) ? text(a) : `${text(a)} ~ ${text(b)}`);
  const ordered = conflicts.overlaps
    .map((o) => ({ o, first: Math.min(first(o.a), first(o.b)), files: files(o.a, o.b) }))
    .sort((x, y) => x.first - y.first || (x.files < y.files ? -1 : x.files > y.files ? 1 : 0) || x.o.a - y.o.a || x.o.b - y.o.b);
  const rows = ordered.slice(0, conflictRowLimit).map(({ o, files }) => {
    const tasks = [...new Set([...patterns[o.a]!.tasks, ...patterns[o.b]!.tasks])].sort((a, b) => index.get(a)! - index.get(b)!);
    const fromDescription = patterns[o.a]!.source === 'description' || patterns[o.b]!.source === 'description';
    const declared = patterns[o.a]!.source === 'avoid_concurrent_with';
    return { files, fromDescription, declared, tasks, tasksText: shortList(tasks.map((t) => `\`${t}\``)), confidence: o.confidence, enforced: o.enforced, type: o.type };
  });
  return { rows, more: ordered.length - rows.length };
}

/**
 * Every warning the plan got (validate's and compile's are the same list), then the analysis' notes:
 * the count in the summary is the number of warnings a reviewer has to look at.
 */
function reviewFindings(ctx: ArtifactContext): { severity: string; code: string; message: string }[] {
  const notes = ctx.analysis.findings.filter((f) => f.severity !== 'warning');
  const warnings = ctx.warnings
    ? ctx.warnings.map((w) => ({ severity: 'warning', code: w.code, message: w.message }))
    : ctx.analysis.findings.filter((f) => f.severity === 'warning');
  return [...warnings, ...notes];
}

/** The summary table at the top of Plan.md: one row per fact a reviewer looks at first. */
function planSummary(ctx: ArtifactContext, findings: readonly { severity: string }[]): [string, string | number][] {
  const { compiled, analysis } = ctx;
  const { model, graph, waves, frontier, conflicts } = compiled;
  const total = model.tasks.reduce((s, t) => s + t.hours, 0);
  return [
    ['Tasks', model.tasks.length],
    ['Total work', `${round(total, 1)} h`],
    ['Critical path', `${round(graph.criticalPathHours, 1)} h (${graph.criticalPath.length} tasks)`],
    [
      'Rolling frontier makespan',
      `${round(frontier.makespanHours, 1)} h at up to ${frontier.maxConcurrencyLimit} at once (lower bound ${round(frontier.lowerBound.hours, 1)} h, gap ${round(frontier.gap * 100, 1)} %)`,
    ],
    ['Wave-based makespan', `${round(waves.makespanHours, 1)} h in ${waves.waves.length} waves (P80 ${round(waves.totals.p80Hours, 1)} h)`],
    ['Recommended model', model.settings.executionModel === 'rolling_frontier' ? 'rolling frontier' : 'wave-based'],
    ['Scope', `${analysis.scope.recommendation} (${analysis.scope.confidence} confidence)`],
    ['Dependencies', `${graph.edges.length} scheduled, ${graph.softDeps.length} soft, ${graph.lowConfidenceDeps.length} below confidence ${model.settings.minConfidence}`],
    ['Streams / phases / features', `${model.streams.length} / ${model.phases.length} / ${(model.source.features ?? []).length}`],
    ['Resources', model.resources.length ? model.resources.map((r) => `${r.name} (${r.capacity})`).join(', ') : 'none'],
    ['File conflicts', fileConflictSummary(conflicts)],
    // Only with a conflict history: a plan compiled elsewhere renders the same bytes as before.
    ...(compiled.contested.length
      ? [['Contested files', compiled.contested.map((c) => `${c.file} (${c.count} conflict${c.count === 1 ? '' : 's'}: ${c.tasks.join(', ')})`).join('; ')] as [string, string]]
      : []),
    ['Findings to review', `${findings.filter((f) => f.severity === 'warning').length} warnings`],
  ];
}

/** Which dependency graph Plan.md draws: every task, or condensed (per phase, by stream, or too many edges). */
function graphChoice(ctx: ArtifactContext) {
  const { compiled, analysis } = ctx;
  const { model } = compiled;
  // A large plan with phases: the phase-level overview here, and one graph per phase in its section.
  const perPhase = model.phases.length > 0 && model.tasks.length > analysis.thresholds.graphPerPhaseAbove;
  const full = perPhase || model.tasks.length > analysis.thresholds.condenseGraphAbove ? null : mermaidFlowchart(compiled);
  // A few dozen densely linked tasks can exceed what Mermaid renders: condensed too.
  const condensed = perPhase ? 'phases' : full === null ? 'tasks' : mermaidEdgeCount(full) > mermaidMaxEdges ? 'edges' : null;
  return { perPhase, condensed, graph: full !== null && condensed === null ? full : mermaidCondensed(compiled) };
}

/** Plan.md's schedule sections: the critical path, the waves, the Gantt chart and the frontier schedule. */
function scheduleView(ctx: ArtifactContext, byId: ReadonlyMap<string, TaskModel>, critical: ReadonlySet<string>) {
  const { compiled, analysis } = ctx;
  const { model, graph, waves, frontier } = compiled;
  return {
    criticalPath: graph.criticalPath.map((id) => ({
      id,
      title: byId.get(id)!.title,
      hours: byId.get(id)!.hours,
      stream: byId.get(id)!.stream,
      start: graph.timing[id]?.earliestStart ?? 0,
    })),
    criticalPathHours: graph.criticalPathHours,
    waves: waves.waves.map((w) => ({
      number: w.waveNumber,
      start: w.startHours,
      p50: w.estimates.p50Hours,
      p80: w.estimates.p80Hours,
      p95: w.estimates.p95Hours,
      tasks: w.tasks,
      phases: w.phases,
      deferred: w.deferred.map((d) => `${d.task} (${d.reason}${d.resource ? `: ${d.resource}` : ''}${d.conflictsWith ? `: ${d.conflictsWith.join(', ')}` : ''})`),
    })),
    gantt: model.tasks.length <= analysis.thresholds.condenseGraphAbove ? mermaidGantt(compiled) : null,
    frontierRows: frontier.schedule
      .map((s) => `| \`${s.task}\` | ${cell(byId.get(s.task)!.stream)} | ${round(s.start)} | ${round(s.finish)} | ${critical.has(s.task) ? 'yes' : ''} |`)
      .join('\n'),
    frontierFacts: {
      makespan: frontier.makespanHours,
      lowerBound: frontier.lowerBound.hours,
      binding: frontier.lowerBound.binding,
      averageConcurrency: round(frontier.averageConcurrency, 2),
      maxConcurrency: frontier.maxConcurrency,
      initial: frontier.initialFrontier,
      optimizer: frontier.optimizer,
    },
  };
}

/** Plan.md's streams and resources: who works where, and what the tasks hold. */
function streamsAndResourcesView(ctx: ArtifactContext) {
  const { compiled, analysis } = ctx;
  const { model, frontier } = compiled;
  const streams = new Map(model.streams.map((s) => [s.name, s]));
  const users = new Map<string, string[]>(model.resources.map((r) => [r.name, []]));
  for (const t of model.tasks) for (const [r, units] of Object.entries(t.resources)) if (units > 0) users.get(r)?.push(t.id);
  return {
    streams: analysis.streams.branches.map((b) => {
      const s = streams.get(b.stream)!;
      return { ...b, owns: s.owns, skills: s.skills, title: s.title };
    }),
    communication: analysis.streams.communication,
    resources: model.resources.map((r) => ({
      name: r.name,
      capacity: r.capacity,
      reason: r.reason,
      tasks: users.get(r.name)!,
      utilization: round((frontier.utilization.resources[r.name] ?? 0) * 100, 1),
    })),
    resourceConflicts: Object.entries(resourceConflicts(ctx)).map(([name, v]) => ({ name, ...(v as { resolution: string; suggested_order: string[]; rationale: string }) })),
  };
}

/** Plan.md's task lists: the risky tasks first (high, then medium), then every task. */
function tasksView(ctx: ArtifactContext, critical: ReadonlySet<string>) {
  const { model } = ctx.compiled;
  const tests = new Map(ctx.analysis.testStrategies.map((s) => [s.task, s]));
  return {
    risks: model.tasks
      .filter((t) => t.risk === 'high' || t.risk === 'medium')
      .sort((a, b) => (a.risk === b.risk ? a.index - b.index : a.risk === 'high' ? -1 : 1))
      .map((t) => ({ id: t.id, title: t.title, risk: t.risk, critical: critical.has(t.id), test: tests.get(t.id)!, acceptance: t.acceptance.map(describeCheck) })),
    taskRows: model.tasks
      .map((t) => {
        const test = tests.get(t.id)!;
        return `| \`${t.id}\` | ${cell(t.title)} | ${t.kind} | ${cell(t.stream)} | ${cell(t.phase)} | ${hours(t.hours)} | ${cell(t.risk)} | ${test.strategy}${test.source === 'recommended' ? '*' : ''} |`;
      })
      .join('\n'),
  };
}

export function planView(ctx: ArtifactContext) {
  const { compiled, analysis } = ctx;
  const { model, graph } = compiled;
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  const critical = new Set(graph.criticalPath);
  const findings = reviewFindings(ctx);
  const { perPhase, condensed, graph: chart } = graphChoice(ctx);
  const dependency = (e: EdgeModel) => ({ from: e.from, to: e.to, type: e.type, confidence: e.confidence, reason: e.reason });
  return {
    title: model.title,
    name: model.name,
    description: model.source.description ?? '',
    summary: planSummary(ctx, findings),
    scope: analysis.scope,
    graph: chart,
    condensed,
    condenseAbove: analysis.thresholds.condenseGraphAbove,
    perPhaseAbove: analysis.thresholds.graphPerPhaseAbove,
    chunkGroups: chunkGroups(compiled, analysis.thresholds, perPhase),
    maxEdges: mermaidMaxEdges,
    ...scheduleView(ctx, byId, critical),
    ...streamsAndResourcesView(ctx),
    ...fileConflictsView(ctx),
    ...tasksView(ctx, critical),
    softDeps: graph.softDeps.map(dependency),
    lowConfidenceDeps: graph.lowConfidenceDeps.map(dependency),
    minConfidence: model.settings.minConfidence,
    findings,
    merges: analysis.decomposition.merges,
    splits: analysis.decomposition.splits,
    timestamp: ctx.timestamp,
    version: ctx.version,
    ...contractPlanView(compiled),
  };
}

/** Per task: what its Plan.md checklist item says (outcome, stream, skills, dependencies, acceptance). */
function chunkMaker(compiled: CompiledPlan) {
  const { model, graph } = compiled;
  const critical = new Set(graph.criticalPath);
  const streams = new Map(model.streams.map((s) => [s.name, s]));
  const preds = new Map<string, string[]>(model.tasks.map((t) => [t.id, []]));
  for (const e of graph.edges) preds.get(e.to)!.push(e.from);
  const barrierBefore = new Map(graph.phaseBarriers.map((b) => [b.to, b.from]));
  const phaseTitle = new Map(model.phases.map((p) => [p.id, `Phase ${p.index + 1} (${p.title})`]));
  return (t: TaskModel) => {
    const s = t.stream === null ? undefined : streams.get(t.stream);
    const barrier = t.phase === null ? undefined : barrierBefore.get(t.phase);
    const dependsOn = [...(barrier === undefined ? [] : [phaseTitle.get(barrier)!]), ...preds.get(t.id)!.map((id) => `\`${id}\``)];
    const skills = taskSkills(model, t);
    const acceptance = t.acceptance.map(describeCheck);
    const dependsText = dependsOn.length ? shortList(dependsOn) : '';
    const facts = [
      t.description && `Outcome: ${t.description}`,
      s && `Stream: ${s.name}${s.title ? ` (${s.title})` : ''}`,
      skills.length > 0 && `Skills: ${skills.join(', ')}`,
      dependsText && `Depends on: ${dependsText}`,
      acceptance.length > 0 && `Done when: ${acceptance.join('; ')}`,
    ].filter((f): f is string => typeof f === 'string' && f !== '');
    return {
      id: t.id,
      title: t.title,
      outcome: t.description,
      // One line each under the checkbox: a backslash ends a line in Markdown without a new paragraph.
      facts: facts.map(inline).join('\\\n  '),
      stream: t.stream,
      streamTitle: s?.title ?? null,
      hours: t.hours,
      risk: t.risk,
      critical: critical.has(t.id),
      dependsOn: dependsText,
      steps: t.source.steps ?? [],
    };
  };
}

/** One phase's table of chunks (a row each) and its checklist (an item each), as the template prints them. */
function chunkTexts(chunks: ReturnType<ReturnType<typeof chunkMaker>>[]) {
  return {
    count: chunks.length,
    rows: chunks.map((c) => `| \`${c.id}\` ${cell(c.title)} | ${cell(c.stream)} | ${cell(c.outcome)} | ${cell(c.dependsOn)} |`).join('\n'),
    checklist: chunks
      .map(
        (c) =>
          `- [ ] **${inline(c.title)}** (\`${c.id}\`, ${hours(c.hours)}${c.risk ? `, ${c.risk} risk` : ''}${c.critical ? ', critical path' : ''})\n\n` +
          (c.facts ? `  ${c.facts}\n` : '') +
          (c.steps.length ? `\n${c.steps.map((step) => `  - [ ] ${inline(step)}\n`).join('')}` : '') +
          '\n',
      )
      .join(''),
  };
}

/**
 * Plan.md's per-phase sections, the chunks a reader of an execution plan expects: each phase with its
 * title, description and barrier, and each task as a checklist item with its outcome (the description),
 * stream, skills, dependencies, acceptance and sub-task checklist (`steps`). Tasks without a phase come
 * last; a plan without phases is one group.
 */
function chunkGroups(compiled: CompiledPlan, thresholds: AnalysisThresholds, perPhase: boolean) {
  const { model, graph } = compiled;
  const chunk = chunkMaker(compiled);
  const barrierBefore = new Map(graph.phaseBarriers.map((b) => [b.to, b.from]));
  const phaseTitle = new Map(model.phases.map((p) => [p.id, `Phase ${p.index + 1} (${p.title})`]));
  const byPhase = new Map<string | null, TaskModel[]>([...model.phases.map((p): [string, TaskModel[]] => [p.id, []]), [null, []]]);
  for (const t of model.tasks) byPhase.get(t.phase)?.push(t);
  const graphOf = (phase: string, size: number) => {
    if (!perPhase || size > thresholds.condenseGraphAbove) return null;
    const chart = mermaidFlowchart(compiled, { phase });
    return mermaidEdgeCount(chart) > mermaidMaxEdges ? null : chart;
  };
  const group = (heading: string, id: string, description: string, blockedBy: string, tasks: TaskModel[], chart: string | null) => ({
    heading,
    id,
    description,
    blockedBy,
    hours: tasks.reduce((sum, t) => sum + t.hours, 0),
    streams: [...new Set(tasks.map((t) => t.stream).filter((s): s is string => s !== null))],
    graph: chart,
    graphOmitted: perPhase && chart === null && id !== '',
    ...chunkTexts(tasks.map(chunk)),
  });
  const groups = model.phases
    .map((p) => {
      const tasks = byPhase.get(p.id)!;
      const barrier = barrierBefore.get(p.id);
      return group(`Phase ${p.index + 1}: ${p.title}`, p.id, p.description ?? '', barrier === undefined ? '' : phaseTitle.get(barrier)!, tasks, graphOf(p.id, tasks.length));
    })
    .filter((g) => g.count > 0);
  const loose = byPhase.get(null)!;
  if (loose.length > 0) groups.push(group(model.phases.length ? 'Tasks outside any phase' : 'Chunks', '', '', '', loose, null));
  return groups;
}

export function decisionsView(ctx: ArtifactContext) {
  const { compiled, analysis } = ctx;
  const { model, graph, waves, frontier } = compiled;
  const rolling = model.settings.executionModel === 'rolling_frontier';
  const faster = waves.makespanHours > 0 ? round((1 - frontier.makespanHours / waves.makespanHours) * 100, 1) : 0;
  const deferrals = waves.waves.flatMap((w) => w.deferred.map((d) => ({ wave: w.waveNumber, ...d })));
  const fromSize = model.tasks.filter((t) => t.durationSource === 'size');
  const fromDefault = model.tasks.filter((t) => t.durationSource === 'default');
  const fromPert = model.tasks.filter((t) => t.durationSource === 'pert');
  return {
    title: model.title,
    rolling,
    frontierHours: frontier.makespanHours,
    waveHours: waves.makespanHours,
    waveCount: waves.waves.length,
    faster,
    lowerBound: frontier.lowerBound,
    optimizer: frontier.optimizer,
    scope: analysis.scope,
    thresholds: analysis.thresholds,
    resourceConflicts: Object.entries(resourceConflicts(ctx)).map(([name, v]) => ({
      name,
      ...(v as { resolution: string; suggested_order: string[]; rationale: string; capacity: number }),
    })),
    ...fileConflictsView(ctx),
    deferrals: deferrals.slice(0, 50),
    moreDeferrals: Math.max(0, deferrals.length - 50),
    softDeps: graph.softDeps,
    lowConfidenceDeps: graph.lowConfidenceDeps,
    minConfidence: model.settings.minConfidence,
    redundantEdges: graph.metrics.redundantEdges,
    fromSize: fromSize.map((t) => `${t.id} (${t.source.size} = ${t.hours} h)`),
    fromDefault: fromDefault.map((t) => t.id),
    fromPert: fromPert.map((t) => `${t.id} (${t.pert.optimistic}/${t.pert.likely}/${t.pert.pessimistic} -> ${round(t.hours)} h)`),
    merges: analysis.decomposition.merges,
    splits: analysis.decomposition.splits,
    recommended: analysis.testStrategies.filter((s) => s.source === 'recommended'),
    branches: analysis.streams.branches,
    hasStreams: model.streams.length > 0,
    ...contractDecisionsView(compiled),
  };
}

export function renderPlanMd(ctx: ArtifactContext, templates: Templates): string {
  return tidy(renderTemplate('document', templates.plan, planView(ctx), filters));
}

export function renderDecisionsMd(ctx: ArtifactContext, templates: Templates): string {
  return tidy(renderTemplate('document', templates.decisions, decisionsView(ctx), filters));
}

/** At most one blank line in a row, exactly one newline at the end: stable, diff-friendly Markdown. */
function tidy(text: string): string {
  return (
    text
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

function fileConflictsView(ctx: ArtifactContext) {
  const { rows, more } = conflictRows(ctx);
  return { fileConflicts: rows, moreFileConflicts: more };
}

function fileConflictSummary(conflicts: FileConflicts): string {
  const { overlaps, groups } = conflicts;
  if (overlaps.length === 0) return 'none';
  const enforced = overlaps.filter((o) => o.enforced).length;
  return `${enforced} enforced, ${overlaps.length - enforced} reported overlapping pattern pairs in ${groups.length} group${groups.length === 1 ? '' : 's'}`;
}
