/**
 * A deliberately naive CompiledPlan for the artifact tests while the scheduler's compilePlan is not on
 * main: ASAP timing over scheduled edges and phase barriers, waves = Kahn layers, frontier = earliest
 * starts. Replaced by compilePlan once it lands.
 */
import type { CompiledPlan } from '../../src/compiler/compiled.js';
import { loadPlan } from '../../src/compiler/load.js';
import type { PlanModel } from '../../src/compiler/model.js';

export function standInCompile(model: PlanModel): CompiledPlan {
  const edges = model.edges.filter((e) => e.scheduled);
  const preds = new Map(model.tasks.map((t) => [t.id, new Set<string>()]));
  for (const e of edges) preds.get(e.to)!.add(e.from);
  for (const t of model.tasks) {
    if (t.phaseIndex > 0) for (const o of model.tasks) if (o.phaseIndex >= 0 && o.phaseIndex < t.phaseIndex) preds.get(t.id)!.add(o.id);
  }
  const finish = new Map<string, number>();
  const start = new Map<string, number>();
  const layerOf = new Map<string, number>();
  const order: string[] = [];
  const via = new Map<string, string | null>();
  while (order.length < model.tasks.length) {
    for (const t of model.tasks) {
      if (finish.has(t.id) || ![...preds.get(t.id)!].every((p) => finish.has(p))) continue;
      let s = 0;
      let best: string | null = null;
      let layer = 0;
      for (const p of preds.get(t.id)!) {
        if (finish.get(p)! > s || best === null) { s = Math.max(s, finish.get(p)!); best = finish.get(p)! >= s ? p : best; }
        layer = Math.max(layer, layerOf.get(p)! + 1);
      }
      start.set(t.id, s);
      finish.set(t.id, s + t.hours);
      layerOf.set(t.id, layer);
      via.set(t.id, best);
      order.push(t.id);
    }
  }
  const end = model.tasks.reduce((m, t) => (finish.get(t.id)! > finish.get(m)! ? t.id : m), model.tasks[0]!.id);
  const criticalPath: string[] = [];
  for (let c: string | null = end; c; c = via.get(c) ?? null) criticalPath.unshift(c);
  const makespan = Math.max(0, ...finish.values());
  const layers: string[][] = [];
  for (const t of model.tasks) (layers[layerOf.get(t.id)!] ??= []).push(t.id);
  let at = 0;
  const waves = layers.map((tasks, i) => {
    const p50 = Math.max(...tasks.map((id) => model.tasks.find((t) => t.id === id)!.hours));
    const w = { waveNumber: i + 1, tasks, estimates: { p50Hours: p50, p80Hours: p50, p95Hours: p50 }, startHours: at, phases: [], resourceUsage: {}, deferred: [] };
    at += p50;
    return w;
  });
  const phaseBarriers = model.phases.slice(1).map((p, i) => ({ from: model.phases[i]!.id, to: p.id }));
  return {
    model,
    graph: {
      topoOrder: order,
      layers,
      edges,
      reducedEdges: edges.map((e) => [e.from, e.to] as [string, string]),
      softDeps: model.edges.filter((e) => !e.hard),
      lowConfidenceDeps: model.edges.filter((e) => e.hard && !e.scheduled),
      phaseBarriers,
      criticalPath,
      criticalPathHours: makespan,
      timing: Object.fromEntries(model.tasks.map((t) => [t.id, { earliestStart: start.get(t.id)!, earliestFinish: finish.get(t.id)!, latestStart: start.get(t.id)!, latestFinish: finish.get(t.id)!, slack: 0 }])),
      metrics: { minConfidenceApplied: model.settings.minConfidence, nodes: model.tasks.length, edges: edges.length, edgeDensity: 0, widthApprox: Math.max(...layers.map((l) => l.length)), widthMethod: 'kahn_layer_max', longestPath: layers.length, criticalPathHours: makespan, isolatedTasks: 0, keptByType: {}, droppedByType: {}, lowConfidenceEdgesExcluded: 0, softEdgesExcluded: 0, reducedEdges: edges.length, redundantEdges: 0, mutualExclusionEdges: 0, resourceConstrainedTasks: 0, phaseBarriers: phaseBarriers.length },
    },
    conflicts: [],
    waves: { maxWaveSize: model.settings.maxWaveSize, waveCapacity: model.settings.maxWaveSize, waves, totals: { p50Hours: at, p80Hours: at, p95Hours: at }, makespanHours: at },
    frontier: {
      schedule: model.tasks.map((t) => ({ task: t.id, start: start.get(t.id)!, finish: finish.get(t.id)! })).sort((a, b) => a.start - b.start),
      priority: order,
      initialFrontier: model.tasks.filter((t) => start.get(t.id) === 0).map((t) => t.id),
      maxConcurrencyLimit: model.settings.maxConcurrency,
      makespanHours: makespan,
      lowerBound: { hours: makespan, criticalPathHours: makespan, resourceHours: {}, concurrencyHours: 0, binding: 'critical path' },
      gap: 0,
      utilization: { concurrency: 0, resources: {} },
      averageConcurrency: 1,
      maxConcurrency: 1,
      optimizer: { method: 'none (stand-in)', seed: '0', budget: 0, schedulesEvaluated: 0, baselineMakespanHours: makespan },
    },
  };
}

/** loadPlan + standInCompile, failing loudly on an invalid plan (tests only). */
export function compileText(text: string, file = 'plan.yaml'): CompiledPlan {
  const loaded = loadPlan(file, text);
  if (!loaded.model) throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return standInCompile(loaded.model);
}
