/** Durations: a number of hours, or a string such as '90m', '1h30m', '2h', '45s', '2d' (8-hour days). */
export type DurationResult = { ok: true; hours: number } | { ok: false; reason: string };

/**
 * About 50 working years: anything longer is a wrong unit or a typo, and would overflow what tools
 * downstream accept (beads' integer estimated_minutes, timers).
 */
export const maxDurationHours = 100_000;

const tooLong = `is longer than ${maxDurationHours} h; check the unit (a bare number means hours)`;

const unitHours: Record<string, number> = { ms: 1 / 3_600_000, s: 1 / 3600, m: 1 / 60, h: 1, d: 8 };

export function parseDuration(value: number | string): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'is not a finite number' };
    if (value < 0) return { ok: false, reason: 'is negative' };
    if (value > maxDurationHours) return { ok: false, reason: tooLong };
    return { ok: true, hours: value };
  }
  const text = value.trim();
  if (text.startsWith('-')) return { ok: false, reason: 'is negative' };
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return parseDuration(Number(text));
  const parts = text.match(/^(?:[0-9]+(?:\.[0-9]+)?\s*(?:ms|s|m|h|d)\s*)+$/);
  if (!parts) {
    return { ok: false, reason: "is not a duration; write hours as a number (1.5) or use a unit: '90m', '2h', '1h30m', '45s', '2d'" };
  }
  let hours = 0;
  for (const match of text.matchAll(/([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)/g)) {
    hours += Number(match[1]) * unitHours[match[2]!]!;
  }
  return hours > maxDurationHours ? { ok: false, reason: tooLong } : { ok: true, hours };
}

/** Node timers hold at most 2^31-1 ms (about 24.8 days); a longer one would fire at once. */
export const maxTimeoutHours = 596;

/** A timeout: a duration no longer than a timer can wait. */
export function parseTimeout(value: number | string): DurationResult {
  const parsed = parseDuration(value);
  if (parsed.ok && parsed.hours > maxTimeoutHours) {
    return { ok: false, reason: `is longer than ${maxTimeoutHours} h (about 24 days), the longest timeout; leave timeout out for none` };
  }
  return parsed;
}
