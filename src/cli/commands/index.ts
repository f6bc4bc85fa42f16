// Registers every command, in the order `execplan --help` lists them.
import { registerCommand } from '../main.js';
import { compileCommand } from './compile.js';
import { draftCommand } from './draft.js';
import { initCommand } from './init.js';
import { promptCommand } from './prompt.js';
import { validateCommand } from './validate.js';

registerCommand(initCommand);
registerCommand(validateCommand);
registerCommand(compileCommand);
registerCommand(promptCommand);
registerCommand(draftCommand);
