// The pool's fair queue, which the public API reaches only through timing:
// a job that carries many attempts (a long fused chain) costs its client as
// many turns as those attempts fill, so other clients waiting get theirs.
import { describe, expect, it } from 'vitest';
import { FairQueue, type QueuedJob } from '../../src/executors/worker/fair-queue.js';

/** A job that records when it starts, carrying `size` attempts; one of one attempt goes alone (a timed attempt). */
function job(name: string, started: string[], size = 1): QueuedJob {
  return { cancelled: false, batchLimit: size > 1 ? 32 : 1, size, start: () => started.push(name) };
}

/** Runs every job to the end, one slot, and returns the order they started in. */
async function order(submit: (queue: FairQueue, started: string[]) => void): Promise<string[]> {
  const started: string[] = [];
  const queue = new FairQueue(
    1,
    (jobs) => {
      for (const j of jobs) j.start();
    },
    32,
  );
  submit(queue, started);
  // Each started job is released after the submitting code has run (the queue drains a microtask later).
  for (let released = 0; released < 40; released++) {
    await Promise.resolve();
    await Promise.resolve();
    if (queue.active > 0) queue.release();
  }
  return started;
}

describe('the fair queue', () => {
  it('gives a client that started a job of four turns’ attempts its next turn only after others had three', async () => {
    const started = await order((queue, log) => {
      for (let i = 0; i < 3; i++) queue.submit('chains', job(`chain${i}`, log, 128));
      for (let i = 0; i < 8; i++) queue.submit('small', job(`small${i}`, log));
    });
    expect(started).toEqual([
      'chain0',
      'small0',
      'small1',
      'small2',
      'small3',
      'chain1',
      'small4',
      'small5',
      'small6',
      'small7',
      'chain2',
    ]);
  });

  it('alternates clients whose jobs fill one turn each', async () => {
    const started = await order((queue, log) => {
      for (let i = 0; i < 3; i++) queue.submit('a', job(`a${i}`, log, 32));
      for (let i = 0; i < 3; i++) queue.submit('b', job(`b${i}`, log));
    });
    expect(started).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('serves a client alone as fast as it submits, whatever its jobs carry', async () => {
    const started = await order((queue, log) => {
      for (let i = 0; i < 4; i++) queue.submit('only', job(`j${i}`, log, 128));
    });
    expect(started).toEqual(['j0', 'j1', 'j2', 'j3']);
  });
});
