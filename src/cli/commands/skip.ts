/** execplan skip <id>: defer a task; its dependents may proceed. */
import { controlVerb } from './control-verb.js';

export const skipCommand = controlVerb({ name: 'skip', summary: 'Skip (defer) a task; dependents treat it as satisfied', takesTask: true });
