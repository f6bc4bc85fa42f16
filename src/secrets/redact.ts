/** Replacing secrets with `[REDACTED:<kind>]` before text reaches a log, a state file or a hosted model. */
import { PEM_LINE } from './patterns.js';
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

// A key block starts when a line ends with the BEGIN marker (a mention inside prose does not).
const PEM_BEGIN_AT_END = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\s*$/;
const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const KEY_BODY_LINE = new RegExp(`^\\s*${PEM_LINE}\\s*$`);

/**
 * A redactor for text that arrives one line at a time (process output): a private key split over many
 * lines is redacted from its BEGIN line through its END line, which a per-line redactSecrets cannot see.
 * A line that cannot belong to a key body ends the block early. One redactor per stream.
 */
export function createLineRedactor(): (line: string) => string {
  let inKey = false;
  return (line: string): string => {
    if (inKey) {
      const end = PEM_END.exec(line);
      if (end) {
        inKey = false;
        return '[REDACTED:private-key]' + redactSecrets(line.slice(end.index + end[0].length));
      }
      if (KEY_BODY_LINE.test(line)) return '[REDACTED:private-key]';
      // A blank line inside a key (a paste, a wrapped YAML block) does not end it: the body goes on after it.
      if (line.trim() === '') return line;
      inKey = false;
    }
    const begin = PEM_BEGIN_AT_END.exec(line);
    if (!begin) return redactSecrets(line);
    inKey = true;
    return redactSecrets(line.slice(0, begin.index)) + '[REDACTED:private-key]';
  };
}

/**
 * Where to cut a line that is too long to keep whole (`max` characters at most): never inside a secret or
 * the context that identifies it (`Authorization: Bearer <token>`), and preferably not inside a run of token
 * characters, so each piece can be redacted on its own. Falls back to `max` when no such place exists.
 */
export function safeCut(text: string, max: number): number {
  const window = text.slice(0, max + 4096);
  let cut = max;
  for (const span of findSecretSpans(window)) {
    if (span.matchStart < cut && cut < Math.max(span.matchEnd, span.end)) cut = span.matchStart;
  }
  if (cut <= 0) return max;
  // Back to the last character that cannot be part of a token, within the last 1 KiB before the cut.
  for (let i = cut; i > Math.max(0, cut - 1024); i--) {
    if (!/[A-Za-z0-9+/=_.~:-]/.test(text[i - 1]!)) return i;
  }
  return cut;
}
