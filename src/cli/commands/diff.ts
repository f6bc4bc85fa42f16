/**
 * execplan diff <old> <new> [--json], execplan diff <plan> --rev REV: what changed between two versions
 * of a plan (tasks, fields, dependencies, resources, phases) and what it does to the schedule.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { compilePlan } from '../../compiler/compile.js';
import type { CompiledPlan } from '../../compiler/compiled.js';
import { ExitCode, exitCodeFor } from '../../compiler/diagnostic.js';
import { diffPlans, renderPlanDiff } from '../../plan-edit/diff.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { loadConfig } from '../config.js';
import { printDiagnostics, readPlanFile, validatePlanText } from '../plan-input.js';

type Side = { ok: true; compiled: CompiledPlan; name: string } | { ok: false; exitCode: number };

async function compileSide(io: CliIo, name: string, text: string, dir: string): Promise<Side> {
  const { config } = await loadConfig(dir);
  const loaded = await validatePlanText(name, text, dir, config);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !loaded.model) {
    printDiagnostics(io, errors);
    io.stderr(`execplan: ${name} is not a valid plan; fix it to compare it\n`);
    return { ok: false, exitCode: errors.length ? exitCodeFor(errors) : ExitCode.invalidPlan };
  }
  return { ok: true, compiled: compilePlan(loaded.model), name };
}

async function readSide(io: CliIo, file: string): Promise<Side> {
  const read = await readPlanFile(io.cwd, file);
  if (!read.ok) {
    io.stderr(`execplan: ${read.message}\n`);
    return { ok: false, exitCode: read.exitCode };
  }
  return compileSide(io, read.input.file, read.input.text, read.input.dir);
}

/** The plan file as it is at a git revision, read with `git show REV:./file` from the plan's folder. */
async function readRevision(io: CliIo, file: string, rev: string): Promise<Side> {
  const absolute = path.resolve(io.cwd, file);
  const dir = path.dirname(absolute);
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `${rev}:./${path.basename(absolute)}`], { cwd: dir, env: io.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return compileSide(io, `${file}@${rev}`, stdout, dir);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'git is not installed' : (e.stderr ?? String(error)).trim().split('\n')[0];
    io.stderr(`execplan: cannot read ${file} at revision '${rev}': ${why}\n`);
    return { ok: false, exitCode: ExitCode.badArguments };
  }
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Compare two versions of a plan: tasks, dependencies, resources, phases, and the schedule before and after',
  usage: 'execplan diff <old.yaml> <new.yaml> [--json] | execplan diff [plan.yaml] --rev REV [--json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false }, rev: { type: 'string' } }, 2);
    let before: Side;
    let after: Side;
    if (values.rev !== undefined) {
      if (positionals.length > 1) throw new UsageError('with --rev, name one plan (it is compared with itself at that revision)');
      const file = positionals[0] ?? 'plan.yaml';
      before = await readRevision(io, file, values.rev);
      if (!before.ok) return before.exitCode;
      after = await readSide(io, file);
    } else {
      if (positionals.length !== 2) throw new UsageError('name the old and the new plan (or one plan and --rev REV)');
      before = await readSide(io, positionals[0]!);
      if (!before.ok) return before.exitCode;
      after = await readSide(io, positionals[1]!);
    }
    if (!after.ok) return after.exitCode;
    const diff = diffPlans(before.compiled, after.compiled);
    io.stdout(values.json ? `${JSON.stringify(diff, null, 2)}\n` : renderPlanDiff(diff, { before: before.name, after: after.name }));
    return ExitCode.ok;
  },
};
