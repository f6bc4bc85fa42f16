// Registers every command, in the order `execplan --help` lists them.
import { registerCommand } from '../main.js';
import { validateCommand } from './validate.js';

registerCommand(validateCommand);
import { runCommand } from './run.js';

registerCommand(runCommand);
import { statusCommand } from './status.js';
import { retryCommand } from './retry.js';
import { skipCommand } from './skip.js';
import { doneCommand } from './done.js';
import { approveCommand } from './approve.js';
import { pauseCommand } from './pause.js';
import { resumeCommand } from './resume.js';
import { logsCommand } from './logs.js';
import { verifyCommand } from './verify.js';

registerCommand(statusCommand);
registerCommand(retryCommand);
registerCommand(skipCommand);
registerCommand(doneCommand);
registerCommand(approveCommand);
registerCommand(pauseCommand);
registerCommand(resumeCommand);
registerCommand(logsCommand);
registerCommand(verifyCommand);
