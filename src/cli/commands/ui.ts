/** execplan ui [plan.yaml]: a live web dashboard of the plan's run state, with the control buttons. */
import { compilePlan } from '../../compiler/compile.js';
import { err, ok } from '../../core/result.js';
import { resolveActor } from '../../runner/actor.js';
import { sendControl } from '../../runner/control-client.js';
import type { ControlAction } from '../../runner/records.js';
import { loadState } from '../../runner/store.js';
import { createMetrics } from '../../serve/metrics.js';
import { serve, type UiAction } from '../../serve/server.js';
import { planShape } from '../../serve/view.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { failureText } from '../failure-text.js';
import { loadRunPlan } from '../run-plan-input.js';
import { planState } from '../state-input.js';
import { controlOutcome } from './control-verb.js';

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
    if (!loaded.ok) return loaded;
    const { plan, model, input } = loaded.value;
    const paths = planState(io, input, plan.tasks.keys());
    // What the journal says as far as it can be read; `execplan status` and `verify` report a damaged one.
    const state = () => loadState(paths).state;
    // The buttons are the control commands: the same request, the same checks, the same words back;
    // the person who serves the dashboard is the actor its buttons record.
    const actor = resolveActor(io.env, io.cwd);
    const control = async (verb: UiAction, task: string | null): Promise<{ ok: boolean; message: string }> => {
      let action: ControlAction;
      let shownVerb: string = verb;
      if (verb === 'pause' || verb === 'resume') action = { action: verb };
      else if (verb === 'stop-all') {
        // `execplan pause --stop`: nothing new starts and the running tasks are stopped.
        action = { action: 'pause', stop: true };
        shownVerb = 'pause';
      } else if (!task) return { ok: false, message: `execplan ${verb}: missing the task id` };
      else action = { action: verb, task };
      const answer = controlOutcome(`${shownVerb}${'task' in action ? ` ${action.task}` : ''}`, await sendControl(paths, plan, { ...action, actor }));
      return answer.ok ? { ok: true, message: answer.value } : { ok: false, message: failureText(answer.error, { name: shownVerb, usage: '', cwd: io.cwd }).trim() };
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
      return err({ kind: 'cannot-start', problems: [`execplan ui: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`] });
    }
    io.stdout(`execplan ui: ${served.url}\n(metrics at /metrics with the same token; Ctrl-C stops the server)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    return ok();
  },
};
