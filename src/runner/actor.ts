/**
 * Who a person is, for the journal and hand-offs: `EXECPLAN_ACTOR` when set (CI bots, shared accounts),
 * else git's `user.name <user.email>` (what reviewers already recognise from commits), else the OS user.
 * Never a bare process id: a pid says nothing a week later.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

function gitConfig(key: string, cwd: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('git', ['config', '--get', key], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return '';
  }
}

export function resolveActor(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const explicit = env.EXECPLAN_ACTOR?.trim();
  if (explicit) return explicit;
  const name = gitConfig('user.name', cwd, env);
  const email = gitConfig('user.email', cwd, env);
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
