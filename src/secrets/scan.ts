/**
 * Finding secrets in text. Findings carry positions and kinds but never the secret itself, so they can be
 * printed, logged and stored safely.
 */
import { PATTERNS, type SecretKind } from './patterns.js';
import { gitleaksSpans } from './gitleaks.js';

export interface SecretFinding {
  kind: SecretKind;
  /** UTF-16 offsets of the secret value in the scanned text: text.slice(start, end) is what gets redacted. */
  start: number;
  end: number;
  /** 1-based position of `start`. */
  line: number;
  column: number;
  /** A safe hint for people: the first characters and the length, e.g. `sk-a… (108 chars)`. */
  preview: string;
}

interface Span {
  kind: SecretKind;
  start: number;
  end: number;
  priority: number;
  /** The whole match, context included (`Authorization: Bearer x`): where a line may not be cut. */
  matchStart: number;
  matchEnd: number;
}

/** Which detectors run: both by default; the benchmark compares them one at a time. */
export interface Detectors {
  builtin?: boolean;
  gitleaks?: boolean;
}

// The `d` flag gives each group's offsets, so the secret is located exactly inside its context.
const COMPILED = PATTERNS.map((pattern) => ({ pattern, re: new RegExp(pattern.regex.source, pattern.regex.flags + 'd') }));

/** Raw spans, non-overlapping, sorted by start; the more specific pattern wins an overlap. */
export function findSecretSpans(text: string, detectors: Detectors = {}): Span[] {
  const found: Span[] = [];
  if (detectors.builtin !== false)
    COMPILED.forEach(({ pattern, re }, priority) => {
      const hint = pattern.hint;
      if (typeof hint === 'string' ? !text.includes(hint) : !hint.test(text)) return;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const group = m.findIndex((g, i) => i > 0 && g !== undefined);
        // Private keys have a back-reference group that is not the secret: their whole match is.
        const [start, end] = group > 0 && pattern.kind !== 'private-key' ? m.indices![group]! : [m.index, m.index + m[0].length];
        if (pattern.accept && !pattern.accept(text.slice(start, end), group === 1 || group === 2, m[0])) continue;
        found.push({ kind: pattern.kind, start, end, priority, matchStart: m.index, matchEnd: m.index + m[0].length });
      }
    });
  // gitleaks' rules rank below ours: where both match, our kind (and our span) is kept.
  if (detectors.gitleaks !== false) {
    for (const span of gitleaksSpans(text)) found.push({ ...span, priority: COMPILED.length, matchStart: span.start, matchEnd: span.end });
  }
  if (found.length <= 1) return found;
  // Higher priority first, then the longer span (a whole key beats a fragment of it).
  found.sort((a, b) => a.priority - b.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Span[] = [];
  for (const span of found) {
    if (!kept.some((k) => span.start < k.end && k.start < span.end)) kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function preview(value: string): string {
  const head = value.length > 24 ? value.slice(0, 4) : value.slice(0, 2);
  return `${head}… (${value.length} chars)`;
}

export function scanSecrets(text: string, detectors: Detectors = {}): SecretFinding[] {
  const spans = findSecretSpans(text, detectors);
  if (spans.length === 0) return [];
  const findings: SecretFinding[] = [];
  let line = 1;
  let lineStart = 0;
  let cursor = 0;
  for (const span of spans) {
    for (; cursor < span.start; cursor++) {
      if (text.charCodeAt(cursor) === 10) {
        line++;
        lineStart = cursor + 1;
      }
    }
    findings.push({
      kind: span.kind,
      start: span.start,
      end: span.end,
      line,
      column: span.start - lineStart + 1,
      preview: preview(text.slice(span.start, span.end)),
    });
  }
  return findings;
}
