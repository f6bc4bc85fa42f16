/** Secret detection and redaction: the one place that decides what counts as a secret. */
export { scanSecrets, type SecretFinding } from './scan.js';
export { redactSecrets, createLineRedactor, safeCut } from './redact.js';
export type { SecretKind } from './patterns.js';
