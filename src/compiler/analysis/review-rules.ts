/**
 * The rules a plan must meet before it is accepted for review. Without strict mode only the gentle one
 * applies (a task without an estimate is counted as 1 h, said as a warning). With `settings.strict` or
 * `validate --strict` the hard-fail rules are errors (exit 5): too few estimates, a task no machine can
 * check, a mutual_exclusion dependency with no resource behind it, a secret quoted as evidence, an agent
 * task without boundaries; and the quality bands (edge density, verb-first titles) are warnings.
 * The quality figures are the compiled plan's own metrics, not computed a second time. Pure.
 */
import { scanSecrets } from '../../secrets/index.js';
import type { AnalysisInput } from '../compiled.js';
import { defaultTaskHours } from '../defaults.js';
import type { Diagnostic, PathSegment, Severity } from '../diagnostic.js';
import type { TaskModel } from '../model.js';
import { diagnosticAt, offsetOf, type SourceFile } from '../source.js';

/** At least this share of the written tasks carries an estimate (or a size) in strict mode. */
export const strictEstimateShare = 0.5;
/** Verb-first titles below this share are a strict-mode warning. */
export const strictVerbFirstShare = 0.8;

export function reviewRules(source: SourceFile, compiled: AnalysisInput, strict: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (severity, code, message, path) => out.push(diagnosticAt(source, offsetOf(source, path), severity, code, message, path));
  const byId = new Map(compiled.model.tasks.map((t) => [t.id, t]));
  estimateRules(compiled, byId, report, strict);
  if (!strict) return out;
  const written = compiled.model.source.tasks;
  written.forEach((task, i) => strictTaskRules(task, i, byId, report));
  qualityBandRules(compiled, report);
  return out;
}

type Report = (severity: Severity, code: string, message: string, path: PathSegment[]) => void;
type ById = ReadonlyMap<string, TaskModel>;
type WrittenTask = AnalysisInput['model']['source']['tasks'][number];

/** The gentle rule (a task without an estimate, always a warning) and, in strict mode, the share of estimates. */
function estimateRules(compiled: AnalysisInput, byId: ById, report: Report, strict: boolean): void {
  const written = compiled.model.source.tasks;
  let estimated = 0;
  written.forEach((task, i) => {
    const m = byId.get(task.id)!;
    if (m.durationSource === 'default') {
      report(
        'warning',
        'no-estimate',
        `task '${task.id}' has no estimate or size; it is scheduled as ${defaultTaskHours} h: give it an estimate (e.g. estimate: 2h) or a size (S, M, L)`,
        ['tasks', i, 'id'],
      );
    } else {
      estimated++;
    }
  });
  if (strict && written.length > 0 && estimated / written.length < strictEstimateShare) {
    report('error', 'strict-few-estimates', `only ${estimated} of ${written.length} tasks have an estimate or a size (strict mode needs at least ${strictEstimateShare * 100} %)`, [
      'tasks',
    ]);
  }
}

/** The hard-fail rules for one written task, in the order they are reported. */
function strictTaskRules(task: WrittenTask, i: number, byId: ById, report: Report): void {
  const m = byId.get(task.id)!;
  // A sentence guides a person or an agent; only a command or a file check can be run by execplan.
  if (!m.acceptance.some((a) => typeof a === 'object')) {
    report('error', 'strict-no-machine-check', `task '${task.id}' has no machine-verifiable acceptance check: add one such as { run: "npm test" } or { file: dist/app.js }`, [
      'tasks',
      i,
      m.acceptance.length ? 'acceptance' : 'id',
    ]);
  }
  if (m.kind === 'agent' && task.boundaries === undefined) {
    report('error', 'strict-no-boundaries', `agent task '${task.id}' has no boundaries: say its expected complexity, when it is done, and what it must not touch`, [
      'tasks',
      i,
      'id',
    ]);
  }
  secretsInEvidence(task, i, m, report);
  exclusionsWithoutResource(task, i, m, byId, report);
}

function secretsInEvidence(task: WrittenTask, i: number, m: TaskModel, report: Report): void {
  m.evidence.forEach((e, k) => {
    for (const f of scanSecrets(e.quote)) {
      const at: PathSegment[] = Array.isArray(task.evidence) ? ['tasks', i, 'evidence', k] : ['tasks', i, 'evidence'];
      report('error', 'strict-secret-in-evidence', `task '${task.id}' quotes a ${f.kind} (${f.preview}) as evidence: quote the requirement, not the secret`, at);
    }
  });
}

/** A mutual_exclusion dependency needs a resource both tasks use: that is what the scheduler can enforce. */
function exclusionsWithoutResource(task: WrittenTask, i: number, m: TaskModel, byId: ById, report: Report): void {
  (task.deps ?? []).forEach((d, k) => {
    if (d.type !== 'mutual_exclusion') return;
    const other = byId.get(d.task);
    if (!other) return;
    const shared = Object.keys(m.resources).filter((r) => (m.resources[r] ?? 0) > 0 && (other.resources[r] ?? 0) > 0);
    if (shared.length === 0) {
      report(
        'error',
        'strict-exclusion-without-resource',
        `'${task.id}' and '${d.task}' are mutually exclusive but share no resource: name the resource both use (resources: { db: 1 }) so the exclusion has a reason the scheduler can enforce`,
        ['tasks', i, 'deps', k, 'type'],
      );
    }
  });
}

/** The quality bands, warnings in strict mode: edge density and verb-first titles. */
function qualityBandRules(compiled: AnalysisInput, report: Report): void {
  const { model, quality } = compiled;
  const band = quality.edgeDensityBand;
  if (!band.within && model.tasks.length > 1) {
    report(
      'warning',
      'strict-edge-density',
      `edge density ${Math.round(compiled.graph.metrics.edgeDensity * 1000) / 1000} is outside ${band.min}–${band.max}: ${compiled.graph.metrics.edgeDensity < band.min ? 'tasks look unrelated (missing dependencies?)' : 'nearly everything depends on everything (over-constrained?)'}`,
      ['tasks'],
    );
  }
  if (quality.verbFirstPct < strictVerbFirstShare) {
    report(
      'warning',
      'strict-verb-first',
      `${Math.round(quality.verbFirstPct * 100)} % of task titles start with a verb (strict mode wants at least ${strictVerbFirstShare * 100} %): name tasks by what they do`,
      ['tasks'],
    );
  }
}
