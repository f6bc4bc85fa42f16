/** One CLI command: its own file under commands/, registered in main.ts. */
import type { ExitCode } from '../compiler/diagnostic.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<ExitCode | number>;
}

/** A usage error: printed with the command's usage line, exit 1. */
export class UsageError extends Error {}
