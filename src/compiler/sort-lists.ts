/**
 * Sorting many short lists (a graph's successor and predecessor lists, a task's words or files). Each
 * call of Array.prototype.sort on two or more items allocates its own work state, about 1 KB even for a
 * list of three; a 10,000-task compile sorts tens of thousands of such lists. Short lists are sorted in
 * place by insertion instead, and lists already in order are only checked. Insertion sort is stable, as
 * Array.prototype.sort is, so with the same comparison the result is the same.
 */

/**
 * Lists up to this long are insertion-sorted; longer ones go to Array.prototype.sort. Other per-list
 * work that is quadratic on a short list (a scan instead of a Set) takes the same bound.
 */
export const shortList = 32;

/** `list.sort(compare)`, in place, returned. */
export function sortBy<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  const n = list.length;
  let i = 1;
  while (i < n && compare(list[i - 1]!, list[i]!) <= 0) i++;
  if (i >= n) return list;
  if (n > shortList) return list.sort(compare);
  for (; i < n; i++) {
    const x = list[i]!;
    let j = i - 1;
    while (j >= 0 && compare(list[j]!, x) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
  return list;
}

const ascending = (a: number, b: number) => a - b;
/** Strings compare by UTF-16 code units, Array.prototype.sort's default order. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `list.sort((a, b) => a - b)` (no NaN), in place, returned. */
export function sortAscending(list: number[]): number[] {
  return sortBy(list, ascending);
}

/** `list.sort()` of strings, in place, returned. */
export function sortTexts(list: string[]): string[] {
  return sortBy(list, byCodeUnits);
}
