/** execplan prompt [spec.md] [--spec-path PATH]: prints the instructions an LLM needs to write plan.yaml. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { renderAuthoringPrompt } from '../../authoring/prompt.js';
import { ExitCode } from '../../compiler/diagnostic.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

export const promptCommand: Command = {
  name: 'prompt',
  summary: 'Print the instructions, example and JSON Schema an LLM needs to write plan.yaml (for a spec)',
  usage: 'execplan prompt [spec.md] [--spec-path PATH]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { 'spec-path': { type: 'string' } }, 1);
    const given = positionals[0];
    if (given === undefined) {
      io.stdout(renderAuthoringPrompt({}));
      return ExitCode.ok;
    }
    const absolute = path.resolve(io.cwd, given);
    let specText: string;
    try {
      if ((await stat(absolute)).isDirectory()) {
        io.stderr(`execplan prompt: ${given} is a directory; pass the spec file\n`);
        return ExitCode.badArguments;
      }
      const decoded = decodeText(await readFile(absolute));
      if (decoded === null) {
        io.stderr(`execplan prompt: ${given} is not UTF-8 text (a PDF, a Word file, another encoding?); convert the spec to UTF-8 Markdown or plain text first\n`);
        return ExitCode.badArguments;
      }
      specText = decoded;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.stderr(`execplan prompt: ${given}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`}\n`);
      return ExitCode.badArguments;
    }
    // The plan usually sits where the command runs, so the spec path is relative to it, with / separators.
    const specPath = values['spec-path'] ?? path.relative(io.cwd, absolute).split(path.sep).join('/');
    io.stdout(renderAuthoringPrompt({ specText, specPath }));
    return ExitCode.ok;
  },
};

/** The text of a UTF-8 file, or null for a binary one: a spec.pdf must not reach the LLM as mojibake. */
function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
