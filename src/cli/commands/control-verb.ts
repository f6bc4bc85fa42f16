/** Shared shape of the control commands (retry, skip, done, approve, pause, resume): parse, deliver, report. */
import { ExitCode } from '../../compiler/diagnostic.js';
import { resolveActor } from '../../runner/actor.js';
import { sendControl } from '../../runner/control-client.js';
import { judgedAttempt, reopenedByRejection } from '../../runner/governance.js';
import { tryLoadState } from '../../runner/store.js';
import { statePaths } from '../../runner/paths.js';
import type { ControlAction } from '../../runner/records.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';

interface VerbSpec {
  name: ControlAction['action'];
  summary: string;
  takesTask: boolean;
  extra?: 'note' | 'reason';
  /** approve: the reason is optional, and without a task id the plan itself is approved. */
  optionalReason?: boolean;
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
  const extraUsage = spec.extra === 'note' ? ' [--note TEXT]' : spec.extra === 'reason' ? (spec.optionalReason ? ' [--reason TEXT]' : ' --reason TEXT') : '';
  const usage =
    spec.name === 'approve'
      ? 'execplan approve <task-id> [--reason TEXT] [--plan plan.yaml]\n       execplan approve --plan [plan.yaml] --reason TEXT   (approve the plan itself)'
      : `execplan ${spec.name}${spec.takesTask ? ' <task-id>' : ''}${extraUsage}${spec.takesTo ? ' [--to <earlier-task>]' : ''} [--plan plan.yaml]`;
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(rawArgs, io) {
      const bare = spec.name === 'approve' ? bareFlag(rawArgs) : { args: rawArgs, bare: false };
      const args = bare.args;
      const options = { plan: { type: 'string' as const }, note: { type: 'string' as const }, reason: { type: 'string' as const }, to: { type: 'string' as const } };
      const { values, positionals } = parseCommandArgs(args, options, spec.takesTask ? 1 : 0);
      if (spec.extra !== 'note' && values.note !== undefined) throw new UsageError('unknown option --note');
      if (spec.extra !== 'reason' && values.reason !== undefined) throw new UsageError('unknown option --reason');
      if (!spec.takesTo && values.to !== undefined) throw new UsageError('unknown option --to');
      const task = positionals[0];
      const approvingPlan = spec.name === 'approve' && !task && (bare.bare || values.plan !== undefined);
      if (spec.takesTask && !task && !approvingPlan) throw new UsageError(spec.name === 'approve' ? 'missing the task id (or --plan [plan.yaml] to approve the plan)' : 'missing the task id');
      if (spec.extra === 'reason' && (!spec.optionalReason || approvingPlan) && !values.reason?.trim()) throw new UsageError('--reason TEXT is required (it is recorded in the journal)');
      const actor = resolveActor(io.env, io.cwd);
      // Control requests launch nothing: no schedule is needed to check and record them.
      const loaded = await loadRunPlan(io, values.plan, undefined, 'state');
      if (!loaded.ok) return loaded.exitCode;
      const { plan, input } = loaded;
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
        case 'approve': {
          if (approvingPlan) {
            action = { action: 'approve-plan', plan: plan.model.name, planVersion: plan.planVersion, reason: values.reason!, actor };
            break;
          }
          const state = tryLoadState(statePaths(input.dir));
          const judged = state.ok ? judgedAttempt(state.state, state.state.tasks[task!]?.attempts.length ? [task!] : (plan.tasks.get(task!)?.deps ?? [])) : null;
          action = { action: 'approve', task: task!, attempt: judged, ...(values.reason?.trim() ? { reason: values.reason } : {}), actor };
          break;
        }
        case 'reject': {
          const state = tryLoadState(statePaths(input.dir));
          if (!state.ok) {
            io.stderr(`execplan reject: ${state.message}\n`);
            return ExitCode.badArguments;
          }
          const reopen = reopenedByRejection(plan, state.state, task!, values.to);
          if (!reopen.ok) {
            io.stderr(`execplan reject: ${reopen.message}\n`);
            return ExitCode.badArguments;
          }
          const judged = judgedAttempt(state.state, state.state.tasks[task!]?.attempts.length ? [task!] : (plan.tasks.get(task!)?.deps ?? []));
          action = { action: 'reject', task: task!, reason: values.reason!, reopened: reopen.reopened, attempt: judged, ...(values.to !== undefined ? { to: values.to } : {}), actor };
          break;
        }
        case 'approve-plan':
          throw new Error('approve-plan is spelled `execplan approve --plan`');
        case 'pause':
          action = { action: 'pause' };
          break;
        case 'resume':
          action = { action: 'resume' };
          break;
        default: {
          const unknown: never = spec.name;
          throw new Error(`unknown control verb ${String(unknown)}`);
        }
      }
      action = { ...action, actor };
      const result = await sendControl(statePaths(input.dir), plan, action);
      const what = approvingPlan ? `approve plan ${plan.model.name} (version ${plan.planVersion.slice(0, 12)}) by ${actor}` : `${spec.name}${task ? ` ${task}` : ''}${action.action === 'reject' ? ` (re-opens ${action.reopened.join(', ')})` : ''}`;
      switch (result.kind) {
        case 'rejected':
          io.stderr(`execplan ${spec.name}: ${result.message}\n`);
          return ExitCode.badArguments;
        case 'applied':
          io.stdout(`${what}: recorded; the next \`execplan run\` acts on it\n`);
          return ExitCode.ok;
        case 'applied-by-runner':
          io.stdout(`${what}: applied by the running execplan run (pid ${result.pid})\n`);
          return ExitCode.ok;
        case 'queued':
          io.stdout(`${what}: queued for the running execplan run (pid ${result.pid}); it applies it within a moment\n`);
          return ExitCode.ok;
        default: {
          const unknown: never = result;
          throw new Error(`unknown result ${JSON.stringify(unknown)}`);
        }
      }
    },
  };
}
