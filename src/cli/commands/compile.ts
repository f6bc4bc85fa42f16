/** execplan compile [plan.yaml] [--out DIR] [--concurrency N]: validate, compile, write the artifacts. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compilePlan } from '../../compiler/compile.js';
import { ExitCode, exitCodeFor } from '../../compiler/diagnostic.js';
import { renderArtifacts } from '../../compiler/render/artifacts.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';

/** SOURCE_DATE_EPOCH (seconds) as RFC 3339, or null: the only timestamp artifacts may carry. */
export function sourceDateTimestamp(env: CliIo['env']): string | null {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return null;
  if (!/^[0-9]+$/.test(raw)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got '${raw}'`);
  return new Date(Number(raw) * 1000).toISOString().replace('.000Z', 'Z');
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'Compile plan.yaml into the dependency graph and schedules (dag.json, waves.json, ...)',
  usage: 'execplan compile [plan.yaml] [--out DIR] [--concurrency N] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { out: { type: 'string' }, concurrency: { type: 'string' }, config: { type: 'string' } },
      1,
    );
    const concurrency = parsePositiveInt(values.concurrency, '--concurrency');
    const timestamp = sourceDateTimestamp(io.env);
    const outcome = await loadPlanWithConfig(io, positionals[0], concurrency ? { maxConcurrency: concurrency } : {}, values.config);
    if (!outcome.ok) {
      if (outcome.message) io.stderr(`execplan: ${outcome.message}\n`);
      printDiagnostics(io, outcome.diagnostics);
      return outcome.exitCode;
    }
    const { diagnostics, model, input } = outcome.loaded;
    printDiagnostics(io, diagnostics);
    const exitCode = exitCodeFor(diagnostics);
    if (exitCode !== ExitCode.ok || !model) return exitCode === ExitCode.ok ? ExitCode.invalidPlan : exitCode;

    const compiled = compilePlan(model);
    const outDir = values.out ? path.resolve(io.cwd, values.out) : path.join(input.dir, 'tasks_output');
    const files = renderArtifacts(compiled, { diagnostics, timestamp });
    await mkdir(outDir, { recursive: true });
    for (const [name, content] of files) await writeFile(path.join(outDir, name), content);

    const f = compiled.frontier;
    io.stderr(
      `${input.file}: ${model.tasks.length} tasks, ${compiled.waves.waves.length} waves (${compiled.waves.makespanHours} h), ` +
        `frontier ${f.makespanHours} h (lower bound ${f.lowerBound.hours} h) -> ${path.relative(io.cwd, outDir) || '.'}/ (${[...files.keys()].join(', ')})\n`,
    );
    return ExitCode.ok;
  },
};
