/**
 * Evidence quotes checked against the spec: a plan that cites a line the spec does not contain rests on
 * nothing. Pure: the CLI reads the spec files and passes their text in. Only list-form evidence
 * (`{quote, section, line}`) is checked; a plain string may be a section reference, not a quote.
 */
import type { Evidence, Plan } from '../types/plan.js';
import type { Diagnostic, PathSegment } from './diagnostic.js';
import { diagnosticAt, offsetOf, type SourceFile } from './source.js';

export interface SpecText {
  /** As named in the plan's `spec:`. */
  file: string;
  text: string;
}

/** Whitespace-collapsed, lower-cased text with the 1-based line each kept character came from. */
interface Flat {
  text: string;
  lines: Int32Array;
}

function flatten(text: string): Flat {
  const chars: string[] = [];
  const lines: number[] = [];
  let line = 1;
  let space = false;
  for (const ch of text) {
    if (ch === '\n') line++;
    if (/\s/.test(ch)) {
      space = chars.length > 0;
      continue;
    }
    if (space) {
      chars.push(' ');
      lines.push(line);
      space = false;
    }
    chars.push(ch.toLowerCase());
    lines.push(line);
  }
  return { text: chars.join(''), lines: Int32Array.from(lines) };
}

/** A quote as written, whitespace collapsed, without a trailing or leading ellipsis ("OAuth2 required..."). */
function needle(quote: string): string {
  return quote
    .trim()
    .replace(/^(\.\.\.|…)\s*/, '')
    .replace(/\s*(\.\.\.|…)$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** Lines where the quote starts, in every spec (at most a few). */
function occurrences(specs: readonly Flat[], names: readonly string[], text: string): Array<{ file: string; line: number }> {
  const out: Array<{ file: string; line: number }> = [];
  specs.forEach((flat, k) => {
    for (let at = flat.text.indexOf(text); at >= 0 && out.length < 5; at = flat.text.indexOf(text, at + 1)) out.push({ file: names[k]!, line: flat.lines[at]! });
  });
  return out;
}

export function checkEvidenceQuotes(source: SourceFile, plan: Plan, specs: readonly SpecText[]): Diagnostic[] {
  if (specs.length === 0) return [];
  const flats = specs.map((s) => flatten(s.text));
  const names = specs.map((s) => s.file);
  const out: Diagnostic[] = [];
  const check = (evidence: Evidence | undefined, where: PathSegment[], owner: string) => {
    if (evidence === undefined || typeof evidence === 'string') return;
    evidence.forEach((e, j) => {
      const path: PathSegment[] = [...where, j, 'quote'];
      const text = needle(e.quote);
      if (text === '') return;
      const found = occurrences(flats, names, text);
      const at = offsetOf(source, path);
      if (found.length === 0) {
        out.push(
          diagnosticAt(
            source,
            at,
            'warning',
            'evidence-not-in-spec',
            `evidence of ${owner} quotes text that is not in the spec (${names.join(', ')}): ${JSON.stringify(e.quote.length > 60 ? `${e.quote.slice(0, 57)}...` : e.quote)}; copy the line from the spec, or cite it as a string`,
            path,
          ),
        );
      } else if (e.line !== undefined && !found.some((f) => f.line === e.line)) {
        const lines = found.map((f) => (specs.length > 1 ? `${f.file}:${f.line}` : `${f.line}`)).join(', ');
        out.push(
          diagnosticAt(
            source,
            offsetOf(source, [...where, j, 'line']),
            'warning',
            'evidence-line-mismatch',
            `evidence of ${owner} says line ${e.line}, but the quote is at line ${lines} of the spec; fix the line`,
            [...where, j, 'line'],
          ),
        );
      }
    });
  };
  plan.tasks.forEach((task, i) => {
    check(task.evidence, ['tasks', i, 'evidence'], `task '${task.id}'`);
    (task.deps ?? []).forEach((dep, j) => check(dep.evidence, ['tasks', i, 'deps', j, 'evidence'], `the dependency of '${task.id}' on '${dep.task}'`));
  });
  return out;
}
