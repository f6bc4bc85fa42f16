/**
 * Deterministic JSON for artifacts: keys sorted, numbers as JavaScript prints them (callers round
 * first), two-space indent, trailing newline. contentHash = sha256 of the normalized (compact,
 * sorted-key) JSON of the document without its `generated` block: the same rule as dag.json and
 * waves.json, so a reader can verify every artifact the same way.
 */
import { createHash } from 'node:crypto';

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

export interface Generated {
  by: string;
  version: string;
  timestamp: string;
  contentHash: string;
}

/** Fills `generated.contentHash` and prints the document. */
export function renderJsonDocument(doc: { generated: Generated } & Record<string, unknown>): string {
  const { generated, ...body } = doc;
  return stableStringify({ ...body, generated: { ...generated, contentHash: sha256(JSON.stringify(normalizeJson(body))) } });
}

/** The hash a reader recomputes to check a document: the same rule as renderJsonDocument. */
export function verifyContentHash(text: string): boolean {
  const { generated, ...body } = JSON.parse(text) as { generated?: Generated };
  return generated !== undefined && sha256(JSON.stringify(normalizeJson(body))) === generated.contentHash;
}
