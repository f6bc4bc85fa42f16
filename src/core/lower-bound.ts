/**
 * Binary search over a sorted sequence: the first index in [0, length) for which `before(i)` is false, i.e.
 * where a value goes to keep the order (`before(i)`: the item at i sorts before the value). One copy for
 * the places that keep a sorted list of records; the schedulers' numeric inner loops keep their own
 * inline loops, where a callback per step would cost measurably.
 */
export function lowerBound(length: number, before: (index: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
