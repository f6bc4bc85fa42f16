/** execplan retry <id> [--note TEXT]: run a failed (or finished) task again as a new attempt. */
import { controlVerb } from './control-verb.js';

export const retryCommand = controlVerb({
  name: 'retry',
  summary: 'Run a task again as a new attempt (optional note passed to it as EXECPLAN_NOTE)',
  takesTask: true,
  extra: 'note',
});
