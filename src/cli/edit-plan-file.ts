/**
 * The shared end of `execplan task ...` and `execplan dep ...`: read the plan, apply a pure edit, validate
 * the result with the normal loader, then show it (--dry-run), ask about absurd values (--yes), or write it.
 * An edit that would make the plan invalid is refused and the file is left as it was.
 */
import { createTwoFilesPatch } from 'diff';
import type { Diagnostic } from '../compiler/diagnostic.js';
import { loadDiagnostics } from '../compiler/load.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { err, ok } from '../core/result.js';
import type { EditResult } from '../plan-edit/edit.js';
import type { CliIo, CommandResult } from './command.js';
import { loadConfig } from './config.js';
import { printDiagnostics, readPlanFile, validatePlanText } from './plan-input.js';

export interface EditOptions {
  plan?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export const editFlags = {
  plan: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
} as const;

/** A unified diff of a plan edit, as `git diff` would show it. */
export function planDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 })
    .replace(/^=+\n/m, '')
    .replace(/^Index:.*\n/m, '');
}

const key = (d: Diagnostic) => `${d.severity} ${d.code} ${d.message}`;

export async function applyPlanEdit(io: CliIo, options: EditOptions, edit: (text: string) => EditResult): Promise<CommandResult> {
  const read = await readPlanFile(io.cwd, options.plan);
  if (!read.ok) return read;
  const input = read.value;
  const result = edit(input.text);
  if (!result.ok) return err({ kind: 'edit-refused', file: input.file, message: result.message, invalid: result.kind === 'unreadable' || result.kind === 'dependents' });
  if (result.text === input.text) {
    io.stderr(`${input.file}: ${result.summary}\n`);
    return ok();
  }
  const { config } = await loadConfig(input.dir);
  const afterDiagnostics = loadDiagnostics(await validatePlanText(input.file, result.text, input.dir, config));
  // Problems the plan already had are not this edit's fault (and an edit may be how the user fixes them).
  // The original is validated only when the result has problems to compare: a big plan loads in seconds.
  const beforeDiagnostics = afterDiagnostics.length > 0 ? loadDiagnostics(await validatePlanText(input.file, input.text, input.dir, config)) : [];
  const known = new Set(beforeDiagnostics.map(key));
  const introduced = afterDiagnostics.filter((d) => !known.has(key(d)));
  const newErrors = introduced.filter((d) => d.severity === 'error');
  if (options.dryRun) io.stdout(planDiff(input.file, input.text, result.text));
  if (newErrors.length > 0) return err({ kind: 'edit-invalid', file: input.file, diagnostics: newErrors });
  printDiagnostics(io, introduced);
  if (result.doubts.length > 0 && !options.yes) return err({ kind: 'edit-unconfirmed', doubts: result.doubts, dryRun: Boolean(options.dryRun) });
  if (options.dryRun) {
    io.stderr(`${input.file}: would be changed: ${result.summary} (dry run, nothing written)\n`);
    return ok();
  }
  // Atomically: an editor or a running `execplan run` never reads a half-written plan.
  try {
    writeFileAtomic(input.absolute, result.text, { fsync: true });
  } catch (error) {
    return err({ kind: 'write-failed', message: `cannot write ${input.file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing was changed` });
  }
  io.stderr(`${input.file}: ${result.summary}\n`);
  return ok();
}
