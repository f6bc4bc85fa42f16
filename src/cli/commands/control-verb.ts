/** Shared shape of the control commands (retry, skip, done, approve, reject, stop, pause, resume): parse, deliver, report what really happened. */
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { resolveActor } from '../../runner/actor.js';
import { sendControl, type ControlResult } from '../../runner/control-client.js';
import { judgedAttempt, reopenedByRejection } from '../../runner/governance.js';
import type { StatePaths } from '../../runner/paths.js';
import type { RunPlan } from '../../runner/plan-view.js';
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

const verbOptions = {
  plan: { type: 'string' as const },
  note: { type: 'string' as const },
  reason: { type: 'string' as const },
  stop: { type: 'boolean' as const },
  to: { type: 'string' as const },
};

/** What the command line of a control verb asks for, checked against what that verb takes. */
interface VerbRequest {
  values: { plan?: string; note?: string; reason?: string; stop?: boolean; to?: string };
  task: string | undefined;
  /** `approve --plan`: the plan itself is approved, not a task. */
  approvingPlan: boolean;
}

function verbUsage(spec: VerbSpec): string {
  if (spec.name === 'approve')
    return 'execplan approve <task-id> [--reason TEXT] [--plan plan.yaml]\n       execplan approve --plan [plan.yaml] --reason TEXT   (approve the plan itself)';
  const extraUsage = spec.extra ? { note: ' [--note TEXT]', reason: ' --reason TEXT', 'optional-reason': ' [--reason TEXT]', stop: ' [--stop]' }[spec.extra] : '';
  return `execplan ${spec.name}${spec.takesTask ? ' <task-id>' : ''}${extraUsage}${spec.takesTo ? ' [--to <earlier-task>]' : ''} [--plan plan.yaml]`;
}

/** Parses a control verb's arguments; an option the verb does not take, or a missing task or reason, is a usage error. */
function parseVerbRequest(spec: VerbSpec, rawArgs: string[]): VerbRequest {
  const bare = spec.name === 'approve' ? bareFlag(rawArgs) : { args: rawArgs, bare: false };
  const { values, positionals } = parseCommandArgs(bare.args, verbOptions, spec.takesTask ? 1 : 0);
  if (spec.extra !== 'note' && values.note !== undefined) throw new UsageError('unknown option --note');
  if (spec.extra !== 'reason' && spec.extra !== 'optional-reason' && values.reason !== undefined) throw new UsageError('unknown option --reason');
  if (spec.extra !== 'stop' && values.stop !== undefined) throw new UsageError('unknown option --stop');
  if (!spec.takesTo && values.to !== undefined) throw new UsageError('unknown option --to');
  const task = positionals[0];
  const approvingPlan = spec.name === 'approve' && !task && (bare.bare || values.plan !== undefined);
  if (spec.takesTask && !task && !approvingPlan)
    throw new UsageError(spec.name === 'approve' ? 'missing the task id (or --plan [plan.yaml] to approve the plan)' : 'missing the task id');
  if ((spec.extra === 'reason' || approvingPlan) && !values.reason?.trim()) throw new UsageError('--reason TEXT is required (it is recorded in the journal)');
  return { values, task, approvingPlan };
}

/** The journal's control record for a request (without its actor); a rejection that cannot re-open its tasks is refused here. */
function actionFor(name: VerbSpec['name'], request: VerbRequest, plan: RunPlan, paths: StatePaths): Result<ControlAction, Failure> {
  const { values, approvingPlan } = request;
  const task = request.task!;
  // The attempt a decision judges: the gate's own once it ran, else the work upstream of it.
  const judged = (state: ReturnType<typeof tryLoadState>) =>
    state.ok ? judgedAttempt(state.value.state, state.value.state.tasks[task]?.attempts.length ? [task] : (plan.tasks.get(task)?.deps ?? [])) : null;
  switch (name) {
    case 'retry':
      return ok(values.note !== undefined ? { action: 'retry', task, note: values.note } : { action: 'retry', task });
    case 'skip':
      return ok({ action: 'skip', task });
    case 'done':
      return ok({ action: 'done', task, reason: values.reason! });
    case 'approve':
      if (approvingPlan) return ok({ action: 'approve-plan', plan: plan.model.name, planVersion: plan.planVersion, reason: values.reason! });
      return ok({ action: 'approve', task, attempt: judged(tryLoadState(paths)), ...(values.reason?.trim() ? { reason: values.reason } : {}) });
    case 'reject': {
      const state = tryLoadState(paths);
      if (!state.ok) return err(state.error);
      const reopen = reopenedByRejection(plan, state.value.state, task, values.to);
      if (!reopen.ok) return err({ kind: 'control-rejected', reason: { kind: 'refused', message: reopen.message } });
      return ok({ action: 'reject', task, reason: values.reason!, reopened: reopen.reopened, attempt: judged(state), ...(values.to !== undefined ? { to: values.to } : {}) });
    }
    case 'approve-plan':
      throw new UsageError('approve a plan with `execplan approve --plan [plan.yaml] --reason TEXT`');
    case 'stop':
      return ok(values.reason?.trim() ? { action: 'stop', task, reason: values.reason } : { action: 'stop', task });
    case 'pause':
      return ok(values.stop ? { action: 'pause', stop: true } : { action: 'pause' });
    case 'resume':
      return ok({ action: 'resume' });
    default:
      return unreachable(name, 'control verb');
  }
}

/** The request as the person asked it, for the line the command prints. */
function requestText(name: VerbSpec['name'], request: VerbRequest, plan: RunPlan, action: ControlAction): string {
  if (request.approvingPlan) return `approve plan ${plan.model.name} (version ${plan.planVersion.slice(0, 12)}) by ${action.actor}`;
  return `${name}${request.task ? ` ${request.task}` : ''}${action.action === 'reject' ? ` (re-opens ${action.reopened.join(', ')})` : ''}`;
}

export function controlVerb(spec: VerbSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: verbUsage(spec),
    async run(rawArgs, io) {
      const request = parseVerbRequest(spec, rawArgs);
      const actor = resolveActor(io.env, io.cwd);
      // Control requests launch nothing: no schedule is needed to check and record them.
      const loaded = await loadRunPlan(io, request.values.plan, undefined, 'state');
      if (!loaded.ok) return loaded;
      const { plan, input } = loaded.value;
      const paths = planState(io, input, plan.tasks.keys());
      const built = actionFor(spec.name, request, plan, paths);
      if (!built.ok) return built;
      const action: ControlAction = { ...built.value, actor };
      const answer = controlOutcome(requestText(spec.name, request, plan, action), await sendControl(paths, plan, action));
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
      return ok(`${what}: recorded; the next \`execplan run\` acts on it${result.note ? ` (${result.note})` : ''}${result.warnings.map((w) => `\nwarning: ${w}`).join('')}`);
    case 'not-written':
      return err({ kind: 'control-unwritten', message: `${result.message}; free some space (or make the state folder writable) and send it again` });
    case 'applied-by-runner':
      return ok(`${what}: applied by the running execplan run (pid ${result.pid})${result.message === 'applied' ? '' : `: ${result.message}`}`);
    case 'unanswered':
      return err({ kind: 'control-unanswered', pid: result.pid });
    default:
      return unreachable(result, 'control result');
  }
}
