/** Work waiting for a free thread. */
export interface QueuedJob {
  /** Starts the job; called once, when a slot is free. */
  readonly start: () => void;
  /** Set when the job was cancelled while queued; it is then never started. */
  cancelled: boolean;
  /**
   * How many jobs this one may share a slot with, itself included (1, or
   * absent: it runs alone). Jobs share a slot only with the jobs queued
   * right behind them by the same client that may share one too.
   */
  readonly batchLimit?: number;
  /**
   * How many attempts the job carries (absent: 1): a fused chain carries its
   * links, and a batch counts them against `batchLimit`, so a long chain
   * takes a client's turn as that many attempts would.
   */
  readonly size?: number;
}

/** Starts jobs that share one slot; called with two or more. */
export type StartBatch<J extends QueuedJob> = (jobs: J[]) => void;

/**
 * Hands out a fixed number of slots fairly among clients (runs): each
 * client has its own FIFO queue and freed slots go round-robin across the
 * clients that are waiting, so a run with 10 tasks is not starved by
 * another that queued 1,000 first.
 */
export class FairQueue<J extends QueuedJob = QueuedJob> {
  readonly #capacity: number;
  readonly #startBatch: StartBatch<J> | undefined;
  readonly #turn: number;
  /** Turns a client still owes for a job bigger than a turn (a long fused chain), while others wait. */
  readonly #owed = new Map<string, number>();
  #active = 0;
  /** Waiting clients in round-robin order; a client leaves when its queue is empty. */
  readonly #queues = new Map<string, J[]>();

  /**
   * @param startBatch Given, a freed slot takes a client's next jobs
   *   together (up to their `batchLimit`); a client's turn is then one batch.
   * @param turn The attempts one turn is worth: a batch of jobs of more
   *   (`size`) costs its client the turns it takes beyond the first, which
   *   go to the others waiting.
   */
  constructor(capacity: number, startBatch?: StartBatch<J>, turn: number = Number.POSITIVE_INFINITY) {
    this.#capacity = capacity;
    this.#startBatch = startBatch;
    this.#turn = turn;
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
  submit(client: string, job: J): void {
    if (this.#startBatch === undefined && this.#active < this.#capacity && this.#queues.size === 0) {
      this.#active++;
      job.start();
      return;
    }
    const queue = this.#queues.get(client);
    if (queue) queue.push(job);
    else this.#queues.set(client, [job]);
    // Batching: jobs submitted in the same turn of the event loop (a scheduler
    // starting every task that just became ready) are started together, once
    // the submitting code has run: a microtask later, not a timer.
    if (this.#startBatch === undefined) this.#drain();
    else if (!this.#drainQueued) {
      this.#drainQueued = true;
      queueMicrotask(this.#queuedDrain);
    }
  }

  #drainQueued = false;
  readonly #queuedDrain = (): void => {
    this.#drainQueued = false;
    this.#drain();
  };

  /** Frees the slot of a finished job and starts the next waiting one. */
  release(): void {
    this.#active--;
    this.#drain();
  }

  #drain(): void {
    while (this.#active < this.#capacity && this.#queues.size > 0) {
      // The first client in the map is next; after it is served it moves to the back.
      const [client, queue] = this.#queues.entries().next().value as [string, J[]];
      this.#queues.delete(client);
      const owed = this.#owed.get(client);
      if (owed !== undefined && this.#queues.size > 0) {
        // A turn it paid for already: it goes to the back, the next client is served.
        if (owed > 1) this.#owed.set(client, owed - 1);
        else this.#owed.delete(client);
        this.#queues.set(client, queue);
        continue;
      }
      this.#owed.delete(client);
      const job = queue.shift();
      const batch = job && !job.cancelled ? this.#batchFrom(job, queue) : undefined;
      if (queue.length > 0) this.#queues.set(client, queue);
      if (job && batch) {
        const size = batch.reduce((sum, j) => sum + (j.size ?? 1), 0);
        const turns = Math.ceil(size / this.#turn);
        // Owed only while it has more waiting: a client that left owes nothing (nor is kept here).
        if (turns > 1 && queue.length > 0) this.#owed.set(client, turns - 1);
        this.#active++;
        if (this.#startBatch && (batch.length > 1 || (job.size ?? 1) > 1)) this.#startBatch(batch);
        else job.start();
      }
    }
  }

  /** `first` and the jobs behind it in `queue` that go with it (taken off the queue). */
  #batchFrom(first: J, queue: J[]): J[] {
    const limit = this.#startBatch ? (first.batchLimit ?? 1) : 1;
    const batch = [first];
    let size = first.size ?? 1;
    while (size < limit && queue.length > 0) {
      const next = queue[0] as J;
      if (!next.cancelled && ((next.batchLimit ?? 1) < 2 || size + (next.size ?? 1) > limit)) break;
      queue.shift();
      if (!next.cancelled) {
        batch.push(next);
        size += next.size ?? 1;
      }
    }
    return batch;
  }
}
