/**
 * execplan show [plan.yaml | compiled-dir] [--json]: a one-screen summary of a plan (tasks, streams,
 * phases, makespan, critical path, scope recommendation, warnings), from the plan or from the artifacts
 * `execplan compile` wrote.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { analyzePlan } from '../../compiler/analysis/index.js';
import { compilePlan } from '../../compiler/compile.js';
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { renderSummary, summarizeArtifacts, summarizeCompiled, type DagJson, type PlanSummary, type TasksJson, type WavesJson } from '../../plan-edit/summary.js';
import { analysisThresholds } from '../analysis-config.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { loadPlanWithConfig } from '../plan-input.js';

async function fromArtifacts(dir: string, shown: string): Promise<Result<PlanSummary, Failure>> {
  // The summary checks each field it reads: an artifact's shape is trusted no further than that.
  const read = async <T>(name: string) => JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
  try {
    return ok(summarizeArtifacts(await read<TasksJson>('tasks.json'), await read<DagJson>('dag.json'), await read<WavesJson>('waves.json')));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return err({
      kind: 'input-unusable',
      message: `${shown}: ${e.code === 'ENOENT' ? `has no ${path.basename(e.path ?? 'tasks.json')} (is it a compiled folder? run \`execplan compile\`)` : `cannot read the artifacts (${e.message})`}`,
    });
  }
}

export const showCommand: Command = {
  name: 'show',
  summary: 'One-screen summary of a plan or a compiled folder: tasks, streams, phases, makespan, scope, warnings',
  usage: 'execplan show [plan.yaml | compiled-dir] [--json] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false }, config: { type: 'string' } }, 1);
    let target = positionals[0];
    let summary: Result<PlanSummary, Failure> | undefined;
    const info = target ? await stat(path.resolve(io.cwd, target)).catch(() => null) : null;
    if (target && info?.isDirectory()) {
      const dir = path.resolve(io.cwd, target);
      const compiled = await stat(path.join(dir, 'tasks.json')).then(
        () => true,
        () => false,
      );
      if (compiled) summary = await fromArtifacts(dir, target);
      else if (
        await stat(path.join(dir, 'plan.yaml')).then(
          () => true,
          () => false,
        )
      )
        target = path.join(target, 'plan.yaml');
      else return err({ kind: 'input-unusable', message: `${target} holds neither compiled artifacts (tasks.json) nor a plan.yaml` });
    }
    summary ??= await (async (): Promise<Result<PlanSummary, Failure>> => {
      const outcome = await loadPlanWithConfig(io, target, {}, values.config);
      if (!outcome.ok) return outcome;
      const { diagnostics, model, config } = outcome.value;
      const compiled = compilePlan(model);
      return ok(summarizeCompiled(compiled, analyzePlan(compiled, analysisThresholds(config)), diagnostics));
    })();
    if (!summary.ok) return summary;
    io.stdout(values.json ? `${JSON.stringify(summary.value, null, 2)}\n` : renderSummary(summary.value));
    return ok();
  },
};
