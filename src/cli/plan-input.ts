/** Finding and reading the plan file, and loading it with its config: the shared start of most commands. */
import { readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareDiagnostics, formatDiagnostic, hasErrors, type Diagnostic, type PathSegment } from '../compiler/diagnostic.js';
import { checkEvidenceQuotes, type SpecText } from '../compiler/evidence.js';
import { loadPlan, type LoadedPlanText, type PlanInvalid } from '../compiler/load.js';
import { diagnosticAt, limits, offsetOf, type SourceFile } from '../compiler/source.js';
import type { ResolvedSettings } from '../compiler/model.js';
import type { PlanAnalysis } from '../compiler/analysis/index.js';
import type { CompiledPlan } from '../compiler/compile.js';
import { scanSecrets } from '../secrets/index.js';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import type { Config } from '../types/config.js';
import type { CliIo } from './command.js';
import { configSettings, loadConfig } from './config.js';
import { readSpecFile } from './spec-input.js';
import { checkProjectFile, projectRoot, type SpecCheck } from '../project/files.js';

export interface PlanInput {
  /** As the user named it (used in diagnostics). */
  file: string;
  absolute: string;
  dir: string;
  text: string;
  /** The plan's `name`, once the plan has loaded: finding its state then needs no second parse of the text. */
  name?: string;
}

export async function readPlanFile(cwd: string, given: string | undefined): Promise<Result<PlanInput, FailureOf<'plan-unreadable'>>> {
  // `-` is the plan on stdin (`make-plan | execplan run -`).
  const fromStdin = given === '-';
  const file = fromStdin ? '<stdin>' : (given ?? 'plan.yaml');
  const absolute = fromStdin ? '/dev/stdin' : path.resolve(cwd, file);
  // /dev/stdin names fd 0, which may be a socket that cannot be opened by name: read the fd itself.
  const readsStdin = fromStdin || ['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0'].includes(absolute);
  const unreadable = (problem: 'missing' | 'directory' | 'unreadable', code?: string) =>
    err({ kind: 'plan-unreadable' as const, file, problem, defaulted: given === undefined, ...(code === undefined ? {} : { code }) });
  let info;
  try {
    info = readsStdin ? null : await stat(absolute);
  } catch {
    return unreadable('missing');
  }
  if (info?.isDirectory()) return unreadable('directory');
  let text: string;
  try {
    text = readsStdin ? await readStdin(limits.maxBytes + 1) : await readCapped(absolute, limits.maxBytes + 1);
  } catch (error) {
    return unreadable('unreadable', (error as NodeJS.ErrnoException).code ?? String(error));
  }
  // A plan that is not a file in a folder (stdin, a pipe, `<(make-plan)`, /dev/fd/N) has no folder of its
  // own: its state and working directory are the current folder, never /dev or /proc.
  const pseudo = readsStdin || !info?.isFile() || /^\/(dev|proc)\//.test(absolute);
  return ok({ file, absolute, dir: pseudo ? cwd : path.dirname(absolute), text });
}

/**
 * At most `max` bytes: a file over the size limit only needs to be recognised as too large, not loaded
 * whole. Read to the end rather than to the size stat reports, which is 0 for a pipe
 * (`execplan validate <(make-plan)`, /dev/stdin).
 */
async function readCapped(file: string, max: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < max) {
      const chunk = Buffer.alloc(Math.min(max - total, 1 << 20));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Stdin read through fd 0 itself: opening /dev/stdin fails (ENXIO) when stdin is a socket, as it is for a
 * child started by Node with input; a non-blocking stdin (EAGAIN) is waited for.
 */
async function readStdin(max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < max) {
    const chunk = Buffer.alloc(Math.min(max - total, 1 << 20));
    let bytesRead: number;
    try {
      bytesRead = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (code === 'EOF') break;
      throw error;
    }
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The front end plus the planning analysis: what validate, compile and draft's repair loop all see. */
export interface CheckedPlan extends LoadedPlanText {
  /** Null unless the caller asked for the schedule (LoadOptions.schedule) and the analysis ran. */
  compiled: CompiledPlan | null;
  analysis: PlanAnalysis | null;
}

export type CheckResult = Result<CheckedPlan, PlanInvalid>;

export interface LoadedPlan extends CheckedPlan {
  input: PlanInput;
  config: Config;
  configPath: string | null;
}

export type LoadPlanFailure = FailureOf<'plan-unreadable' | 'config-missing' | 'config-invalid'>;

/** What loading may do besides the front end. */
export interface LoadOptions {
  /** Spec documents outside the project that may be read anyway (--allow-outside), absolute. */
  allowOutside?: readonly string[];
  /**
   * False for commands that only read or change run state: they need no planning analysis. 'when-strict'
   * for `run`: it prints no warnings, so the analysis (a full compile) matters only when strict mode can
   * turn its findings into errors.
   */
  analyze?: boolean | 'when-strict';
  /**
   * True when the caller uses the compiled plan itself (compile's artifacts, a strict run): the analysis
   * then reads the full compile. Otherwise it reads compileForAnalysis (no schedules, no Monte Carlo),
   * which gives the same findings: validate reports what compile reports at a fraction of the cost.
   */
  schedule?: boolean;
  /**
   * False for a caller that reads only the errors (the commands that act on a run: they print no
   * warnings): the passes that can only ever warn (secrets written in the plan, evidence quotes against
   * the spec) are skipped. Every pass that can find an error still runs.
   */
  warnings?: boolean;
}

/** Reads plan + config and runs the front end. Diagnostics are returned, not printed. */
export async function loadPlanWithConfig(
  io: CliIo,
  given: string | undefined,
  overrides: Partial<ResolvedSettings> = {},
  configPath?: string,
  options: LoadOptions = {},
): Promise<Result<LoadedPlan, LoadPlanFailure | PlanInvalid>> {
  const read = await readPlanWithConfig(io, given, configPath);
  if (!read.ok) return read;
  return checkReadPlan(io, read.value, overrides, options);
}

/** The plan file's text and the config that applies to it, before the front end. */
export interface ReadPlan {
  input: PlanInput;
  config: Config;
  configPath: string | null;
}

/** Reads the plan file and finds and checks its config: what every load starts with. */
export async function readPlanWithConfig(io: CliIo, given: string | undefined, configPath?: string): Promise<Result<ReadPlan, LoadPlanFailure>> {
  const read = await readPlanFile(io.cwd, given);
  if (!read.ok) return read;
  if (configPath !== undefined) {
    const info = await stat(path.resolve(io.cwd, configPath)).catch(() => null);
    if (!info || info.isDirectory()) return err({ kind: 'config-missing', file: configPath, isDirectory: Boolean(info) });
  }
  const loadedConfig = await loadConfig(read.value.dir, configPath ? path.resolve(io.cwd, configPath) : undefined);
  if (loadedConfig.diagnostics.length > 0) return err({ kind: 'config-invalid', diagnostics: loadedConfig.diagnostics });
  return ok({ input: read.value, config: loadedConfig.config, configPath: loadedConfig.filepath });
}

/** The front end (and what `options` asks for) on a plan that has been read. */
export async function checkReadPlan(io: CliIo, read: ReadPlan, overrides: Partial<ResolvedSettings> = {}, options: LoadOptions = {}): Promise<Result<LoadedPlan, PlanInvalid>> {
  const result = await validatePlanText(read.input.file, read.input.text, read.input.dir, read.config, overrides, {
    ...options,
    allowOutside: (options.allowOutside ?? []).map((a) => path.resolve(io.cwd, a)),
  });
  if (!result.ok) return result;
  return ok({ ...result.value, input: { ...read.input, name: result.value.model.name }, config: read.config, configPath: read.configPath });
}

/**
 * The front end as `execplan validate` runs it on a plan text: the config's settings as a layer, then the
 * spec documents checked on disk (relative to `planDir`). `execplan draft` validates the agent's answers here.
 */
export async function validatePlanText(
  file: string,
  text: string,
  planDir: string,
  config: Config,
  overrides: Partial<ResolvedSettings> = {},
  options: LoadOptions = {},
): Promise<CheckResult> {
  const result = loadPlan(file, text, { config: configSettings(config), overrides });
  const loaded = result.ok ? result.value : result.error;
  const warnings = options.warnings !== false;
  if (loaded.plan && loaded.source) {
    const evidence = warnings ? checkEvidenceQuotes(loaded.source, loaded.plan, await readSpecs(loaded.plan.spec, planDir)) : [];
    loaded.diagnostics = [...loaded.diagnostics, ...(await missingSpecs(loaded.source, loaded.plan.spec, planDir, options.allowOutside ?? [])), ...evidence];
  }
  if (loaded.source && warnings) loaded.diagnostics = [...loaded.diagnostics, ...secretsInPlan(file, text)];
  loaded.diagnostics.sort(compareDiagnostics);
  if (!result.ok) return result;
  // A spec that breaks the project rules is an error: the plan is invalid (it would be sent to agents in full).
  if (hasErrors(loaded.diagnostics)) {
    return err({ kind: 'plan-invalid', diagnostics: loaded.diagnostics, file, source: result.value.source, plan: result.value.plan });
  }
  if (options.analyze === false || (options.analyze === 'when-strict' && !result.value.model.settings.strict)) return ok({ ...result.value, compiled: null, analysis: null });
  // One analysis for every command: the stream, decomposition and split/merge findings that compile
  // reports are part of what validate (and draft's repair loop) report, so none of them sees less.
  const { source, plan, model } = result.value;
  // Loaded here, not with this module: the commands that act on a run state skip the analysis, and a
  // run's start-up (it forks every task) should not pay for parsing modules it does not use.
  // (The full compiler, with its schedule modules, only when the caller uses the schedule.)
  const [{ findingDiagnostics }, { analyzePlan }, { reviewRules }, { contestedFiles }, { compileForAnalysis }, { analysisThresholds }] = await Promise.all([
    import('../compiler/analysis/diagnostics.js'),
    import('../compiler/analysis/index.js'),
    import('../compiler/analysis/review-rules.js'),
    import('./conflict-history.js'),
    import('../compiler/compile-analysis.js'),
    import('./analysis-config.js'),
  ]);
  // With the repository's conflict history, so validate warns about contested files as compile does.
  const contested = contestedFiles(planDir);
  const compiled = options.schedule ? (await import('../compiler/compile.js')).compilePlan(model, { contested }) : null;
  const analyzed = compiled ?? compileForAnalysis(model, { contested });
  const analysis = analyzePlan(analyzed, analysisThresholds(config));
  const review = reviewRules(source, analyzed, model.settings.strict);
  const diagnostics = [...result.value.diagnostics, ...findingDiagnostics(analysis.findings, source, model), ...review].sort(compareDiagnostics);
  // Strict mode's rules can reject a plan that loaded.
  if (hasErrors(diagnostics)) return err({ kind: 'plan-invalid', diagnostics, file, source, plan });
  return ok({ ...result.value, diagnostics, compiled, analysis });
}

/**
 * A secret written into the plan: artifacts show it as `[REDACTED:<kind>]`, but the plan itself is
 * committed, so it is pointed at (never printed) for the author to move into the environment.
 */
function secretsInPlan(file: string, text: string): Diagnostic[] {
  return scanSecrets(text).map((f) => ({
    file,
    line: f.line,
    col: f.column,
    severity: 'warning' as const,
    code: 'secret-in-plan',
    message: `a ${f.kind} (${f.preview}) is written in the plan; artifacts show it as [REDACTED:${f.kind}] but plan.yaml is committed as it is: read it from the environment instead`,
    path: [],
  }));
}

/** The spec documents as text, for the evidence check; none when one cannot be read (that is reported below). */
async function readSpecs(spec: string | string[] | undefined, planDir: string): Promise<SpecText[]> {
  if (spec === undefined) return [];
  const out: SpecText[] = [];
  for (const file of Array.isArray(spec) ? spec : [spec]) {
    const read = await readSpecFile(planDir, file);
    // A quote may sit in the spec that cannot be read (or may not be read): no check rather than a false warning.
    if (!read.ok) return [];
    out.push({ file, text: read.value.text });
  }
  return out;
}

/**
 * The compiler cannot look at the disk: spec documents are checked here. A missing one is a warning (agent
 * tasks will not start without it); one outside the project, not a regular file, too large or not text is
 * an error, because it would be sent to an agent in full.
 */
async function missingSpecs(source: SourceFile, spec: string | string[] | undefined, planDir: string, allowOutside: readonly string[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const { file, at, check } of specChecks(spec, planDir, allowOutside)) {
    if (check.ok) {
      if (check.outsideAllowed)
        out.push(
          diagnosticAt(
            source,
            offsetOf(source, at),
            'warning',
            'spec-outside-allowed',
            `spec '${file}' is outside the project; it is read and sent to agents because --allow-outside allows ${check.absolute}`,
            at,
          ),
        );
      continue;
    }
    if (specCheckIsWarning(check)) {
      out.push(
        diagnosticAt(
          source,
          offsetOf(source, at),
          'warning',
          'missing-spec',
          `spec '${file}' does not exist (paths are relative to the plan); agent tasks receive the spec in full and will not start without it`,
          at,
        ),
      );
    } else {
      out.push(diagnosticAt(source, offsetOf(source, at), 'error', check.code, check.message, at));
    }
  }
  return out;
}

/** Each spec document against the project rules, with where the plan names it. */
function specChecks(spec: string | string[] | undefined, planDir: string, allowOutside: readonly string[]): Array<{ file: string; at: PathSegment[]; check: SpecCheck }> {
  if (spec === undefined) return [];
  const root = projectRoot(planDir);
  return (Array.isArray(spec) ? spec : [spec]).map((file, i) => ({
    file,
    at: Array.isArray(spec) ? ['spec', i] : ['spec'],
    check: checkProjectFile(root, planDir, file, allowOutside),
  }));
}

/** A missing spec is a warning (agent tasks will not start without it); every other broken rule an error. */
const specCheckIsWarning = (check: SpecCheck) => check.ok || check.code === 'missing-spec';

/**
 * Whether the spec documents, as they are on disk now, make the plan invalid: the one check of the front
 * end that reads the disk, for a caller that has the plan's model from an earlier load (plan-cache.ts).
 * `allowOutside` absolute.
 */
export function specsBreakRules(spec: string | string[] | undefined, planDir: string, allowOutside: readonly string[]): boolean {
  return specChecks(spec, planDir, allowOutside).some(({ check }) => !specCheckIsWarning(check));
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], to: 'stdout' | 'stderr' = 'stderr'): void {
  if (diagnostics.length === 0) return;
  io[to](diagnostics.map(formatDiagnostic).join('\n') + '\n');
}
