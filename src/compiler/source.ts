/**
 * Plan text -> YAML document with positions. Guards against hostile input: size, binary content,
 * alias bombs and deep nesting all become diagnostics instead of crashes or hangs.
 */
import { LineCounter, parseDocument, isAlias, isCollection, isPair, isScalar, visit, type Document, type Node } from 'yaml';
import type { Diagnostic, PathSegment } from './diagnostic.js';

export const limits = {
  /** Largest plan file accepted, in bytes. A 50,000-task plan is about 10 MB. */
  maxBytes: 64 * 1024 * 1024,
  /** Most alias (*ref) expansions: a "billion laughs" YAML stays harmless. */
  maxAliasCount: 1000,
  /** Deepest nesting of collections. */
  maxDepth: 64,
} as const;

export interface SourceFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
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

function collectionDepth(doc: Document.Parsed): number {
  let max = 0;
  visit(doc, {
    Collection(_key, _node, path) {
      const depth = path.filter((p) => isCollection(p)).length + 1;
      if (depth > max) max = depth;
      if (max > limits.maxDepth) return visit.BREAK;
      return undefined;
    },
  });
  return max;
}

export function parseSource(file: string, text: string): ParsedSource {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    return {
      source: null,
      value: undefined,
      diagnostics: [fileDiagnostic(file, 'file-too-large', `the plan is larger than ${limits.maxBytes / 1024 / 1024} MiB; split it into several plans`)],
    };
  }
  if (text.includes('\u0000') || text.includes('\uFFFD')) {
    return {
      source: null,
      value: undefined,
      diagnostics: [fileDiagnostic(file, 'not-text', 'the plan is not UTF-8 text (it contains NUL bytes or invalid UTF-8); is this the right file?')],
    };
  }
  if (text.trim() === '') {
    return {
      source: null,
      value: undefined,
      diagnostics: [fileDiagnostic(file, 'empty-plan', 'the plan is empty; run `execplan init` for a starter plan.yaml')],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const source: SourceFile = { file, text, doc, lineCounter };
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const code = error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
    diagnostics.push(diagnosticAt(source, error.pos[0], 'error', code, yamlMessage(error.message)));
  }
  for (const warning of doc.warnings) {
    diagnostics.push(diagnosticAt(source, warning.pos[0], 'warning', 'yaml-warning', yamlMessage(warning.message)));
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { source, value: undefined, diagnostics };
  if (collectionDepth(doc) > limits.maxDepth) {
    diagnostics.push(fileDiagnostic(file, 'yaml-too-deep', `the plan nests deeper than ${limits.maxDepth} levels; no plan needs that`));
    return { source, value: undefined, diagnostics };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    // yaml throws only for alias abuse here (excessive or circular aliases).
    const firstAlias = findFirstAlias(doc);
    diagnostics.push(
      diagnosticAt(source, firstAlias?.range?.[0] ?? 0, 'error', 'yaml-alias-limit',
        `aliases expand too far (limit ${limits.maxAliasCount} expansions): ${error instanceof Error ? error.message : String(error)}; write the values out instead of using anchors`),
    );
    return { source, value: undefined, diagnostics };
  }
  return { source, value, diagnostics };
}

function findFirstAlias(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Alias(_k, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function yamlMessage(message: string): string {
  // yaml's messages carry their own "at line X, column Y" suffix and a code excerpt: positions are ours.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').replace(/\s+/g, ' ').trim();
}

/** Offset of the node at `path` (or of its key, when `atKey`), falling back to the nearest ancestor. */
export function offsetOf(source: SourceFile, path: readonly PathSegment[], atKey = false): number {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    if (atKey && n === path.length && n > 0) {
      const parent = prefix.length > 1 ? source.doc.getIn(prefix.slice(0, -1), true) : source.doc.contents;
      const key = prefix[prefix.length - 1];
      if (isCollection(parent)) {
        for (const item of parent.items) {
          if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(key) && item.key.range) return item.key.range[0];
        }
      }
      continue;
    }
    const node = n === 0 ? source.doc.contents : source.doc.getIn(prefix, true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range) && !isAlias(node)) {
      return (node as Node).range![0];
    }
  }
  return 0;
}
