/** Work waiting for a free thread. */
export interface QueuedJob {
  /** Starts the job; called once, when a slot is free. */
  readonly start: () => void;
  /** Set when the job was cancelled while queued; it is then never started. */
  cancelled: boolean;
}

/**
 * Hands out a fixed number of slots fairly among clients (runs): each
 * client has its own FIFO queue and freed slots go round-robin across the
 * clients that are waiting, so a run with 10 tasks is not starved by
 * another that queued 1,000 first.
 */
export class FairQueue {
  readonly #capacity: number;
  #active = 0;
  /** Waiting clients in round-robin order; a client leaves when its queue is empty. */
  readonly #queues = new Map<string, QueuedJob[]>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Jobs started and not yet released. */
  get active(): number {
    return this.#active;
  }

  /** Jobs waiting for a slot. */
  get waiting(): number {
    let count = 0;
    for (const queue of this.#queues.values()) count += queue.length;
    return count;
  }

  /** Starts `job` now if a slot is free, otherwise queues it under `client`. */
  submit(client: string, job: QueuedJob): void {
    if (this.#active < this.#capacity && this.#queues.size === 0) {
      this.#active++;
      job.start();
      return;
    }
    const queue = this.#queues.get(client);
    if (queue) queue.push(job);
    else this.#queues.set(client, [job]);
    this.#drain();
  }

  /** Frees the slot of a finished job and starts the next waiting one. */
  release(): void {
    this.#active--;
    this.#drain();
  }

  #drain(): void {
    while (this.#active < this.#capacity && this.#queues.size > 0) {
      // The first client in the map is next; after it is served it moves to the back.
      const [client, queue] = this.#queues.entries().next().value as [string, QueuedJob[]];
      this.#queues.delete(client);
      const job = queue.shift();
      if (queue.length > 0) this.#queues.set(client, queue);
      if (job && !job.cancelled) {
        this.#active++;
        job.start();
      }
    }
  }
}
