/**
 * The computed parts of the artifact contract as the JSON artifacts write them: schedule risk, simulation,
 * resource costs and contentions (waves.json), resource utilization, bottlenecks and quality metrics
 * (dag.json), and per task the evidence, interfaces, guidance, complexity and category (tasks.json).
 * Field names follow the T.A.S.K.S v3 artifact shapes; everything here is derived from CompiledPlan.
 */
import type { CompiledPlan } from '../compiled.js';
import type { EdgeModel, TaskModel } from '../model.js';
import type { CompletionEstimate } from '../schedule/risk.js';
import { sortBy } from '../sort-lists.js';

function completionJson(e: CompletionEstimate) {
  return { optimal_hours: e.optimalHours, p50_hours: e.p50Hours, p80_hours: e.p80Hours, p95_hours: e.p95Hours };
}

/** `inferred` on every edge: true for a dependency execplan added because the task consumes an interface. */
export function edgeContract(e: EdgeModel) {
  return { inferred: e.origin === 'interface', evidence: e.evidence.length > 0 ? e.evidence : undefined };
}

export function dagMetricsContract(compiled: CompiledPlan) {
  const q = compiled.quality;
  return {
    verbFirstPct: q.verbFirstPct,
    evidenceCoveragePct: q.evidenceCoveragePct,
    dependencyEvidenceCoveragePct: q.dependencyEvidenceCoveragePct,
    meceOverlapSuspects: q.meceOverlapSuspects,
    edgeDensityBand: q.edgeDensityBand,
    inferredEdges: compiled.model.edges.filter((e) => e.origin === 'interface').length,
    resourceUtilization: compiled.insights.resourceUtilization,
  };
}

export function dagContract(compiled: CompiledPlan) {
  return {
    resource_bottlenecks: compiled.insights.resourceBottlenecks,
    mece_overlaps: compiled.quality.meceOverlaps,
  };
}

export function waveBasedContract(compiled: CompiledPlan) {
  return { estimated_completion_time: completionJson(compiled.risk.waves) };
}

export function rollingFrontierContract(compiled: CompiledPlan) {
  const { risk, insights } = compiled;
  return {
    estimated_completion_time: completionJson(risk.frontier),
    monte_carlo: {
      runs: risk.runs,
      seed: risk.seed,
      uncertain_tasks: risk.uncertainTasks,
      method:
        'durations sampled from PERT beta (three-point estimates) or the neighbouring t-shirt sizes; each run replays the frontier schedule (launch priority, same constraints, the same hand-overs)',
    },
    criticality_index: risk.criticality,
    critical_resource_contentions: insights.contentions,
    execution_simulation: insights.simulation,
    advantages_over_wave_based: insights.advantages,
  };
}

/** The tasks kept apart from each task by avoid_concurrent_with, declared on either side, in plan order. */
export function avoidPartners(compiled: CompiledPlan): Map<string, string[]> {
  const { tasks } = compiled.model;
  const partners = new Map<string, Set<string>>(tasks.map((t) => [t.id, new Set<string>()]));
  for (const t of tasks) {
    for (const other of t.avoidConcurrentWith) {
      if (!partners.has(other) || other === t.id) continue;
      partners.get(t.id)!.add(other);
      partners.get(other)!.add(t.id);
    }
  }
  const index = new Map(tasks.map((t) => [t.id, t.index]));
  return new Map([...partners].map(([id, set]) => [id, sortBy([...set], (a, b) => index.get(a)! - index.get(b)!)]));
}

export function taskContract(t: TaskModel) {
  return {
    category: t.category,
    source_evidence: t.evidence,
    interfaces_produced: t.produces,
    interfaces_consumed: t.consumes,
    execution_guidance: t.guidance,
  };
}
