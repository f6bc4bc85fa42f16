/**
 * Plan.md and Decisions.md variables for the computed contract: schedule risk, criticality, resource
 * costs and waits, quality metrics and inferred dependencies. Numbers are rounded for reading; the JSON
 * artifacts keep them all.
 */
import { round } from '../rounding.js';
import type { CompiledPlan } from '../compiled.js';

/** Most rows of the criticality and near-duplicate tables. */
export const contractRowLimit = 10;

const pct = (x: number) => round(x * 100, 1);

export function contractPlanView(compiled: CompiledPlan) {
  const { risk, insights, quality, model, graph } = compiled;
  const titleOf = new Map(model.tasks.map((t) => [t.id, t.title]));
  const criticality = Object.entries(risk.criticality)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, contractRowLimit)
    .map(([id, index]) => ({ id, title: titleOf.get(id) ?? '', percent: pct(index) }));
  const inferred = model.edges.filter((e) => e.origin === 'interface').map((e) => ({ from: e.from, to: e.to, reason: e.reason, scheduled: e.scheduled }));
  return {
    risk: {
      runs: risk.runs,
      seed: risk.seed,
      uncertainTasks: risk.uncertainTasks,
      frontier: risk.frontier,
      waves: risk.waves,
      criticality,
      moreCritical: Math.max(0, Object.keys(risk.criticality).length - criticality.length),
    },
    bottlenecks: insights.resourceBottlenecks.map((b) => ({
      ...b,
      total: insights.resourceUtilization[b.resource]!.total_tasks,
      waves: insights.resourceUtilization[b.resource]!.waves_required,
    })),
    contentions: insights.contentions,
    quality: {
      verbFirst: pct(quality.verbFirstPct),
      evidence: pct(quality.evidenceCoveragePct),
      dependencyEvidence: pct(quality.dependencyEvidenceCoveragePct),
      density: round(graph.metrics.edgeDensity, 3),
      band: quality.edgeDensityBand,
      mece: quality.meceOverlaps.slice(0, contractRowLimit),
      meceCount: quality.meceOverlapSuspects,
    },
    inferredDeps: inferred,
  };
}

export function contractDecisionsView(compiled: CompiledPlan) {
  return { risk: compiled.risk, advantages: compiled.insights.advantages };
}
