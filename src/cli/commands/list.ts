/**
 * execplan list [dir] [--json]: every plan under a folder, with its name, task count and run state (read
 * from the state the runner keeps beside each plan).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ok } from '../../core/result.js';
import { loadPlan } from '../../compiler/load.js';
import { pidAlive } from '../../runner/lock.js';
import { statePaths } from '../../runner/paths.js';
import { tryLoadState } from '../../runner/store.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { planNameOf } from '../state-input.js';

/** Folders that never hold a user's plans (dependencies, VCS data, run state, compiled output). */
const skipped = new Set(['node_modules', '.git', '.execplan', 'tasks_output', 'dist', 'coverage']);
const maxDepth = 8;

async function findPlans(dir: string, depth = 0): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipped.has(entry.name) && !entry.name.startsWith('.') && depth < maxDepth) out.push(...(await findPlans(full, depth + 1)));
    } else if (entry.isFile() && /\.ya?ml$/.test(entry.name) && !/^execplan\.config\.ya?ml$/.test(entry.name)) {
      // A plan says what it is in its first lines: `version: 1` and a `tasks:` list.
      const head = await readFile(full, 'utf8').catch(() => '');
      if (/^version:\s*1\b/m.test(head) && /^tasks:/m.test(head)) out.push(full);
    }
  }
  return out;
}

export interface ListedPlan {
  file: string;
  name: string | null;
  title: string | null;
  tasks: number;
  valid: boolean;
  /** no run | running | paused | completed | failed | waiting | aborted | interrupted | damaged */
  state: string;
  done: number;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'List every plan under a folder with its name, task count and run state',
  usage: 'execplan list [dir] [--json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false } }, 1);
    const root = path.resolve(io.cwd, positionals[0] ?? '.');
    const plans: ListedPlan[] = [];
    for (const file of await findPlans(root)) {
      const text = await readFile(file, 'utf8');
      const result = loadPlan(path.relative(io.cwd, file), text);
      const loaded = result.ok ? result.value : result.error;
      const plan = loaded.plan as { name?: string; title?: string; tasks?: Array<{ id: string }> } | null;
      const raw = plan ?? (loaded.source?.doc.toJS() as { name?: string; title?: string; tasks?: Array<{ id: string }> } | undefined) ?? null;
      const ids = Array.isArray(raw?.tasks) ? raw.tasks.map((t) => t?.id).filter((id): id is string => typeof id === 'string') : [];
      const shown = path.relative(io.cwd, file) || path.basename(file);
      const loadedState = tryLoadState(statePaths(path.dirname(file), planNameOf({ file: shown, absolute: file, dir: path.dirname(file), text })));
      let state = 'damaged';
      let done = 0;
      if (loadedState.ok) {
        const s = loadedState.value.state;
        done = ids.filter((id) => ['done', 'skipped', 'fresh'].includes(s.tasks[id]?.status ?? '')).length;
        if (s.runId === null) state = 'no run';
        else if (s.activePid !== null && pidAlive(s.activePid)) state = s.paused ? 'paused' : 'running';
        else state = s.lastOutcome ?? 'interrupted';
      }
      plans.push({
        file: shown,
        name: typeof raw?.name === 'string' ? raw.name : null,
        title: typeof raw?.title === 'string' ? raw.title : null,
        tasks: ids.length,
        valid: result.ok,
        state,
        done,
      });
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(plans, null, 2)}\n`);
      return ok();
    }
    if (plans.length === 0) {
      io.stderr(`no plans under ${positionals[0] ?? '.'} (a plan is a .yaml file with \`version: 1\` and \`tasks:\`)\n`);
      return ok();
    }
    const rows = plans.map((p) => [
      p.file,
      p.name ?? '?',
      String(p.tasks),
      p.state === 'no run' ? 'no run' : `${p.state} (${p.done}/${p.tasks} done)`,
      p.valid ? '' : 'invalid: execplan validate',
    ]);
    const header = ['plan', 'name', 'tasks', 'state', ''];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    io.stdout(`${[line(header), ...rows.map(line)].join('\n')}\n`);
    return ok();
  },
};
