/**
 * Layout of a plan's state directory. Every plan has its own: `.execplan/<plan name>/` beside the plan
 * file, so two plans in one folder never share a journal, a lock or logs. (Worktrees stay in
 * `.execplan/worktrees/`, shared by the plans of the repository.)
 */
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

/** `.execplan/` beside the plan: the folder that holds every plan's state directory. */
export function stateRoot(planDir: string): string {
  return path.join(planDir, '.execplan');
}

/** The state directory of the plan named `planName` (a slug, so safe as a directory name). */
export function statePaths(planDir: string, planName: string): StatePaths {
  return statePathsIn(path.join(stateRoot(planDir), planName));
}

/** The layout inside a given state directory. */
export function statePathsIn(dir: string): StatePaths {
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
