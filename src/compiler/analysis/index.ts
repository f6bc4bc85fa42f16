/** The planning analysis of a compiled plan: scope, decomposition, streams, test strategy. Pure. */
import type { AnalysisInput } from '../compiled.js';
import { analyzeDecomposition, type DecompositionReport } from './decomposition.js';
import { assessScope, type ScopeAssessment } from './scope.js';
import { analyzeStreams, type StreamReport } from './streams.js';
import { recommendTestStrategies, type TestStrategyChoice } from './test-strategy.js';
import { resolveThresholds, type AnalysisThresholds, type Finding } from './thresholds.js';

export interface PlanAnalysis {
  thresholds: AnalysisThresholds;
  scope: ScopeAssessment;
  decomposition: DecompositionReport;
  streams: StreamReport;
  testStrategies: TestStrategyChoice[];
  /** Every finding, warnings first, then by code and message. */
  findings: Finding[];
}

export function analyzePlan(compiled: AnalysisInput, overrides: Partial<AnalysisThresholds> = {}): PlanAnalysis {
  const thresholds = resolveThresholds(overrides);
  const decomposition = analyzeDecomposition(compiled, thresholds);
  const streams = analyzeStreams(compiled);
  const contested = compiled.contested.map((c) => ({
    severity: 'warning' as const,
    code: 'contested-file',
    message: `${c.file} conflicted ${c.count} time${c.count === 1 ? '' : 's'} in earlier runs; ${c.tasks.join(', ')} touch it and are kept apart in both schedules`,
    tasks: c.tasks,
    streams: c.streams,
  }));
  const findings = [...decomposition.findings, ...streams.findings, ...contested].sort(
    (a, b) => (a.severity === b.severity ? 0 : a.severity === 'warning' ? -1 : 1) || cmp(a.code, b.code) || cmp(a.message, b.message),
  );
  return { thresholds, scope: assessScope(compiled, thresholds), decomposition, streams, testStrategies: recommendTestStrategies(compiled), findings };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export type { AnalysisThresholds, Finding } from './thresholds.js';
export { defaultThresholds } from './thresholds.js';
