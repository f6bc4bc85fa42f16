// Registers every command, in the order `execplan --help` lists them.
import { registerCommand } from '../main.js';
import { compileCommand } from './compile.js';
import { validateCommand } from './validate.js';

registerCommand(validateCommand);
registerCommand(compileCommand);
