/** dag.json (docs/scheduling.md): the dependency graph, its metrics and the excluded dependencies. */
import type { CompiledPlan } from '../compiled.js';
import type { Diagnostic } from '../diagnostic.js';
import type { EdgeModel } from '../model.js';
import { dagContract, dagMetricsContract, edgeContract } from '../artifacts/contract.js';
import { conflictGroupsJson } from './conflicts-json.js';
import { printedWithGenerated } from './json.js';

function edgeJson(e: EdgeModel) {
  return { from: e.from, to: e.to, type: e.type, confidence: e.confidence, isHard: e.hard, reason: e.reason ?? undefined, ...edgeContract(e) };
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
    timing: graph.timing,
    softDeps: graph.softDeps.map(edgeJson),
    lowConfidenceDeps: graph.lowConfidenceDeps.map(edgeJson),
    file_conflicts: conflictGroupsJson(compiled.conflicts),
    // Cycles are errors that stop compilation before this file is written, so there is nothing to break.
    cycle_break_suggestions: [],
    ...dagContract(compiled),
  };
  return printedWithGenerated(body, timestamp);
}
