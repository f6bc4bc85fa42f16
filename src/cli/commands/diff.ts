/**
 * execplan diff <old> <new> [--json], execplan diff <plan> --rev REV: what changed between two versions
 * of a plan (tasks, fields, dependencies, resources, phases) and what it does to the schedule.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { compilePlan } from '../../compiler/compile.js';
import type { CompiledPlan } from '../../compiler/compiled.js';
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { diffPlans, renderPlanDiff } from '../../plan-edit/diff.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { loadConfig } from '../config.js';
import { readPlanFile, validatePlanText } from '../plan-input.js';

type Side = Result<{ compiled: CompiledPlan; name: string }, Failure>;

async function compileSide(name: string, text: string, dir: string): Promise<Side> {
  const { config } = await loadConfig(dir);
  const loaded = await validatePlanText(name, text, dir, config);
  if (!loaded.ok) return err({ kind: 'diff-invalid', name, diagnostics: loaded.error.diagnostics.filter((d) => d.severity === 'error') });
  return ok({ compiled: compilePlan(loaded.value.model), name });
}

async function readSide(io: CliIo, file: string): Promise<Side> {
  const read = await readPlanFile(io.cwd, file);
  if (!read.ok) return read;
  return compileSide(read.value.file, read.value.text, read.value.dir);
}

/** The plan file as it is at a git revision, read with `git show REV:./file` from the plan's folder. */
async function readRevision(io: CliIo, file: string, rev: string): Promise<Side> {
  const absolute = path.resolve(io.cwd, file);
  const dir = path.dirname(absolute);
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `${rev}:./${path.basename(absolute)}`], { cwd: dir, env: io.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return compileSide(`${file}@${rev}`, stdout, dir);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'git is not installed' : (e.stderr ?? String(error)).trim().split('\n')[0];
    return err({ kind: 'input-unusable', message: `cannot read ${file} at revision '${rev}': ${why}` });
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
      if (!before.ok) return before;
      after = await readSide(io, file);
    } else {
      if (positionals.length !== 2) throw new UsageError('name the old and the new plan (or one plan and --rev REV)');
      before = await readSide(io, positionals[0]!);
      if (!before.ok) return before;
      after = await readSide(io, positionals[1]!);
    }
    if (!after.ok) return after;
    const diff = diffPlans(before.value.compiled, after.value.compiled);
    io.stdout(values.json ? `${JSON.stringify(diff, null, 2)}\n` : renderPlanDiff(diff, { before: before.value.name, after: after.value.name }));
    return ok();
  },
};
