/**
 * Minimal secret redaction for logs and state, used until src/secrets/ (owned by the agents work) lands;
 * then this module delegates to it. Covers the obvious shapes: provider keys/tokens, private keys,
 * `password=`/`token:` assignments, bearer tokens, JWTs and credentials inside connection strings.
 */
const patterns: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[REDACTED:private-key]'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[REDACTED:aws-key]'],
  [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g, '[REDACTED:github-token]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, '[REDACTED:github-token]'],
  [/\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}\b/g, '[REDACTED:api-key]'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, '[REDACTED:slack-token]'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, '[REDACTED:google-key]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, '[REDACTED:jwt]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, '$1 [REDACTED]'],
  // scheme://user:password@host -> keep scheme, user and host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, '$1:[REDACTED]@'],
  // key=value / key: value for secret-looking keys
  [/\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret)[A-Za-z0-9_.-]*["']?)(\s*[=:]\s*)(["']?)[^\s"',;]{4,}\3/gi, '$1$2$3[REDACTED]$3'],
];

/** Cheap pre-check: most log lines contain none of these, and skipping the regexes keeps logging fast. */
const hint = /KEY|key|Key|AKIA|ASIA|gh[pousr]_|github_pat|sk-|xox|AIza|eyJ|Bearer|Basic|bearer|basic|:\/\/|assw|ASSW|wd|WD|ecret|ECRET|oken|OKEN/;

export function redact(text: string): string {
  if (!hint.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}
