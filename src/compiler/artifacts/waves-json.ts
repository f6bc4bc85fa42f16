/** waves.json (docs/scheduling.md): the wave-based and rolling-frontier execution models. */
import type { CompiledPlan, Deferral, ScheduledTask } from '../compiled.js';
import { rollingFrontierContract, waveBasedContract } from '../artifacts/contract.js';
import { printedWithGenerated } from './json.js';

// Built with the keys in sorted order, the order waves.json prints them in, so the printer checks these
// records instead of copying them (one per task); an absent optional key stays absent from the text.
function deferralJson(d: Deferral): Deferral {
  return { conflictsWith: d.conflictsWith, reason: d.reason, resource: d.resource, task: d.task };
}

export function renderWaves(compiled: CompiledPlan, timestamp: string | null = null): string {
  const { waves, frontier, model } = compiled;
  const body = {
    planId: model.name,
    execution_models: {
      wave_based: {
        config: { maxWaveSize: waves.maxWaveSize, waveCapacity: waves.waveCapacity, barrier: { kind: 'all' } },
        waves: waves.waves.map((w) => ({
          waveNumber: w.waveNumber,
          tasks: w.tasks,
          estimates: { units: 'hours', ...w.estimates },
          startHours: w.startHours,
          phases: w.phases,
          resource_usage: w.resourceUsage,
          deferred: w.deferred.map(deferralJson),
        })),
        total_waves: waves.waves.length,
        makespan_hours: waves.makespanHours,
        estimated_completion: { p50_hours: waves.totals.p50Hours, p80_hours: waves.totals.p80Hours, p95_hours: waves.totals.p95Hours },
        ...waveBasedContract(compiled),
      },
      rolling_frontier: {
        config: {
          max_concurrent_tasks: frontier.maxConcurrencyLimit,
          scheduling_algorithm: frontier.optimizer.schedulesEvaluated > 0 ? 'rcpsp_ga_justified' : 'parallel_sgs_lft',
          frontier_update_policy: 'immediate',
        },
        initial_frontier: frontier.initialFrontier,
        priority: frontier.priority,
        schedule: frontier.schedule.map((t): ScheduledTask => ({ finish: t.finish, start: t.start, task: t.task })),
        makespan_hours: frontier.makespanHours,
        lower_bound_hours: frontier.lowerBound.hours,
        lower_bound: {
          binding: frontier.lowerBound.binding,
          critical_path_hours: frontier.lowerBound.criticalPathHours,
          concurrency_hours: frontier.lowerBound.concurrencyHours,
          resource_hours: frontier.lowerBound.resourceHours,
          files_hours: frontier.lowerBound.filesHours,
        },
        gap: frontier.gap,
        utilization: frontier.utilization,
        average_concurrency: frontier.averageConcurrency,
        max_concurrency: frontier.maxConcurrency,
        optimizer: {
          method: frontier.optimizer.method,
          seed: frontier.optimizer.seed,
          budget: frontier.optimizer.budget,
          schedules_evaluated: frontier.optimizer.schedulesEvaluated,
          baseline_makespan_hours: frontier.optimizer.baselineMakespanHours,
        },
        speedup_vs_waves: waves.makespanHours > 0 ? Math.round((1 - frontier.makespanHours / waves.makespanHours) * 1e4) / 1e4 : 0,
        ...rollingFrontierContract(compiled),
      },
    },
  };
  return printedWithGenerated(body, timestamp);
}
