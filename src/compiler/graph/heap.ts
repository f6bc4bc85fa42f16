/** A binary min-heap of integers under a comparison; used for Kahn's algorithm and event queues with deterministic ties. */
export class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly before: (a: number, b: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(item: number): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.before(items[parent]!, item) <= 0) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= items.length) break;
        if (child + 1 < items.length && this.before(items[child + 1]!, items[child]!) < 0) child++;
        if (this.before(items[child]!, last) >= 0) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

/**
 * A min-heap of integers that knows where each one sits, so an item whose key changed moves to its new
 * place (or joins) without rebuilding the heap: the wave builder's queue of file-blocker buckets, whose most
 * urgent task changes as tasks are placed. The same sift rules as MinHeap.
 */
export class IndexedMinHeap {
  private readonly items: number[] = [];
  /** Per item: its position in `items`, or -1 when it is not queued. */
  private readonly at: number[] = [];
  constructor(private readonly before: (a: number, b: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  pop(): number {
    const top = this.items[0]!;
    this.removeAt(0);
    return top;
  }

  /** Item k's key may have changed (or it is new, or it was popped): queue it where it now belongs. */
  update(k: number): void {
    const i = this.at[k] ?? -1;
    if (i >= 0) {
      this.siftDown(this.siftUp(i));
      return;
    }
    this.items.push(k);
    this.at[k] = this.items.length - 1;
    this.siftUp(this.items.length - 1);
  }

  private removeAt(i: number): void {
    const items = this.items;
    this.at[items[i]!] = -1;
    const last = items.pop()!;
    if (i < items.length) {
      items[i] = last;
      this.at[last] = i;
      this.siftDown(this.siftUp(i));
    }
  }

  private siftUp(i: number): number {
    const items = this.items;
    const k = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.before(items[parent]!, k) <= 0) break;
      items[i] = items[parent]!;
      this.at[items[i]!] = i;
      i = parent;
    }
    items[i] = k;
    this.at[k] = i;
    return i;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const k = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && this.before(items[child + 1]!, items[child]!) < 0) child++;
      if (this.before(items[child]!, k) >= 0) break;
      items[i] = items[child]!;
      this.at[items[i]!] = i;
      i = child;
    }
    items[i] = k;
    this.at[k] = i;
  }
}
