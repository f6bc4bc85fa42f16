/**
 * execplan draft spec.md [--profile P] [-o plan.yaml] [--rounds N] [--model M] [--force] [--config FILE]:
 * an agent writes plan.yaml for the spec; execplan validates it and asks for repairs.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { renderAuthoringPrompt } from '../../authoring/prompt.js';
import { draftHeader, draftPlan } from '../../agents/draft.js';
import { defaultProfileName, resolveProfiles } from '../../agents/profiles.js';
import { findExecutable } from '../../agents/which.js';
import { loadDiagnostics } from '../../compiler/load.js';
import { err, ok } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { inventoryOption, inventoryText } from '../inventory-input.js';
import { planSizeDoubt } from '../../plan-edit/edit.js';
import { parse as parseYaml } from 'yaml';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadConfig } from '../config.js';
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
    let rounds = DEFAULT_ROUNDS;
    if (values.rounds !== undefined) {
      if (!/^(0|[1-9][0-9]?)$/.test(values.rounds)) throw new UsageError(`--rounds takes a whole number from 0 to 99, got '${values.rounds}'`);
      rounds = Number(values.rounds);
    }
    const say = (line: string): void => io.stderr(`execplan draft: ${line}\n`);

    const outFile = values.output ?? 'plan.yaml';
    const outPath = path.resolve(io.cwd, outFile);
    if (existsSync(outPath) && !values.force) return err({ kind: 'input-unusable', message: `${outFile} exists; pass --force to overwrite it` });
    // Checked before the agent is paid for: the plan could not be written there afterwards.
    const outDir = path.dirname(outPath);
    if (
      !(await stat(outDir).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    ) {
      return err({ kind: 'input-unusable', message: `cannot write ${outFile}: the directory ${path.relative(io.cwd, outDir) || '.'} does not exist` });
    }
    const read = await readSpecFile(io.cwd, spec);
    if (!read.ok) return read;
    // The prompt goes through the profile's secrets policy (redact, block or send) before the agent sees it.
    const { absolute: specAbsolute, text: specText } = read.value;

    const loaded = await loadConfig(outDir, values.config ? path.resolve(io.cwd, values.config) : undefined);
    if (loaded.diagnostics.length > 0) return err({ kind: 'config-invalid', diagnostics: loaded.diagnostics });
    const profiles = resolveProfiles(loaded.config.profiles);
    const profileName = values.profile ?? loaded.config.default_profile ?? defaultProfileName;
    const profile = profiles[profileName];
    if (!profile) throw new UsageError(`unknown agent profile '${profileName}' (known: ${Object.keys(profiles).sort().join(', ')})`);
    const binary = profile.command[0]!;
    if (!findExecutable(binary, io.cwd, io.env.PATH)) return err({ kind: 'agent-missing', binary, profile: profile.name, installHint: profile.installHint });

    // The plan names its spec relative to where plan.yaml lives.
    const specPath = path.relative(outDir, specAbsolute).split(path.sep).join('/');
    const result = await draftPlan({
      authoringPrompt: renderAuthoringPrompt({ specText, specPath, inventory: await inventoryText(outDir, values['no-inventory']) }),
      profile,
      model: values.model ?? null,
      rounds,
      cwd: outDir,
      env: io.env,
      planFile: outFile,
      validate: async (text) => loadDiagnostics(await validatePlanText(outFile, text, outDir, loaded.config)),
      say,
      onLine: values.verbose ? (line) => io.stderr(`  | ${line}\n`) : undefined,
    });
    if (result.ok) {
      const { yaml, rounds: used } = result.value;
      const text = draftHeader(specPath, profile.name, used.length) + yaml;
      const doubt = planSizeDoubt(taskCount(yaml), specText);
      if (doubt !== null && !values.yes) {
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
      printDiagnostics(io, loadDiagnostics(await validatePlanText(outFile, text, outDir, loaded.config)));
      io.stdout(`${outFile}: drafted by ${profile.name} and valid after ${used.length} round${used.length === 1 ? '' : 's'}\n`);
      return ok();
    }
    const failure = result.error;
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
  },
};

/** Tasks in a valid drafted plan (the loader has accepted it, so `tasks` is a list). */
function taskCount(yaml: string): number {
  const tasks = (parseYaml(yaml) as { tasks?: unknown } | null)?.tasks;
  return Array.isArray(tasks) ? tasks.length : 0;
}

/** Where an answer that was not written to the output is kept: `plan.yaml` -> `plan.rejected.yaml`. */
function rejectedFileOf(outFile: string): string {
  return outFile.replace(/(\.ya?ml)?$/, '.rejected.yaml');
}
