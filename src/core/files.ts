/**
 * File drop crypto: pure logic over WebCrypto (no GUN, no IndexedDB).
 *
 * Every file gets a random AES-GCM-256 key. The plaintext is cut into fixed-size chunks; each chunk is
 * encrypted with a fresh 96-bit IV and with `md1f:<fileId>:<index>` as additional data, so a chunk moved
 * to another index or another file fails authentication. A chunk travels as one string for GUN:
 * base64(iv ‖ ciphertext+tag), stored content-addressed under that string's SHA-256. The file message (signed,
 * encrypted) lists every chunk's hash, so a chunk is checked against its hash before it is decrypted: not even
 * someone holding the file key can substitute one. The whole plaintext's SHA-256 is checked once all are back.
 */
import type { FileMeta } from '../store/schema.js';

export const CHUNK_SIZE = 256 * 1024;
/** Most chunks a file sent through GUN may have: bounds the hash list every file message carries (~46 characters per chunk). */
export const MAX_CHUNKS = 1024;
/**
 * Chunk size of files sent through the relays' blob stores. Each chunk costs several round trips between the page,
 * the browser's storage and network processes and the relay; on a loaded 2-core machine those, not bytes, set the
 * pace (1 MiB chunks moved ~1 MB/s where the raw path did 25), so chunks are as big as memory comfortably allows.
 */
export const BLOB_CHUNK_SIZE = 4 * 1024 * 1024;
/** Most chunks a blob file may have (a 4 GB file at 4 MiB; bigger files would need bigger chunks). */
export const MAX_BLOB_CHUNKS = 2048;
/** Largest chunk of a blob file: relays refuse blobs over 8 MiB by default. */
export const MAX_BLOB_CHUNK_SIZE = 6 * 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** Hard ceiling for the configurable limit, and for what a receiver will accept from anyone. */
export const ABSOLUTE_MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;
/** Largest file accepted in the old format (chunks in GUN), from messages sent before the blob store. */
export const LEGACY_MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Byte arrays backed by a plain ArrayBuffer, as WebCrypto requires. */
export type Bytes = Uint8Array<ArrayBuffer>;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
}

/** Human-readable size with one decimal (binary units, as file managers show). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 10 || Number.isInteger(v) ? 0 : 1)} ${units[u]}`;
}

/** Throws one clear message naming every file over the limit; nothing may be sent when this throws. */
export function checkFileSizes(files: readonly { name: string; size: number }[], maxBytes: number): void {
  if (files.length === 0) throw new FileTooLargeError('No file selected.');
  const tooBig = files.filter((f) => f.size > maxBytes);
  if (tooBig.length === 0) return;
  const list = tooBig.map((f) => `“${f.name}” (${formatBytes(f.size)})`).join(', ');
  const verb = tooBig.length === 1 ? 'is' : 'are';
  throw new FileTooLargeError(`${list} ${verb} over the ${formatBytes(maxBytes)} limit per file. Nothing was sent.`);
}

export function chunkCountFor(size: number, chunkSize = CHUNK_SIZE): number {
  return Math.ceil(size / chunkSize);
}

/** CHUNK_SIZE, or bigger (whole KiB) for files that would otherwise need more than MAX_CHUNKS chunks. */
export function chunkSizeFor(size: number): number {
  return Math.max(CHUNK_SIZE, Math.ceil(size / MAX_CHUNKS / 1024) * 1024);
}

/** BLOB_CHUNK_SIZE, or bigger (whole KiB) for files that would otherwise need more than MAX_BLOB_CHUNKS chunks. */
export function blobChunkSizeFor(size: number): number {
  return Math.max(BLOB_CHUNK_SIZE, Math.ceil(size / MAX_BLOB_CHUNKS / 1024) * 1024);
}

// --- encoding -----------------------------------------------------------------------------------

/** Native base64 of typed arrays (Chromium 140+), an order of magnitude faster than btoa over char codes. */
interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}
const nativeToBase64 = (Uint8Array.prototype as NativeBase64).toBase64;
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;

export function bytesToBase64(bytes: Uint8Array): string {
  if (nativeToBase64) return nativeToBase64.call(bytes);
  let bin = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) bin += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(bin);
}

/** Returns undefined for anything that is not valid base64 (hostile input must never throw upward). */
export function base64ToBytes(text: string): Bytes | undefined {
  try {
    if (nativeFromBase64) return nativeFromBase64(text);
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

export function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

// --- keys and hashes ----------------------------------------------------------------------------

export async function generateFileKey(): Promise<string> {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(keyB64: string): Promise<CryptoKey> {
  let key = keyCache.get(keyB64);
  if (!key) {
    const raw = base64ToBytes(keyB64);
    if (!raw || raw.length !== 32) return Promise.reject(new Error('Invalid file key'));
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keyCache.set(keyB64, key);
    if (keyCache.size > 64) keyCache.delete(keyCache.keys().next().value as string);
  }
  return key;
}

function additionalData(fileId: string, index: number): Bytes {
  return new TextEncoder().encode(`md1f:${fileId}:${index}`);
}

export async function sha256Hex(data: Blob | ArrayBuffer | Bytes): Promise<string> {
  const buf = data instanceof Blob ? await data.arrayBuffer() : data;
  return toHex(await crypto.subtle.digest('SHA-256', buf));
}

/** The content address of a chunk: SHA-256 of its wire string (ASCII base64), as base64url without padding. */
export async function chunkHash(value: string): Promise<string> {
  // encodeInto a buffer of the right size is several times faster than encode() for a chunk-sized string; the
  // value is base64 (ASCII), so one byte per character.
  const ascii = new Uint8Array(value.length);
  const { read } = new TextEncoder().encodeInto(value, ascii);
  const bytes = read === value.length ? ascii : new TextEncoder().encode(value);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return bytesToBase64(digest).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const CHUNK_HASH = /^[A-Za-z0-9_-]{43}$/;

export async function verifyWholeFile(blob: Blob, expectedSha256: string): Promise<boolean> {
  return (await sha256Hex(blob)) === expectedSha256;
}

// --- chunks -------------------------------------------------------------------------------------

export async function encryptChunk(keyB64: string, fileId: string, index: number, plain: Bytes): Promise<string> {
  const key = await importKey(keyB64);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(fileId, index) }, key, plain));
  const out = new Uint8Array(IV_BYTES + ct.length);
  out.set(iv, 0);
  out.set(ct, IV_BYTES);
  return bytesToBase64(out);
}

/**
 * Decrypts and authenticates one chunk. Returns undefined when the data is not a string, is malformed,
 * was altered, belongs to another index or file, or has the wrong length for its position.
 */
export async function decryptChunk(meta: Pick<FileMeta, 'key' | 'fileId' | 'size' | 'chunkSize' | 'chunkCount'>, index: number, data: unknown): Promise<Bytes | undefined> {
  if (!hasWireShape(meta, index, data)) return undefined;
  const expected = expectedChunkLength(meta, index);
  const bytes = base64ToBytes(data);
  if (!bytes || bytes.length !== IV_BYTES + expected + TAG_BYTES) return undefined;
  return decryptChunkBytes(meta, index, bytes);
}

/** Cheap checks before any crypto: a string of exactly the length base64(iv + plaintext + tag) has at this index. */
function hasWireShape(meta: Pick<FileMeta, 'size' | 'chunkSize' | 'chunkCount'>, index: number, data: unknown): data is string {
  if (typeof data !== 'string' || !Number.isInteger(index) || index < 0 || index >= meta.chunkCount) return false;
  return data.length === Math.ceil((IV_BYTES + expectedChunkLength(meta, index) + TAG_BYTES) / 3) * 4;
}

/**
 * What the receiver accepts as chunk `index`: the value must be the one the file message lists (its SHA-256)
 * when the file has a hash list, and must authenticate (decryptChunk). Undefined for anything else.
 */
export async function openChunk(meta: Pick<FileMeta, 'key' | 'fileId' | 'size' | 'chunkSize' | 'chunkCount' | 'chunkHashes'>, index: number, data: unknown): Promise<Bytes | undefined> {
  if (!hasWireShape(meta, index, data)) return undefined;
  if (meta.chunkHashes && (await chunkHash(data)) !== meta.chunkHashes[index]) return undefined;
  return decryptChunk(meta, index, data);
}

export function expectedChunkLength(meta: Pick<FileMeta, 'size' | 'chunkSize' | 'chunkCount'>, index: number): number {
  return index < meta.chunkCount - 1 ? meta.chunkSize : meta.size - meta.chunkSize * (meta.chunkCount - 1);
}

export interface EncryptedFile {
  meta: FileMeta;
}

/**
 * Encrypts a whole file chunk by chunk, handing each encrypted chunk to `store` before reading the next,
 * so memory stays bounded by one chunk. Returns the metadata the file message carries (with the chunk hashes).
 */
export async function encryptFile(
  file: Blob & { name: string },
  fileId: string,
  store: (index: number, data: string) => Promise<void>,
  chunkSize = chunkSizeFor(file.size),
): Promise<FileMeta> {
  const key = await generateFileKey();
  const chunkCount = chunkCountFor(file.size, chunkSize);
  if (chunkCount > MAX_CHUNKS) throw new FileTooLargeError(`“${file.name}” would need more than ${MAX_CHUNKS} parts.`);
  // The whole-file hash and each chunk's store run while the next chunk is read and encrypted (one store in flight).
  const sha256 = sha256Hex(file);
  const chunkHashes: string[] = [];
  let storing: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < chunkCount; i++) {
      const plain = new Uint8Array(await file.slice(i * chunkSize, Math.min(file.size, (i + 1) * chunkSize)).arrayBuffer());
      const data = await encryptChunk(key, fileId, i, plain);
      chunkHashes.push(await chunkHash(data));
      await storing;
      storing = store(i, data);
    }
  } finally {
    await storing.catch(() => undefined); // settle before the error (if any) goes up
  }
  await storing;
  return {
    fileId,
    name: file.name,
    size: file.size,
    type: file.type,
    sha256: await sha256,
    key,
    chunkSize,
    chunkCount,
    chunkHashes,
  };
}

/** Validates file metadata received from another user before anything is allocated or fetched for it. */
export function isFileMeta(v: unknown, maxBytes = ABSOLUTE_MAX_FILE_BYTES): v is FileMeta {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (typeof m.fileId !== 'string' || !/^[0-9a-f]{16,64}$/.test(m.fileId)) return false;
  if (typeof m.name !== 'string' || m.name.length === 0 || m.name.length > 255) return false;
  if (typeof m.type !== 'string' || m.type.length > 127) return false;
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) return false;
  if (typeof m.key !== 'string' || base64ToBytes(m.key)?.length !== 32) return false;
  if (!int(m.size) || m.size > maxBytes) return false;
  if (!int(m.chunkCount)) return false;
  if (m.blobs !== undefined) {
    // Blob files: the hash list is required (it is what the relays are asked for).
    if (m.blobs !== 1 || !int(m.chunkSize) || m.chunkSize < 1024 || m.chunkSize > MAX_BLOB_CHUNK_SIZE) return false;
    if (m.chunkCount !== chunkCountFor(m.size, m.chunkSize)) return false;
    const list = m.chunkHashes;
    return Array.isArray(list) && list.length === m.chunkCount && list.length <= MAX_BLOB_CHUNKS && list.every((h) => typeof h === 'string' && CHUNK_HASH.test(h));
  }
  if (m.size > LEGACY_MAX_FILE_BYTES) return false;
  if (!int(m.chunkSize) || m.chunkSize < 1024 || m.chunkSize > 1024 * 1024) return false;
  if (m.chunkCount !== chunkCountFor(m.size, m.chunkSize)) return false;
  // Files sent before content-addressed chunks have no list (their chunks are in the author's signed space).
  if (m.chunkHashes === undefined) return true;
  const hashes = m.chunkHashes;
  return Array.isArray(hashes) && hashes.length === m.chunkCount && hashes.length <= MAX_CHUNKS && hashes.every((h) => typeof h === 'string' && CHUNK_HASH.test(h));
}

/** A display-safe file name: no path parts or control characters. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  return cleaned.length > 0 ? cleaned.slice(0, 255) : 'file';
}

// --- blob files (chunks in the relays' blob stores, see docs/PROTOCOL.md) ------------------------

/**
 * IV of chunk `index` of a blob file: 4 zero bytes and the index (64-bit big-endian). Deterministic so the sender
 * can encrypt twice, once to list the hashes in the file message and again while uploading, without holding the
 * ciphertext of a 2 GB file anywhere: every file has a fresh random key, and a (key, IV) pair only ever encrypts
 * the same plaintext (same file slice; a second pass whose hash differs from the listed one is never uploaded).
 */
function blobIv(index: number): Bytes {
  const iv = new Uint8Array(IV_BYTES);
  new DataView(iv.buffer).setBigUint64(4, BigInt(index));
  return iv;
}

/** base64url (no padding) SHA-256 of a blob's bytes: the name the relays store it under. */
export async function blobHash(bytes: Bytes): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return bytesToBase64(digest).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Encrypts chunk `index` of a blob file: binary iv ‖ ciphertext+tag, and its hash. */
export async function sealBlobChunk(keyB64: string, fileId: string, index: number, plain: Bytes): Promise<{ bytes: Bytes; hash: string }> {
  const key = await importKey(keyB64);
  const iv = blobIv(index);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(fileId, index) }, key, plain));
  const bytes = new Uint8Array(IV_BYTES + ct.length);
  bytes.set(iv, 0);
  bytes.set(ct, IV_BYTES);
  return { bytes, hash: await blobHash(bytes) };
}

/** Plaintext of a received blob chunk if it is exactly the listed one and authenticates; undefined for anything else. */
export async function openBlobChunk(meta: Pick<FileMeta, 'key' | 'fileId' | 'size' | 'chunkSize' | 'chunkCount' | 'chunkHashes'>, index: number, data: ArrayBuffer): Promise<Bytes | undefined> {
  if (!Number.isInteger(index) || index < 0 || index >= meta.chunkCount) return undefined;
  const bytes = new Uint8Array(data);
  if (bytes.length !== IV_BYTES + expectedChunkLength(meta, index) + TAG_BYTES) return undefined;
  if ((await blobHash(bytes)) !== meta.chunkHashes?.[index]) return undefined;
  return decryptChunkBytes(meta, index, bytes);
}

/**
 * What a blob file message carries as `sha256`: the SHA-256 (hex) of its chunk hash list joined by newlines.
 * WebCrypto has no streaming digest, so a whole-file hash would need the whole file in memory; the signed hash
 * list plus per-chunk AES-GCM (bound to file and index) already authenticate every byte and its position.
 */
export async function manifestHash(chunkHashes: readonly string[]): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(chunkHashes.join('\n'))));
}

/**
 * First pass over a file to send as blobs: encrypts every chunk (a few at a time, reading with File.slice) only
 * to list its hash. Memory stays bounded by the chunks in flight; nothing is stored.
 */
export async function describeBlobFile(file: Blob & { name: string }, fileId: string, onProgress?: (done: number, total: number) => void): Promise<FileMeta> {
  const key = await generateFileKey();
  const chunkSize = blobChunkSizeFor(file.size);
  const chunkCount = chunkCountFor(file.size, chunkSize);
  if (chunkCount > MAX_BLOB_CHUNKS) throw new FileTooLargeError(`“${file.name}” would need more than ${MAX_BLOB_CHUNKS} parts.`);
  const chunkHashes: string[] = new Array<string>(chunkCount);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < chunkCount; i = next++) {
      const plain = new Uint8Array(await file.slice(i * chunkSize, Math.min(file.size, (i + 1) * chunkSize)).arrayBuffer());
      chunkHashes[i] = (await sealBlobChunk(key, fileId, i, plain)).hash;
      onProgress?.(++done, chunkCount);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { fileId, name: file.name, size: file.size, type: file.type, sha256: await manifestHash(chunkHashes), key, chunkSize, chunkCount, chunkHashes, blobs: 1 };
}

/** AES-GCM-decrypts one chunk laid out as IV + ciphertext + tag, bound to its file and index; undefined if it fails. */
async function decryptChunkBytes(meta: Pick<FileMeta, 'key' | 'fileId'>, index: number, bytes: Bytes): Promise<Bytes | undefined> {
  try {
    const key = await importKey(meta.key);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(meta.fileId, index) },
      key,
      bytes.subarray(IV_BYTES),
    );
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}
