/**
 * The only timestamp artifacts carry: SOURCE_DATE_EPOCH (reproducible-builds convention, seconds since
 * 1970) when given, else a fixed value, so compiling twice gives identical bytes. Never the clock.
 */
export const fixedTimestamp = '1980-01-01T00:00:00Z';

export type TimestampResult = { ok: true; timestamp: string } | { ok: false; message: string };

export function artifactTimestamp(sourceDateEpoch: string | undefined): TimestampResult {
  if (sourceDateEpoch === undefined || sourceDateEpoch === '') return { ok: true, timestamp: fixedTimestamp };
  if (!/^\d+$/.test(sourceDateEpoch)) return { ok: false, message: `SOURCE_DATE_EPOCH must be a whole number of seconds, got '${sourceDateEpoch}'` };
  const ms = Number(sourceDateEpoch) * 1000;
  if (!Number.isSafeInteger(ms) || ms > 8.64e15) return { ok: false, message: `SOURCE_DATE_EPOCH is out of range: '${sourceDateEpoch}'` };
  return { ok: true, timestamp: rfc3339(new Date(ms)) };
}

/** RFC 3339 in UTC without milliseconds (beads and most tools parse it). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
