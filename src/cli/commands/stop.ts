/** execplan stop <id> [--reason TEXT]: end one running task's process tree now; the run goes on, the task runs again on the next run. */
import { controlVerb } from './control-verb.js';

export const stopCommand = controlVerb({
  name: 'stop',
  summary: 'Stop one running task now (its whole process tree); it runs again on the next run',
  takesTask: true,
  extra: 'optional-reason',
});
