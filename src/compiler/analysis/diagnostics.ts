/** Analysis findings as diagnostics, placed on the first task (or stream) they name, like every other warning. */
import type { Diagnostic, PathSegment } from '../diagnostic.js';
import type { PlanModel } from '../model.js';
import { diagnosticAt, offsetOf, type SourceFile } from '../source.js';
import type { Finding } from './thresholds.js';

export function findingDiagnostics(findings: readonly Finding[], source: SourceFile, model: PlanModel): Diagnostic[] {
  // Positions in plan.yaml (not model order: a generated `X.tests` task shifts that); a finding about a
  // generated task points at the task that generated it.
  const taskIndex = new Map(model.source.tasks.map((t, i) => [t.id, i]));
  const written = (id: string) => taskIndex.get(id) ?? taskIndex.get(id.replace(/\.tests$/, ''));
  return findings
    .filter((f) => f.severity === 'warning')
    .map((f) => {
      const task = f.tasks.map(written).find((i) => i !== undefined);
      const path: PathSegment[] = task !== undefined ? ['tasks', task, 'id'] : f.streams.length ? ['streams', f.streams[0]!] : [];
      return diagnosticAt(source, offsetOf(source, path, path[0] === 'streams'), 'warning', f.code, f.message, path);
    });
}
