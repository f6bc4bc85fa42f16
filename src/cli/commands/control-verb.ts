/** Shared shape of the control commands (retry, skip, done, approve, reject, stop, pause, resume): parse, deliver, report what really happened. */
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { resolveActor } from '../../runner/actor.js';
import { sendControl, type ControlResult } from '../../runner/control-client.js';
import { judgedAttempt, reopenedByRejection } from '../../runner/governance.js';
import { tryLoadState } from '../../runner/store.js';
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
  /** reject: --to <earlier-task>. */
  takesTo?: boolean;
}

/** `--plan` with no file after it (`approve --plan --reason R`) means the default plan file. */
function bareFlag(args: string[]): { args: string[]; bare: boolean } {
  const i = args.indexOf('--plan');
  if (i >= 0 && (i === args.length - 1 || args[i + 1]!.startsWith('--'))) return { args: [...args.slice(0, i), ...args.slice(i + 1)], bare: true };
  return { args, bare: false };
}

export function controlVerb(spec: VerbSpec): Command {
  const extraUsage = spec.extra ? { note: ' [--note TEXT]', reason: ' --reason TEXT', 'optional-reason': ' [--reason TEXT]', stop: ' [--stop]' }[spec.extra] : '';
  return {
    name: spec.name,
    summary: spec.summary,
    usage:
      spec.name === 'approve'
        ? 'execplan approve <task-id> [--reason TEXT] [--plan plan.yaml]\n       execplan approve --plan [plan.yaml] --reason TEXT   (approve the plan itself)'
        : `execplan ${spec.name}${spec.takesTask ? ' <task-id>' : ''}${extraUsage}${spec.takesTo ? ' [--to <earlier-task>]' : ''} [--plan plan.yaml]`,
    async run(rawArgs, io) {
      const bare = spec.name === 'approve' ? bareFlag(rawArgs) : { args: rawArgs, bare: false };
      const args = bare.args;
      const options = {
        plan: { type: 'string' as const },
        note: { type: 'string' as const },
        reason: { type: 'string' as const },
        stop: { type: 'boolean' as const },
        to: { type: 'string' as const },
      };
      const { values, positionals } = parseCommandArgs(args, options, spec.takesTask ? 1 : 0);
      if (spec.extra !== 'note' && values.note !== undefined) throw new UsageError('unknown option --note');
      if (spec.extra !== 'reason' && spec.extra !== 'optional-reason' && values.reason !== undefined) throw new UsageError('unknown option --reason');
      if (spec.extra !== 'stop' && values.stop !== undefined) throw new UsageError('unknown option --stop');
      if (!spec.takesTo && values.to !== undefined) throw new UsageError('unknown option --to');
      const task = positionals[0];
      const approvingPlan = spec.name === 'approve' && !task && (bare.bare || values.plan !== undefined);
      if (spec.takesTask && !task && !approvingPlan)
        throw new UsageError(spec.name === 'approve' ? 'missing the task id (or --plan [plan.yaml] to approve the plan)' : 'missing the task id');
      if ((spec.extra === 'reason' || approvingPlan) && !values.reason?.trim()) throw new UsageError('--reason TEXT is required (it is recorded in the journal)');
      const actor = resolveActor(io.env, io.cwd);
      // Control requests launch nothing: no schedule is needed to check and record them.
      const loaded = await loadRunPlan(io, values.plan, undefined, 'state');
      if (!loaded.ok) return loaded;
      const { plan, input } = loaded.value;
      const paths = planState(io, input, plan.tasks.keys());
      // The attempt a decision judges: the gate's own once it ran, else the work upstream of it.
      const judged = (state: ReturnType<typeof tryLoadState>) =>
        state.ok ? judgedAttempt(state.value.state, state.value.state.tasks[task!]?.attempts.length ? [task!] : (plan.tasks.get(task!)?.deps ?? [])) : null;
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
          if (approvingPlan) action = { action: 'approve-plan', plan: plan.model.name, planVersion: plan.planVersion, reason: values.reason! };
          else action = { action: 'approve', task: task!, attempt: judged(tryLoadState(paths)), ...(values.reason?.trim() ? { reason: values.reason } : {}) };
          break;
        case 'reject': {
          const state = tryLoadState(paths);
          if (!state.ok) return err(state.error);
          const reopen = reopenedByRejection(plan, state.value.state, task!, values.to);
          if (!reopen.ok) return err({ kind: 'control-rejected', reason: { kind: 'refused', message: reopen.message } });
          action = {
            action: 'reject',
            task: task!,
            reason: values.reason!,
            reopened: reopen.reopened,
            attempt: judged(state),
            ...(values.to !== undefined ? { to: values.to } : {}),
          };
          break;
        }
        case 'approve-plan':
          throw new UsageError('approve a plan with `execplan approve --plan [plan.yaml] --reason TEXT`');
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
      action = { ...action, actor };
      const result = await sendControl(paths, plan, action);
      const what = approvingPlan
        ? `approve plan ${plan.model.name} (version ${plan.planVersion.slice(0, 12)}) by ${actor}`
        : `${spec.name}${task ? ` ${task}` : ''}${action.action === 'reject' ? ` (re-opens ${action.reopened.join(', ')})` : ''}`;
      const answer = controlOutcome(what, result);
      if (!answer.ok) return answer;
      io.stdout(`${answer.value}\n`);
      return ok();
    },
  };
}

/** What a control request (`what`: its verb and task, as the person asked it) came to: the line the command prints, or the failure it reports (`execplan ui` shows the same words). */
export function controlOutcome(what: string, result: ControlResult): Result<string, Failure> {
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
