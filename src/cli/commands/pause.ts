/** execplan pause [--stop]: stop launching tasks; running ones finish, or are stopped too with --stop. */
import { controlVerb } from './control-verb.js';

export const pauseCommand = controlVerb({ name: 'pause', summary: 'Stop launching new tasks (running tasks finish; --stop stops them too)', takesTask: false, extra: 'stop' });
