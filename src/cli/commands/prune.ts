/** execplan prune [--keep N]: remove the logs of all but the last N runs (the journal keeps its records). */
import { ExitCode } from '../../compiler/diagnostic.js';
import { statePaths } from '../../runner/paths.js';
import { pruneLogs } from '../../runner/prune.js';
import { tryLoadState } from '../../runner/store.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import type { Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'Remove the logs of older runs, keeping the last N (default: settings.logs.keep_runs, else 5)',
  usage: 'execplan prune [--keep N] [--plan plan.yaml]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { keep: { type: 'string' }, plan: { type: 'string' } }, 0);
    const loaded = await loadRunPlan(io, values.plan, undefined, 'state');
    if (!loaded.ok) return loaded.exitCode;
    const keep = parsePositiveInt(values.keep, '--keep') ?? loaded.model.source.settings?.logs?.keep_runs ?? 5;
    const paths = statePaths(loaded.input.dir);
    const state = tryLoadState(paths);
    if (!state.ok) {
      io.stderr(`execplan: ${state.message}\n`);
      return ExitCode.failedNotResumable;
    }
    const result = pruneLogs(paths, state.state, keep);
    io.stdout(`prune: kept the logs of ${result.keptRuns.length} run(s); removed ${result.removedFiles} log file(s) (${result.removedBytes} bytes) of ${result.removedRuns.length} older run(s)\n`);
    return ExitCode.ok;
  },
};
