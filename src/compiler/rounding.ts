/**
 * The one rounding module. Every number the compiler writes is rounded by one of these fixed rules, so
 * artifacts carry no float noise (0.30000000000000004) and are the same bytes on every platform.
 */

/**
 * Hours, for durations and schedule times alike: to a microhour, so equal times compare equal in the
 * schedulers and two sums that should match do.
 */
export function roundHours(hours: number): number {
  return Math.round(hours * 1e6) / 1e6;
}

/** A figure shown or reported (ratios, percentages, hours in prose) to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
}

/** Schedule ratios (utilization, the gap to the lower bound, average concurrency) to four decimals. */
export function roundRatio(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
