/**
 * Scope assessment: single-agent, multi-agent or decomposition-required, with a
 * confidence and the drivers behind it. The rules are deliberately simple and documented so a reviewer
 * can check them by hand:
 *  1. decomposition-required when total work > decompositionHours or tasks > decompositionTasks;
 *  2. single-agent when total work <= singleAgentMaxHours or parallelism (total / critical path) < minParallelism;
 *  3. multi-agent otherwise.
 * Confidence is high when the deciding signals agree clearly, medium when one is near its threshold,
 * and low when coupling signals (many cross-stream edges, high risk) argue against the recommendation.
 */
import type { AnalysisInput } from '../compiled.js';
import { round } from '../rounding.js';
import type { AnalysisThresholds } from './thresholds.js';

export type ScopeRecommendation = 'single-agent' | 'multi-agent' | 'decomposition-required';
export type Confidence = 'low' | 'medium' | 'high';

export interface ScopeDriver {
  name: string;
  value: number;
  note: string;
}

export interface ScopeAssessment {
  recommendation: ScopeRecommendation;
  confidence: Confidence;
  drivers: ScopeDriver[];
  /** One sentence per rule that decided, in order. */
  rationale: string[];
  /** Fast path: a single agent can take the whole plan without decomposition. */
  fastPath: boolean;
}

const lower = (c: Confidence): Confidence => (c === 'high' ? 'medium' : 'low');

export function assessScope(compiled: AnalysisInput, t: AnalysisThresholds): ScopeAssessment {
  const { model, graph } = compiled;
  const tasks = model.tasks.length;
  const totalHours = round(model.tasks.reduce((s, x) => s + x.hours, 0));
  const critical = graph.criticalPathHours;
  const parallelism = critical > 0 ? round(totalHours / critical) : 1;
  const streamOf = new Map(model.tasks.map((x) => [x.id, x.stream]));
  const usedStreams = new Set(model.tasks.map((x) => x.stream).filter((s): s is string => s !== null));
  const crossStream = graph.edges.filter((e) => {
    const a = streamOf.get(e.from);
    const b = streamOf.get(e.to);
    return a != null && b != null && a !== b;
  }).length;
  const highRisk = model.tasks.filter((x) => x.risk === 'high').length;
  const crossShare = graph.edges.length > 0 ? crossStream / graph.edges.length : 0;
  const drivers: ScopeDriver[] = [
    { name: 'tasks', value: tasks, note: `decomposition above ${t.decompositionTasks}` },
    { name: 'total_hours', value: totalHours, note: `single agent up to ${t.singleAgentMaxHours} h, decomposition above ${t.decompositionHours} h` },
    { name: 'critical_path_hours', value: round(critical), note: 'the shortest possible duration with unlimited agents' },
    { name: 'parallelism', value: parallelism, note: `total work / critical path; below ${t.minParallelism} parallel agents gain little` },
    { name: 'streams', value: usedStreams.size, note: 'streams that own at least one task' },
    { name: 'cross_stream_edges', value: crossStream, note: 'scheduled dependencies between tasks of different streams (integration points)' },
    { name: 'high_risk_tasks', value: highRisk, note: 'tasks marked risk: high' },
  ];
  const rationale: string[] = [];
  let recommendation: ScopeRecommendation;
  let confidence: Confidence;
  if (totalHours > t.decompositionHours || tasks > t.decompositionTasks) {
    recommendation = 'decomposition-required';
    const factor = Math.max(totalHours / t.decompositionHours, tasks / t.decompositionTasks);
    confidence = factor >= 1.5 ? 'high' : 'medium';
    rationale.push(
      `${totalHours} h in ${tasks} tasks exceeds one plan's limit (${t.decompositionHours} h or ${t.decompositionTasks} tasks): split the spec into several plans, one beads epic each.`,
    );
  } else if (totalHours <= t.singleAgentMaxHours || parallelism < t.minParallelism) {
    recommendation = 'single-agent';
    const small = totalHours <= t.singleAgentMaxHours;
    const serial = parallelism < t.minParallelism;
    confidence = small && serial ? 'high' : small && totalHours <= t.singleAgentMaxHours / 2 ? 'high' : 'medium';
    if (small) rationale.push(`${totalHours} h of work fits one agent (<= ${t.singleAgentMaxHours} h).`);
    if (serial)
      rationale.push(`Parallelism ${parallelism} (< ${t.minParallelism}): the critical path of ${round(critical)} h is most of the work, so extra agents would mostly wait.`);
    if (usedStreams.size >= 3) {
      confidence = lower(confidence);
      rationale.push(`${usedStreams.size} streams suggest separate areas of ownership, which lowers the confidence.`);
    }
  } else {
    recommendation = 'multi-agent';
    confidence = parallelism >= 2 * t.minParallelism && usedStreams.size >= 2 ? 'high' : 'medium';
    rationale.push(`Parallelism ${parallelism}: ${totalHours} h of work on a ${round(critical)} h critical path leaves room for parallel agents.`);
    if (usedStreams.size >= 2) rationale.push(`${usedStreams.size} streams give natural agent boundaries (one agent per stream).`);
    if (crossShare > 0.5) {
      confidence = lower(confidence);
      rationale.push(`${crossStream} of ${graph.edges.length} dependencies cross streams: the streams are tightly coupled, which lowers the confidence.`);
    }
    if (tasks > 0 && highRisk / tasks >= 0.3) {
      confidence = lower(confidence);
      rationale.push(`${highRisk} of ${tasks} tasks are high risk: parallel work multiplies integration risk, which lowers the confidence.`);
    }
  }
  return { recommendation, confidence, drivers, rationale, fastPath: recommendation === 'single-agent' && confidence === 'high' };
}
