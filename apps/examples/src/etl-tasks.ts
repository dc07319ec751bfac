// The ETL example's worker tasks: each runs on a worker thread, referenced as
// workerTask(new URL('./etl-tasks.js', import.meta.url), 'parse'). Plain
// CPU-bound functions of their arguments; nothing here knows about the engine.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

export const REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
const STATUSES = ['paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'refunded', 'cancelled'] as const;
const SKU_COUNT = 120;
const SKU_PREFIX = 'sku-';
/** Each region's currency to EUR. */
const FX: Record<string, number> = { north: 1, south: 0.93, east: 1.08, west: 0.86, central: 1 };
const HEADER = 'order_id,day,region,sku,quantity,unit_price,discount,customer_id,status\n';

/** A generated CSV shard on disk. */
export interface Shard {
  readonly shard: number;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

/** One shard's orders as columns; every typed array spans its own buffer, so it moves between threads. */
export interface Columns {
  readonly shard: number;
  readonly rows: number;
  readonly day: Uint16Array;
  readonly region: Uint8Array;
  readonly sku: Uint16Array;
  readonly quantity: Uint16Array;
  readonly unitPrice: Float64Array;
  readonly discount: Float32Array;
  readonly customer: Uint32Array;
  readonly status: Uint8Array;
  readonly regions: readonly string[];
  readonly statuses: readonly string[];
}

/** {@link Columns} plus what `transform` derives: net revenue in EUR and price outliers. */
export interface Transformed extends Columns {
  readonly netEur: Float64Array;
  readonly outlier: Uint8Array;
}

/** A shard's totals: small enough to pass around as plain data. */
export interface ShardAggregate {
  readonly shard: number;
  readonly rows: number;
  readonly revenueByRegion: Record<string, number>;
  readonly revenueByMonth: number[];
  readonly revenueBySku: number[];
  readonly refunds: number;
  readonly cancelled: number;
  readonly outliers: number;
}

export interface Compressed {
  readonly shard: number;
  readonly path: string;
  readonly bytes: number;
  readonly compressedBytes: number;
}

/** A small, fast PRNG (mulberry32): the same seed gives the same data set on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const DOT = 0x2e;
const ZERO = 0x30;
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/**
 * Writes ASCII CSV straight into a buffer, numbers digit by digit: a data
 * set of tens of MB is generated without a string per field, so the
 * threads spend their time on the work rather than on garbage collection.
 */
class CsvWriter {
  readonly buffer: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  bytes(bytes: Uint8Array): void {
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  byte(byte: number): void {
    this.buffer[this.length++] = byte;
  }

  /** A non-negative integer. */
  int(value: number): void {
    let n = Math.floor(value);
    const start = this.length;
    do {
      this.buffer[this.length++] = ZERO + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    // Digits came out least significant first.
    for (let i = start, j = this.length - 1; i < j; i++, j--) {
      const digit = this.buffer[i] as number;
      this.buffer[i] = this.buffer[j] as number;
      this.buffer[j] = digit;
    }
  }

  /** A non-negative number with two decimals. */
  fixed2(value: number): void {
    const cents = Math.round(value * 100);
    this.int(Math.floor(cents / 100));
    this.byte(DOT);
    this.byte(ZERO + Math.floor((cents % 100) / 10));
    this.byte(ZERO + (cents % 10));
  }
}

/** Writes shard `shard` of the data set: about `bytes` bytes of order CSV, deterministic. */
export function generate(options: { shard: number; bytes: number; dir: string }): Shard {
  const { shard, bytes, dir } = options;
  const next = random(0x5eed + shard);
  const skuPrice = Array.from({ length: SKU_COUNT }, (_, i) => 2 + ((i * 7919) % 400) / 4);
  const skuNames = Array.from({ length: SKU_COUNT }, (_, i) => ascii(`${SKU_PREFIX}${String(i).padStart(4, '0')}`));
  const regionNames = REGIONS.map(ascii);
  const statusNames = STATUSES.map(ascii);
  const csv = new CsvWriter(bytes + 256);
  csv.bytes(ascii(HEADER));
  let rows = 0;
  while (csv.length < bytes) {
    const sku = Math.floor(next() * SKU_COUNT);
    // Mostly around the list price, sometimes far off it: the outliers `transform` flags.
    const drift = next() < 0.002 ? 5 + next() * 20 : 0.8 + next() * 0.4;
    csv.int(shard * 10_000_000 + rows);
    csv.byte(COMMA);
    csv.int(next() * 365);
    csv.byte(COMMA);
    csv.bytes(regionNames[Math.floor(next() * REGIONS.length)] as Buffer);
    csv.byte(COMMA);
    csv.bytes(skuNames[sku] as Buffer);
    csv.byte(COMMA);
    csv.int(1 + next() * next() * 40);
    csv.byte(COMMA);
    csv.fixed2((skuPrice[sku] as number) * drift);
    csv.byte(COMMA);
    csv.fixed2(next() < 0.3 ? Math.floor(next() * 6) * 0.05 : 0);
    csv.byte(COMMA);
    csv.int(next() * 250_000);
    csv.byte(COMMA);
    csv.bytes(statusNames[Math.floor(next() * STATUSES.length)] as Buffer);
    csv.byte(NEWLINE);
    rows += 1;
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `orders-${String(shard).padStart(3, '0')}.csv`);
  writeFileSync(path, csv.buffer.subarray(0, csv.length));
  return { shard, path, rows, bytes: csv.length };
}

/**
 * Reads CSV fields off a buffer in place: numbers are parsed from their
 * bytes, and text fields are matched against a small dictionary, so no
 * string is made per row.
 */
class CsvReader {
  readonly #buffer: Buffer;
  readonly #path: string;
  #position: number;
  row = 1;

  constructor(buffer: Buffer, path: string) {
    this.#buffer = buffer;
    this.#path = path;
    // The header line.
    this.#position = buffer.indexOf(NEWLINE) + 1;
  }

  /** An unsigned integer, and the comma or newline after it. */
  int(): number {
    let value = 0;
    let digits = 0;
    for (let byte = this.#buffer[this.#position] as number; byte >= ZERO && byte <= ZERO + 9; digits++) {
      value = value * 10 + (byte - ZERO);
      byte = this.#buffer[++this.#position] as number;
    }
    if (digits === 0) this.#fail('a number');
    this.#separator();
    return value;
  }

  /** An unsigned decimal number such as `12.50` or `0`. */
  decimal(): number {
    let value = 0;
    let scale = 0;
    let digits = 0;
    for (let byte = this.#buffer[this.#position] as number; ; byte = this.#buffer[++this.#position] as number) {
      if (byte >= ZERO && byte <= ZERO + 9) {
        value = value * 10 + (byte - ZERO);
        scale *= 10;
        digits++;
      } else if (byte === DOT && scale === 0) {
        scale = 1;
      } else {
        break;
      }
    }
    if (digits === 0) this.#fail('a decimal number');
    this.#separator();
    return scale > 1 ? value / scale : value;
  }

  /** A text field, as its index in `dictionary` (added when new). Dictionaries here hold a handful of words. */
  code(dictionary: Uint8Array[]): number {
    const buffer = this.#buffer;
    const start = this.#position;
    let end = start;
    while (end < buffer.length && buffer[end] !== COMMA && buffer[end] !== NEWLINE) end++;
    this.#position = end;
    let id = 0;
    for (; id < dictionary.length; id++) {
      const known = dictionary[id] as Uint8Array;
      if (known.length !== end - start) continue;
      let same = true;
      for (let i = 0; i < known.length && same; i++) same = known[i] === buffer[start + i];
      if (same) break;
    }
    if (id === dictionary.length) dictionary.push(Uint8Array.from(buffer.subarray(start, end)));
    this.#separator();
    return id;
  }

  /** A field of the form `<prefix><integer>`, such as `sku-0042`: the integer. */
  prefixedInt(prefixLength: number): number {
    this.#position += prefixLength;
    return this.int();
  }

  /** Skips a field. */
  skip(): void {
    const comma = this.#buffer.indexOf(COMMA, this.#position);
    if (comma === -1) this.#fail('a comma');
    this.#position = comma + 1;
  }

  #separator(): void {
    const byte = this.#buffer[this.#position];
    if (byte === NEWLINE) this.row++;
    else if (byte !== COMMA) this.#fail('a comma or a line break');
    this.#position++;
  }

  #fail(expected: string): never {
    throw new Error(`${this.#path}: line ${this.row + 1}, byte ${this.#position}: expected ${expected}`);
  }
}

/** Reads a shard's CSV into typed columns; text fields are dictionary-encoded. */
export function parse(shard: Shard): Columns {
  const csv = new CsvReader(readFileSync(shard.path), shard.path);
  const n = shard.rows;
  const day = new Uint16Array(n);
  const region = new Uint8Array(n);
  const sku = new Uint16Array(n);
  const quantity = new Uint16Array(n);
  const unitPrice = new Float64Array(n);
  const discount = new Float32Array(n);
  const customer = new Uint32Array(n);
  const status = new Uint8Array(n);
  const regions: Uint8Array[] = [];
  const statuses: Uint8Array[] = [];
  for (let row = 0; row < n; row++) {
    csv.skip();
    day[row] = csv.int();
    region[row] = csv.code(regions);
    sku[row] = csv.prefixedInt(SKU_PREFIX.length);
    quantity[row] = csv.int();
    unitPrice[row] = csv.decimal();
    discount[row] = csv.decimal();
    customer[row] = csv.int();
    status[row] = csv.code(statuses);
  }
  return {
    shard: shard.shard,
    rows: n,
    day,
    region,
    sku,
    quantity,
    unitPrice,
    discount,
    customer,
    status,
    regions: regions.map((name) => Buffer.from(name).toString('latin1')),
    statuses: statuses.map((name) => Buffer.from(name).toString('latin1')),
  };
}

/**
 * Net revenue per order in EUR (refunds negative, cancellations zero), and
 * price outliers: more than 3 standard deviations from their SKU's mean.
 */
export function transform(columns: Columns): Transformed {
  const { rows } = columns;
  const netEur = new Float64Array(rows);
  const sum = new Float64Array(SKU_COUNT);
  const sumSquares = new Float64Array(SKU_COUNT);
  const count = new Uint32Array(SKU_COUNT);
  const refunded = columns.statuses.indexOf('refunded');
  const cancelled = columns.statuses.indexOf('cancelled');
  const fx = columns.regions.map((region) => FX[region] ?? 1);
  for (let i = 0; i < rows; i++) {
    const price = columns.unitPrice[i] as number;
    const sku = columns.sku[i] as number;
    sum[sku] = (sum[sku] as number) + price;
    sumSquares[sku] = (sumSquares[sku] as number) + price * price;
    count[sku] = (count[sku] as number) + 1;
    const gross = (columns.quantity[i] as number) * price * (1 - (columns.discount[i] as number));
    const sign = columns.status[i] === refunded ? -1 : columns.status[i] === cancelled ? 0 : 1;
    netEur[i] = Math.round(sign * gross * (fx[columns.region[i] as number] as number) * 100) / 100;
  }
  const outlier = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const sku = columns.sku[i] as number;
    const n = count[sku] as number;
    const mean = (sum[sku] as number) / n;
    const sd = Math.sqrt(Math.max(0, (sumSquares[sku] as number) / n - mean * mean));
    outlier[i] = sd > 0 && Math.abs((columns.unitPrice[i] as number) - mean) > 3 * sd ? 1 : 0;
  }
  return { ...columns, netEur, outlier };
}

/** Revenue by region, month and SKU, and counts, for one shard. Outliers are left out of the revenue. */
export function aggregate(data: Transformed): ShardAggregate {
  const byRegion = new Float64Array(data.regions.length);
  const byMonth = new Float64Array(12);
  const bySku = new Float64Array(SKU_COUNT);
  const refunded = data.statuses.indexOf('refunded');
  const cancelled = data.statuses.indexOf('cancelled');
  let refunds = 0;
  let cancellations = 0;
  let outliers = 0;
  for (let i = 0; i < data.rows; i++) {
    if (data.status[i] === refunded) refunds += 1;
    if (data.status[i] === cancelled) cancellations += 1;
    if (data.outlier[i]) {
      outliers += 1;
      continue;
    }
    const net = data.netEur[i] as number;
    const region = data.region[i] as number;
    const month = Math.min(11, Math.floor((data.day[i] as number) / 30.42));
    const sku = data.sku[i] as number;
    byRegion[region] = (byRegion[region] as number) + net;
    byMonth[month] = (byMonth[month] as number) + net;
    bySku[sku] = (bySku[sku] as number) + net;
  }
  return {
    shard: data.shard,
    rows: data.rows,
    revenueByRegion: Object.fromEntries(data.regions.map((region, i) => [region, byRegion[i] as number])),
    revenueByMonth: [...byMonth],
    revenueBySku: [...bySku],
    refunds,
    cancelled: cancellations,
    outliers,
  };
}

/** Gzips a shard's CSV at the highest level, next to it. */
export function compress(shard: Shard): Compressed {
  const input = readFileSync(shard.path);
  const output = gzipSync(input, { level: constants.Z_BEST_COMPRESSION });
  const path = `${shard.path}.gz`;
  writeFileSync(path, output);
  return { shard: shard.shard, path, bytes: input.length, compressedBytes: output.length };
}
