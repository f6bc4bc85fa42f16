/** Cycle finding on a graph of n nodes given as adjacency lists; iterative, so a 10,000-task chain is fine. */

/** Strongly connected components with more than one node or a self-loop, each sorted ascending. */
export function cyclicComponents(n: number, adjacency: readonly (readonly number[])[]): number[][] {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  const work: Array<[node: number, edge: number]> = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    work.push([root, 0]);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      // Not destructured: this runs once per node and edge, mostly unoptimized, where destructuring
      // allocates an iterator.
      const v = frame[0];
      const i = frame[1];
      if (i === 0 && index[v] === -1) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = 1;
      }
      const edges = adjacency[v]!;
      if (i < edges.length) {
        frame[1] = i + 1;
        const w = edges[i]!;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v] && stack[stack.length - 1] === v) {
        // A component of one node (the usual case): no list unless it loops on itself.
        stack.pop();
        onStack[v] = 0;
        if (edges.includes(v)) result.push([v]);
      } else if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges.includes(v)) result.push(component.sort((a, b) => a - b));
      }
    }
  }
  return result.sort((a, b) => a[0]! - b[0]!);
}

/** One shortest cycle through `start` inside `component` (BFS), as a node list with start first. */
export function cycleThrough(start: number, component: readonly number[], adjacency: readonly (readonly number[])[]): number[] {
  const inside = new Set(component);
  const parent = new Map<number, number>();
  const queue: number[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of adjacency[v]!) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        let cursor = v;
        while (cursor !== start) {
          cursor = parent.get(cursor)!;
          path.push(cursor);
        }
        return path.reverse();
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
