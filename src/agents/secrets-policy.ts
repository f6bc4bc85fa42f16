/** The profile's secrets policy applied to what is about to be sent to an agent (secrets never leave the machine unless the profile's policy allows it; see docs/agents.md). */
import { redactSecrets, scanSecrets, type SecretFinding } from '../secrets/index.js';
import type { SecretsPolicy } from './profiles.js';
import { unreachable } from '../core/unreachable.js';

export type PolicyResult = { action: 'send'; text: string; findings: SecretFinding[]; notice: string | null } | { action: 'block'; findings: SecretFinding[]; notice: string };

export function describeFindings(findings: readonly SecretFinding[], where: string, limit = 5): string {
  const shown = findings.slice(0, limit).map((f) => `${f.kind} at ${where}:${f.line}:${f.column}`);
  const more = findings.length > limit ? `, and ${findings.length - limit} more` : '';
  return `${shown.join(', ')}${more}`;
}

export function applySecretsPolicy(policy: SecretsPolicy, text: string, where: string, profile: string): PolicyResult {
  const findings = scanSecrets(text);
  if (findings.length === 0) return { action: 'send', text, findings, notice: null };
  const n = `${findings.length} possible secret${findings.length === 1 ? '' : 's'}`;
  const list = describeFindings(findings, where);
  switch (policy) {
    case 'redact':
      return { action: 'send', text: redactSecrets(text), findings, notice: `redacted ${n} before sending to ${profile}: ${list}` };
    case 'warn':
      return { action: 'send', text, findings, notice: `warning: sending ${n} to ${profile} unredacted (profile secrets: warn): ${list}` };
    case 'block':
      return { action: 'block', findings, notice: `blocked: ${n} in what would be sent to ${profile} (profile secrets: block): ${list}` };
    default:
      return unreachable(policy, 'secrets policy');
  }
}
