/** Finding an agent binary the way the child's exec will: a path, or a name searched on PATH. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findExecutable(command: string, cwd: string, envPath: string | undefined): string | null {
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    return executable(file) ? file : null;
  }
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    if (executable(file)) return file;
  }
  return null;
}
