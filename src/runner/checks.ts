/** Acceptance checks run after a task's command: `{run}` must exit 0, `{file}` must exist (and contain text). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../compiler/duration.js';
import type { AcceptanceCheck } from '../types/plan.js';
import type { AttemptHandle } from './executor.js';
import { spawnTree } from './command-executor.js';
import { unreachable } from '../core/unreachable.js';

export type CheckResult = { ok: true } | { ok: false; reason: string };

export interface CheckContext {
  planDir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  graceMs: number;
  onLine: (line: string) => void;
  /** The runner keeps the handle so Ctrl-C stops a running check too. */
  track: (handle: AttemptHandle | null) => void;
}

export function describeCheck(check: Exclude<AcceptanceCheck, string>): string {
  return 'run' in check ? `run \`${check.run}\`` : `file ${check.file}${check.contains !== undefined ? ` contains "${check.contains}"` : ''}`;
}

export async function runChecks(checks: readonly AcceptanceCheck[], context: CheckContext): Promise<CheckResult> {
  for (const check of checks) {
    if (typeof check === 'string') continue;
    const name = describeCheck(check);
    if ('file' in check) {
      let text: string;
      try {
        text = readFileSync(path.resolve(context.planDir, check.file), 'utf8');
      } catch {
        return { ok: false, reason: `acceptance check failed: ${name}: ${check.file} does not exist` };
      }
      if (check.contains !== undefined && !text.includes(check.contains)) {
        return { ok: false, reason: `acceptance check failed: ${name}: text not found` };
      }
      continue;
    }
    context.onLine(`[execplan] acceptance check: ${check.run}`);
    const handle = spawnTree(check.run, { cwd: context.cwd, env: context.env, graceMs: context.graceMs, onLine: (line) => context.onLine(line) });
    context.track(handle);
    const limit = check.timeout !== undefined ? parseDuration(check.timeout) : null;
    const timer = limit?.ok ? setTimeout(() => handle.kill('timeout'), limit.hours * 3600_000) : null;
    const outcome = await handle.done;
    if (timer) clearTimeout(timer);
    context.track(null);
    switch (outcome.kind) {
      case 'exited':
        if (outcome.exitCode !== 0) return { ok: false, reason: `acceptance check failed: ${name} exited ${outcome.exitCode}` };
        break;
      case 'killed':
        return { ok: false, reason: `acceptance check ${outcome.reason === 'timeout' ? 'timed out' : 'stopped'}: ${name}` };
      case 'signalled':
        return { ok: false, reason: `acceptance check failed: ${name} killed by ${outcome.signal}` };
      case 'error':
        return { ok: false, reason: `acceptance check could not start: ${name}: ${outcome.message}` };
      case 'limited':
        return { ok: false, reason: `acceptance check hit a ${outcome.limit}: ${name}: ${outcome.message}` };
      default:
        return unreachable(outcome, 'outcome');
    }
  }
  return { ok: true };
}
