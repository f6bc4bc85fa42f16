/**
 * execplan dep add|rm <task> <needed>: add or remove a dependency (`needs`) keeping the plan's comments.
 * A dependency that would close a cycle is refused with exit 3 and the cycle's path.
 */
import { addDependency, removeDependency } from '../../plan-edit/edit.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { applyPlanEdit, editFlags } from '../edit-plan-file.js';

export const depCommand: Command = {
  name: 'dep',
  summary: 'Add or remove a dependency in plan.yaml: `dep add|rm <task> <needed>` (cycles refused, exit 3)',
  usage: 'execplan dep add|rm <task> <needed> [--plan FILE] [--dry-run]',
  async run(args, io) {
    const [verb, ...rest] = args;
    if (verb !== 'add' && verb !== 'rm') throw new UsageError(verb === undefined ? 'name what to do: add or rm' : `unknown dep command '${verb}'; use add or rm`);
    const { values, positionals } = parseCommandArgs(rest, editFlags, 2);
    const [task, needed] = positionals;
    if (task === undefined || needed === undefined) throw new UsageError(`name the task and the task it needs: execplan dep ${verb} <task> <needed>`);
    const options = { plan: values.plan, dryRun: values['dry-run'], yes: values.yes };
    return applyPlanEdit(io, options, (text) => (verb === 'add' ? addDependency(text, task, needed) : removeDependency(text, task, needed)));
  },
};
