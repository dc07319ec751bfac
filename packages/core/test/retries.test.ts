import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RETRY_CODES,
  InvalidOptionError,
  Process,
  ProcessExecutionReport,
  type RunEvent,
  type SerializedError,
  Task,
  type TaskOptions,
  TaskTimeoutError,
  taskContext,
} from '../dist/index.js';
import { codedError, nextMacrotask } from './fixtures/control.js';
import { captureWarnings } from './helpers/warnings.js';

/**
 * Runs one task whose first `failures` attempts throw `makeError(attempt)`
 * and whose next attempt returns `'ok'`. Returns the entry, the number of
 * calls, the run's events and the warnings it emitted (captured, not printed).
 */
async function runFlaky(failures: number, makeError: (attempt: number) => unknown, options: TaskOptions) {
  const emitted = captureWarnings();
  let calls = 0;
  const events: RunEvent[] = [];
  const task = new Task(
    'flaky',
    () => {
      calls++;
      if (calls <= failures) throw makeError(calls);
      return 'ok';
    },
    options,
  );
  const report = await new Process([task]).run({ onEvent: (event) => events.push(event) }).finally(() => {
    vi.restoreAllMocks();
  });
  const entry = report.entries.get('flaky');
  if (!entry) throw new Error('no entry for flaky');
  const warnings = emitted.map(({ message, options }) => ({ message, code: (options as { code?: string }).code }));
  return { entry, calls, events, warnings };
}

const retryingEvents = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'task:retrying' ? [event] : []));

class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}
class RateLimitError extends HttpError {
  override name = 'RateLimitError';
}

describe('the default retryOn (retries >= 1, no retryOn)', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET'])(
    'retries an error with code %s',
    async (code) => {
      expect(DEFAULT_RETRY_CODES.has(code)).toBe(true);
      const { entry, calls } = await runFlaky(1, () => codedError(code), { retries: 1 });
      expect(entry).toMatchObject({ status: 'success', attempts: 2, result: 'ok' });
      expect(calls).toBe(2);
    },
  );

  it("retries fetch's `TypeError('fetch failed')` whose cause has a network code", async () => {
    const { entry } = await runFlaky(2, () => new TypeError('fetch failed', { cause: codedError('ECONNREFUSED') }), {
      retries: 2,
    });
    expect(entry).toMatchObject({ status: 'success', attempts: 3 });
  });

  it('retries a TaskTimeoutError thrown by the task', async () => {
    const { entry } = await runFlaky(1, (attempt) => new TaskTimeoutError('flaky', 10, attempt, 'cooperative'), {
      retries: 1,
    });
    expect(entry).toMatchObject({ status: 'success', attempts: 2 });
  });

  it('retries an attempt that timed out', async () => {
    let calls = 0;
    const report = await new Process([
      new Task(
        'slow_once',
        () => {
          calls++;
          if (calls === 1) return new Promise(() => {}); // never settles: only the timeout ends it
          return 'second attempt';
        },
        { timeoutMs: 30, retries: 1 },
      ),
    ]).run();
    expect(report.entries.get('slow_once')).toMatchObject({ status: 'success', attempts: 2, result: 'second attempt' });
  });

  it.each([
    ['a plain TypeError', () => new TypeError('undefined is not a function')],
    ['an error with a non-network code', () => codedError('EACCES', 'permission denied')],
    ['a string naming a network code', () => 'ECONNRESET'],
  ])('does not retry %s', async (_, makeError) => {
    const { entry, calls } = await runFlaky(1, makeError, { retries: 3 });
    expect(entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(calls).toBe(1);
  });
});

describe('retryOn', () => {
  it('matches a class and its subclasses through the prototype chain', async () => {
    const subclass = await runFlaky(1, () => new RateLimitError(429), { retries: 1, retryOn: [HttpError] });
    expect(subclass.entry).toMatchObject({ status: 'success', attempts: 2 });

    const superclass = await runFlaky(1, () => new HttpError(500), { retries: 1, retryOn: [RateLimitError] });
    expect(superclass.entry).toMatchObject({ status: 'errored', attempts: 1 });
  });

  it('matches a class in the cause chain', async () => {
    const { entry } = await runFlaky(1, () => new Error('wrapped', { cause: new RateLimitError(429) }), {
      retries: 1,
      retryOn: [RateLimitError],
    });
    expect(entry).toMatchObject({ status: 'success', attempts: 2 });
  });

  it('matches code strings, and replaces the defaults', async () => {
    const own = await runFlaky(1, () => codedError('E_BUSY'), { retries: 1, retryOn: ['E_BUSY'] });
    expect(own.entry).toMatchObject({ status: 'success', attempts: 2 });

    const network = await runFlaky(1, () => codedError('ECONNRESET'), { retries: 1, retryOn: ['E_BUSY'] });
    expect(network.entry).toMatchObject({ status: 'errored', attempts: 1 });

    const timeout = await runFlaky(1, () => new TaskTimeoutError('flaky', 10, 1, 'cooperative'), {
      retries: 1,
      retryOn: [HttpError],
    });
    expect(timeout.entry).toMatchObject({ status: 'errored', attempts: 1 });
  });

  it('mixes classes and codes', async () => {
    const errors = [new RateLimitError(429), codedError('E_BUSY')];
    const { entry, calls } = await runFlaky(2, (attempt) => errors[attempt - 1], {
      retries: 2,
      retryOn: [HttpError, 'E_BUSY'],
    });
    expect(entry).toMatchObject({ status: 'success', attempts: 3 });
    expect(calls).toBe(3);
  });

  it('calls a predicate with the serialised error and retries when it returns true', async () => {
    const seen: SerializedError[] = [];
    const { entry } = await runFlaky(2, (attempt) => new HttpError(attempt === 1 ? 503 : 400), {
      retries: 3,
      retryOn: (error) => {
        seen.push(error);
        const { status } = error.props ?? {};
        return status === 503;
      },
    });
    expect(entry).toMatchObject({ status: 'errored', attempts: 2 });
    expect(entry.error?.exception).toBe('HTTP 400');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      name: 'HttpError',
      message: 'HTTP 503',
      classChain: ['HttpError', 'Error'],
      props: { status: 503 },
    });
    expect(seen[0]).not.toBeInstanceOf(Error);
  });

  it('never retries with `retryOn: []`, not even a network error', async () => {
    const { entry, calls } = await runFlaky(1, () => codedError('ECONNRESET'), { retries: 3, retryOn: [] });
    expect(entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('never retries with `retries: 0`, whatever retryOn says', async () => {
    const defaults = await runFlaky(1, () => codedError('ECONNRESET'), {});
    expect(defaults.entry).toMatchObject({ status: 'errored', attempts: 1 });
    let predicateCalls = 0;
    const predicate = await runFlaky(1, () => new Error('x'), {
      retries: 0,
      retryOn: () => {
        predicateCalls++;
        return true;
      },
    });
    expect(predicate.entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(predicate.calls).toBe(1);
    expect(predicateCalls).toBe(0);
  });

  it('does not retry when the predicate throws, and warns with PROC_RETRY_PREDICATE_FAILED', async () => {
    const { entry, calls, warnings } = await runFlaky(1, () => codedError('ECONNRESET'), {
      retries: 2,
      retryOn: () => {
        throw new Error('predicate bug');
      },
    });
    expect(entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(entry.error?.thrown.code).toBe('ECONNRESET'); // the task's error, not the predicate's
    expect(entry.notRetried?.reason).toBe('retry-on-threw');
    expect(calls).toBe(1);
    // One warning, the predicate's: not a second one saying the failure was not retried.
    expect(warnings.map((w) => w.code)).toEqual(['PROC_RETRY_PREDICATE_FAILED']);
    expect(warnings[0]?.message).toContain('"flaky"');
    expect(warnings[0]?.message).toContain('predicate bug');
  });
});

describe('a failure retryOn does not match, with retries left', () => {
  it('says on the entry and in the JSON that it was not retried and why', async () => {
    const { entry, calls } = await runFlaky(1, () => new HttpError(500), {
      retries: 2,
      retryOn: [RateLimitError, 'E_BUSY'],
    });
    expect(calls).toBe(1);
    expect(entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(entry.notRetried).toEqual({
      reason: 'retry-on-no-match',
      message:
        'Task "flaky" failed with HttpError, which retryOn does not match: not retried (2 retries left unused); retryOn accepts RateLimitError, E_BUSY.',
    });
    const report = new ProcessExecutionReport({ entries: [entry] });
    expect(report.toJSON().entries['flaky']?.not_retried).toEqual({
      reason: 'retry-on-no-match',
      message: entry.notRetried?.message,
    });
  });

  it('names the default retryOn when none was given, and the code of the error', async () => {
    const { entry } = await runFlaky(1, () => codedError('EACCES', 'permission denied'), { retries: 1 });
    expect(entry.notRetried?.reason).toBe('retry-on-no-match');
    expect(entry.notRetried?.message).toBe(
      'Task "flaky" failed with Error (EACCES), which retryOn does not match: not retried (1 retry left unused); without retryOn only TaskTimeoutError and network error codes (ECONNRESET, ECONNREFUSED, ECONNABORTED, …) are retried.',
    );
  });

  it('says a predicate rejected it', async () => {
    const { entry } = await runFlaky(1, () => new HttpError(400), { retries: 1, retryOn: () => false });
    expect(entry.notRetried?.reason).toBe('retry-on-rejected');
    expect(entry.notRetried?.message).toContain('which its retryOn predicate rejected');
  });

  it('warns with PROC_TASK_NOT_RETRIED once per task and run', async () => {
    const emitted = captureWarnings();
    const failing = (name: string) =>
      new Task(
        name,
        () => {
          throw new HttpError(500);
        },
        { retries: 3, retryOn: [RateLimitError] },
      );
    const p = new Process([failing('a'), failing('b')]);
    await p.run();
    await p.run();
    vi.restoreAllMocks();
    const notRetried = emitted.filter((w) => (w.options as { code?: string }).code === 'PROC_TASK_NOT_RETRIED');
    expect(notRetried.map((w) => String(w.message).slice(0, 10))).toEqual([
      'Task "a" f',
      'Task "b" f',
      'Task "a" f',
      'Task "b" f',
    ]);
    expect(notRetried[0]?.options).toMatchObject({ type: 'ProcessesWarning', code: 'PROC_TASK_NOT_RETRIED' });
  });

  it('sets nothing when the failure was retried until the attempts ran out, or there were no retries', async () => {
    const exhausted = await runFlaky(5, () => codedError('ECONNRESET'), { retries: 1 });
    expect(exhausted.entry).toMatchObject({ status: 'errored', attempts: 2 });
    expect(exhausted.entry.notRetried).toBeUndefined();
    expect(exhausted.warnings).toEqual([]);
    const none = await runFlaky(1, () => new HttpError(500), {});
    expect(none.entry.notRetried).toBeUndefined();
    expect(none.warnings).toEqual([]);
    expect(new ProcessExecutionReport({ entries: [none.entry] }).toJSON().entries['flaky']?.not_retried).toBeNull();
  });
});

describe('attempts and elapsedMs', () => {
  it('counts attempts exactly: success on the 3rd attempt gives 3', async () => {
    const { entry, calls, events } = await runFlaky(2, () => codedError('ECONNRESET'), { retries: 5 });
    expect(entry).toMatchObject({ status: 'success', attempts: 3, result: 'ok' });
    expect(calls).toBe(3);
    const started = events.flatMap((e) => (e.type === 'task:started' ? [e.attempt] : []));
    expect(started).toEqual([1, 2, 3]);
    expect(retryingEvents(events).map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('reports the last error and every attempt when the retries run out', async () => {
    const { entry, calls, events } = await runFlaky(
      Number.POSITIVE_INFINITY,
      (attempt) => codedError('ECONNRESET', `reset on attempt ${attempt}`),
      { retries: 2 },
    );
    expect(entry).toMatchObject({ status: 'errored', attempts: 3 });
    expect(entry.error?.exception).toBe('reset on attempt 3');
    expect(calls).toBe(3);
    const failed = events.filter((e) => e.type === 'task:failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 3 });
  });

  it('gives each attempt its context attempt number', async () => {
    const attempts: number[] = [];
    const report = await new Process([
      new Task(
        'counted',
        () => {
          const { attempt } = taskContext();
          attempts.push(attempt);
          if (attempt < 3) throw codedError('ETIMEDOUT');
          return attempt;
        },
        { retries: 3 },
      ),
    ]).run();
    expect(attempts).toEqual([1, 2, 3]);
    expect(report.entries.get('counted')?.result).toBe(3);
  });

  it('measures elapsedMs from the start of the first attempt to the end of the last', async () => {
    // The engine's clock, read inside the attempts: the entry must span at least this.
    const clock = () => performance.timeOrigin + performance.now();
    let firstEntered = 0;
    let lastLeft = 0;
    let calls = 0;
    const report = await new Process([
      new Task(
        'spanning',
        async () => {
          calls++;
          if (calls === 1) firstEntered = clock();
          await nextMacrotask();
          if (calls < 3) throw codedError('ECONNRESET');
          lastLeft = clock();
          return 'ok';
        },
        { retries: 2, retryDelayMs: 5 },
      ),
    ]).run();
    const entry = report.entries.get('spanning');
    expect(entry?.attempts).toBe(3);
    expect(entry?.elapsedMs).toBeGreaterThanOrEqual(lastLeft - firstEntered);
    expect(entry?.startedAt?.getTime()).toBeLessThanOrEqual(firstEntered);
    expect(entry?.finishedAt?.getTime()).toBeGreaterThanOrEqual(Math.floor(lastLeft));
  });
});

describe('retryDelayMs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const delaysOf = async (retries: number, retryDelayMs: NonNullable<TaskOptions['retryDelayMs']>) => {
    const { entry, events } = await runFlaky(retries, () => codedError('ECONNRESET'), { retries, retryDelayMs });
    expect(entry).toMatchObject({ status: 'success', attempts: retries + 1 });
    return retryingEvents(events).map((e) => e.delayMs);
  };

  it('defaults to no delay', async () => {
    const { events } = await runFlaky(2, () => codedError('ECONNRESET'), { retries: 2 });
    expect(retryingEvents(events).map((e) => e.delayMs)).toEqual([0, 0]);
  });

  it('waits a fixed delay before each retry', async () => {
    expect(await delaysOf(3, 4)).toEqual([4, 4, 4]);
  });

  it('backs off exponentially, capped at maxMs', async () => {
    expect(await delaysOf(4, { initialMs: 1, factor: 3, maxMs: 10 })).toEqual([1, 3, 9, 10]);
  });

  it('doubles by default', async () => {
    expect(await delaysOf(3, { initialMs: 2 })).toEqual([2, 4, 8]);
  });

  it('keeps jittered delays within [delay * (1 - jitter), delay]', async () => {
    const nominal = [8, 16, 20, 20];
    for (let run = 0; run < 3; run++) {
      const delays = await delaysOf(4, { initialMs: 8, factor: 2, maxMs: 20, jitter: 0.5 });
      expect(delays).toHaveLength(4);
      delays.forEach((delay, i) => {
        const full = nominal[i] as number;
        expect(delay).toBeGreaterThanOrEqual(full * 0.5);
        expect(delay).toBeLessThanOrEqual(full);
      });
    }
  });

  it('spreads jitter over the whole range', async () => {
    const nominal = [8, 16, 20];
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(await delaysOf(3, { initialMs: 8, factor: 2, maxMs: 20, jitter: 0.5 })).toEqual(nominal);
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    const lowest = await delaysOf(3, { initialMs: 8, factor: 2, maxMs: 20, jitter: 0.5 });
    lowest.forEach((delay, i) => {
      expect(delay).toBeCloseTo((nominal[i] as number) * 0.5, 3);
    });
  });

  it('rejects a delay longer than a Node.js timer can wait, before anything runs', () => {
    const suffix =
      'to be at most 2147483647 ms (about 24.8 days, the longest a Node.js timer can wait), got `3000000000` (number)';
    expect(() => new Task('patient', () => 1, { retries: 1, retryDelayMs: 3_000_000_000 })).toThrow(
      `Task "patient": expected \`retryDelayMs\` ${suffix}`,
    );
    expect(
      () => new Task('patient', () => 1, { retries: 1, retryDelayMs: { initialMs: 1, maxMs: 3_000_000_000 } }),
    ).toThrow(`Task "patient": expected \`retryDelayMs.maxMs\` ${suffix}`);
    expect(() => new Task('patient', () => 1, { retryDelayMs: 3_000_000_000 })).toThrow(InvalidOptionError);
    // maxMs caps every delay, so a large initialMs under the default cap is fine.
    expect(() => new Task('patient', () => 1, { retryDelayMs: { initialMs: 3_000_000_000 } })).not.toThrow();
  });
});
