/** execplan pause: stop launching tasks; running ones finish. */
import { controlVerb } from './control-verb.js';

export const pauseCommand = controlVerb({ name: 'pause', summary: 'Stop launching new tasks (running tasks finish)', takesTask: false });
