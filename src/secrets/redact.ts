/** Replacing secrets with `[REDACTED:<kind>]` before text reaches a log, a state file or a hosted model. */
import { findSecretSpans } from './scan.js';

export function redactSecrets(text: string): string {
  const spans = findSecretSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + `[REDACTED:${span.kind}]`;
    at = span.end;
  }
  return out + text.slice(at);
}

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/**
 * A redactor for text that arrives one line at a time (process output): a private key split over many
 * lines is redacted from its BEGIN line through its END line, which a per-line redactSecrets cannot see.
 * One redactor per stream.
 */
export function createLineRedactor(): (line: string) => string {
  let inKey = false;
  return (line: string): string => {
    if (inKey) {
      const end = PEM_END.exec(line);
      if (!end) return '[REDACTED:private-key]';
      inKey = false;
      return '[REDACTED:private-key]' + redactSecrets(line.slice(end.index + end[0].length));
    }
    const redacted = redactSecrets(line);
    if (PEM_BEGIN.test(line) && !PEM_END.test(line)) inKey = true;
    return redacted;
  };
}
