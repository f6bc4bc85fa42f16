/**
 * execplan archive [plan.yaml] [--tag T] [--out DIR]: put a finished (or abandoned) plan's compiled output
 * and run state away, so the next compile and run start clean and the history is kept, never deleted.
 * They go to `.execplan/<plan name>/archive/<UTC time>[-tag]/` beside the plan (see docs/editing.md).
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { err, ok } from '../../core/result.js';
import { archiveState } from '../../runner/archive.js';
import { liveHolder } from '../../runner/lock.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadConfig } from '../config.js';
import { readPlanFile } from '../plan-input.js';
import { planState } from '../state-input.js';

export function archiveStamp(date: Date, tag: string | undefined): string {
  return `${date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}${tag ? `-${tag}` : ''}`;
}

export const archiveCommand: Command = {
  name: 'archive',
  summary: "Move a plan's compiled output and run state into .execplan/<plan name>/archive/<time>[-tag]/ (kept, not deleted)",
  usage: 'execplan archive [plan.yaml] [--tag TAG] [--out DIR]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { tag: { type: 'string' }, out: { type: 'string' } }, 1);
    if (values.tag !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(values.tag))
      throw new UsageError(`--tag must be letters, digits, '.', '_' or '-' (it names a folder), got '${values.tag}'`);
    const read = await readPlanFile(io.cwd, positionals[0]);
    if (!read.ok) return read;
    const input = read.value;
    const paths = planState(io, input);
    const holder = liveHolder(paths.lock);
    if (holder) return err({ kind: 'cannot-start', problems: [`a run of ${input.file} is active (pid ${holder.pid}); stop it (execplan pause --stop) before archiving`] });
    const { config } = await loadConfig(input.dir);
    const compiled = path.resolve(values.out ? io.cwd : input.dir, values.out ?? config.out_dir ?? 'tasks_output');
    const stamp = archiveStamp(new Date(), values.tag);
    if (existsSync(path.join(paths.archive, stamp)))
      return err({ kind: 'input-unusable', message: `${path.relative(io.cwd, path.join(paths.archive, stamp))} already exists; pick another --tag` });
    const target = archiveState(paths, stamp) ?? path.join(paths.archive, stamp);
    const moved: string[] = [];
    if (existsSync(path.join(target, 'state.json')) || existsSync(path.join(target, 'journal.jsonl'))) moved.push('run state');
    if (existsSync(compiled)) {
      mkdirSync(target, { recursive: true });
      renameSync(compiled, path.join(target, path.basename(compiled)));
      moved.push(`${path.relative(io.cwd, compiled) || path.basename(compiled)}/`);
    }
    const shown = path.relative(io.cwd, target) || target;
    if (moved.length === 0) {
      io.stderr(`${input.file}: nothing to archive (no compiled output at ${path.relative(io.cwd, compiled) || '.'}, no run state)\n`);
      return ok();
    }
    io.stderr(`${input.file}: archived ${moved.join(' and ')} to ${shown}/\n`);
    return ok();
  },
};
