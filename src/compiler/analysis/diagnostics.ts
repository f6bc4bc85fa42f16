/** Analysis findings as diagnostics, placed on the first task (or stream) they name, like every other warning. */
import type { Diagnostic, PathSegment } from '../diagnostic.js';
import type { PlanModel } from '../model.js';
import { diagnosticAt, offsetOf, type SourceFile } from '../source.js';
import type { Finding } from './thresholds.js';

export function findingDiagnostics(findings: readonly Finding[], source: SourceFile, model: PlanModel): Diagnostic[] {
  const taskIndex = new Map(model.tasks.map((t) => [t.id, t.index]));
  return findings
    .filter((f) => f.severity === 'warning')
    .map((f) => {
      const task = f.tasks.map((id) => taskIndex.get(id)).find((i) => i !== undefined);
      const path: PathSegment[] = task !== undefined ? ['tasks', task, 'id'] : f.streams.length ? ['streams', f.streams[0]!] : [];
      return diagnosticAt(source, offsetOf(source, path, path[0] === 'streams'), 'warning', f.code, f.message, path);
    });
}
