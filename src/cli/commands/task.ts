/**
 * execplan task add|rm|set|mv: edit the plan's tasks from the command line, keeping its comments, key
 * order and formatting. Every edit is validated before it is written; see docs/editing.md.
 */
import { addTask, moveTask, removeTask, setTaskFields } from '../../plan-edit/edit.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { applyPlanEdit, editFlags } from '../edit-plan-file.js';

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

export const taskCommand: Command = {
  name: 'task',
  summary: 'Edit tasks in plan.yaml keeping comments: `task add|rm|set|mv` (validated; --dry-run shows the diff)',
  usage: `execplan task add <id> --title T [--needs a,b] [--estimate E|--size S] [--stream S] [--phase P] [--risk R] [--test STRATEGY] [--description D] [--files a,b] [--acceptance TEXT].. [--run CMD] [--after ID]
       execplan task rm <id> [--force]
       execplan task set <id> key=value|key+=item|key-=item...
       execplan task mv <id> --before ID|--after ID
       (all: [--plan FILE] [--dry-run] [--yes])`,
  async run(args, io) {
    const [verb, ...rest] = args;
    switch (verb) {
      case 'add':
        return addCommand(rest, io);
      case 'rm':
        return removeCommand(rest, io);
      case 'set':
        return setCommand(rest, io);
      case 'mv':
        return moveCommand(rest, io);
      default:
        throw new UsageError(verb === undefined ? 'name what to do: add, rm, set or mv' : `unknown task command '${verb}'; use add, rm, set or mv`);
    }
  },
};

/** The flags of `task add`: one per field a new task can be given. */
const addFlags = {
  ...editFlags,
  title: { type: 'string' },
  needs: { type: 'string' },
  estimate: { type: 'string' },
  size: { type: 'string' },
  stream: { type: 'string' },
  phase: { type: 'string' },
  feature: { type: 'string' },
  risk: { type: 'string' },
  test: { type: 'string' },
  description: { type: 'string' },
  files: { type: 'string' },
  acceptance: { type: 'string', multiple: true },
  run: { type: 'string' },
  after: { type: 'string' },
} as const;

function addCommand(rest: string[], io: CliIo): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(rest, addFlags, 1);
  const id = positionals[0];
  if (id === undefined) throw new UsageError('name the new task: execplan task add <id> --title "..."');
  if (values.title === undefined) throw new UsageError('a task needs a title: --title "Create the user model"');
  if (values.estimate !== undefined && values.size !== undefined) throw new UsageError('give --estimate or --size, not both');
  return applyPlanEdit(io, { plan: values.plan, dryRun: values['dry-run'], yes: values.yes }, (text) =>
    addTask(text, {
      id,
      title: values.title!,
      description: values.description,
      feature: values.feature,
      stream: values.stream,
      phase: values.phase,
      needs: list(values.needs),
      estimate: values.estimate,
      size: values.size,
      risk: values.risk,
      test: values.test,
      files: list(values.files),
      acceptance: values.acceptance,
      run: values.run,
      after: values.after,
    }),
  );
}

function removeCommand(rest: string[], io: CliIo): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(rest, { ...editFlags, force: { type: 'boolean', default: false } }, 1);
  if (positionals[0] === undefined) throw new UsageError('name the task to remove: execplan task rm <id>');
  return applyPlanEdit(io, { plan: values.plan, dryRun: values['dry-run'], yes: values.yes }, (text) => removeTask(text, positionals[0]!, values.force));
}

function setCommand(rest: string[], io: CliIo): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(rest, editFlags);
  const [id, ...assignments] = positionals;
  if (id === undefined || assignments.length === 0) throw new UsageError('name the task and what to set: execplan task set <id> estimate=3 risk=high');
  return applyPlanEdit(io, { plan: values.plan, dryRun: values['dry-run'], yes: values.yes }, (text) => setTaskFields(text, id, assignments));
}

function moveCommand(rest: string[], io: CliIo): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(rest, { ...editFlags, before: { type: 'string' }, after: { type: 'string' } }, 1);
  if (positionals[0] === undefined) throw new UsageError('name the task to move: execplan task mv <id> --before <id>');
  if ((values.before === undefined) === (values.after === undefined)) throw new UsageError('give exactly one of --before ID or --after ID');
  return applyPlanEdit(io, { plan: values.plan, dryRun: values['dry-run'], yes: values.yes }, (text) =>
    moveTask(text, positionals[0]!, { before: values.before, after: values.after }),
  );
}
