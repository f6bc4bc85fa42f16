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
import { ExitCode, formatDiagnostic } from '../../compiler/diagnostic.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadConfig } from '../config.js';
import { printDiagnostics, validatePlanText } from '../plan-input.js';
import { readSpecFile, redactSpecText } from '../spec-input.js';
import { writeOneFile } from '../write-files.js';

const DEFAULT_ROUNDS = 2;

export const draftCommand: Command = {
  name: 'draft',
  summary: 'Ask a coding agent to write plan.yaml for a spec; validate it and feed errors back for repair',
  usage: 'execplan draft spec.md [--profile claude|codex|gemini|NAME] [-o plan.yaml] [--rounds N] [--model M] [--force] [--config FILE]',
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
      },
      1,
    );
    const spec = positionals[0];
    if (spec === undefined) throw new UsageError('name the spec to plan, e.g. execplan draft docs/spec.md');
    let rounds = DEFAULT_ROUNDS;
    if (values.rounds !== undefined) {
      if (!/^(0|[1-9][0-9]?)$/.test(values.rounds)) throw new UsageError(`--rounds takes a whole number from 0 to 99, got '${values.rounds}'`);
      rounds = Number(values.rounds);
    }
    const say = (line: string): void => io.stderr(`execplan draft: ${line}\n`);

    const outFile = values.output ?? 'plan.yaml';
    const outPath = path.resolve(io.cwd, outFile);
    if (existsSync(outPath) && !values.force) {
      say(`${outFile} exists; pass --force to overwrite it`);
      return ExitCode.badArguments;
    }
    // Checked before the agent is paid for: the plan could not be written there afterwards.
    const outDir = path.dirname(outPath);
    if (!(await stat(outDir).then((s) => s.isDirectory(), () => false))) {
      say(`cannot write ${outFile}: the directory ${path.relative(io.cwd, outDir) || '.'} does not exist`);
      return ExitCode.badArguments;
    }
    const read = await readSpecFile(io.cwd, spec);
    if (!read.ok) {
      say(read.message);
      return ExitCode.badArguments;
    }
    const { absolute: specAbsolute } = read;
    // The agent (often a hosted model) is sent the spec without its secrets.
    const { text: specText, warnings: secretWarnings } = redactSpecText(spec, read.text);
    for (const w of secretWarnings) io.stderr(`${w}\n`);

    const loaded = await loadConfig(outDir, values.config ? path.resolve(io.cwd, values.config) : undefined);
    if (loaded.diagnostics.length > 0) {
      printDiagnostics(io, loaded.diagnostics);
      return ExitCode.invalidPlan;
    }
    const profiles = resolveProfiles(loaded.config.profiles);
    const profileName = values.profile ?? loaded.config.default_profile ?? defaultProfileName;
    const profile = profiles[profileName];
    if (!profile) throw new UsageError(`unknown agent profile '${profileName}' (known: ${Object.keys(profiles).sort().join(', ')})`);
    const binary = profile.command[0]!;
    if (!findExecutable(binary, io.cwd, io.env.PATH)) {
      say(`agent command '${binary}' (profile ${profile.name}) not found on PATH: ${profile.installHint}`);
      return ExitCode.cannotStart;
    }

    // The plan names its spec relative to where plan.yaml lives.
    const specPath = path.relative(outDir, specAbsolute).split(path.sep).join('/');
    const result = await draftPlan({
      authoringPrompt: renderAuthoringPrompt({ specText, specPath }),
      profile,
      model: values.model ?? null,
      rounds,
      cwd: outDir,
      env: io.env,
      planFile: outFile,
      validate: async (text) => (await validatePlanText(outFile, text, outDir, loaded.config)).diagnostics,
      say,
      onLine: values.verbose ? (line) => io.stderr(`  | ${line}\n`) : undefined,
    });
    if (result.ok) {
      const text = draftHeader(specPath, profile.name, result.rounds.length) + result.yaml;
      const written = await writeOneFile(outPath, outFile, text);
      if (!written.ok) {
        // The agent's work is not thrown away: the plan goes to stdout.
        say(`${written.message}; the drafted plan follows on stdout`);
        io.stdout(text);
        return ExitCode.badArguments;
      }
      // Warnings, with positions in the file as written (the header shifts lines).
      printDiagnostics(io, (await validatePlanText(outFile, text, outDir, loaded.config)).diagnostics);
      io.stdout(`${outFile}: drafted by ${profile.name} and valid after ${result.rounds.length} round${result.rounds.length === 1 ? '' : 's'}\n`);
      return ExitCode.ok;
    }
    switch (result.reason) {
      case 'blocked':
        say(result.message);
        return ExitCode.cannotStart;
      case 'agent-failed':
        say(result.message);
        return ExitCode.failedNotResumable;
      case 'invalid': {
        // Keep the last answer for inspection; the diagnostics point into it. The real plan is untouched.
        const rejected = outFile.replace(/(\.ya?ml)?$/, '.rejected.yaml');
        const written = await writeOneFile(path.resolve(io.cwd, rejected), rejected, result.yaml);
        if (!written.ok) say(written.message);
        io.stderr(result.diagnostics.map((d) => formatDiagnostic({ ...d, file: rejected })).join('\n') + '\n');
        say(`no valid plan after ${result.rounds.length} round${result.rounds.length === 1 ? '' : 's'}; the last answer is in ${rejected}`);
        return ExitCode.invalidPlan;
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  },
};
