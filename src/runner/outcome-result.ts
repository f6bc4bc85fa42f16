/** How an attempt's process ended, in the words the journal and the summary use. */
import type { AttemptOutcome } from './executor.js';
import { unreachable } from '../core/unreachable.js';

/** `reason` is null when the process succeeded; `exitCode` is null when it did not exit by itself. */
export function outcomeResult(outcome: AttemptOutcome, timeoutSeconds: number | null): { reason: string | null; exitCode: number | null } {
  let reason: string | null = null;
  let exitCode: number | null = null;
  switch (outcome.kind) {
    case 'exited':
      exitCode = outcome.exitCode;
      if (outcome.failure) reason = outcome.failure;
      else if (exitCode !== 0) reason = `exited with code ${exitCode}`;
      break;
    case 'killed':
      reason = outcome.reason === 'timeout' ? `timed out after ${timeoutSeconds}s (process tree killed)` : 'stopped';
      break;
    case 'signalled':
      reason = `killed by ${outcome.signal}`;
      break;
    case 'error':
      reason = `could not start: ${outcome.message}`;
      break;
    case 'limited':
      reason = `${outcome.limit} of ${outcome.pool}: ${outcome.message}`;
      break;
    default:
      return unreachable(outcome, 'outcome');
  }
  return { reason, exitCode };
}
