/** execplan prompt [spec.md] [--spec-path PATH]: prints the instructions an LLM needs to write plan.yaml. */
import path from 'node:path';
import { renderAuthoringPrompt } from '../../authoring/prompt.js';
import { ok } from '../../core/result.js';
import { parseCommandArgs } from '../args.js';
import { inventoryOption, inventoryText } from '../inventory-input.js';
import type { Command } from '../command.js';
import { readSpecFile, redactSpecText } from '../spec-input.js';

export const promptCommand: Command = {
  name: 'prompt',
  summary: 'Print the instructions, example and JSON Schema an LLM needs to write plan.yaml (for a spec)',
  usage: 'execplan prompt [spec.md] [--spec-path PATH] [--allow-outside PATH] [--no-inventory]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { 'spec-path': { type: 'string' }, 'allow-outside': { type: 'string', multiple: true }, ...inventoryOption }, 1);
    const given = positionals[0];
    if (given === undefined) {
      io.stdout(renderAuthoringPrompt({}));
      return ok();
    }
    const read = await readSpecFile(io.cwd, given, values['allow-outside']);
    if (!read.ok) return read;
    if (read.value.outsideAllowed) io.stderr(`execplan prompt: note: ${given} is outside the project; included because --allow-outside allows it\n`);
    const { absolute } = read.value;
    const { text: specText, warnings } = redactSpecText(given, read.value.text);
    for (const w of warnings) io.stderr(`${w}\n`);
    // The plan usually sits where the command runs, so the spec path is relative to it, with / separators.
    const specPath = values['spec-path'] ?? path.relative(io.cwd, absolute).split(path.sep).join('/');
    io.stdout(renderAuthoringPrompt({ specText, specPath, inventory: await inventoryText(io.cwd, values['no-inventory']) }));
    return ok();
  },
};
