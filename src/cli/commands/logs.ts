/** execplan logs <id> [--attempt N]: print the (redacted) log of a task's attempt, the last one by default. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok } from '../../core/result.js';
import { logPath } from '../../runner/paths.js';
import { planState } from '../state-input.js';
import { tryLoadState } from '../../runner/store.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { readPlanFile } from '../plan-input.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: "Print a task attempt's log (the last attempt unless --attempt N)",
  usage: 'execplan logs <task-id> [--attempt N] [--plan plan.yaml]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { attempt: { type: 'string' }, plan: { type: 'string' } }, 1);
    const task = positionals[0];
    if (!task) throw new UsageError('missing the task id');
    const read = await readPlanFile(io.cwd, values.plan);
    if (!read.ok) return read;
    const paths = planState(io, read.value);
    const loaded = tryLoadState(paths);
    if (!loaded.ok) return loaded;
    const state = loaded.value.state;
    const attempts = state.tasks[task]?.attempts ?? [];
    if (attempts.length === 0) return err({ kind: 'no-attempt', task, attempts: [], wanted: null });
    const wanted = parsePositiveInt(values.attempt, '--attempt') ?? attempts[attempts.length - 1]!.n;
    const attempt = attempts.find((a) => a.n === wanted);
    if (!attempt) return err({ kind: 'no-attempt', task, attempts: attempts.map((a) => a.n), wanted });
    const file = logPath(paths, task, attempt.n);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      io.stderr(`execplan logs: ${task} attempt ${attempt.n} (${attempt.status}) printed nothing\n`);
      return ok();
    }
    io.stderr(`# ${task} attempt ${attempt.n}: ${attempt.status}${attempt.reason ? ` (${attempt.reason})` : ''} · ${path.relative(io.cwd, file)}\n`);
    io.stdout(text);
    return ok();
  },
};
