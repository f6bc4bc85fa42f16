/** A problem found in a plan, pointing at the node that causes it. Expected failures are values, never exceptions. */
export type Severity = 'error' | 'warning';

export type PathSegment = string | number;

export interface Diagnostic {
  /** The plan file as the user named it. */
  file: string;
  /** 1-based line and column of the offending node (1:1 when the whole file is at fault). */
  line: number;
  col: number;
  severity: Severity;
  /** Stable code, documented in docs/diagnostics.md. */
  code: string;
  message: string;
  /** Path of the offending node inside the plan, e.g. ['tasks', 3, 'needs', 0]. */
  path: PathSegment[];
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.line - b.line ||
    a.col - b.col ||
    (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code} ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
