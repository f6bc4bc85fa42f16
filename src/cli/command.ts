/** One CLI command: its own file under commands/, registered in main.ts. */
import type { Failure } from '../core/failure.js';
import type { Result } from '../core/result.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

export type CommandResult = Result<void, Failure>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Prints its output; an expected failure is returned, and main.ts prints it and picks the exit code. */
  run(args: string[], io: CliIo): Promise<CommandResult>;
}

/** A usage error: printed with the command's usage line, exit 1. */
export class UsageError extends Error {}
