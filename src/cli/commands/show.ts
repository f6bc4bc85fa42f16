/**
 * execplan show [plan.yaml | compiled-dir] [--json]: a one-screen summary of a plan (tasks, streams,
 * phases, makespan, critical path, scope recommendation, warnings), from the plan or from the artifacts
 * `execplan compile` wrote.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzePlan } from '../../compiler/analysis/index.js';
import { compilePlan } from '../../compiler/compile.js';
import { ExitCode, exitCodeFor } from '../../compiler/diagnostic.js';
import { renderSummary, summarizeArtifacts, summarizeCompiled, type PlanSummary } from '../../plan-edit/summary.js';
import { analysisThresholds } from '../analysis-config.js';
import { parseCommandArgs } from '../args.js';
import type { Command, CliIo } from '../command.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';

async function fromArtifacts(io: CliIo, dir: string, shown: string): Promise<PlanSummary | number> {
  const read = async (name: string) => JSON.parse(await readFile(path.join(dir, name), 'utf8'));
  try {
    return summarizeArtifacts(await read('tasks.json'), await read('dag.json'), await read('waves.json'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    io.stderr(`execplan: ${shown}: ${e.code === 'ENOENT' ? `has no ${path.basename(e.path ?? 'tasks.json')} (is it a compiled folder? run \`execplan compile\`)` : `cannot read the artifacts (${e.message})`}\n`);
    return ExitCode.badArguments;
  }
}

export const showCommand: Command = {
  name: 'show',
  summary: 'One-screen summary of a plan or a compiled folder: tasks, streams, phases, makespan, scope, warnings',
  usage: 'execplan show [plan.yaml | compiled-dir] [--json] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false }, config: { type: 'string' } }, 1);
    let target = positionals[0];
    let summary: PlanSummary | number;
    const info = target ? await stat(path.resolve(io.cwd, target)).catch(() => null) : null;
    if (target && info?.isDirectory()) {
      const dir = path.resolve(io.cwd, target);
      const compiled = await stat(path.join(dir, 'tasks.json')).then(() => true, () => false);
      if (compiled) summary = await fromArtifacts(io, dir, target);
      else if (await stat(path.join(dir, 'plan.yaml')).then(() => true, () => false)) target = path.join(target, 'plan.yaml');
      else {
        io.stderr(`execplan: ${target} holds neither compiled artifacts (tasks.json) nor a plan.yaml\n`);
        return ExitCode.badArguments;
      }
    }
    summary ??= await (async () => {
      const outcome = await loadPlanWithConfig(io, target, {}, values.config);
      if (!outcome.ok) {
        if (outcome.message) io.stderr(`execplan: ${outcome.message}\n`);
        printDiagnostics(io, outcome.diagnostics);
        return outcome.exitCode;
      }
      const { diagnostics, model, config } = outcome.loaded;
      if (!model) {
        printDiagnostics(io, diagnostics);
        return exitCodeFor(diagnostics) || ExitCode.invalidPlan;
      }
      const compiled = compilePlan(model);
      return summarizeCompiled(compiled, analyzePlan(compiled, analysisThresholds(config)), diagnostics);
    })();
    if (typeof summary === 'number') return summary;
    io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
    return ExitCode.ok;
  },
};
