/** Deterministic JSON for dag.json and waves.json, on the same rules as every other artifact (../artifacts/json.ts). */
import { normalizeJson, sha256, stableStringify } from '../artifacts/json.js';

export function stableJson(value: unknown): string {
  return stableStringify(value);
}

/** sha256 of the compact sorted-key JSON of a document: the artifacts' `contentHash`. */
export function contentHash(value: unknown): string {
  return sha256(JSON.stringify(normalizeJson(value)));
}

/** The `generated` block of an artifact: no wall clock; a timestamp only from SOURCE_DATE_EPOCH. */
export function withGenerated<T extends object>(body: T, timestamp: string | null): T & { generated: Record<string, string> } {
  const generated: Record<string, string> = { by: 'execplan', contentHash: contentHash(body) };
  if (timestamp) generated.timestamp = timestamp;
  return { ...body, generated };
}
