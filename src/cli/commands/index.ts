// Registers every command, in the order `execplan --help` lists them.
import { registerCommand } from '../main.js';
import { validateCommand } from './validate.js';

registerCommand(validateCommand);
import { runCommand } from './run.js';

registerCommand(runCommand);
