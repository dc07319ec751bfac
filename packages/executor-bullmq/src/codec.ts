// Values cross machines with v8 serialisation (the structured-clone format):
// Buffers, typed arrays, Dates, Maps, Sets, RegExps and Errors keep their type,
// where JSON would turn bytes into arrays of numbers.

import { deserialize, serialize } from 'node:v8';
import type { BlobStore } from './blob-store.js';
import { BlobMissingError } from './errors.js';
import type { Payload } from './protocol.js';

export interface PayloadSink {
  /** Bytes above which a value goes to the blob store. */
  readonly inlineCapBytes: number;
  readonly store: BlobStore;
  readonly ttlMs: number;
}

/** Serialises `value` (throws what v8 throws for a function or a symbol) and places it inline or in a blob at `key`. */
export async function encodePayload(value: unknown, sink: PayloadSink, key: string): Promise<Payload> {
  const bytes = serialize(value);
  if (bytes.length <= sink.inlineCapBytes) return { inline: bytes.toString('base64') };
  await sink.store.put(key, bytes, sink.ttlMs);
  return { blob: key };
}

/**
 * Like {@link encodePayload}, but a value above `returnValueMaxBytes` that
 * would go inline goes to `stash` (a Redis key) at `stashKey` instead.
 */
export async function encodeResult(
  value: unknown,
  sink: PayloadSink,
  blobKey: string,
  stash: BlobStore,
  stashKey: string,
  returnValueMaxBytes: number,
): Promise<Payload> {
  const payload = await encodePayload(value, sink, blobKey);
  if (!('inline' in payload) || payload.inline.length <= returnValueMaxBytes) return payload;
  await stash.put(stashKey, Buffer.from(payload.inline, 'base64'), sink.ttlMs);
  return { stored: stashKey };
}

export async function decodePayload(
  payload: Payload,
  store: BlobStore,
  taskName: string,
  stash?: BlobStore,
): Promise<unknown> {
  if ('inline' in payload) return deserialize(Buffer.from(payload.inline, 'base64'));
  const key = 'blob' in payload ? payload.blob : payload.stored;
  const bytes = await ('blob' in payload ? store : (stash ?? store)).get(key);
  if (bytes === null) throw new BlobMissingError(taskName, key);
  return deserialize(bytes);
}

/** The blob-store key a payload holds, if any. */
export function blobKeyOf(payload: Payload | undefined): string | undefined {
  return payload && 'blob' in payload ? payload.blob : undefined;
}
