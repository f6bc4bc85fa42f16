// Every command, in the order `execplan --help` lists them. Loaded on demand: a command pays only for
// its own modules at start-up (the runner's control commands are called often, from scripts too).
import type { Command } from '../command.js';

export const commandLoaders: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['init', async () => (await import('./init.js')).initCommand],
  ['validate', async () => (await import('./validate.js')).validateCommand],
  ['compile', async () => (await import('./compile.js')).compileCommand],
  ['graph', async () => (await import('./graph.js')).graphCommand],
  ['run', async () => (await import('./run.js')).runCommand],
  ['status', async () => (await import('./status.js')).statusCommand],
  ['logs', async () => (await import('./logs.js')).logsCommand],
  ['retry', async () => (await import('./retry.js')).retryCommand],
  ['skip', async () => (await import('./skip.js')).skipCommand],
  ['done', async () => (await import('./done.js')).doneCommand],
  ['approve', async () => (await import('./approve.js')).approveCommand],
  ['reject', async () => (await import('./reject.js')).rejectCommand],
  ['stop', async () => (await import('./stop.js')).stopCommand],
  ['pause', async () => (await import('./pause.js')).pauseCommand],
  ['resume', async () => (await import('./resume.js')).resumeCommand],
  ['report', async () => (await import('./report.js')).reportCommand],
  ['verify', async () => (await import('./verify.js')).verifyCommand],
  ['export', async () => (await import('./export.js')).exportCommand],
  ['prompt', async () => (await import('./prompt.js')).promptCommand],
  ['draft', async () => (await import('./draft.js')).draftCommand],
];
