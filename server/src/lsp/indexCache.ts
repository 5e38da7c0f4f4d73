/**
 * The index cache on disk: a metadata file's compact index (csdl/compactIndex.ts), written after a cold
 * load so that the next start of the server skips the XML (a warm start).
 *
 * Where: beside the metadata file (`<file>.odata-index.json`) when that folder is writable (and not marked
 * read-only by its mode, as a shared corpus folder is), else in the
 * user's cache folder (`$XDG_CACHE_HOME` or `~/.cache`, `%LOCALAPPDATA%` on Windows,
 * `~/Library/Caches` on macOS) under `dynamics-odata/index/`, named after a hash of the file's path.
 *
 * The file: one header line of JSON (format, version, the metadata file's fingerprint, the body's length,
 * the keyed hash of the body's table and of each of its sections), padded so that the body starts at a multiple
 * of 8 bytes, then the body (the compact index's bytes, in sections: csdl/compactIndex.ts `compactIndexToBytes`).
 * Each hash is an HMAC-SHA256 under this user's key of the metadata file's path and fingerprint and what it
 * covers. A cache is used only when its format version matches, the metadata file's size, mtime and sampled
 * content hash match the fingerprint, and the table (with the list of the sections' hashes) hashes to what
 * the header says; anything else (stale, truncated, damaged, unreadable, forged, written by someone else or
 * for another file) is ignored — with the reason, for the log — and the metadata is read from XML again.
 *
 * Each section is checked against its hash when the decode first reads it, before any of its bytes are
 * decoded: at load, the sections a warm start reads (the JSON parts, the types, the first blocks of the string
 * table); the others (properties, annotations, most strings) when a request first needs them. The integer
 * columns are in chunks of about 16 KB, each a section with its own hash, so that a first request reads and
 * checks the few chunks it uses, not whole columns of hundreds of KB. A section's hash covers its place in the
 * table and its name, and the table's hash covers the list of the sections' hashes: a chunk cannot be moved,
 * swapped or replaced by another cache's. A section that
 * fails then is never read: the request gets what is valid, the cache file is deleted, and `onDamaged` tells
 * the caller, which reads the metadata from XML again (as a cold start does).
 *
 * The key: 32 random bytes in the cache folder (`.index-key`, readable by the user only), made on first use.
 * A workspace can put any file beside its metadata; without the user's key it cannot make one the server
 * trusts. Without a key (the cache folder cannot be written) no cache is read or written.
 * Reading or writing a cache never throws.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  COMPACT_INDEX_VERSION,
  compactIndexFromBytes,
  compactIndexTable,
  compactIndexToBytes,
  decodeCompactIndex,
  encodeCompactIndexIncrementally,
  type CompactIndexBytes,
  type IndexBytesSource,
} from '../odata/csdl/compactIndex';
import type { CsdlDocument } from '../odata/csdl/model';
import { userCacheFolder } from './cacheFolder';
import { collectGarbage, collectNowAndThen } from './memory';

const FORMAT = 'dynamics-odata-index';
/** How many evenly spread blocks of the metadata file the fingerprint hashes, and their size. */
const SAMPLE_BLOCKS = 32;
const SAMPLE_SIZE = 4096;

/** What identifies the content of a metadata file cheaply: size, mtime and a hash of sampled blocks. */
export interface SourceFingerprint {
  size: number;
  mtimeMs: number;
  sample: string;
}

interface Header {
  format: string;
  version: number;
  source: SourceFingerprint;
  bodyLength: number;
  /** The hash of the body's table with the list of the sections' hashes (tableMac). */
  tableMac: string;
  /** The hash of each section of the body, in the table's order (sectionMac). */
  sectionMacs: string[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** A cache larger than this multiple of its metadata file (plus 1 MB) is not read: the compact index is about half. */
const MAX_CACHE_RATIO = 2;

const keys = new Map<string, Buffer | undefined>();

/** This user's key for caches under `cacheDirectory` (made on first use); undefined when it cannot be kept. */
export function cacheKey(cacheDirectory: string): Buffer | undefined {
  if (keys.has(cacheDirectory)) return keys.get(cacheDirectory);
  const file = join(cacheDirectory, '.index-key');
  let key: Buffer | undefined;
  try {
    key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length !== 32) key = undefined;
  } catch {
    key = undefined;
  }
  if (key === undefined) {
    try {
      mkdirSync(cacheDirectory, { recursive: true });
      const fresh = randomBytes(32);
      // 'wx': a second server making its key at the same moment keeps the first one's.
      writeFileSync(file, fresh.toString('hex'), { mode: 0o600, flag: 'wx' });
      key = fresh;
    } catch {
      try {
        key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
        if (key.length !== 32) key = undefined;
      } catch {
        key = undefined;
      }
    }
  }
  keys.set(cacheDirectory, key);
  return key;
}

/** What every hash of a cache starts with: the metadata file it was written for, as it was. */
function identity(metadataFile: string, source: SourceFingerprint): string {
  return `${metadataFile}\n${source.size}\n${source.mtimeMs}\n${source.sample}\n`;
}

// SHA-256: the processor's SHA extensions make it about three times faster than SHA-1 here (11 vs 30 ms for 11 MB).
function tableMac(key: Buffer, id: string, bodyLength: number, table: Uint8Array, sectionMacs: string[]): string {
  return createHmac('sha256', key).update(id).update(`table ${bodyLength}\n`).update(table).update(sectionMacs.join('\n')).digest('hex');
}

function sectionMac(key: Buffer, id: string, index: number, name: string, bytes: Uint8Array): string {
  return createHmac('sha256', key).update(id).update(`section ${index} ${name}\n`).update(bytes).digest('hex');
}

/** The table hashes of caches found damaged at use: never read again by this process, even if they could not be deleted. */
const damagedCaches = new Set<string>();

/** The offsets of the blocks a fingerprint hashes: the first, the last and 30 evenly spread between. */
function sampleOffsets(size: number): number[] {
  const step = (size - SAMPLE_SIZE) / (SAMPLE_BLOCKS - 1);
  return Array.from({ length: SAMPLE_BLOCKS }, (_, i) => Math.floor(i * step));
}

/**
 * Size, mtime and a SHA-1 of the first, last and 30 evenly spread 4 KB blocks (the whole file when small).
 * Read synchronously: 128 KB from the page cache is well under a millisecond, where 32 reads through the
 * thread pool took 15-20 ms of the warm start.
 */
export async function fingerprint(file: string): Promise<SourceFingerprint> {
  const fd = openSync(file, 'r');
  try {
    const info = fstatSync(fd);
    const hash = createHash('sha1');
    const size = info.size;
    const buffer = Buffer.alloc(Math.min(size, SAMPLE_BLOCKS * SAMPLE_SIZE));
    if (size <= SAMPLE_BLOCKS * SAMPLE_SIZE) {
      let filled = 0;
      while (filled < size) {
        const bytesRead = readSync(fd, buffer, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      hash.update(buffer.subarray(0, filled));
    } else {
      for (const offset of sampleOffsets(size)) {
        const bytesRead = readSync(fd, buffer, 0, SAMPLE_SIZE, offset);
        hash.update(buffer.subarray(0, bytesRead));
      }
    }
    return { size, mtimeMs: info.mtimeMs, sample: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/**
 * A whole metadata file read at once (one read, not a stream of small ones), with the fingerprint of
 * what was read: the same as `fingerprint` of the file as it was, without reading it twice.
 */
export async function readWithFingerprint(file: string): Promise<{ bytes: Buffer; source: SourceFingerprint }> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    const bytes = Buffer.allocUnsafe(info.size);
    let filled = 0;
    while (filled < info.size) {
      const { bytesRead } = await handle.read(bytes, filled, info.size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const content = bytes.subarray(0, filled);
    const hash = createHash('sha1');
    if (filled <= SAMPLE_BLOCKS * SAMPLE_SIZE) hash.update(content);
    else for (const offset of sampleOffsets(filled)) hash.update(content.subarray(offset, offset + SAMPLE_SIZE));
    return { bytes: content, source: { size: filled, mtimeMs: info.mtimeMs, sample: hash.digest('hex') } };
  } finally {
    await handle.close();
  }
}

/**
 * True when a cache file of this metadata file exists in either location (valid or not). Synchronous (a stat or
 * two): through the thread pool, a warm start waited for it to start its threads.
 */
export function anyIndexCache(metadataFile: string, cacheDirectory: string): boolean {
  return cacheLocations(metadataFile, cacheDirectory).some(exists);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The user's cache folder for index caches that cannot be written beside their metadata file. */
export function defaultCacheDirectory(): string {
  return join(userCacheFolder(), 'index');
}

/** Where the cache of a metadata file may be: beside it first, then in the cache folder. */
export function cacheLocations(metadataFile: string, cacheDirectory: string): string[] {
  const key = createHash('sha1').update(metadataFile).digest('hex').slice(0, 16);
  return [`${metadataFile}.odata-index.json`, join(cacheDirectory, `${basename(metadataFile)}-${key}.odata-index.json`)];
}

function sameSource(a: SourceFingerprint, b: SourceFingerprint): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.sample === b.sample;
}

/** How long a cache file stays open after its last read. */
const CLOSE_AFTER_MS = 5000;
/** How much of a cache file is read at first: the header and the table, and with them the small sections. */
const FIRST_READ = 1 << 16;
/** A header line longer than this is not a header this code writes. */
const MAX_HEADER = 1 << 22;

/**
 * A cache file read a piece at a time, synchronously (the promise API reads through the thread pool in 512 KB
 * pieces): the header and the table at once, each section when the decode first needs it (most of an 11 MB
 * cache is not read for the first answer). The file stays open while it is being read (opening a file costs more
 * than reading a section), and is closed after a few idle seconds; a section first needed after that opens it
 * again by its path: a file replaced or deleted since is refused by that section's read or hash, and the
 * environment reads the XML again.
 */
class CacheFile {
  private fd: number | undefined;
  private closer: ReturnType<typeof setTimeout> | undefined;
  private lastRead = 0;

  constructor(
    private readonly path: string,
    fd: number,
    readonly size: number,
  ) {
    this.fd = fd;
  }

  read(offset: number, length: number): Buffer {
    // Not from the shared pool: each piece starts at offset 0 of its own memory, so its integer columns are read in place.
    const out = Buffer.allocUnsafeSlow(length);
    if (this.fd === undefined) {
      const fd = openSync(this.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
      try {
        const info = fstatSync(fd);
        if (!info.isFile() || info.size !== this.size) throw new Error('the cache file changed since the load');
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      this.fd = fd;
    }
    const fd = this.fd;
    this.closeWhenIdle();
    let filled = 0;
    while (filled < length) {
      const bytesRead = readSync(fd, out, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? out : out.subarray(0, filled);
  }

  /** One timer at a time (not one per read: a first answer reads dozens of sections). */
  private closeWhenIdle(): void {
    this.lastRead = Date.now();
    if (this.closer !== undefined) return;
    const check = (): void => {
      const idle = Date.now() - this.lastRead;
      if (idle >= CLOSE_AFTER_MS) this.close();
      else {
        this.closer = setTimeout(check, CLOSE_AFTER_MS - idle);
        this.closer.unref();
      }
    };
    this.closer = setTimeout(check, CLOSE_AFTER_MS);
    this.closer.unref();
  }

  close(): void {
    clearTimeout(this.closer);
    this.closer = undefined;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The document of a valid cache at `path` for a metadata file with this fingerprint, else why not. */
async function readOne(path: string, metadataFile: string, source: SourceFingerprint, key: Buffer, onDamaged: (reason: string) => void): Promise<CsdlDocument | string> {
  let file: CacheFile;
  let fd: number | undefined;
  try {
    // Non-blocking: a pipe put where the cache would be must not block the open (fstat then refuses it).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const info = fstatSync(fd);
    if (!info.isFile()) return 'it is not a file';
    if (info.size > source.size * MAX_CACHE_RATIO + 1e6) return `it is larger (${info.size} bytes) than a cache of this metadata can be`;
    file = new CacheFile(path, fd, info.size);
    fd = undefined;
  } catch (error) {
    return `it could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const doc = decodeCacheFile(file, metadataFile, source, key, onDamaged);
  if (typeof doc === 'string') file.close();
  return doc;
}

const FORGED = 'it is damaged, or was not written by this user for this file';

/** When the sections the load did not read are checked: once the first requests are answered. */
const CHECK_AHEAD_AFTER_MS = 1000;

/**
 * Check the sections a load did not read, one per turn of the event loop, a while after the load: a request
 * then finds them read and checked instead of checking them itself (an annotation column is a few ms).
 */
function checkInBackground(index: CompactIndexBytes): void {
  const next = (): void => {
    try {
      if (index.checkNextSection()) setImmediate(next);
    } catch {
      // Not expected (a refused section is reported, not thrown): the sections left are checked on use.
    }
  };
  setTimeout(next, CHECK_AHEAD_AFTER_MS).unref();
}

/**
 * The document in a cache file when it checks out, else why not. Synchronous: nothing else runs meanwhile.
 * `onDamaged` hears of a section refused after the load (the document then lacks what it held).
 */
function decodeCacheFile(file: CacheFile, metadataFile: string, source: SourceFingerprint, key: Buffer, onDamaged: (reason: string) => void): CsdlDocument | string {
  let loading = true;
  /** A section whose hash did not match while loading: the cache is then forged or damaged, not merely of another shape. */
  let hashRefusedAtLoad: string | undefined;
  try {
    let first = file.read(0, Math.min(file.size, FIRST_READ));
    let newline = first.indexOf(0x0a);
    while (newline < 0 && first.length < file.size && first.length < MAX_HEADER) {
      first = file.read(0, Math.min(file.size, first.length * 4));
      newline = first.indexOf(0x0a);
    }
    if (newline < 0) return 'it has no header';
    const header = JSON.parse(first.toString('utf8', 0, newline)) as Partial<Header> | null;
    if (header?.format !== FORMAT || header.version !== COMPACT_INDEX_VERSION) return 'it is of another format or version';
    if (typeof header.source !== 'object' || header.source === null || !sameSource(header.source, source)) return 'the metadata file changed since it was written';
    const bodyStart = newline + 1;
    const inFirst = first.length - bodyStart;
    const read = (offset: number, length: number): Buffer =>
      offset + length <= inFirst ? first.subarray(bodyStart + offset, bodyStart + offset + length) : file.read(bodyStart + offset, length);
    const body: IndexBytesSource = { length: file.size - bodyStart, read };
    const macs = header.sectionMacs;
    if (body.length !== header.bodyLength || typeof header.tableMac !== 'string' || !Array.isArray(macs) || !macs.every((mac) => typeof mac === 'string')) return FORGED;
    const table = compactIndexTable(body);
    const id = identity(metadataFile, source);
    if (table === undefined || tableMac(key, id, body.length, body.read(0, table.tableEnd), macs) !== header.tableMac) return FORGED;
    if (damagedCaches.has(header.tableMac)) return 'it was found damaged earlier';
    const knownMac = header.tableMac;
    const index = compactIndexFromBytes(body, {
      verify: (i, name, section) => {
        const ok = i < macs.length && sectionMac(key, id, i, name, section) === macs[i];
        if (!ok && loading) hashRefusedAtLoad = name;
        return ok;
      },
      onDamaged: (reason) => {
        if (loading) return;
        damagedCaches.add(knownMac);
        onDamaged(reason);
      },
    });
    if (index.sectionCount !== macs.length) return FORGED;
    const doc = decodeCompactIndex(index);
    loading = false;
    checkInBackground(index);
    return doc;
  } catch (error) {
    if (hashRefusedAtLoad !== undefined) return `${FORGED} (section ${hashRefusedAtLoad} does not match its hash)`;
    return `it is not a valid index (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    loading = false;
  }
}

/**
 * The cached document of a metadata file when a valid cache exists (beside it or in the cache folder).
 * `onIgnored` hears of every cache file found but not used, and why.
 */
export async function readIndexCache(
  metadataFile: string,
  source: SourceFingerprint,
  cacheDirectory: string,
  onIgnored?: (path: string, reason: string) => void,
  onDamaged?: (path: string, reason: string) => void,
): Promise<CsdlDocument | undefined> {
  const key = cacheKey(cacheDirectory);
  if (key === undefined) return undefined;
  for (const path of cacheLocations(metadataFile, cacheDirectory)) {
    if (!exists(path)) continue;
    const doc = await readOne(path, metadataFile, source, key, (reason) => {
      // Deleted before the caller hears of it: the load it starts reads the XML.
      try {
        unlinkSync(path);
      } catch {
        // Not deletable: damagedCaches keeps this process from reading it again; the next cold load replaces it.
      }
      onDamaged?.(path, reason);
    });
    if (typeof doc !== 'string') return doc;
    onIgnored?.(path, doc);
  }
  return undefined;
}

async function writeAtomically(path: string, data: Buffer[]): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

const yieldToRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** How often the encoding pass collects its garbage (memory.ts). */
const COLLECT_EVERY_MS = 1000;

/**
 * The body of a document's cache: its compact index as bytes, encoded in slices so that requests are
 * answered meanwhile; undefined when `accept`, asked once the document is encoded, says no. Never throws.
 * The document is taken from `take` so that the caller need not hold it while this runs.
 */
export async function encodeIndexCacheBody(take: () => CsdlDocument | undefined, accept: () => boolean = () => true): Promise<Buffer | undefined> {
  try {
    const doc = take();
    if (doc === undefined) return undefined;
    const collect = collectNowAndThen(COLLECT_EVERY_MS);
    const encoded = await encodeCompactIndexIncrementally(doc, () => {
      collect();
      return yieldToRequests();
    });
    if (!accept()) return undefined;
    // The encoding's garbage goes before the bytes are made: they are the background pass's peak (memory.ts).
    collectGarbage();
    const bytes = compactIndexToBytes(encoded);
    // Taken as it is, not copied into a Buffer of its own.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch {
    return undefined;
  }
}

/** Write an encoded body (encodeIndexCacheBody) as the cache of a metadata file: the path written, or undefined. */
export async function writeIndexCacheBody(metadataFile: string, source: SourceFingerprint, body: Buffer, cacheDirectory: string): Promise<string | undefined> {
  const key = cacheKey(cacheDirectory);
  if (key === undefined) return undefined;
  const id = identity(metadataFile, source);
  let sectionMacs: string[];
  let table: Uint8Array;
  try {
    sectionMacs = compactIndexFromBytes(body)
      .sectionsInOrder()
      .map(({ name, bytes }, i) => sectionMac(key, id, i, name, bytes));
    table = body.subarray(0, compactIndexTable(body)!.tableEnd);
  } catch {
    return undefined;
  }
  const header: Header = {
    format: FORMAT,
    version: COMPACT_INDEX_VERSION,
    source,
    bodyLength: body.length,
    tableMac: tableMac(key, id, body.length, table, sectionMacs),
    sectionMacs,
  };
  // Padded so that the body starts at a multiple of 8: its integer columns are then read in place.
  const line = JSON.stringify(header);
  const data = [Buffer.from(line.padEnd(align8(line.length + 1) - 1, ' ') + '\n', 'utf8'), body];
  const [beside, inCacheDirectory] = cacheLocations(metadataFile, cacheDirectory);
  const locations = (await writableByMode(dirname(beside))) ? [beside, inCacheDirectory] : [inCacheDirectory];
  for (const path of locations) {
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeAtomically(path, data);
      return path;
    } catch {
      // Not writable here: try the next location.
    }
  }
  return undefined;
}

/**
 * Write the cache of a metadata file read from XML (its fingerprint taken before it was read). Returns the
 * path written, or undefined when neither location is writable or `accept`, asked once the document is
 * encoded, says no. `onEncoded` is given the accepted index as read back from its text (written or not).
 */
export async function writeIndexCache(
  metadataFile: string,
  source: SourceFingerprint,
  doc: CsdlDocument,
  cacheDirectory: string,
  accept: () => boolean = () => true,
  onEncoded?: (index: CompactIndexBytes) => void,
): Promise<string | undefined> {
  if (cacheKey(cacheDirectory) === undefined) return undefined;
  const body = await encodeIndexCacheBody(() => doc, accept);
  if (body === undefined) return undefined;
  try {
    onEncoded?.(compactIndexFromBytes(body));
  } catch {
    // The caller's concern; the cache is written all the same.
  }
  return writeIndexCacheBody(metadataFile, source, body, cacheDirectory);
}

/**
 * False for a folder whose mode allows no one to write (`r-x`): a shared, read-only folder keeps its
 * contents even for a user (root) whom the file system would let write anyway.
 */
async function writableByMode(folder: string): Promise<boolean> {
  try {
    return ((await stat(folder)).mode & 0o222) !== 0;
  } catch {
    return false;
  }
}

/** True when the metadata file still has this fingerprint (so a cache written for it is not stale at birth). */
export async function unchangedSince(metadataFile: string, source: SourceFingerprint): Promise<boolean> {
  try {
    const info = await stat(metadataFile);
    return info.size === source.size && info.mtimeMs === source.mtimeMs;
  } catch {
    return false;
  }
}
