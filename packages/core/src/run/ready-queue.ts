/**
 * A min-heap of task positions. Tasks that become ready are started lowest
 * topological position first, so with one slot the run follows the
 * topological order exactly, as the seed's sequential mode does.
 */
export class ReadyQueue {
  readonly #heap: number[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(value: number): void {
    const heap = this.#heap;
    heap.push(value);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= value) break;
      heap[i] = heap[parent] as number;
      i = parent;
    }
    heap[i] = value;
  }

  /** The smallest value; call only when `size > 0`. */
  pop(): number {
    const heap = this.#heap;
    const top = heap[0] as number;
    const last = heap.pop() as number;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
        if ((heap[child] as number) >= last) break;
        heap[i] = heap[child] as number;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
