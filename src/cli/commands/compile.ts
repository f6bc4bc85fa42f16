/**
 * execplan compile [plan.yaml] [--out DIR] [--check]: validate, compile, write every artifact
 * (the artifacts of docs/contract.md). --check compiles in memory, compares with the files on disk, writes nothing and
 * exits 10 listing the stale ones (for CI on pull requests).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { artifactNames, emitArtifacts, type ArtifactInputs } from '../../compiler/artifacts/index.js';
import { piecesEqual } from '../../compiler/artifacts/pieces.js';
import { redactDeep } from '../../compiler/artifacts/redact.js';
import { artifactTimestamp } from '../../compiler/artifacts/timestamp.js';
import { analyzePlan } from '../../compiler/analysis/index.js';
import { round } from '../../compiler/rounding.js';
import { compilePlan, type CompiledPlan } from '../../compiler/compile.js';
import { err, ok } from '../../core/result.js';
import { parseCommandArgs } from '../args.js';
import { conflictHistory, contestedFiles, replanAdvice } from '../conflict-history.js';
import { settingsFlagOptions, settingsOverrides } from '../settings-flags.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';
import { describeConfig } from '../config-trust.js';
import { analysisThresholds } from '../analysis-config.js';
import { loadArtifactTemplates } from '../templates.js';
import { collectGarbage } from '../heap.js';
import { version } from '../version.js';
import { openFileBatch, shownPath } from '../write-files.js';

/** From this many tasks a compile's heap holds enough dead intermediate data to be worth a collection before the artifacts. */
const largePlanTasks = 2000;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export const compileCommand: Command = {
  name: 'compile',
  summary: 'Compile plan.yaml into schedules and reviewable artifacts (tasks_output/); --check fails when they are stale',
  usage:
    'execplan compile [plan.yaml] [--out DIR] [--check] [--concurrency N] [--min-confidence X] [--max-wave-size N] [--execution-model wave_based|rolling_frontier] [--config FILE] [--allow-outside PATH]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        out: { type: 'string' },
        check: { type: 'boolean', default: false },
        ...settingsFlagOptions,
        config: { type: 'string' },
        'allow-outside': { type: 'string', multiple: true },
      },
      1,
    );
    // An empty --out would resolve to the plan's own folder and scatter the artifacts beside it.
    if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a directory, e.g. --out tasks_output');
    const { overrides, given } = settingsOverrides(values, io.env);
    const stamp = artifactTimestamp(io.env.SOURCE_DATE_EPOCH);
    if (!stamp.ok) throw new UsageError(stamp.message);
    const outcome = await loadPlanWithConfig(io, positionals[0], overrides, values.config, { allowOutside: values['allow-outside'], schedule: true });
    if (!outcome.ok) return outcome;
    const { diagnostics, model, input, config } = outcome.value;
    if (outcome.value.configPath) io.stderr(`execplan: ${describeConfig(io.cwd, outcome.value.configPath)}\n`);
    printDiagnostics(io, diagnostics);

    // Files that conflicted before in this repository keep their tasks apart (see docs/agents.md); the
    // loader's analysis already compiled with them.
    const compiled = outcome.value.compiled ?? compilePlan(model, { contested: contestedFiles(input.dir) });
    const advice = replanAdvice(conflictHistory(input.dir)?.records ?? [], model.name);
    if (advice && !values.check) io.stderr(`execplan: ${advice}\n`);
    const outDir = path.resolve(values.out ? io.cwd : input.dir, values.out ?? config.out_dir ?? 'tasks_output');
    const analysis = outcome.value.analysis ?? analyzePlan(compiled, analysisThresholds(config));
    // What is committed never holds a secret from the plan (the runner reads the plan, not these files).
    const shown = redactDeep({ compiled, analysis, diagnostics });
    // The loader's and the compiler's intermediate structures are dead now; the artifacts allocate ~50 MB
    // of text next. Small plans never grow a heap worth a collection (~7 ms), large ones do (see heap.ts).
    if (model.tasks.length >= largePlanTasks) collectGarbage();
    const inputs: ArtifactInputs = {
      compiled: shown.compiled,
      analysis: shown.analysis,
      templates: await loadArtifactTemplates(),
      timestamp: stamp.timestamp,
      version,
      planText: input.text,
      // Relative to the output directory, so the bytes do not depend on where compile is run from.
      planFile: path.relative(outDir, input.absolute).split(path.sep).join('/'),
      diagnostics: shown.diagnostics,
    };
    const shownDir = shownPath(io.cwd, outDir);

    if (values.check) {
      return checkArtifacts(io, { inputs, outDir, shownDir, planFile: input.file, rerun: rerunCommand(positionals[0], values, given) });
    }

    const clash = artifactNames.find((name) => path.join(outDir, name) === input.absolute);
    if (clash) throw new UsageError(`the artifact ${clash} would overwrite the plan ${input.file}; pass another --out`);
    const opened = await openFileBatch(outDir, shownDir, artifactNames);
    if (!opened.ok) return opened;
    const batch = opened.value;
    // Each artifact goes to its temporary file as soon as it is rendered; all are renamed into place at the end.
    let writeError: { error: unknown } | undefined;
    try {
      emitArtifacts(inputs, (name, pieces) => {
        try {
          batch.stage(name, pieces);
        } catch (error) {
          writeError = { error };
          throw error;
        }
      });
    } catch (error) {
      if (writeError) return batch.fail(writeError.error);
      await batch.discard();
      throw error;
    }
    batch.commit();
    io.stderr(`${input.file}: ${compiledSummary(model.tasks.length, compiled)} -> ${shownDir}/ (${artifactNames.length} files)\n`);
    return ok();
  },
};

/** "12 tasks, 4 waves (30 h), frontier 28 h (lower bound 25 h)" */
function compiledSummary(taskCount: number, compiled: CompiledPlan): string {
  const fr = compiled.frontier;
  return (
    `${count(taskCount, 'task')}, ${count(compiled.waves.waves.length, 'wave')} (${round(compiled.waves.makespanHours)} h), ` +
    `frontier ${round(fr.makespanHours)} h (lower bound ${round(fr.lowerBound.hours)} h)`
  );
}

/** The same flags as this check, or following the advice would write other artifacts than it expects. */
function rerunCommand(plan: string | undefined, values: { out?: string; config?: string; 'allow-outside'?: string[] }, given: readonly string[]): string {
  const flags = [
    plan,
    values.out && `--out ${values.out}`,
    ...given,
    values.config && `--config ${values.config}`,
    ...(values['allow-outside'] ?? []).map((a) => `--allow-outside ${a}`),
  ].filter(Boolean);
  return ['execplan compile', ...flags].join(' ');
}

interface ArtifactCheck {
  inputs: ArtifactInputs;
  outDir: string;
  shownDir: string;
  planFile: string;
  /** The compile command that brings the artifacts up to date. */
  rerun: string;
}

/** --check: compares each rendered artifact with the file on disk and writes nothing; stale (exit 10) lists the ones that differ. */
function checkArtifacts(io: CliIo, { inputs, outDir, shownDir, planFile, rerun }: ArtifactCheck): CommandResult {
  const staleness = new Map<string, string>();
  emitArtifacts(inputs, (name, pieces) => {
    let onDisk: Buffer | null = null;
    try {
      onDisk = readFileSync(path.join(outDir, name));
    } catch {
      // Missing or unreadable (a directory in its place): stale either way.
    }
    if (onDisk === null) staleness.set(name, `${shownDir}/${name} (missing)`);
    else if (!piecesEqual(pieces, onDisk)) staleness.set(name, `${shownDir}/${name} (differs)`);
  });
  // Listed in file-name order, whatever order they were rendered in.
  const stale = artifactNames.flatMap((name) => staleness.get(name) ?? []);
  if (stale.length === 0) {
    io.stderr(`${planFile}: ${artifactNames.length} artifacts in ${shownDir}/ are up to date\n`);
    return ok();
  }
  return err({ kind: 'stale', planFile, stale, rerun });
}
