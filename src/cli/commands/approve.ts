/** execplan approve <id> [--reason R]: sign off a gate (gate: approve); `approve --plan` approves the plan itself. */
import { controlVerb } from './control-verb.js';

export const approveCommand = controlVerb({
  name: 'approve',
  summary: 'Sign off a gate (gate: approve), or the plan itself with --plan; journaled with who and why',
  takesTask: true,
  extra: 'optional-reason',
});
