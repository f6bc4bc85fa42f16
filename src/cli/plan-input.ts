/** Finding and reading the plan file, and loading it with its config: the shared start of most commands. */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareDiagnostics, ExitCode, exitCodeFor, formatDiagnostic, type Diagnostic } from '../compiler/diagnostic.js';
import { loadPlan, type LoadResult } from '../compiler/load.js';
import { diagnosticAt, limits, offsetOf, type SourceFile } from '../compiler/source.js';
import type { ResolvedSettings } from '../compiler/model.js';
import type { Config } from '../types/config.js';
import type { CliIo } from './command.js';
import { configSettings, loadConfig } from './config.js';
import { checkProjectFile, projectRoot } from '../project/files.js';

export interface PlanInput {
  /** As the user named it (used in diagnostics). */
  file: string;
  absolute: string;
  dir: string;
  text: string;
}

export type ReadPlanResult = { ok: true; input: PlanInput } | { ok: false; message: string; exitCode: ExitCode };

export async function readPlanFile(cwd: string, given: string | undefined): Promise<ReadPlanResult> {
  const file = given ?? 'plan.yaml';
  const absolute = path.resolve(cwd, file);
  let info;
  try {
    info = await stat(absolute);
  } catch {
    const hint = given === undefined ? ' (no plan.yaml in this directory: pass a path, or run `execplan init`)' : '';
    return { ok: false, message: `${file}: no such file${hint}`, exitCode: ExitCode.badArguments };
  }
  if (info.isDirectory()) {
    return { ok: false, message: `${file} is a directory; pass the plan file (e.g. ${path.join(file, 'plan.yaml')})`, exitCode: ExitCode.badArguments };
  }
  let text: string;
  try {
    text = await readCapped(absolute, limits.maxBytes + 1);
  } catch (error) {
    return { ok: false, message: `${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, exitCode: ExitCode.badArguments };
  }
  return { ok: true, input: { file, absolute, dir: path.dirname(absolute), text } };
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

export interface LoadedPlan extends LoadResult {
  input: PlanInput;
  config: Config;
  configPath: string | null;
}

export type LoadPlanOutcome =
  | { ok: true; loaded: LoadedPlan }
  /** `file` and `code` say what `message` is about, for `--format json` (default: the plan, `no-plan`). */
  | { ok: false; exitCode: ExitCode; diagnostics: Diagnostic[]; message?: string; file?: string; code?: string };

/** Reads plan + config and runs the front end. Diagnostics are returned, not printed. */
export async function loadPlanWithConfig(io: CliIo, given: string | undefined, overrides: Partial<ResolvedSettings> = {}, configPath?: string, allowOutside: readonly string[] = []): Promise<LoadPlanOutcome> {
  const read = await readPlanFile(io.cwd, given);
  if (!read.ok) return { ok: false, exitCode: read.exitCode, diagnostics: [], message: read.message };
  if (configPath !== undefined) {
    const info = await stat(path.resolve(io.cwd, configPath)).catch(() => null);
    if (!info || info.isDirectory()) return { ok: false, exitCode: ExitCode.badArguments, diagnostics: [], file: configPath, code: 'no-config', message: `--config ${configPath}: ${info ? 'is a directory; name the config file' : 'no such file'}` };
  }
  const loadedConfig = await loadConfig(read.input.dir, configPath ? path.resolve(io.cwd, configPath) : undefined);
  if (loadedConfig.diagnostics.length > 0) {
    return { ok: false, exitCode: ExitCode.invalidPlan, diagnostics: loadedConfig.diagnostics };
  }
  const result = await validatePlanText(read.input.file, read.input.text, read.input.dir, loadedConfig.config, overrides, allowOutside.map((a) => path.resolve(io.cwd, a)));
  return { ok: true, loaded: { ...result, input: read.input, config: loadedConfig.config, configPath: loadedConfig.filepath } };
}

/**
 * The front end as `execplan validate` runs it on a plan text: the config's settings as a layer, then the
 * spec documents checked on disk (relative to `planDir`). `execplan draft` validates the agent's answers here.
 */
export async function validatePlanText(file: string, text: string, planDir: string, config: Config, overrides: Partial<ResolvedSettings> = {}, allowOutside: readonly string[] = []): Promise<LoadResult> {
  const result = loadPlan(file, text, { config: configSettings(config), overrides });
  if (result.plan && result.source) {
    result.diagnostics = [...result.diagnostics, ...(await missingSpecs(result.source, result.plan.spec, planDir, allowOutside))].sort(compareDiagnostics);
  }
  return result;
}

/**
 * The compiler cannot look at the disk: spec documents are checked here. A missing one is a warning (agent
 * tasks will not start without it); one outside the project, not a regular file, too large or not text is
 * an error, because it would be sent to an agent in full.
 */
async function missingSpecs(source: SourceFile, spec: string | string[] | undefined, planDir: string, allowOutside: readonly string[]): Promise<Diagnostic[]> {
  if (spec === undefined) return [];
  const list = Array.isArray(spec) ? spec : [spec];
  const root = projectRoot(planDir);
  const out: Diagnostic[] = [];
  for (const [i, file] of list.entries()) {
    const check = checkProjectFile(root, planDir, file, allowOutside);
    const at = Array.isArray(spec) ? ['spec', i] : ['spec'];
    if (check.ok) {
      if (check.outsideAllowed) out.push(diagnosticAt(source, offsetOf(source, at), 'warning', 'spec-outside-allowed', `spec '${file}' is outside the project; it is read and sent to agents because --allow-outside allows ${check.absolute}`, at));
      continue;
    }
    if (check.code === 'missing-spec') {
      out.push(diagnosticAt(source, offsetOf(source, at), 'warning', 'missing-spec', `spec '${file}' does not exist (paths are relative to the plan); agent tasks receive the spec in full and will not start without it`, at));
    } else {
      out.push(diagnosticAt(source, offsetOf(source, at), 'error', check.code, check.message, at));
    }
  }
  return out;
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], to: 'stdout' | 'stderr' = 'stderr'): void {
  if (diagnostics.length === 0) return;
  io[to](diagnostics.map(formatDiagnostic).join('\n') + '\n');
}

export { exitCodeFor };
