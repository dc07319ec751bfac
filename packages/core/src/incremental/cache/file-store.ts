import { statSync } from 'node:fs';
import { type FileHandle, open, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidOptionError } from '../../errors/errors.js';
import { makeDirectory } from '../../files/make-directory.js';
import { tempPathFor, tempWriterOf } from '../../files/temp-path.js';
import type { CacheSetOptions, CacheStore } from './store.js';

/** Options of a {@link FileCacheStore}. */
export interface FileCacheStoreOptions {
  /**
   * Most bytes the entries may take together. After each write, the least
   * recently used entries (by modification time: a hit touches it) are
   * deleted until the rest fit. @default null (no limit)
   */
  maxBytes?: number | null;
}

const ENTRY_SUFFIX = '.entry';
const TEMP_SUFFIX = '.tmp';
/** A temp file this old was left by a writer that died mid-write. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const KEY = /^[0-9a-f]{64}$/;
/** Below this, a read that returns less than asked has met the end of the file. */
const MAX_SHORT_READ = 2 ** 30;

/**
 * A cache in a directory: one file per entry, under a subdirectory named by
 * the key's first two hex digits. Writes go to a temp file that is renamed
 * over the entry, so a reader sees a whole entry or none, also with several
 * runs (and processes) sharing the directory; deleting an entry another run
 * is reading is a miss for it, never an error.
 */
export class FileCacheStore implements CacheStore {
  readonly name: string;
  readonly dir: string;
  readonly maxBytes: number | null;

  constructor(dir: string | URL, options: FileCacheStoreOptions = {}) {
    this.dir = resolve(dir instanceof URL ? fileURLToPath(dir) : dir);
    this.maxBytes = options.maxBytes ?? null;
    this.name = `FileCacheStore(${this.dir})`;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.#pathOf(key);
    // Most lookups of a run with changes are misses, each on the path to starting its task: a stat
    // (a directory lookup, microseconds) answers them without waiting for a libuv pool thread
    // behind the run's own writes. An entry written just after it is missed, which is always safe.
    const found = statSync(path, { throwIfNoEntry: false });
    if (!found?.isFile()) return undefined;
    // Least recently used first: a hit makes the entry young again (beside the read, not after it).
    // Another run may have just evicted it.
    const now = new Date();
    const touched = utimes(path, now, now).catch(() => undefined);
    try {
      return await readWhole(path, found.size);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    } finally {
      await touched;
    }
  }

  async set(key: string, value: Uint8Array, _options: CacheSetOptions): Promise<void> {
    const path = this.#pathOf(key);
    const temp = tempPathFor(path);
    try {
      let file: FileHandle;
      try {
        file = await open(temp, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // The entry's subdirectory is made on first use (and again if someone removed it).
        await makeDirectory(join(this.dir, key.slice(0, 2)));
        file = await open(temp, 'wx');
      }
      try {
        await writeWhole(file, value);
        // Ages are read from mtime, stamped with the same clock as a hit's (Date), never a mix of two clocks.
        const now = new Date();
        await file.utimes(now, now);
      } finally {
        await file.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    if (this.maxBytes !== null) await this.#evict(this.maxBytes, path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.#pathOf(key), { force: true });
  }

  /** Deletes every entry and temp file; the directory itself stays (another run may be using it). */
  async clear(): Promise<void> {
    for (const file of await this.#files()) await rm(file.path, { force: true });
  }

  /** Every entry: its key, size and last use. */
  async entries(): Promise<{ key: string; bytes: number; usedAt: Date }[]> {
    return (await this.#files())
      .filter((file) => file.path.endsWith(ENTRY_SUFFIX))
      .map((file) => ({
        key: basename(file.path, ENTRY_SUFFIX),
        bytes: file.bytes,
        usedAt: file.mtime,
      }));
  }

  async #evict(maxBytes: number, justWritten: string): Promise<void> {
    const files = await this.#files();
    const now = Date.now();
    const entries = [];
    for (const file of files) {
      if (file.path.endsWith(TEMP_SUFFIX)) {
        if (now - file.mtime.getTime() > STALE_TEMP_MS) await rm(file.path, { force: true });
      } else entries.push(file);
    }
    let total = entries.reduce((sum, file) => sum + file.bytes, 0);
    // Oldest first; the entry just written goes last, so it survives unless it alone is too big.
    entries.sort((a, b) =>
      a.path === justWritten ? 1 : b.path === justWritten ? -1 : a.mtime.getTime() - b.mtime.getTime(),
    );
    for (const file of entries) {
      if (total <= maxBytes) break;
      await rm(file.path, { force: true });
      total -= file.bytes;
    }
  }

  async #files(): Promise<{ path: string; bytes: number; mtime: Date }[]> {
    const found: { path: string; bytes: number; mtime: Date }[] = [];
    let shards: string[];
    try {
      shards = (await readdir(this.dir)).filter((name) => /^[0-9a-f]{2}$/.test(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
      throw error;
    }
    for (const shard of shards) {
      const names = await readdir(join(this.dir, shard)).catch(() => [] as string[]);
      for (const name of names) {
        if (!isStoreFile(name, shard)) continue;
        const path = join(this.dir, shard, name);
        // Another run may delete it between the listing and here.
        const info = await stat(path).catch(() => undefined);
        if (info) found.push({ path, bytes: info.size, mtime: info.mtime });
      }
    }
    return found;
  }

  #pathOf(key: string): string {
    // Keys are the engine's sha256 hex; anything else could escape the directory.
    if (!KEY.test(key)) throw new InvalidOptionError('FileCacheStore', 'key', 'a sha256 in hex (64 digits)', key);
    return join(this.dir, key.slice(0, 2), `${key}${ENTRY_SUFFIX}`);
  }
}

/**
 * Whether `name`, in `shard`, is a file this store writes: `<key>.entry`
 * with the key in its own shard, or a temp file of one. Listing, eviction
 * and clear() touch nothing else, so a directory that is not a cache (a
 * mistyped `processes cache clear DIR`) loses no file of its own.
 */
function isStoreFile(name: string, shard: string): boolean {
  const entry = `${name.slice(0, 64)}${ENTRY_SUFFIX}`;
  if (!KEY.test(name.slice(0, 64)) || !name.startsWith(shard)) return false;
  return name === entry || tempWriterOf(name, entry) !== undefined;
}

/**
 * The file's bytes in one buffer of its own, read with as few libuv pool
 * round trips as the kernel allows (`readFile` takes one per 512 KiB, and an
 * fstat): one read of the size the stat saw, plus a byte to tell that it
 * was all. If another run replaced the entry meanwhile, the size is found again.
 */
async function readWhole(path: string, expectedSize: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    let size = expectedSize;
    for (;;) {
      const bytes = Buffer.allocUnsafeSlow(size + 1);
      let at = 0;
      while (at <= size) {
        const want = size + 1 - at;
        const { bytesRead } = await file.read(bytes, at, want, at);
        at += bytesRead;
        // A regular file reads short only at its end (or past the kernel's cap on one read, about 2 GiB).
        if (bytesRead === 0 || (bytesRead < want && want < MAX_SHORT_READ)) break;
      }
      if (at === size) return bytes.subarray(0, size);
      size = (await file.stat()).size;
    }
  } finally {
    await file.close();
  }
}

/** Writes all of `value`, in one round trip unless the kernel takes less. */
async function writeWhole(file: FileHandle, value: Uint8Array): Promise<void> {
  let at = 0;
  while (at < value.byteLength) {
    const { bytesWritten } = await file.write(value, at, value.byteLength - at, at);
    at += bytesWritten;
  }
}
