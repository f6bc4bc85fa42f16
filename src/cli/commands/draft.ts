/**
 * execplan draft spec.md [--profile P] [-o plan.yaml] [--rounds N] [--model M] [--force] [--config FILE]:
 * an agent writes plan.yaml for the spec; execplan validates it and asks for repairs.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { renderAuthoringPrompt } from '../../authoring/prompt.js';
import { draftHeader, draftPlan } from '../../agents/draft.js';
import { defaultProfileName, resolveProfiles, type AgentProfile } from '../../agents/profiles.js';
import { findExecutable } from '../../agents/which.js';
import { loadDiagnostics } from '../../compiler/load.js';
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { inventoryOption, inventoryText } from '../inventory-input.js';
import { planSizeDoubt } from '../../plan-edit/edit.js';
import { parse as parseYaml } from 'yaml';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { loadConfig, type LoadedConfig } from '../config.js';
import { printDiagnostics, validatePlanText } from '../plan-input.js';
import { readSpecFile } from '../spec-input.js';
import { writeOneFile } from '../write-files.js';
import { draftSingle } from './assess.js';

const DEFAULT_ROUNDS = 2;

export const draftCommand: Command = {
  name: 'draft',
  summary: 'Ask a coding agent to write plan.yaml for a spec; validate it and feed errors back for repair',
  usage: 'execplan draft spec.md [--profile claude|codex|gemini|NAME] [-o plan.yaml] [--rounds N] [--model M] [--force] [--config FILE] [--no-inventory] [--single] [--yes]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        profile: { type: 'string' },
        output: { type: 'string', short: 'o' },
        rounds: { type: 'string' },
        model: { type: 'string' },
        force: { type: 'boolean', default: false },
        config: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        single: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        ...inventoryOption,
      },
      1,
    );
    const spec = positionals[0];
    if (spec === undefined) throw new UsageError('name the spec to plan, e.g. execplan draft docs/spec.md');
    // The fast path for small work: assess the spec, then one task that carries all of it.
    if (values.single) return draftSingle(io, spec, values);
    const rounds = roundsOf(values.rounds);
    const say = (line: string): void => io.stderr(`execplan draft: ${line}\n`);
    const outFile = values.output ?? 'plan.yaml';
    const output = await checkOutput(io, outFile, values.force);
    if (!output.ok) return output;
    const { outPath, outDir } = output.value;
    const read = await readSpecFile(io.cwd, spec);
    if (!read.ok) return read;
    // The prompt goes through the profile's secrets policy (redact, block or send) before the agent sees it.
    const { absolute: specAbsolute, text: specText } = read.value;
    const loaded = await loadConfig(outDir, values.config ? path.resolve(io.cwd, values.config) : undefined);
    if (loaded.diagnostics.length > 0) return err({ kind: 'config-invalid', diagnostics: loaded.diagnostics });
    const profile = pickProfile(io, loaded.config, values.profile);
    if (!profile.ok) return profile;
    // The plan names its spec relative to where plan.yaml lives.
    const specPath = path.relative(outDir, specAbsolute).split(path.sep).join('/');
    const result = await draftPlan({
      authoringPrompt: renderAuthoringPrompt({ specText, specPath, inventory: await inventoryText(outDir, values['no-inventory']) }),
      profile: profile.value,
      model: values.model ?? null,
      rounds,
      cwd: outDir,
      env: io.env,
      planFile: outFile,
      validate: async (text) => loadDiagnostics(await validatePlanText(outFile, text, outDir, loaded.config)),
      say,
      onLine: values.verbose ? (line) => io.stderr(`  | ${line}\n`) : undefined,
    });
    const target: Target = { outFile, outPath, outDir, config: loaded.config };
    if (result.ok)
      return writeDraft(
        io,
        target,
        draftHeader(specPath, profile.value.name, result.value.rounds.length) + result.value.yaml,
        result.value,
        specText,
        profile.value.name,
        values.yes,
      );
    return draftFailure(io, target, result.error, say);
  },
};

type DraftOutcome = Awaited<ReturnType<typeof draftPlan>>;

/** Where the drafted plan goes, and the config it is validated with. */
interface Target {
  outFile: string;
  outPath: string;
  outDir: string;
  config: LoadedConfig['config'];
}

function roundsOf(flag: string | undefined): number {
  if (flag === undefined) return DEFAULT_ROUNDS;
  if (!/^(0|[1-9][0-9]?)$/.test(flag)) throw new UsageError(`--rounds takes a whole number from 0 to 99, got '${flag}'`);
  return Number(flag);
}

/** Checked before the agent is paid for: the plan could not be written there afterwards. */
async function checkOutput(io: CliIo, outFile: string, force: boolean): Promise<Result<{ outPath: string; outDir: string }, Failure>> {
  const outPath = path.resolve(io.cwd, outFile);
  if (existsSync(outPath) && !force) return err({ kind: 'input-unusable', message: `${outFile} exists; pass --force to overwrite it` });
  const outDir = path.dirname(outPath);
  const isDirectory = await stat(outDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) return err({ kind: 'input-unusable', message: `cannot write ${outFile}: the directory ${path.relative(io.cwd, outDir) || '.'} does not exist` });
  return ok({ outPath, outDir });
}

/** The agent profile asked for (or the config's default), if its program is installed. */
function pickProfile(io: CliIo, config: LoadedConfig['config'], wanted: string | undefined): Result<AgentProfile, Failure> {
  const profiles = resolveProfiles(config.profiles);
  const profileName = wanted ?? config.default_profile ?? defaultProfileName;
  const profile = profiles[profileName];
  if (!profile) throw new UsageError(`unknown agent profile '${profileName}' (known: ${Object.keys(profiles).sort().join(', ')})`);
  const binary = profile.command[0]!;
  if (!findExecutable(binary, io.cwd, io.env.PATH)) return err({ kind: 'agent-missing', binary, profile: profile.name, installHint: profile.installHint });
  return ok(profile);
}

/** A valid plan: asked about when its size looks wrong for the spec, else written (or shown on stdout when it cannot be). */
async function writeDraft(
  io: CliIo,
  { outFile, outPath, outDir, config }: Target,
  text: string,
  drafted: Extract<DraftOutcome, { ok: true }>['value'],
  specText: string,
  profileName: string,
  yes: boolean,
): Promise<CommandResult> {
  const used = drafted.rounds;
  const doubt = planSizeDoubt(taskCount(drafted.yaml), specText);
  if (doubt !== null && !yes) {
    // The answer was paid for: keep it beside the output instead of throwing it away.
    const kept = rejectedFileOf(outFile);
    const written = await writeOneFile(path.resolve(io.cwd, kept), kept, text);
    const where = written.ok ? `the plan is in ${kept}; rename it to ${outFile} to keep it, or` : `${written.error.message};`;
    return err({ kind: 'unconfirmed', message: `are you sure? ${doubt}. Nothing was written to ${outFile}: ${where} run again with --yes` });
  }
  const written = await writeOneFile(outPath, outFile, text);
  if (!written.ok) {
    // The agent's work is not thrown away: the plan goes to stdout.
    io.stdout(text);
    return err({ ...written.error, planOnStdout: true });
  }
  // Warnings, with positions in the file as written (the header shifts lines).
  printDiagnostics(io, loadDiagnostics(await validatePlanText(outFile, text, outDir, config)));
  io.stdout(`${outFile}: drafted by ${profileName} and valid after ${used.length} round${used.length === 1 ? '' : 's'}\n`);
  return ok();
}

async function draftFailure(io: CliIo, { outFile }: Target, failure: Extract<DraftOutcome, { ok: false }>['error'], say: (line: string) => void): Promise<CommandResult> {
  switch (failure.kind) {
    case 'agent-blocked':
      return err({ kind: 'agent-blocked', notice: failure.notice });
    case 'agent-failed':
      return err({ kind: 'agent-failed', message: failure.message });
    case 'invalid': {
      // Keep the last answer for inspection; the diagnostics point into it. The real plan is untouched.
      const rejected = rejectedFileOf(outFile);
      const written = await writeOneFile(path.resolve(io.cwd, rejected), rejected, failure.yaml);
      if (!written.ok) say(written.error.message);
      return err({ kind: 'draft-invalid', rejectedFile: rejected, diagnostics: failure.diagnostics, rounds: failure.rounds.length });
    }
    default:
      return unreachable(failure, 'draft failure');
  }
}

/** Tasks in a valid drafted plan (the loader has accepted it, so `tasks` is a list). */
function taskCount(yaml: string): number {
  const tasks = (parseYaml(yaml) as { tasks?: unknown } | null)?.tasks;
  return Array.isArray(tasks) ? tasks.length : 0;
}

/** Where an answer that was not written to the output is kept: `plan.yaml` -> `plan.rejected.yaml`. */
function rejectedFileOf(outFile: string): string {
  return outFile.replace(/(\.ya?ml)?$/, '.rejected.yaml');
}
