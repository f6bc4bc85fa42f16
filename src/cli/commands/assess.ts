/**
 * execplan assess spec.md [--profile P] [--json]: the scope of a spec before any plan exists, from a coding
 * agent answering in a JSON schema. Also the `execplan draft --single` fast path: a one-task plan when
 * one agent can do it all.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { assessSpec, renderAssessment, renderAssessPrompt, singleTaskPlan, type AssessResult } from '../../agents/assess.js';
import { defaultProfileName, resolveProfiles, type AgentProfile } from '../../agents/profiles.js';
import { findExecutable } from '../../agents/which.js';
import { loadDiagnostics } from '../../compiler/load.js';
import { err, ok } from '../../core/result.js';
import { slug } from '../../importers/common.js';
import { analysisThresholds } from '../analysis-config.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { loadConfig } from '../config.js';
import { inventoryOption, inventoryText } from '../inventory-input.js';
import { validatePlanText } from '../plan-input.js';
import { readSpecFile } from '../spec-input.js';
import { writeOneFile } from '../write-files.js';

interface AssessRun {
  result: AssessResult;
  profile: AgentProfile;
  specAbsolute: string;
  specText: string;
}

/** Reads the spec, picks the profile, asks the agent. */
async function runAssessment(
  io: CliIo,
  spec: string,
  options: { profile?: string; model?: string; config?: string; dir: string; verbose?: boolean; 'no-inventory'?: boolean },
  say: (l: string) => void,
): Promise<AssessRun | CommandResult> {
  const read = await readSpecFile(io.cwd, spec);
  if (!read.ok) return read;
  const loaded = await loadConfig(options.dir, options.config ? path.resolve(io.cwd, options.config) : undefined);
  if (loaded.diagnostics.length > 0) return err({ kind: 'config-invalid', diagnostics: loaded.diagnostics });
  const profiles = resolveProfiles(loaded.config.profiles);
  const profileName = options.profile ?? loaded.config.default_profile ?? defaultProfileName;
  const profile = profiles[profileName];
  if (!profile) throw new UsageError(`unknown agent profile '${profileName}' (known: ${Object.keys(profiles).sort().join(', ')})`);
  if (!findExecutable(profile.command[0]!, io.cwd, io.env.PATH)) {
    return err({ kind: 'agent-missing', binary: profile.command[0]!, profile: profile.name, installHint: profile.installHint });
  }
  const specPath = path.relative(options.dir, read.value.absolute).split(path.sep).join('/');
  const result = await assessSpec({
    prompt: renderAssessPrompt({
      specText: read.value.text,
      specPath,
      thresholds: analysisThresholds(loaded.config),
      inventory: await inventoryText(options.dir, options['no-inventory']),
    }),
    profile,
    model: options.model ?? null,
    cwd: options.dir,
    env: io.env,
    say,
    onLine: options.verbose ? (line) => io.stderr(`  | ${line}\n`) : undefined,
  });
  return { result, profile, specAbsolute: read.value.absolute, specText: read.value.text };
}

function failureOf(result: Extract<AssessResult, { ok: false }>): CommandResult {
  return err({ kind: 'assess-failed', reason: result.reason, message: result.message });
}

export const assessCommand: Command = {
  name: 'assess',
  summary: 'Ask a coding agent whether a spec is single-agent, multi-agent or must be split, before planning it',
  usage: 'execplan assess spec.md [--profile claude|codex|gemini|NAME] [--model M] [--json] [--config FILE] [--no-inventory]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        profile: { type: 'string' },
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
        config: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        ...inventoryOption,
      },
      1,
    );
    if (positionals[0] === undefined) throw new UsageError('name the spec to assess, e.g. execplan assess docs/spec.md');
    const say = (line: string) => io.stderr(`execplan assess: ${line}\n`);
    const run = await runAssessment(io, positionals[0], { ...values, dir: io.cwd }, say);
    if (!('result' in run)) return run;
    if (!run.result.ok) return failureOf(run.result);
    io.stdout(values.json ? `${JSON.stringify(run.result.assessment, null, 2)}\n` : renderAssessment(run.result.assessment));
    return ok();
  },
};

/**
 * `execplan draft spec.md --single`: assess first; at single-agent with high confidence write the one-task
 * plan (no plan-writing round trips). Anything else is refused with the assessment unless --yes.
 */
export async function draftSingle(
  io: CliIo,
  spec: string,
  options: { profile?: string; model?: string; config?: string; output?: string; force?: boolean; yes?: boolean; verbose?: boolean; 'no-inventory'?: boolean },
): Promise<CommandResult> {
  const say = (line: string) => io.stderr(`execplan draft: ${line}\n`);
  const outFile = options.output ?? 'plan.yaml';
  const outPath = path.resolve(io.cwd, outFile);
  if (existsSync(outPath) && !options.force) return err({ kind: 'input-unusable', message: `${outFile} exists; pass --force to overwrite it` });
  const outDir = path.dirname(outPath);
  if (!existsSync(outDir)) return err({ kind: 'input-unusable', message: `cannot write ${outFile}: the directory ${path.relative(io.cwd, outDir) || '.'} does not exist` });
  const run = await runAssessment(io, spec, { ...options, dir: outDir }, say);
  if (!('result' in run)) return run;
  if (!run.result.ok) return failureOf(run.result);
  const a = run.result.assessment;
  io.stderr(renderAssessment(a));
  if ((a.recommendation !== 'single-agent' || a.confidence !== 'high') && !options.yes) {
    return err({
      kind: 'unconfirmed',
      message: `--single is for work one agent can do (single-agent, high confidence); this is ${a.recommendation} (confidence ${a.confidence}). Run \`execplan draft ${spec}\` for a full plan, or pass --yes to write the one-task plan anyway; nothing written`,
    });
  }
  const specPath = path.relative(outDir, run.specAbsolute).split(path.sep).join('/');
  const heading =
    /^#\s+(.+)$/m
      .exec(run.specText)?.[1]
      ?.trim()
      .replace(/^(spec|specification)\s*:\s*/i, '') ?? path.basename(spec).replace(/\.[^.]+$/, '');
  const text = singleTaskPlan({ name: slug(heading, 'plan'), title: heading, specPath, profile: run.profile.name, assessment: a });
  const { config } = await loadConfig(outDir);
  const diagnostics = loadDiagnostics(await validatePlanText(outFile, text, outDir, config));
  if (diagnostics.some((d) => d.severity === 'error')) return err({ kind: 'single-plan-invalid', diagnostics });
  const written = await writeOneFile(outPath, outFile, text);
  if (!written.ok) return written;
  io.stdout(`${outFile}: one task carrying the whole spec (${a.recommendation}, confidence ${a.confidence})\n`);
  return ok();
}
