/** Deterministic JSON for artifacts: keys sorted at every level, two-space indent, trailing newline. */
import { createHash } from 'node:crypto';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** sha256 of the compact sorted-key JSON of a document: the artifacts' `contentHash`. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(sortKeys(value))).digest('hex');
}

/** The `generated` block of an artifact: no wall clock; a timestamp only from SOURCE_DATE_EPOCH. */
export function withGenerated<T extends object>(body: T, timestamp: string | null): T & { generated: Record<string, string> } {
  const generated: Record<string, string> = { by: 'execplan', contentHash: contentHash(body) };
  if (timestamp) generated.timestamp = timestamp;
  return { ...body, generated };
}
