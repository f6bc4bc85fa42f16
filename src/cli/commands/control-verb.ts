/** Shared shape of the control commands (retry, skip, done, approve, stop, pause, resume): parse, deliver, report what really happened. */
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { sendControl, type ControlResult } from '../../runner/control-client.js';
import type { ControlAction } from '../../runner/records.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import { planState } from '../state-input.js';

interface VerbSpec {
  name: ControlAction['action'];
  summary: string;
  takesTask: boolean;
  extra?: 'note' | 'reason' | 'optional-reason' | 'stop';
}

export function controlVerb(spec: VerbSpec): Command {
  const extraUsage = spec.extra ? { note: ' [--note TEXT]', reason: ' --reason TEXT', 'optional-reason': ' [--reason TEXT]', stop: ' [--stop]' }[spec.extra] : '';
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `execplan ${spec.name}${spec.takesTask ? ' <task-id>' : ''}${extraUsage} [--plan plan.yaml]`,
    async run(args, io) {
      const options = { plan: { type: 'string' as const }, note: { type: 'string' as const }, reason: { type: 'string' as const }, stop: { type: 'boolean' as const } };
      const { values, positionals } = parseCommandArgs(args, options, spec.takesTask ? 1 : 0);
      if (spec.extra !== 'note' && values.note !== undefined) throw new UsageError('unknown option --note');
      if (spec.extra !== 'reason' && spec.extra !== 'optional-reason' && values.reason !== undefined) throw new UsageError('unknown option --reason');
      if (spec.extra !== 'stop' && values.stop !== undefined) throw new UsageError('unknown option --stop');
      const task = positionals[0];
      if (spec.takesTask && !task) throw new UsageError('missing the task id');
      if (spec.extra === 'reason' && !values.reason?.trim()) throw new UsageError('--reason TEXT is required (it is recorded in the journal)');
      // Control requests launch nothing: no schedule is needed to check and record them.
      const loaded = await loadRunPlan(io, values.plan, undefined, 'state');
      if (!loaded.ok) return loaded;
      const { plan, input } = loaded.value;
      let action: ControlAction;
      switch (spec.name) {
        case 'retry':
          action = values.note !== undefined ? { action: 'retry', task: task!, note: values.note } : { action: 'retry', task: task! };
          break;
        case 'skip':
          action = { action: 'skip', task: task! };
          break;
        case 'done':
          action = { action: 'done', task: task!, reason: values.reason! };
          break;
        case 'approve':
          action = { action: 'approve', task: task! };
          break;
        case 'stop':
          action = values.reason?.trim() ? { action: 'stop', task: task!, reason: values.reason } : { action: 'stop', task: task! };
          break;
        case 'pause':
          action = values.stop ? { action: 'pause', stop: true } : { action: 'pause' };
          break;
        case 'resume':
          action = { action: 'resume' };
          break;
        default:
          return unreachable(spec.name, 'control verb');
      }
      const paths = planState(io, input, plan.tasks.keys());
      const result = await sendControl(paths, plan, action);
      const answer = controlOutcome(spec.name, task, result);
      if (!answer.ok) return answer;
      io.stdout(`${answer.value}\n`);
      return ok();
    },
  };
}

/** What a control request came to: the line the command prints, or the failure it reports (`execplan ui` shows the same words). */
export function controlOutcome(verb: string, task: string | null | undefined, result: ControlResult): Result<string, Failure> {
  const what = `${verb}${task ? ` ${task}` : ''}`;
  switch (result.kind) {
    case 'damaged':
      return err({ kind: 'history-damaged', journal: result.journal, problems: result.problems });
    case 'rejected':
      return err({
        kind: 'control-rejected',
        reason: { kind: 'refused', message: `${result.pid ? `rejected by the running execplan run (pid ${result.pid}): ` : ''}${result.message}` },
      });
    case 'no-run':
      return err({ kind: 'control-rejected', reason: { kind: 'refused', message: result.message } });
    case 'applied':
      return ok(`${what}: recorded; the next \`execplan run\` acts on it${result.note ? ` (${result.note})` : ''}`);
    case 'applied-by-runner':
      return ok(`${what}: applied by the running execplan run (pid ${result.pid})${result.message === 'applied' ? '' : `: ${result.message}`}`);
    case 'unanswered':
      return err({ kind: 'control-unanswered', pid: result.pid });
    default:
      return unreachable(result, 'control result');
  }
}
