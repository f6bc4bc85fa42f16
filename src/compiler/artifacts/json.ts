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

export function normalizeJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
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
  const write = (v: unknown, pad: string): void => {
    if (v === null || v === undefined) return put('null');
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
        write(v[i], inner);
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
      write(x, inner);
    }
    put(first ? '{}' : pretty ? `\n${pad}}` : '}');
  };
  write(value, '');
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

/** Fills `generated.contentHash` and prints the document. */
export function renderJsonDocument(doc: { generated: Omit<Generated, 'contentHash'> } & Record<string, unknown>): string {
  const { generated, ...body } = doc;
  return stableStringify({ ...body, generated: generatedBlock(body, generated) });
}

/** The document with its `generated` block (dag.json, waves.json: no version; a timestamp only when given). */
export function withGenerated<T extends object>(body: T, timestamp: string | null): T & { generated: Generated } {
  return { ...body, generated: generatedBlock(body, timestamp ? { by: generatedBy, timestamp } : { by: generatedBy }) };
}

/** The hash a reader recomputes to check a document: the same rule as renderJsonDocument. */
export function verifyContentHash(text: string): boolean {
  const { generated, ...body } = JSON.parse(text) as { generated?: Generated };
  return generated !== undefined && sha256(JSON.stringify(normalizeJson(body))) === generated.contentHash;
}
