/**
 * Plan text -> YAML document with positions. Guards against hostile input: size, binary content,
 * alias bombs and deep nesting all become diagnostics instead of crashes or hangs.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { Diagnostic, PathSegment } from './diagnostic.js';
import { fastParse, PositionIndex } from './fast-yaml.js';

// `yaml` is loaded on first use: a plan the fast path reads never needs it, and loading it was a
// noticeable part of every command's start-up. (Its Node entry point is CommonJS, so this is the same
// module instance an `import` elsewhere gets.)
let yamlModule: typeof Yaml | undefined;
export const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

export const limits = {
  /**
   * Largest plan file accepted, in bytes. A 40,000-task plan is about 5 MB; parsing costs ~100x the file
   * size in memory, so a much larger limit would let one file exhaust the heap instead of getting a diagnostic.
   */
  maxBytes: 8 * 1024 * 1024,
  /** Most alias (*ref) expansions: a "billion laughs" YAML stays harmless. */
  maxAliasCount: 1000,
  /** Deepest nesting of collections. */
  maxDepth: 64,
} as const;

export interface SourceFile {
  file: string;
  text: string;
  /** `yaml`'s Document of the text; parsed on first use when the fast path read the plan. */
  readonly doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Node positions without a Document, when the fast path read the plan. */
  positions?: PositionIndex;
}

export interface ParsedSource {
  source: SourceFile | null;
  /** The plain JS value, or undefined when it could not be produced. */
  value: unknown;
  diagnostics: Diagnostic[];
}

export function diagnosticAt(
  source: Pick<SourceFile, 'file' | 'lineCounter'>,
  offset: number,
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  path: PathSegment[] = [],
): Diagnostic {
  const { line, col } = source.lineCounter.linePos(Math.max(0, offset));
  return { file: source.file, line, col, severity, code, message, path };
}

function fileDiagnostic(file: string, code: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, severity: 'error', code, message, path: [] };
}

/** The first collection nested deeper than the limit, or null. */
function firstTooDeep(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  yaml().visit(doc, {
    Collection(_key, node, path) {
      const depth = path.filter((p) => yaml().isCollection(p)).length + 1;
      if (depth <= limits.maxDepth) return undefined;
      found = node;
      return yaml().visit.BREAK;
    },
  });
  return found;
}

/** The first mapping key that is itself a collection (or an alias of one), or null. */
function firstComplexKey(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  yaml().visit(doc, {
    Pair(_key, pair) {
      const key = pair.key;
      const target = yaml().isAlias(key) ? key.resolve(doc) : key;
      // A tagged scalar (e.g. !!binary) can be an object too.
      const objectScalar = yaml().isScalar(target) && target.value !== null && typeof target.value === 'object';
      if (yaml().isCollection(target) || objectScalar) {
        found = key as Node;
        return yaml().visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The opening bracket of the flow collection that an "end with a ]/}" error at `pos` is about, if found. */
function unclosedFlow(doc: Document.Parsed, pos: number, message: string): { kind: 'seq' | 'map'; offset: number } | null {
  const kind = message.startsWith('Flow sequence') ? 'seq' : message.startsWith('Flow map') ? 'map' : null;
  if (!kind) return null;
  let offset = -1;
  yaml().visit(doc, {
    Collection(_key, node) {
      const isFlow = 'flow' in node && node.flow === true;
      if (isFlow && node.range && node.range[1] === pos && (kind === 'seq') === yaml().isSeq(node) && node.range[0] > offset) offset = node.range[0];
    },
  });
  return offset >= 0 ? { kind, offset } : null;
}

/** What to do about the YAML mistakes people actually make (yaml's own messages say what, not how to fix). */
const yamlHints: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: "; a ': ' inside an unquoted value starts a mapping: put the value in quotes",
  TAB_AS_INDENT: '; indent with spaces',
  BAD_INDENT: '; check the indentation and that every [ or { is closed',
  MISSING_CHAR: '; a closing bracket or quote is missing',
  UNEXPECTED_TOKEN: '; quote values that start with a YAML indicator (@, `, %, *, &, !, |, >)',
};

export function parseSource(file: string, text: string): ParsedSource {
  const unreadable = textProblem(file, text);
  if (unreadable) return { source: null, value: undefined, diagnostics: [unreadable] };
  // Most plans are plain mappings, lists and scalars: read those fast; the rest (and every plan with a
  // YAML problem) goes through the full parser below, which owns the YAML diagnostics.
  const fast = fastParse(text, limits.maxDepth);
  if (fast) return { source: fastSource(file, text, fast.positions), value: fast.value, diagnostics: [] };
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const source: SourceFile = { file, text, doc, lineCounter };
  const diagnostics = yamlDiagnostics(source, doc);
  if (diagnostics.some((d) => d.severity === 'error')) return { source, value: undefined, diagnostics };
  const problem = documentProblem(source, doc);
  if (problem) return { source, value: undefined, diagnostics: [...diagnostics, problem] };
  const converted = toValue(source, doc);
  return 'problem' in converted ? { source, value: undefined, diagnostics: [...diagnostics, converted.problem] } : { source, value: converted.value, diagnostics };
}

/** Too large, not text, or empty: nothing to parse. */
function textProblem(file: string, text: string): Diagnostic | null {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    return fileDiagnostic(file, 'file-too-large', `the plan is larger than ${limits.maxBytes / 1024 / 1024} MiB; split it into several plans`);
  }
  if (text.includes('\u0000') || text.includes('\uFFFD')) {
    return fileDiagnostic(file, 'not-text', 'the plan is not UTF-8 text (it contains NUL bytes or invalid UTF-8); is this the right file?');
  }
  if (text.trim() === '') return fileDiagnostic(file, 'empty-plan', 'the plan is empty; run `execplan init` for a starter plan.yaml');
  return null;
}

/** `yaml`'s errors and warnings, each with what to do about it. */
function yamlDiagnostics(source: SourceFile, doc: Document.Parsed): Diagnostic[] {
  const { text } = source;
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))![0].trim();
      diagnostics.push(
        diagnosticAt(
          source,
          error.pos[0],
          'error',
          'duplicate-key',
          `duplicate key${key ? ` '${key}'` : ''}: a key may appear only once in a mapping; merge the two or remove one`,
        ),
      );
      continue;
    }
    const opener = error.code === 'BAD_INDENT' ? unclosedFlow(doc, error.pos[0], error.message) : null;
    if (opener) {
      // yaml notices a missing ] or } only where the next line starts; the culprit is the opening bracket.
      const [open, close] = opener.kind === 'seq' ? ['[', ']'] : ['{', '}'];
      diagnostics.push(
        diagnosticAt(source, opener.offset, 'error', 'yaml-syntax', `this ${open} is never closed: add the missing ${close} (or indent the lines that continue it)`),
      );
      continue;
    }
    const message =
      error.code === 'MULTIPLE_DOCS'
        ? 'the file holds several YAML documents (separated by ---); a plan is a single document: remove the second --- or split the file'
        : yamlMessage(error.message) + (yamlHints[error.code] ?? '');
    diagnostics.push(diagnosticAt(source, error.pos[0], 'error', 'yaml-syntax', message));
  }
  for (const warning of doc.warnings) {
    diagnostics.push(diagnosticAt(source, warning.pos[0], 'warning', 'yaml-warning', yamlMessage(warning.message)));
  }
  return diagnostics;
}

/** A document that parsed but is no plan: only comments, nested too deep, or a collection as a key. */
function documentProblem(source: SourceFile, doc: Document.Parsed): Diagnostic | null {
  if (doc.contents === null) {
    // Only comments (or a bare document marker): as empty as an empty file.
    return fileDiagnostic(source.file, 'empty-plan', 'the plan has no content (only comments); run `execplan init` for a starter plan.yaml');
  }
  const tooDeep = firstTooDeep(doc);
  if (tooDeep) return diagnosticAt(source, tooDeep.range?.[0] ?? 0, 'error', 'yaml-too-deep', `the plan nests deeper than ${limits.maxDepth} levels; no plan needs that`);
  const complexKey = firstComplexKey(doc);
  // Converting it would stringify the key (and make yaml print a process warning); no plan key is a collection.
  if (complexKey) {
    return diagnosticAt(
      source,
      complexKey.range?.[0] ?? 0,
      'error',
      'complex-key',
      'a key must be a plain word, not a list, mapping or binary value; is a colon or bracket misplaced?',
    );
  }
  return null;
}

/** The document as a plain value, or the alias-limit diagnostic. */
function toValue(source: SourceFile, doc: Document.Parsed): { value: unknown } | { problem: Diagnostic } {
  try {
    return { value: doc.toJS({ maxAliasCount: limits.maxAliasCount }) };
  } catch (error) {
    // yaml throws only for alias abuse here (excessive or circular aliases).
    const firstAlias = findFirstAlias(doc);
    return {
      problem: diagnosticAt(
        source,
        firstAlias?.range?.[0] ?? 0,
        'error',
        'yaml-alias-limit',
        `aliases expand too far (limit ${limits.maxAliasCount} expansions): ${error instanceof Error ? error.message : String(error)}; write the values out instead of using anchors`,
      ),
    };
  }
}

/** `yaml`'s LineCounter (the same binary search, the same answers), without loading `yaml`. */
class Lines implements LineCounter {
  lineStarts: number[] = [];
  addNewLine = (offset: number): number => this.lineStarts.push(offset);
  linePos = (offset: number): { line: number; col: number } => {
    let low = 0;
    let high = this.lineStarts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.lineStarts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (this.lineStarts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - this.lineStarts[low - 1]! + 1 };
  };
}

/** A source read by the fast path: the same line numbers as `yaml` counts them (line breaks are \n). */
function fastSource(file: string, text: string, positions: PositionIndex): SourceFile {
  const lineCounter = new Lines();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  let doc: Document.Parsed | undefined;
  return {
    file,
    text,
    lineCounter,
    positions,
    get doc() {
      doc ??= yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
      return doc;
    },
  };
}

function findFirstAlias(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  yaml().visit(doc, {
    Alias(_k, node) {
      found = node;
      return yaml().visit.BREAK;
    },
  });
  return found;
}

/** A message of `yaml`'s without its own position suffix and code excerpt, on one line. */
export function yamlMessage(message: string): string {
  // yaml's messages carry their own "at line X, column Y" suffix and a code excerpt: positions are ours.
  return message
    .replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Offset of the node at `path` (or of its key, when `atKey`), falling back to the nearest ancestor. */
export function offsetOf(source: SourceFile, path: readonly PathSegment[], atKey = false): number {
  const fast = source.positions?.offsetOf(path, atKey);
  if (fast !== undefined) return fast;
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    if (atKey && n === path.length && n > 0) {
      const parent = prefix.length > 1 ? source.doc.getIn(prefix.slice(0, -1), true) : source.doc.contents;
      const key = prefix[prefix.length - 1];
      if (yaml().isCollection(parent)) {
        for (const item of parent.items) {
          if (yaml().isPair(item) && yaml().isScalar(item.key) && String(item.key.value) === String(key) && item.key.range) return item.key.range[0];
        }
      }
      continue;
    }
    const node = n === 0 ? source.doc.contents : source.doc.getIn(prefix, true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range) && !yaml().isAlias(node)) {
      return (node as Node).range![0];
    }
  }
  return 0;
}
