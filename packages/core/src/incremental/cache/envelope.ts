import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { crc32 } from 'node:zlib';

// An entry is laid out as (all integers little-endian):
//
//   MAGIC (10 bytes) | crc32 (u32) | 2 zero bytes
//   record length (u32) | buffer count (u32) | per buffer: start, byte length (f64 each)
//   the record (a node:v8 serialisation of a CacheRecord), padded to 8 bytes
//   each buffer's bytes (the span its views cover), in the order the record meets them, padded to 8 bytes
//
// The bulk bytes of a result (typed-array columns, Buffers) are laid out
// beside the record instead of inside it: node:v8 would copy them into a
// growing buffer one host object at a time. Views over one ArrayBuffer share
// one span, so views that alias each other in the result alias each other
// when it is read back (a dependant writing through one sees it through the
// other, as on the run that computed it); each span is read back into an
// ArrayBuffer of its own, so no view exposes the rest of the entry. The
// lengths fix the entry's size exactly, and the
// crc32 covers every byte after it: a torn write, a truncated file or
// damaged bytes are a miss, never a wrong result. The checksum guards
// against accidents, not forgery (a writer of the store can write any
// entry); a CRC catches every truncation the lengths miss and every burst
// of up to 32 damaged bits, at a small fraction of a sha256's cost.
// Format 4 (3 was never released): one flipped bit cannot turn its magic into
// an earlier format's (a silent miss) rather than a corrupt entry (a warning).
const MAGIC = Buffer.from('PROCACHE4\n', 'latin1');
const CHECKSUM_AT = MAGIC.length;
/** Everything after the checksum is checksummed (the padding too); the layout starts 8-aligned after it. */
const CHECKED_AT = CHECKSUM_AT + 4;
const BODY_AT = 16;
const ALIGN = 8;

/** One cached result, as the engine stores it. */
export interface CacheRecord {
  /** The task that computed it. */
  readonly taskName: string;
  /** The run that computed it. */
  readonly runId: string;
  /** When it was stored (epoch ms): entries older than `maxAgeMs` are misses. */
  readonly storedAt: number;
  readonly result: unknown;
  /**
   * The canonical hash of `result` (what a dependant's key includes), so a hit need not hash it
   * again; null if unhashable, or if no cached task received it (a run that needs it hashes it then).
   */
  readonly resultHash: string | null;
}

/** How to make a view of one kind over bytes read back. */
interface ViewKind {
  /** Its `Object.prototype.toString` tag, as node:v8 tells views apart (null: Buffer, told by `Buffer.isBuffer`). */
  readonly tag: string | null;
  readonly bytesPerElement: number;
  make(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): ArrayBufferView;
}

interface TypedArrayConstructor {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

const typedArray = (ctor: TypedArrayConstructor): ViewKind => ({
  tag: `[object ${ctor.name}]`,
  bytesPerElement: ctor.BYTES_PER_ELEMENT,
  make: (buffer, byteOffset, byteLength) => new ctor(buffer, byteOffset, byteLength / ctor.BYTES_PER_ELEMENT),
});

/** The kinds of view a record may hold, by the index the entry stores: appended to only, so an index keeps its meaning. */
const VIEW_KINDS: readonly ViewKind[] = [
  typedArray(Int8Array),
  typedArray(Uint8Array),
  typedArray(Uint8ClampedArray),
  typedArray(Int16Array),
  typedArray(Uint16Array),
  typedArray(Int32Array),
  typedArray(Uint32Array),
  typedArray(Float32Array),
  typedArray(Float64Array),
  { tag: '[object DataView]', bytesPerElement: 1, make: (buffer, at, length) => new DataView(buffer, at, length) },
  typedArray(BigInt64Array),
  typedArray(BigUint64Array),
  { tag: null, bytesPerElement: 1, make: (buffer, at, length) => Buffer.from(buffer, at, length) },
];
const BUFFER_KIND = VIEW_KINDS.findIndex((kind) => kind.tag === null);
const KIND_BY_TAG = new Map(VIEW_KINDS.map((kind, i) => [kind.tag, i] as const));

/** The part of one ArrayBuffer the record's views cover. */
interface Span {
  readonly buffer: ArrayBufferLike;
  start: number;
  end: number;
}

/**
 * Writes each view as (type, buffer index, byte offset, byte length) and
 * notes the span of its ArrayBuffer it covers, to be laid out after the record.
 */
class RecordSerializer extends DefaultSerializer {
  readonly spans: Span[] = [];
  readonly #spanOf = new Map<ArrayBufferLike, number>();

  // Called by node:v8 for every typed array, Buffer and DataView (a view met twice is written once, by reference).
  _writeHostObject(view: ArrayBufferView): void {
    const tag = Object.prototype.toString.call(view);
    const kind = Buffer.isBuffer(view) ? BUFFER_KIND : KIND_BY_TAG.get(tag);
    if (kind === undefined) throw new TypeError(`a ${tag} cannot be cached`);
    const { buffer, byteOffset, byteLength } = view;
    // Spans start 8-aligned in their buffer, so every view keeps its alignment in the copy read back.
    const start = byteOffset - (byteOffset % ALIGN);
    let index = this.#spanOf.get(buffer);
    if (index === undefined) {
      index = this.spans.length;
      this.#spanOf.set(buffer, index);
      this.spans.push({ buffer, start, end: byteOffset + byteLength });
    } else {
      const span = this.spans[index] as Span;
      span.start = Math.min(span.start, start);
      span.end = Math.max(span.end, byteOffset + byteLength);
    }
    this.writeUint32(kind);
    this.writeUint32(index);
    this.writeDouble(byteOffset);
    this.writeDouble(byteLength);
  }
}

/** Reads views back over the spans laid out after the record, each span copied once into its own buffer. */
class RecordDeserializer extends DefaultDeserializer {
  readonly #entry: Buffer;
  readonly #layout: Layout;
  readonly #buffers: (ArrayBuffer | undefined)[] = [];

  constructor(record: Buffer, entry: Buffer, layout: Layout) {
    super(record);
    this.#entry = entry;
    this.#layout = layout;
  }

  _readHostObject(): ArrayBufferView {
    const kind = VIEW_KINDS[this.readUint32()];
    const index = this.readUint32();
    const byteOffset = this.readDouble();
    const byteLength = this.readDouble();
    const { offsets, starts, lengths } = this.#layout;
    const offset = offsets[index];
    const start = starts[index];
    const spanLength = lengths[index];
    if (kind === undefined || offset === undefined || start === undefined || spanLength === undefined) {
      throw new RangeError('a view of the record is not in the entry');
    }
    const at = byteOffset - start;
    if (!Number.isSafeInteger(at) || at < 0 || !Number.isSafeInteger(byteLength) || at + byteLength > spanLength) {
      throw new RangeError('a view of the record lies outside its buffer');
    }
    if (byteLength % kind.bytesPerElement !== 0) throw new RangeError('a view of the record has a partial element');
    let buffer = this.#buffers[index];
    if (!buffer) {
      // A copy of its own: aligned for any view, and holding nothing of the entry but this span.
      const from = this.#entry.byteOffset + offset;
      buffer = this.#entry.buffer.slice(from, from + spanLength) as ArrayBuffer;
      this.#buffers[index] = buffer;
    }
    // Views keep their places relative to each other (and their alignment); the span's start is not kept.
    if (at % kind.bytesPerElement !== 0) throw new RangeError('a view of the record is not aligned in its buffer');
    return kind.make(buffer, at, byteLength);
  }
}

const padded = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** The entry bytes of `record`: the bytes its views cover copied once, straight into place. */
export function sealRecord(record: CacheRecord): Uint8Array {
  const serializer = new RecordSerializer();
  serializer.writeHeader();
  serializer.writeValue(record);
  const payload = serializer.releaseBuffer();
  const { spans } = serializer;
  const tableAt = BODY_AT + 8;
  const recordAt = padded(tableAt + 16 * spans.length);
  let size = padded(recordAt + payload.length);
  for (const span of spans) size += padded(span.end - span.start);
  // Every byte is written below (padding included), so uninitialised memory never reaches the store.
  const entry = Buffer.allocUnsafe(size);
  MAGIC.copy(entry, 0);
  entry.writeUInt16LE(0, CHECKSUM_AT + 4);
  entry.writeUInt32LE(payload.length, BODY_AT);
  entry.writeUInt32LE(spans.length, BODY_AT + 4);
  let at = recordAt;
  const place = (bytes: Uint8Array): void => {
    entry.set(bytes, at);
    const end = padded(at + bytes.length);
    entry.fill(0, at + bytes.length, end);
    at = end;
  };
  place(payload);
  spans.forEach((span, i) => {
    entry.writeDoubleLE(span.start, tableAt + 16 * i);
    entry.writeDoubleLE(span.end - span.start, tableAt + 16 * i + 8);
    place(new Uint8Array(span.buffer, span.start, span.end - span.start));
  });
  entry.fill(0, tableAt + 16 * spans.length, recordAt);
  entry.writeUInt32LE(crc32(entry.subarray(CHECKED_AT)), CHECKSUM_AT);
  return entry;
}

/** The magic of the entry formats of earlier releases: their entries are misses, not damage. */
const EARLIER_MAGICS = [Buffer.from('PROCACHE1\n', 'latin1'), Buffer.from('PROCACHE2\n', 'latin1')];

/** The record in `bytes`; `outdated` for an entry of an earlier format (a plain miss); or a reason it is not a sound entry. */
export function openRecord(bytes: Uint8Array): { record: CacheRecord } | { outdated: true } | { corrupt: string } {
  const entry = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = entry.subarray(0, MAGIC.length);
  if (EARLIER_MAGICS.some((earlier) => magic.equals(earlier))) return { outdated: true };
  if (entry.length < BODY_AT + 8 || !magic.equals(MAGIC)) {
    return { corrupt: 'it is not a processes cache entry (truncated, or another format)' };
  }
  const layout = layoutOf(entry);
  if (typeof layout === 'string') return { corrupt: layout };
  if (crc32(entry.subarray(CHECKED_AT)) !== entry.readUInt32LE(CHECKSUM_AT)) {
    return { corrupt: 'its checksum does not match its content (truncated or damaged)' };
  }
  try {
    const payload = entry.subarray(layout.recordAt, layout.recordAt + layout.recordBytes);
    const deserializer = new RecordDeserializer(payload, entry, layout);
    deserializer.readHeader();
    const record = deserializer.readValue() as CacheRecord;
    if (typeof record?.storedAt !== 'number' || typeof record.runId !== 'string' || !('resultHash' in record)) {
      return { corrupt: 'its record has the wrong shape' };
    }
    return { record };
  } catch (error) {
    return { corrupt: `its record could not be read (${(error as Error).message})` };
  }
}

interface Layout {
  readonly recordAt: number;
  readonly recordBytes: number;
  /** Per buffer: where its span lies in the entry, where the span started in the original buffer, its length. */
  readonly offsets: readonly number[];
  readonly starts: readonly number[];
  readonly lengths: readonly number[];
}

/** Where the record and each buffer's span lie, checked against the entry's size (a reason when they do not fit). */
function layoutOf(entry: Buffer): Layout | string {
  const recordBytes = entry.readUInt32LE(BODY_AT);
  const count = entry.readUInt32LE(BODY_AT + 4);
  const tableAt = BODY_AT + 8;
  const truncated = 'its size does not match its layout (truncated or damaged)';
  if (tableAt + 16 * count > entry.length) return truncated;
  const recordAt = padded(tableAt + 16 * count);
  let at = padded(recordAt + recordBytes);
  const offsets: number[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = entry.readDoubleLE(tableAt + 16 * i);
    const length = entry.readDoubleLE(tableAt + 16 * i + 8);
    if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(length) || length < 0) return truncated;
    offsets.push(at);
    starts.push(start);
    lengths.push(length);
    at = padded(at + length);
  }
  return at === entry.length ? { recordAt, recordBytes, offsets, starts, lengths } : truncated;
}
