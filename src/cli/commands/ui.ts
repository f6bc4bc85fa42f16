/** execplan ui [plan.yaml]: a live web dashboard of the plan's run state, with the control buttons. */
import { ExitCode } from '../../compiler/diagnostic.js';
import { compilePlan } from '../../compiler/compile.js';
import { sendControl } from '../../runner/control-client.js';
import { liveHolder } from '../../runner/lock.js';
import { statePaths } from '../../runner/paths.js';
import type { ControlAction } from '../../runner/records.js';
import { loadState } from '../../runner/store.js';
import { emptyState, type RunState } from '../../runner/state.js';
import { createMetrics } from '../../serve/metrics.js';
import { serve, type UiAction } from '../../serve/server.js';
import { planShape } from '../../serve/view.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import { controlAnswer } from './control-verb.js';

export const uiCommand: Command = {
  name: 'ui',
  summary: 'Serve a live web dashboard of the run (DAG, task panel, logs, approve/retry/skip/stop buttons)',
  usage: 'execplan ui [plan.yaml] [--port P] [--host 127.0.0.1]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { port: { type: 'string' }, host: { type: 'string' } }, 1);
    const port = values.port === '0' ? 0 : (parsePositiveInt(values.port, '--port') ?? 7878);
    if (port > 65535) throw new UsageError('--port: expected a port number up to 65535');
    const host = values.host ?? '127.0.0.1';
    const loaded = await loadRunPlan(io, positionals[0], undefined, 'state');
    if (!loaded.ok) return loaded.exitCode;
    const { plan, model, input } = loaded;
    const paths = statePaths(input.dir);
    // A damaged journal shows as an empty state here; `execplan status` and `verify` say what is wrong.
    const state = (): RunState => {
      try {
        return loadState(paths).state;
      } catch {
        return emptyState();
      }
    };
    const control = async (verb: UiAction, task: string | null): Promise<{ ok: boolean; message: string }> => {
      if (verb === 'stop') {
        // The same as Ctrl-C in the run's terminal: the runner stops its tasks (grace, then kill) and records them interrupted.
        const holder = liveHolder(paths.lock);
        if (holder?.kind !== 'run') return { ok: false, message: 'execplan stop: no execplan run is active' };
        process.kill(holder.pid, 'SIGTERM');
        return { ok: true, message: `stop: sent to the running execplan run (pid ${holder.pid}); it stops its tasks` };
      }
      if (verb !== 'pause' && verb !== 'resume' && !task) return { ok: false, message: `execplan ${verb}: missing the task id` };
      const action = (verb === 'pause' || verb === 'resume' ? { action: verb } : { action: verb, task: task! }) as ControlAction;
      return controlAnswer(verb, verb === 'pause' || verb === 'resume' ? null : task, await sendControl(paths, plan, action));
    };
    let served;
    try {
      served = await serve({
        host,
        port,
        requireToken: true,
        metrics: createMetrics({ plan, stateDir: paths.dir, state }),
        dashboard: { plan, shape: planShape(compilePlan(model)), paths, state, control },
      });
    } catch (error) {
      io.stderr(`execplan ui: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.cannotStart;
    }
    io.stdout(`execplan ui: ${served.url}\n(metrics at /metrics with the same token; Ctrl-C stops the server)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    return ExitCode.ok;
  },
};
