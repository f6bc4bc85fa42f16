/** dag.json (docs/scheduling.md): the dependency graph, its metrics and the excluded dependencies. */
import type { CompiledPlan, TaskTiming } from '../compiled.js';
import type { Diagnostic } from '../diagnostic.js';
import type { EdgeModel } from '../model.js';
import { dagContract, dagMetricsContract, edgeContract } from '../artifacts/contract.js';
import { conflictGroupsJson } from './conflicts-json.js';
import { printedWithGenerated } from './json.js';

// The records below are built with their keys in sorted order, the order dag.json prints them in, so
// the printer checks them instead of copying them (a 10,000-task plan has ~30,000 edges). An undefined
// value is left out of the text, as it always was.
function edgeJson(e: EdgeModel) {
  const { inferred, evidence } = edgeContract(e);
  return { confidence: e.confidence, evidence, from: e.from, inferred, isHard: e.hard, reason: e.reason ?? undefined, to: e.to, type: e.type };
}

/** graph.timing with the tasks in sorted order and each record's keys too. */
function timingJson(timing: Record<string, TaskTiming>): Record<string, TaskTiming> {
  const out: Record<string, TaskTiming> = {};
  for (const id of Object.keys(timing).sort()) {
    const t = timing[id]!;
    out[id] = { earliestFinish: t.earliestFinish, earliestStart: t.earliestStart, latestFinish: t.latestFinish, latestStart: t.latestStart, slack: t.slack };
  }
  return out;
}

/**
 * Where in the plan, as a path (`tasks.3.acceptance`), not a line and column: a committed artifact must
 * not change when a comment is added above the task.
 */
function diagnosticJson(d: Diagnostic) {
  return { code: d.code, message: d.message, path: d.path.join('.') };
}

export function renderDag(compiled: CompiledPlan, diagnostics: readonly Diagnostic[] = [], timestamp: string | null = null): string {
  const { graph, model } = compiled;
  const body = {
    ok: true,
    errors: diagnostics.filter((d) => d.severity === 'error').map(diagnosticJson),
    warnings: diagnostics.filter((d) => d.severity === 'warning').map(diagnosticJson),
    planId: model.name,
    metrics: { ...graph.metrics, ...dagMetricsContract(compiled) },
    topo_order: graph.topoOrder,
    layers: graph.layers,
    edges: graph.edges.map(edgeJson),
    reduced_edges: graph.reducedEdges,
    phase_barriers: graph.phaseBarriers,
    critical_path: graph.criticalPath,
    criticalPathHours: graph.criticalPathHours,
    timing: timingJson(graph.timing),
    softDeps: graph.softDeps.map(edgeJson),
    lowConfidenceDeps: graph.lowConfidenceDeps.map(edgeJson),
    file_conflicts: conflictGroupsJson(compiled.conflicts),
    // Cycles are errors that stop compilation before this file is written, so there is nothing to break.
    cycle_break_suggestions: [],
    ...dagContract(compiled),
  };
  return printedWithGenerated(body, timestamp);
}
