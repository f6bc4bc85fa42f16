/**
 * Sorting many short lists of node numbers (a graph's successor and predecessor lists). Each call of
 * Array.prototype.sort allocates its own work state, about 1 KB even for a list of five; a 10,000-task
 * plan sorts ~40,000 such lists, ~40 MB of garbage. Short lists are sorted in place by insertion instead,
 * and lists already in order are only checked. Numbers have one ascending order, so the result is the
 * same as `list.sort((a, b) => a - b)`.
 */

/** Lists up to this long are insertion-sorted; longer ones go to Array.prototype.sort. */
const shortList = 32;

/** Sorts `list` ascending in place (no NaN). */
export function sortAscending(list: number[]): void {
  const n = list.length;
  let i = 1;
  while (i < n && list[i - 1]! <= list[i]!) i++;
  if (i >= n) return;
  if (n > shortList) {
    list.sort((a, b) => a - b);
    return;
  }
  for (; i < n; i++) {
    const x = list[i]!;
    let j = i - 1;
    while (j >= 0 && list[j]! > x) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
}
