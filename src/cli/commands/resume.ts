/** execplan resume: launch tasks again after `execplan pause`. */
import { controlVerb } from './control-verb.js';

export const resumeCommand = controlVerb({ name: 'resume', summary: 'Launch tasks again after pause', takesTask: false });
