/** execplan prune [--keep N]: remove the logs of all but the last N runs (the journal keeps its records). */
import { ok } from '../../core/result.js';
import { pruneLogs } from '../../runner/prune.js';
import { tryLoadState } from '../../runner/store.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import type { Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import { planState } from '../state-input.js';

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'Remove the logs of older runs, keeping the last N (default: settings.logs.keep_runs, else 5)',
  usage: 'execplan prune [--keep N] [--plan plan.yaml]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { keep: { type: 'string' }, plan: { type: 'string' } }, 0);
    const keepFlag = parsePositiveInt(values.keep, '--keep');
    const loaded = await loadRunPlan(io, values.plan, undefined, 'state');
    if (!loaded.ok) return loaded;
    const { model, plan, input } = loaded.value;
    const keep = keepFlag ?? model.source.settings?.logs?.keep_runs ?? 5;
    const paths = planState(io, input, plan.tasks.keys());
    const state = tryLoadState(paths);
    if (!state.ok) return state;
    const result = pruneLogs(paths, state.value.state, keep);
    io.stdout(
      `prune: kept the logs of ${result.keptRuns.length} run(s); removed ${result.removedFiles} log file(s) (${result.removedBytes} bytes) of ${result.removedRuns.length} older run(s)\n`,
    );
    return ok();
  },
};
