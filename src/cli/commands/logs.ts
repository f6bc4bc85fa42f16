/** execplan logs <id> [--attempt N] [--follow]: print the (redacted) log of a task's attempt, the last one by default. */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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
  usage: 'execplan logs <task-id> [--attempt N] [--follow] [--plan plan.yaml]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { attempt: { type: 'string' }, plan: { type: 'string' }, follow: { type: 'boolean', short: 'f' } }, 1);
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
    if (values.follow && attempt.status === 'running') {
      io.stderr(`# ${task} attempt ${attempt.n}: running · ${path.relative(io.cwd, file)} (following until it ends; Ctrl-C stops)\n`);
      const ended = await follow(file, io.stdout, () => {
        const now = tryLoadState(paths);
        const a = now.ok ? now.value.state.tasks[task]?.attempts.find((x) => x.n === attempt.n) : undefined;
        return now.ok && a && a.status !== 'running' ? `${a.status}${a.reason ? ` (${a.reason})` : ''}` : null;
      });
      io.stderr(`# ${task} attempt ${attempt.n}: ${ended}\n`);
      return ok();
    }
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

/** Bytes of `file` from `offset` on (none when it does not exist yet). */
function readFrom(file: string, offset: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = statSync(file).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Prints the log as it grows until the attempt ends (`endedAs` gives its outcome), or Ctrl-C. The runner
 * writes in batches about twice a second, so a poll every 200 ms shows lines soon after they are written.
 */
async function follow(file: string, write: (text: string) => void, endedAs: () => string | null): Promise<string> {
  let offset = 0;
  let interrupted = false;
  const onSignal = () => (interrupted = true);
  process.once('SIGINT', onSignal);
  try {
    for (let beat = 0; ; beat++) {
      const chunk = readFrom(file, offset);
      // Whole lines only: a batch can end inside a multi-byte character.
      const end = chunk.lastIndexOf(10) + 1;
      if (end > 0) {
        write(chunk.subarray(0, end).toString('utf8'));
        offset += end;
      }
      if (interrupted) return 'still running (stopped following)';
      if (beat % 3 === 0) {
        const ended = endedAs();
        if (ended !== null) {
          const rest = readFrom(file, offset);
          if (rest.length) write(rest.toString('utf8'));
          return ended;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
}
