/** execplan approve <id>: open the review gate of a task with `gate: approve`. */
import { controlVerb } from './control-verb.js';

export const approveCommand = controlVerb({ name: 'approve', summary: 'Approve a task with gate: approve so it can start', takesTask: true });
