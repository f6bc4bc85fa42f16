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

/** Exit codes of DESIGN.md §3. */
export const ExitCode = {
  ok: 0,
  badArguments: 1,
  cycle: 3,
  resourceConflict: 4,
  invalidPlan: 5,
  cannotStart: 6,
  failedResumable: 7,
  failedNotResumable: 8,
  aborted: 9,
  stale: 10,
  /** `execplan integrate`: merging a stream branch conflicts (the merge was undone). */
  integrateConflict: 11,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes whose presence selects a more specific exit code than "invalid plan". */
const exitCodeByDiagnostic: Record<string, ExitCode> = {
  'dependency-cycle': ExitCode.cycle,
  'resource-over-capacity': ExitCode.resourceConflict,
};

/**
 * The exit code for a set of diagnostics: 0 without errors; otherwise invalid plan (5), unless every
 * error is a cycle (3) or an unresolvable resource conflict (4). Anything else wrong takes precedence,
 * because a plan that does not even parse cleanly is "invalid" first.
 */
export function exitCodeFor(diagnostics: readonly Diagnostic[]): ExitCode {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return ExitCode.ok;
  const specific = new Set(errors.map((d) => exitCodeByDiagnostic[d.code] ?? ExitCode.invalidPlan));
  if (specific.has(ExitCode.invalidPlan)) return ExitCode.invalidPlan;
  if (specific.has(ExitCode.cycle)) return ExitCode.cycle;
  return ExitCode.resourceConflict;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code} ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
