import { Redis, type RedisOptions } from 'ioredis';
import { RedisConnectionError } from './errors.js';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options. */
export type RedisConnection = string | RedisOptions;

/** Why a `redis://` URL cannot be used, or undefined when it can. */
export function redisUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'it is not a valid URL';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `its protocol is \`${url.protocol}\``;
  if (url.hostname === '') return 'it has no host';
  if (url.port === '0') return 'its port is 0';
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return 'its user or password has a `%` that is not followed by two hex digits (write `%25` for a `%`)';
  }
  const db = url.pathname.slice(1);
  if (db !== '' && !/^\d+$/.test(db)) return `its path \`/${db}\` is not a database number`;
  if (url.search !== '' || url.hash !== '') return 'it has a query or fragment, which Redis URLs do not take';
  return undefined;
}

/** ioredis's `disconnectTimeout`: how long a dropped client's socket may take to close before it is destroyed. */
const DROP_SOCKET_AFTER_MS = 200;

/**
 * ioredis options for one connection. BullMQ's blocking connections need
 * `maxRetriesPerRequest: null` (a command waits out a reconnect instead of
 * failing); the coordinator bounds every wait itself, so nothing hangs.
 */
export function redisOptions(connection: RedisConnection): RedisOptions {
  const base: RedisOptions = typeof connection === 'string' ? fromUrl(connection) : { ...connection };
  // ioredis keeps a dropped client's socket timer for disconnectTimeout (2 s by default), and that
  // timer alone keeps a process that is done alive; a client is only dropped when it is given up on.
  return { disconnectTimeout: DROP_SOCKET_AFTER_MS, ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
}

function fromUrl(text: string): RedisOptions {
  const problem = redisUrlProblem(text);
  // The options schemas reject such a URL first; this is for a direct caller.
  if (problem !== undefined) throw new TypeError(`Cannot use Redis URL: ${problem}.`);
  const url = new URL(text);
  const db = url.pathname.slice(1);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A connection described without its password, for messages. */
export function describeConnection(connection: RedisConnection): string {
  const o = typeof connection === 'string' ? fromUrl(connection) : connection;
  return o.path ?? `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}

const DISCONNECT_BOUND_MS = 5000;

/**
 * ioredis leaves a client disconnected between two reconnects in status
 * `reconnecting` for good: it has no socket to close, so it never emits
 * 'end', and the commands it queued never settle (BullMQ's close waits for
 * that 'end', and a job's last write waits for its command). It is ended
 * here as ioredis ends a client it closes itself.
 */
function endStranded(client: Redis): void {
  const internals = client as unknown as { setStatus(status: string): void; flushQueue(error: Error): void };
  internals.setStatus('end');
  internals.flushQueue(new Error('Connection is closed.'));
}

/** A reply that reconnecting cannot fix: wrong credentials, or a user without the rights. */
function isFatal(error: Error): boolean {
  // A database Redis does not have: ioredis goes on in database 0, where no other side looks.
  return /^(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|invalid username-password|DB index is out of range/i.test(
    error.message,
  );
}

/**
 * Every ioredis client of one coordinator or worker, including the ones
 * BullMQ makes for itself (it `duplicate()`s the clients it is given), so
 * that all of them can be waited for, and all of them dropped: a client left
 * reconnecting to a Redis that is gone keeps its process alive forever.
 */
export class RedisClients {
  /** `host:port` (never the password). */
  readonly address: string;
  readonly #options: RedisOptions;
  readonly #clients = new Set<Redis>();
  #lastError: Error | undefined;
  readonly #fatalWaiters = new Set<(error: Error) => void>();

  constructor(connection: RedisConnection) {
    this.#options = redisOptions(connection);
    this.address = describeConnection(connection);
  }

  /**
   * A new client with `extra` options; an `idle` one never connects (it is
   * only there for BullMQ to duplicate).
   */
  create(extra: RedisOptions = {}, idle = false): Redis {
    const client = new Redis({ ...this.#options, ...extra, ...(idle ? { lazyConnect: true } : {}) });
    if (!idle) this.#clients.add(client);
    client.on('error', (error: Error) => {
      this.#lastError = error;
      if (isFatal(error)) for (const fail of this.#fatalWaiters) fail(error);
    });
    // BullMQ names its blocking connections this way (`getWorkersCount` counts them by name).
    client.duplicate = (override?: Partial<RedisOptions>) => this.create({ ...extra, ...override });
    return client;
  }

  /** The last error any client reported (a refused connection, a wrong password), if any. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** The last error, when it is one that reconnecting cannot fix. */
  get fatalError(): Error | undefined {
    return this.#lastError && isFatal(this.#lastError) ? this.#lastError : undefined;
  }

  /** Whether every client is connected and ready now. */
  get ready(): boolean {
    for (const client of this.#clients) if (client.status !== 'ready') return false;
    return true;
  }

  /**
   * Resolves once `work` (the set-up of the clients) has; rejects with a
   * {@link RedisConnectionError} after `timeoutMs`, or at once on a reply no
   * retry can fix (a wrong password).
   */
  async within<T>(work: Promise<T>, timeoutMs: number, who: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onFatal: ((error: Error) => void) | undefined;
    const started = Date.now();
    const failed = new Promise<never>((_, reject) => {
      const fail = (): void =>
        reject(new RedisConnectionError(who, this.address, Date.now() - started, this.#lastError));
      timer = setTimeout(fail, timeoutMs);
      onFatal = fail;
      this.#fatalWaiters.add(fail);
      if (this.fatalError) fail();
    });
    work.catch(() => undefined);
    try {
      return await Promise.race([work, failed]);
    } finally {
      clearTimeout(timer);
      if (onFatal) this.#fatalWaiters.delete(onFatal);
    }
  }

  /** Quits every ready client politely (what was sent is answered first). */
  async quit(): Promise<void> {
    const ready = [...this.#clients].filter((client) => client.status === 'ready');
    await Promise.allSettled(ready.map((client) => client.quit()));
  }

  /**
   * Drops every client at once, and stops it reconnecting; resolves once each
   * has ended. Idempotent. Close BullMQ's objects only after it: BullMQ's
   * set-up of a connection fails when the client ends, and reports that as an
   * 'error' event, which it throws (unhandled) once close() has removed its
   * listeners.
   */
  async disconnect(): Promise<void> {
    const ended = [...this.#clients]
      .filter((client) => client.status !== 'end')
      .map((client) => new Promise((resolve) => client.once('end', resolve)));
    for (const client of this.#clients) {
      const betweenReconnects = client.status === 'reconnecting';
      client.disconnect();
      if (betweenReconnects) endStranded(client);
    }
    let timer: NodeJS.Timeout | undefined;
    // ioredis ends a client within about 2 s whatever its socket does; this only bounds a surprise.
    const bound = new Promise((resolve) => {
      timer = setTimeout(resolve, DISCONNECT_BOUND_MS);
    });
    await Promise.race([Promise.all(ended), bound]);
    clearTimeout(timer);
    // The 'end' handlers' promise callbacks (BullMQ's rejected set-up) run before anything closes.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
