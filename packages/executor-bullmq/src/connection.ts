import type { RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options. */
export type RedisConnection = string | RedisOptions;

/**
 * ioredis options for one connection. BullMQ's blocking connections need
 * `maxRetriesPerRequest: null` (a command waits out a reconnect instead of
 * failing); the coordinator bounds every wait itself, so nothing hangs.
 */
export function redisOptions(connection: RedisConnection): RedisOptions {
  const base: RedisOptions = typeof connection === 'string' ? fromUrl(connection) : { ...connection };
  return { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
}

function fromUrl(text: string): RedisOptions {
  const url = new URL(text);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`expected a redis:// or rediss:// URL, got a URL with protocol \`${url.protocol}\``);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A connection described without its password, for messages. */
export function describeConnection(connection: RedisConnection): string {
  const o = typeof connection === 'string' ? fromUrl(connection) : connection;
  return `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}
