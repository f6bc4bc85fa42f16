// Shared by the run-control tests: handshakes by files, and processes looked up in /proc.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from './cli.js';

export const env = { CI: '1', NO_COLOR: '1', EXECPLAN_KILL_GRACE_MS: '300', EXECPLAN_RETRY_BASE_MS: '20' };
export const header = 'version: 1\nname: demo\ntitle: Demo\n';
export const state = (dir: string, ...rest: string[]) => path.join(dir, '.execplan', 'demo', ...rest);

export async function waitFor(file: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!existsSync(file)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitUntil(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until a task has written a pid into `file`. The file exists as soon as the shell opens it for
 * `echo $$ > file`, before the digits land, so waiting for the file alone races the write.
 */
export async function waitForPid(file: string, timeoutMs = 15_000): Promise<number> {
  let pid = 0;
  await waitUntil(
    `${file} holds a pid`,
    () => {
      try {
        const text = readFileSync(file, 'utf8');
        pid = Number(text.trim());
        return text.endsWith('\n') && Number.isInteger(pid) && pid > 0;
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
  return pid;
}

export function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} does not hold a pid`);
  return pid;
}

/** Alive and not a zombie, as /proc says (never the runner's word). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

export function journal(dir: string): Array<Record<string, any>> {
  return readFileSync(state(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Whether a complete journal line matches (safe while the runner appends: a torn last line is skipped). */
export function journaled(dir: string, match: (record: Record<string, any>) => boolean): boolean {
  if (!existsSync(state(dir, 'journal.jsonl'))) return false;
  return readFileSync(state(dir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .some((line) => {
      try {
        return match(JSON.parse(line));
      } catch {
        return false;
      }
    });
}

export const run = (dir: string, ...args: string[]) => cli(['run', ...args], { cwd: dir, env });
export const verb = (dir: string, ...args: string[]) => cli(args, { cwd: dir, env });
