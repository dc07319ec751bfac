import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

// An entry is MAGIC, then the sha256 of the payload, then the payload (a
// node:v8 serialisation of a CacheRecord). A torn write, a truncated file
// or flipped bits fail the checksum, so they are a miss and never a wrong result.
const MAGIC = Buffer.from('PROCACHE1\n', 'latin1');
const DIGEST_BYTES = 32;

/** One cached result, as the engine stores it. */
export interface CacheRecord {
  /** The task that computed it. */
  readonly taskName: string;
  /** The run that computed it. */
  readonly runId: string;
  /** When it was stored (epoch ms): entries older than `maxAgeMs` are misses. */
  readonly storedAt: number;
  readonly result: unknown;
  /** The canonical hash of `result` (what a dependant's key includes), so a hit need not hash it again; null if unhashable. */
  readonly resultHash: string | null;
}

export function sealRecord(record: CacheRecord): Uint8Array {
  const payload = serialize(record);
  const digest = createHash('sha256').update(payload).digest();
  return Buffer.concat([MAGIC, digest, payload]);
}

/** The record in `bytes`, or a reason it is not a sound entry. */
export function openRecord(bytes: Uint8Array): { record: CacheRecord } | { corrupt: string } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < MAGIC.length + DIGEST_BYTES || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { corrupt: 'it is not a processes cache entry (truncated, or another format)' };
  }
  const digest = buffer.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES);
  const payload = buffer.subarray(MAGIC.length + DIGEST_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(digest)) {
    return { corrupt: 'its checksum does not match its content (truncated or damaged)' };
  }
  try {
    const record = deserialize(payload) as CacheRecord;
    if (typeof record?.storedAt !== 'number' || typeof record.runId !== 'string' || !('resultHash' in record)) {
      return { corrupt: 'its record has the wrong shape' };
    }
    return { record };
  } catch (error) {
    return { corrupt: `its record could not be read (${(error as Error).message})` };
  }
}
