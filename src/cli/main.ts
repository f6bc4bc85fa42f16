/** Entry point: picks the command, runs it, prints its failure (if any) and picks the exit code: the only place that does. */
import { err } from '../core/result.js';
import { UsageError, type CliIo, type Command, type CommandResult } from './command.js';
import { ExitCode, exitCodeOf } from './exit-code.js';
import { version } from './version.js';

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `execplan ${version}: compile an execution plan (plan.yaml) into a schedule and run it.

Usage: execplan <command> [options]

Commands:
${rows}

Run \`execplan <command> --help\` for a command's options.
Exit codes: 0 ok, 1 bad arguments, 3 dependency cycle, 4 resource conflict, 5 invalid plan,
6 runner could not start, 7 execution failed (resumable), 8 failed (not resumable), 9 aborted, 10 stale artifacts,
11 integrate hit a merge conflict.
`;
}

export function defaultIo(): CliIo {
  // `execplan graph | head`: the reader left. Drop the rest of the output instead of dying with an
  // unhandled EPIPE stack trace; the command itself (a run, a compile) carries on to its own end.
  let readerGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // EIO: the terminal is gone (closed window, dropped SSH): a run keeps going to save its state.
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    readerGone = true;
  });
  let errGone = false;
  process.stderr.on('error', () => {
    errGone = true;
  });
  return {
    stdout: (t) => void (readerGone || process.stdout.write(t)),
    stderr: (t) => void (errGone || process.stderr.write(t)),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const { commandLoaders } = await import('./commands/index.js');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText(await Promise.all(commandLoaders.map(([, load]) => load()))));
    return name === undefined ? ExitCode.badArguments : ExitCode.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${version}\n`);
    return ExitCode.ok;
  }
  const loader = commandLoaders.find(([known]) => known === name);
  if (!loader) {
    io.stderr(`execplan: unknown command '${name}'. Commands: ${commandLoaders.map(([known]) => known).join(', ')}.\n`);
    return ExitCode.badArguments;
  }
  const command = await loader[1]();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return ExitCode.ok;
  }
  let result: CommandResult;
  try {
    result = await command.run(rest, io);
  } catch (error) {
    // Thrown from deep in argument parsing, where returning it up would only add noise.
    if (!(error instanceof UsageError)) throw error;
    result = err({ kind: 'usage', message: error.message });
  }
  if (result.ok) return ExitCode.ok;
  // Worded only for a failure: a command that succeeds never loads the wording of every failure.
  const { failureText } = await import('./failure-text.js');
  const text = failureText(result.error, { name: command.name, usage: command.usage, cwd: io.cwd });
  if (text) io.stderr(text);
  return exitCodeOf(result.error);
}
