/** execplan done <id> --reason TEXT: force-complete a task (manual tasks finish this way); the reason is recorded. */
import { controlVerb } from './control-verb.js';

export const doneCommand = controlVerb({
  name: 'done',
  summary: 'Mark a task done by hand (manual tasks, force-complete); the reason is journaled',
  takesTask: true,
  extra: 'reason',
});
