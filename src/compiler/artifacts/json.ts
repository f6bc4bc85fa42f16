/* eslint-disable @typescript-eslint/no-base-to-string -- only a bigint, symbol or function reaches this String() */
/**
 * Deterministic JSON for artifacts: keys sorted, numbers as JavaScript prints them (callers round
 * first), two-space indent, trailing newline. contentHash = sha256 of the normalized (compact,
 * sorted-key) JSON of the document without its `generated` block: the same rule as dag.json and
 * waves.json, so a reader can verify every artifact the same way.
 */
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { generatedBy } from './context.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Copies that are already what normalizeJson makes of them (see withKeyInOrder): returned as they are. */
const alreadyNormal = new WeakSet<object>();

/**
 * A normalized object with one more key, placed where sorting puts it; normalizeJson (and so every
 * artifact writer) takes the result as it is instead of copying it again. `value` must be normalized.
 */
export function withKeyInOrder(sorted: Record<string, unknown>, key: string, value: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const k of Object.keys(sorted)) {
    if (!placed && key < k) {
      out[key] = value;
      placed = true;
    }
    if (k !== key) out[k] = sorted[k];
  }
  if (!placed) out[key] = value;
  alreadyNormal.add(out);
  return out;
}

export function normalizeJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    if (alreadyNormal.has(value)) return value as Json;
    // Plain loops: this runs over every node of every artifact (tens of MB for a 10,000-task plan).
    if (Array.isArray(value)) {
      const out: Json[] = new Array<Json>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = normalizeJson(value[i]);
      return out;
    }
    const out: { [k: string]: Json } = {};
    const keys = Object.keys(value).sort();
    for (let i = 0; i < keys.length; i++) {
      const v = (value as Record<string, unknown>)[keys[i]!];
      if (v !== undefined) out[keys[i]!] = normalizeJson(v);
    }
    return out;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above: only a bigint, symbol or function is left
  return String(value);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function stableStringify(value: unknown): string {
  return `${sortedJson(value, true)}\n`;
}

/**
 * The text of `JSON.stringify(normalizeJson(value), null, pretty ? 2 : undefined)`, written straight into a
 * growing byte buffer (or, with `sink`, handed over in chunks and not kept) instead of first building the
 * normalized copy and then one string: for a 10,000-task tasks.json that copy was ~100 MB of peak memory.
 */
/** From this nesting depth down a subtree is copied (sorted) and printed by JSON.stringify (see write). */
const nativeDepth = 2;

function sortedJson(value: unknown, pretty: boolean, sink?: (chunk: Buffer) => void): string {
  let buffer = Buffer.allocUnsafe(1 << 16);
  let length = 0;
  let pending = '';
  const flush = () => {
    const need = length + pending.length * 3;
    if (need > buffer.length) {
      if (sink) {
        sink(buffer.subarray(0, length));
        length = 0;
        if (pending.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(pending.length * 3);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, need));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
    }
    length += buffer.write(pending, length, 'utf8');
    pending = '';
  };
  const put = (s: string) => {
    pending += s;
    if (pending.length > 8192) flush();
  };
  const write = (v: unknown, pad: string, depth: number): void => {
    if (v === null || v === undefined) return put('null');
    // Deep enough (one task, one edge, one wave): the sorted copy of this subtree is small, and V8's own
    // JSON.stringify of it is many times faster than building the text piece by piece here. Below the top
    // level a newline only ever comes from the indentation (strings escape theirs), so re-indenting the
    // subtree's text is a plain replace.
    if (depth >= nativeDepth && typeof v === 'object') {
      const text = pretty ? JSON.stringify(normalizeJson(v), null, 2) : JSON.stringify(normalizeJson(v));
      return put(pretty && pad ? text.replaceAll('\n', `\n${pad}`) : text);
    }
    switch (typeof v) {
      case 'string':
        return put(JSON.stringify(v));
      case 'number':
        return put(Number.isFinite(v) ? JSON.stringify(v) : 'null');
      case 'boolean':
        return put(v ? 'true' : 'false');
      case 'object':
        break;
      default:
        return put(JSON.stringify(String(v)));
    }
    const inner = pretty ? `${pad}  ` : '';
    const open = pretty ? `\n${inner}` : '';
    const between = pretty ? `,\n${inner}` : ',';
    if (Array.isArray(v)) {
      if (v.length === 0) return put('[]');
      put('[');
      for (let i = 0; i < v.length; i++) {
        put(i === 0 ? open : between);
        write(v[i], inner, depth + 1);
      }
      return put(pretty ? `\n${pad}]` : ']');
    }
    const keys = Object.keys(v).sort();
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const x = (v as Record<string, unknown>)[keys[i]!];
      if (x === undefined) continue;
      put(first ? `{${open}` : between);
      first = false;
      put(JSON.stringify(keys[i]));
      put(pretty ? ': ' : ':');
      write(x, inner, depth + 1);
    }
    put(first ? '{}' : pretty ? `\n${pad}}` : '}');
  };
  write(value, '', 0);
  flush();
  if (sink) {
    sink(buffer.subarray(0, length));
    return '';
  }
  return buffer.toString('utf8', 0, length);
}

/** Sorted-key JSON with a trailing newline (dag.json, waves.json and the runner's canonical hashes use this name). */
export const stableJson = stableStringify;

/** sha256 of the compact sorted-key JSON of a value: an artifact's `contentHash`, a task definition's hash. */
export function contentHash(value: unknown): string {
  // The hash of the compact sorted-key JSON, streamed into sha256 without building that text.
  const hash = createHash('sha256');
  sortedJson(value, false, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/**
 * The `generated` block of every JSON artifact: who wrote it, the hash of the rest of the document, the
 * timestamp (SOURCE_DATE_EPOCH or the fixed value, never the clock) and, where the artifact records it,
 * execplan's version (dag.json and waves.json never did, and their bytes stay as they are).
 */
export interface Generated {
  by: string;
  version?: string;
  timestamp?: string;
  contentHash: string;
}

/** The one rule: `contentHash` covers the document without its `generated` block. */
export function generatedBlock(body: object, facts: Omit<Generated, 'contentHash'>): Generated {
  return { ...facts, contentHash: contentHash(body) };
}

/**
 * Prints a document whose `generated` block holds the hash of the rest, in one walk: every value is
 * sorted (normalized) once and printed twice from that copy, compact into sha256 and indented into the
 * text, instead of one walk for the hash and another for the text. The bytes are exactly
 * `stableStringify({ ...body, generated: generatedBlock(body, facts) })`.
 */
function printWithGenerated(body: Record<string, unknown>, facts: object): string {
  const hash = createHash('sha256');
  let compact = '';
  const toHash = (text: string) => {
    compact += text;
    if (compact.length > 8192) {
      hash.update(compact, 'utf8');
      compact = '';
    }
  };
  const keys = Object.keys(body)
    .filter((k) => body[k] !== undefined)
    .sort();
  const printed = new Map<string, string>();
  toHash('{');
  keys.forEach((key, i) => {
    toHash(`${i ? ',' : ''}${JSON.stringify(key)}:`);
    const parts: string[] = [];
    walkBoth(body[key], '  ', 1, toHash, (text) => parts.push(text));
    printed.set(key, parts.join(''));
  });
  toHash('}');
  hash.update(compact, 'utf8');
  const generated = { ...facts, contentHash: hash.digest('hex') };
  const parts: string[] = [];
  walkBoth(
    generated,
    '  ',
    1,
    () => {},
    (text) => parts.push(text),
  );
  printed.set('generated', parts.join(''));
  const lines = [...printed.keys()].sort().map((key) => `  ${JSON.stringify(key)}: ${printed.get(key)!}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** sortedJson's walk with two outputs at once: compact (`c`) and indented at `pad` (`p`). */
function walkBoth(v: unknown, pad: string, depth: number, c: (text: string) => void, p: (text: string) => void): void {
  if (v === null || v === undefined || typeof v !== 'object' || depth >= nativeDepth) {
    const n = normalizeJson(v);
    c(JSON.stringify(n));
    const text = JSON.stringify(n, null, 2);
    p(typeof n === 'object' && n !== null ? text.replaceAll('\n', `\n${pad}`) : text);
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      c('[]');
      p('[]');
      return;
    }
    c('[');
    p('[');
    for (let i = 0; i < v.length; i++) {
      if (i) c(',');
      p(i ? `,\n${inner}` : `\n${inner}`);
      walkBoth(v[i], inner, depth + 1, c, p);
    }
    c(']');
    p(`\n${pad}]`);
    return;
  }
  const keys = Object.keys(v).sort();
  let first = true;
  for (const key of keys) {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined) continue;
    c(`${first ? '{' : ','}${JSON.stringify(key)}:`);
    p(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
    first = false;
    walkBoth(x, inner, depth + 1, c, p);
  }
  c(first ? '{}' : '}');
  p(first ? '{}' : `\n${pad}}`);
}

/** Fills `generated.contentHash` and prints the document. */
export function renderJsonDocument(doc: { generated: Omit<Generated, 'contentHash'> } & Record<string, unknown>): string {
  const { generated, ...body } = doc;
  return printWithGenerated(body, generated);
}

/** The document with its `generated` block (dag.json, waves.json: no version; a timestamp only when given). */
export function withGenerated<T extends object>(body: T, timestamp: string | null): T & { generated: Generated } {
  return { ...body, generated: generatedBlock(body, timestamp ? { by: generatedBy, timestamp } : { by: generatedBy }) };
}

/** withGenerated printed (stableJson of it), in one walk. */
export function printedWithGenerated(body: object, timestamp: string | null): string {
  return printWithGenerated(body as Record<string, unknown>, timestamp ? { by: generatedBy, timestamp } : { by: generatedBy });
}

/** The hash a reader recomputes to check a document: the same rule as renderJsonDocument. */
export function verifyContentHash(text: string): boolean {
  const { generated, ...body } = JSON.parse(text) as { generated?: Generated };
  return generated !== undefined && sha256(JSON.stringify(normalizeJson(body))) === generated.contentHash;
}
