/** execplan reject <id> --reason R [--to <earlier-task>]: a gate sends the work back for new attempts. */
import { controlVerb } from './control-verb.js';

export const rejectCommand = controlVerb({
  name: 'reject',
  summary: 'Reject a gate: re-open the work before it (--to an earlier task) with a reason; counts as rework',
  takesTask: true,
  extra: 'reason',
  takesTo: true,
});
