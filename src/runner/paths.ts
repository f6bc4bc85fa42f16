/** Layout of the state directory `.execplan/` beside plan.yaml (docs/runner.md, docs/contract.md). */
import path from 'node:path';

export interface StatePaths {
  dir: string;
  state: string;
  journal: string;
  lock: string;
  logs: string;
  runs: string;
  control: string;
  archive: string;
}

export function statePaths(planDir: string): StatePaths {
  const dir = path.join(planDir, '.execplan');
  return {
    dir,
    state: path.join(dir, 'state.json'),
    journal: path.join(dir, 'journal.jsonl'),
    lock: path.join(dir, 'lock'),
    logs: path.join(dir, 'logs'),
    runs: path.join(dir, 'runs'),
    control: path.join(dir, 'control'),
    archive: path.join(dir, 'archive'),
  };
}

/** Task ids are [A-Za-z0-9._-]+ (schema), so they are safe as directory names. */
export function logPath(paths: StatePaths, task: string, attempt: number): string {
  return path.join(paths.logs, task, `${attempt}.log`);
}
