/** Finding a plan's state directory (`.execplan/<plan name>/`) and reporting a damaged history, for every command that reads it. */
import path from 'node:path';
import { fastParse } from '../compiler/fast-yaml.js';
import { limits, yaml } from '../compiler/source.js';
import { stateRoot, statePaths, type StatePaths } from '../runner/paths.js';
import { migrateAgentRecords, migrateLegacyState } from '../runner/state-dir.js';
import type { CliIo } from './command.js';
import type { PlanInput } from './plan-input.js';

const slug = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The plan's `name` (a slug, required by the schema); for a file that does not load, the file name,
 * so `execplan verify` still finds the state of a plan that has become invalid.
 */
export function planNameOf(input: PlanInput): string {
  // A loaded plan knows its name; parsing a large plan again would cost as much as loading it.
  if (input.name !== undefined && slug.test(input.name)) return input.name;
  try {
    // The fast reader first (the plan's loader reads it the same way); `yaml` for what it declines.
    const fast = fastParse(input.text, limits.maxDepth);
    const name = ((fast ? fast.value : yaml().parse(input.text)) as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && slug.test(name)) return name;
  } catch {
    // not YAML: fall back to the file name
  }
  return path.basename(input.file, path.extname(input.file)).replace(/[^A-Za-z0-9._-]/g, '_') || 'plan';
}

/**
 * The plan's state paths; the state of earlier versions (one per folder) moves here on first use. A caller
 * that has loaded the plan passes its (validated) name, so the text is not read again.
 */
export function planState(io: CliIo, input: PlanInput, taskIds: Iterable<string> = [], name: string = planNameOf(input)): StatePaths {
  const paths = statePaths(input.dir, name);
  try {
    const moved = migrateLegacyState(stateRoot(input.dir), paths, new Set(taskIds));
    if (moved.moved)
      io.stderr(`execplan: note: moved the run state of ${path.relative(io.cwd, moved.from) || '.'} to ${path.relative(io.cwd, moved.to)} (one state directory per plan)\n`);
    else if ('blocked' in moved) io.stderr(`execplan: note: not moving the old run state yet: ${moved.blocked}\n`);
    migrateAgentRecords(paths);
  } catch (error) {
    io.stderr(`execplan: note: could not move the old run state to ${path.relative(io.cwd, paths.dir)} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
  }
  return paths;
}
