/**
 * Deterministic JSON for artifacts: keys sorted, numbers as JavaScript prints them (callers round
 * first), two-space indent, trailing newline. contentHash = sha256 of the normalized (compact,
 * sorted-key) JSON of the document without its `generated` block: the same rule as dag.json and
 * waves.json, so a reader can verify every artifact the same way.
 */
import { createHash } from 'node:crypto';
import { generatedBy } from './context.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function normalizeJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalizeJson(v);
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
  return `${JSON.stringify(normalizeJson(value), null, 2)}\n`;
}

/** Sorted-key JSON with a trailing newline (dag.json, waves.json and the runner's canonical hashes use this name). */
export const stableJson = stableStringify;

/** sha256 of the compact sorted-key JSON of a value: an artifact's `contentHash`, a task definition's hash. */
export function contentHash(value: unknown): string {
  return sha256(JSON.stringify(normalizeJson(value)));
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
