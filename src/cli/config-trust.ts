/**
 * Saying which config a command uses, and noticing a config that changes what runs as the user: a profile
 * `command`/`args`/`draft_args` replaces or extends an agent's argv, `env` adds environment. The first time
 * such a config (by content) is used with a state folder, a notice names what it changes; the hashes seen
 * are kept in `<state>/config-seen.json`, so the notice comes back only when the config changes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../types/config.js';
import { writePrivateFile } from '../runner/state-fs.js';

/** `config: execplan.config.yaml` (relative to cwd), or the built-in defaults. */
export function describeConfig(cwd: string, configPath: string | null): string {
  return configPath ? `config: ${path.relative(cwd, configPath) || configPath}` : 'config: none (built-in defaults)';
}

/** What the config changes in agent commands and environment, one entry per profile; empty when nothing. */
export function agentChanges(config: Config): string[] {
  const out: string[] = [];
  for (const [name, profile] of Object.entries(config.profiles ?? {})) {
    const p = profile as { command?: string[]; args?: string[]; draft_args?: string[]; resume_args?: string[]; env?: Record<string, string> };
    const parts: string[] = [];
    if (p.command) parts.push(`command ${p.command.join(' ')}`);
    if (p.args?.length) parts.push(`extra args ${p.args.join(' ')}`);
    if (p.draft_args?.length) parts.push(`draft args ${p.draft_args.join(' ')}`);
    if (p.resume_args?.length) parts.push(`resume args ${p.resume_args.join(' ')}`);
    if (p.env && Object.keys(p.env).length) parts.push(`environment ${Object.keys(p.env).sort().join(', ')}`);
    if (parts.length) out.push(`${name}: ${parts.join('; ')}`);
  }
  return out;
}

/** The notice to print, or null when this config's agent changes were already seen with this state folder. */
export function configNotice(stateDir: string, cwd: string, configPath: string | null, config: Config): string | null {
  if (!configPath) return null;
  const changes = agentChanges(config);
  if (changes.length === 0) return null;
  const hash = createHash('sha256')
    .update(path.resolve(configPath))
    .update('\0')
    .update(JSON.stringify(config.profiles ?? {}))
    .digest('hex');
  const file = path.join(stateDir, 'config-seen.json');
  let seen: string[] = [];
  try {
    seen = (JSON.parse(readFileSync(file, 'utf8')) as { seen?: string[] }).seen ?? [];
  } catch {
    seen = [];
  }
  if (seen.includes(hash)) return null;
  writePrivateFile(file, `${JSON.stringify({ seen: [...seen, hash].slice(-50) }, null, 2)}\n`);
  return `notice: ${path.relative(cwd, configPath) || configPath} changes what runs as you (first use with this state; shown again if it changes): ${changes.join(' | ')}`;
}

/** Adds `config` to the run's summary file (`<state>/runs/<runId>.json`). */
export function recordConfigInSummary(stateDir: string, runId: string, configPath: string | null): void {
  const file = path.join(stateDir, 'runs', `${runId}.json`);
  try {
    const summary = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    summary.config = configPath;
    writePrivateFile(file, `${JSON.stringify(summary, null, 2)}\n`);
  } catch {
    // No summary (the run did not start): nothing to add to.
  }
}
