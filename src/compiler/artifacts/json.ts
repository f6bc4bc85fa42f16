/**
 * Deterministic JSON for artifacts: keys sorted, numbers as JavaScript prints them (callers round
 * first), two-space indent, trailing newline. contentHash = sha256 of the normalized (compact,
 * sorted-key) JSON of the document with `generated.contentHash` left empty, so a reader can verify it.
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function normalizeJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalizeJson(v);
    }
    return out;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
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
  const blank = { ...doc, generated: { ...doc.generated, contentHash: '' } };
  const hash = sha256(JSON.stringify(normalizeJson(blank)));
  return stableStringify({ ...doc, generated: { ...doc.generated, contentHash: hash } });
}

/** The hash a reader recomputes to check a document: the same rule as renderJsonDocument. */
export function verifyContentHash(text: string): boolean {
  const doc = JSON.parse(text) as { generated?: Generated };
  if (!doc.generated) return false;
  const claimed = doc.generated.contentHash;
  const blank = { ...doc, generated: { ...doc.generated, contentHash: '' } };
  return sha256(JSON.stringify(normalizeJson(blank))) === claimed;
}
