/**
 * Who a person is, for the journal and hand-offs: `EXECPLAN_ACTOR` when set (CI bots, shared accounts),
 * else git's `user.name <user.email>` (what reviewers already recognise from commits), else the OS user.
 * Never a bare process id: a pid says nothing a week later.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * git's user.name and user.email, '' for one that is not set. One `git config` for both: each spawn of
 * git is a noticeable part of a run's start-up. `-z` keeps a value with a newline whole; a key listed
 * more than once takes its last value, and a key without a value is '', as `git config --get` gives them.
 */
function gitUser(cwd: string, env: NodeJS.ProcessEnv): { name: string; email: string } {
  const found = { name: '', email: '' };
  let out: string;
  try {
    out = execFileSync('git', ['config', '-z', '--get-regexp', '^user\\.(name|email)$'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch {
    return found; // neither is set (exit 1), or no git
  }
  for (const entry of out.split('\0')) {
    const newline = entry.indexOf('\n');
    const key = newline === -1 ? entry : entry.slice(0, newline);
    const value = newline === -1 ? '' : entry.slice(newline + 1).trim();
    if (key === 'user.name') found.name = value;
    else if (key === 'user.email') found.email = value;
  }
  return found;
}

export function resolveActor(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const explicit = env.EXECPLAN_ACTOR?.trim();
  if (explicit) return explicit;
  const { name, email } = gitUser(cwd, env);
  if (name && email) return `${name} <${email}>`;
  if (name || email) return name || email;
  let user = env.USER || env.LOGNAME || env.USERNAME || '';
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      // no passwd entry (a container running as an arbitrary uid)
    }
  }
  return user ? `${user}@${os.hostname()}` : `uid ${process.getuid?.() ?? 'unknown'}@${os.hostname()}`;
}
