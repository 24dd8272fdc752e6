import { expect } from '@esm-bundle/chai';
import {
  base64ToBytes,
  bytesToBase64,
  checkFileSizes,
  chunkCountFor,
  chunkHash,
  CHUNK_SIZE,
  chunkSizeFor,
  decryptChunk,
  encryptChunk,
  DEFAULT_MAX_FILE_BYTES,
  encryptFile,
  FileTooLargeError,
  isFileMeta,
  MAX_CHUNKS,
  openChunk,
  sha256Hex,
  verifyWholeFile,
  describeBlobFile,
  manifestHash,
  openBlobChunk,
  sealBlobChunk,
  blobChunkSizeFor,
  MAX_BLOB_CHUNKS,
} from '../../src/core/files.js';
import type { FileMeta } from '../../src/store/schema.js';

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function encrypt(bytes: Uint8Array<ArrayBuffer>, fileId = 'a'.repeat(32)): Promise<{ meta: FileMeta; chunks: string[] }> {
  const chunks: string[] = [];
  const file = new File([bytes], 'sample.bin', { type: 'application/octet-stream' });
  const meta = await encryptFile(file, fileId, async (i, data) => void (chunks[i] = data));
  return { meta, chunks };
}

async function decryptAll(meta: FileMeta, chunks: unknown[]): Promise<Blob | undefined> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < meta.chunkCount; i++) {
    const plain = await decryptChunk(meta, i, chunks[i]);
    if (!plain) return undefined;
    parts.push(plain);
  }
  return new Blob(parts);
}

describe('file crypto', () => {
  it('round-trips a multi-chunk file byte for byte and checks its SHA-256', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 2 + 1234);
    const { meta, chunks } = await encrypt(bytes);
    expect(meta.chunkCount).to.equal(3);
    expect(meta.size).to.equal(bytes.length);
    expect(meta.sha256).to.equal(await sha256Hex(bytes));
    expect(isFileMeta(meta)).to.equal(true);
    expect(chunks.every((c) => typeof c === 'string')).to.equal(true);
    const blob = await decryptAll(meta, chunks);
    expect(blob).to.not.equal(undefined);
    expect(new Uint8Array(await blob!.arrayBuffer())).to.deep.equal(bytes);
    expect(await verifyWholeFile(blob!, meta.sha256)).to.equal(true);
  });

  it('uses a fresh key per file and a fresh IV per chunk', async () => {
    const bytes = new Uint8Array(CHUNK_SIZE * 2); // two identical all-zero chunks
    const a = await encrypt(bytes);
    const b = await encrypt(bytes);
    expect(a.meta.key).to.not.equal(b.meta.key);
    expect(a.chunks[0]!.slice(0, 16)).to.not.equal(a.chunks[1]!.slice(0, 16));
  });

  it('detects a flipped byte in a chunk', async () => {
    const { meta, chunks } = await encrypt(randomBytes(5000));
    const raw = base64ToBytes(chunks[0]!)!;
    raw[40] = raw[40]! ^ 0x01;
    expect(await decryptChunk(meta, 0, bytesToBase64(raw))).to.equal(undefined);
    expect(await decryptChunk(meta, 0, chunks[0])).to.not.equal(undefined);
  });

  it('detects chunks swapped between indexes or moved from another file', async () => {
    const bytes = randomBytes(CHUNK_SIZE * 2);
    const { meta, chunks } = await encrypt(bytes);
    expect(await decryptChunk(meta, 0, chunks[1])).to.equal(undefined);
    expect(await decryptChunk(meta, 1, chunks[0])).to.equal(undefined);
    // Same key, other file id: the additional data binds the file id too.
    expect(await decryptChunk({ ...meta, fileId: 'b'.repeat(32) }, 0, chunks[0])).to.equal(undefined);
  });

  it('rejects malformed chunk values without throwing', async () => {
    const { meta } = await encrypt(randomBytes(100));
    for (const bad of [undefined, null, 42, {}, '', 'not base64!!', 'A'.repeat(1000)]) {
      expect(await decryptChunk(meta, 0, bad)).to.equal(undefined);
    }
    expect(await decryptChunk(meta, 5, 'x')).to.equal(undefined);
  });

  it('detects a wrong whole-file hash', async () => {
    const bytes = randomBytes(3000);
    const { meta, chunks } = await encrypt(bytes);
    const blob = (await decryptAll(meta, chunks))!;
    expect(await verifyWholeFile(blob, meta.sha256)).to.equal(true);
    const wrong = meta.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await verifyWholeFile(blob, wrong)).to.equal(false);
    // A consistent forgery (chunks re-encrypted with the key but other bytes) is caught by the hash.
    const other = await encryptFile(new File([randomBytes(3000)], 'x'), meta.fileId, async () => undefined);
    expect(await verifyWholeFile(blob, other.sha256)).to.equal(false);
  });

  it('refuses oversize files with a clear message naming them', () => {
    expect(() => checkFileSizes([{ name: 'ok.txt', size: 10 }], DEFAULT_MAX_FILE_BYTES)).to.not.throw();
    expect(() => checkFileSizes([{ name: 'ok.txt', size: 10 }, { name: 'huge.iso', size: 3 * 1024 * 1024 * 1024 }], DEFAULT_MAX_FILE_BYTES)).to.throw(
      FileTooLargeError,
      /“huge\.iso” \(3 GB\) is over the 2 GB limit per file\. Nothing was sent\./,
    );
    expect(() => checkFileSizes([], DEFAULT_MAX_FILE_BYTES)).to.throw(FileTooLargeError, /No file/);
  });

  it('validates received file metadata', async () => {
    const { meta } = await encrypt(randomBytes(CHUNK_SIZE + 1));
    expect(isFileMeta(meta)).to.equal(true);
    expect(isFileMeta({ ...meta, chunkCount: 99 })).to.equal(false);
    expect(isFileMeta({ ...meta, key: 'short' })).to.equal(false);
    expect(isFileMeta({ ...meta, size: -1 })).to.equal(false);
    expect(isFileMeta({ ...meta, fileId: '../x' })).to.equal(false);
    expect(isFileMeta(meta, 100)).to.equal(false);
  });

  it('lists each chunk by the SHA-256 of its wire string and opens only the listed chunk', async () => {
    const { meta, chunks } = await encrypt(randomBytes(CHUNK_SIZE * 2 + 10));
    expect(meta.chunkHashes).to.have.length(3);
    for (const [i, c] of chunks.entries()) {
      const hex = await sha256Hex(new TextEncoder().encode(c));
      const fromList = Array.from(base64ToBytes(meta.chunkHashes![i]!.replace(/-/g, '+').replace(/_/g, '/') + '=')!, (b) => b.toString(16).padStart(2, '0')).join('');
      expect(fromList).to.equal(hex);
      expect(await chunkHash(c)).to.equal(meta.chunkHashes![i]);
      expect(await openChunk(meta, i, c)).to.not.equal(undefined);
    }
    // Someone holding the file key (any recipient) forges a chunk that authenticates: its hash is not the listed one.
    const forged = await encryptChunk(meta.key, meta.fileId, 1, randomBytes(CHUNK_SIZE));
    expect(await decryptChunk(meta, 1, forged)).to.not.equal(undefined);
    expect(await openChunk(meta, 1, forged)).to.equal(undefined);
    expect(await openChunk(meta, 0, chunks[1])).to.equal(undefined);
    for (const bad of [undefined, 42, '', 'A'.repeat(1000)]) expect(await openChunk(meta, 0, bad)).to.equal(undefined);
    // Hashes the UTF-8 of any string (the ASCII fast path must not cut a hostile non-ASCII value short).
    for (const text of ['é' + 'a'.repeat(10), 'aé', '']) {
      const hex = await sha256Hex(new TextEncoder().encode(text));
      const got = Array.from(base64ToBytes((await chunkHash(text)).replace(/-/g, '+').replace(/_/g, '/') + '=')!, (b) => b.toString(16).padStart(2, '0')).join('');
      expect(got, text).to.equal(hex);
    }
  });

  it('validates the chunk hash list and keeps it bounded', async () => {
    const { meta } = await encrypt(randomBytes(CHUNK_SIZE + 1));
    const hashes = meta.chunkHashes!;
    expect(isFileMeta({ ...meta, chunkHashes: undefined })).to.equal(true); // sent before content addressing
    expect(isFileMeta({ ...meta, chunkHashes: hashes.slice(1) })).to.equal(false);
    expect(isFileMeta({ ...meta, chunkHashes: [hashes[0], 'x'.repeat(42) + '/'] })).to.equal(false);
    expect(isFileMeta({ ...meta, chunkHashes: [hashes[0], 7] })).to.equal(false);
    expect(isFileMeta({ ...meta, chunkHashes: 'nope' })).to.equal(false);
    const big = 2000 * 1024;
    expect(isFileMeta({ ...meta, size: big, chunkSize: 1024, chunkCount: 2000, chunkHashes: Array(2000).fill(hashes[0]) })).to.equal(false);
    // The largest allowed file still fits the list: bigger chunks instead of more of them.
    const max = 512 * 1024 * 1024;
    expect(chunkCountFor(max, chunkSizeFor(max))).to.equal(MAX_CHUNKS);
    expect(chunkSizeFor(25 * 1024 * 1024)).to.equal(CHUNK_SIZE);
  });

  it('handles an empty file', async () => {
    const { meta, chunks } = await encrypt(new Uint8Array(0));
    expect(meta.chunkCount).to.equal(0);
    expect(chunks.length).to.equal(0);
    expect(await verifyWholeFile(new Blob([]), meta.sha256)).to.equal(true);
  });

  it('blob files: lists every chunk by the SHA-256 of its bytes, re-encrypts to the same bytes, opens only the listed chunk', async () => {
    const bytes = randomBytes(2 * 4 * 1024 * 1024 + 1000);
    const file = new File([bytes], 'blob.bin');
    const meta = await describeBlobFile(file, 'b'.repeat(32));
    expect(meta.blobs).to.equal(1);
    expect(meta.chunkCount).to.equal(3);
    expect(meta.sha256).to.equal(await manifestHash(meta.chunkHashes!));
    expect(isFileMeta(meta)).to.equal(true);
    const parts: Uint8Array<ArrayBuffer>[] = [];
    const sealed: Uint8Array<ArrayBuffer>[] = [];
    for (let i = 0; i < meta.chunkCount; i++) {
      const plain = bytes.slice(i * meta.chunkSize, Math.min(bytes.length, (i + 1) * meta.chunkSize));
      const { bytes: ct, hash } = await sealBlobChunk(meta.key, meta.fileId, i, plain);
      expect(hash, `chunk ${i} re-encrypts to the listed bytes`).to.equal(meta.chunkHashes![i]);
      sealed.push(ct);
      parts.push((await openBlobChunk(meta, i, ct.buffer))!);
    }
    expect(await sha256Hex(new Blob(parts))).to.equal(await sha256Hex(bytes));
    // Moved to another index, flipped, or cut: refused.
    expect(await openBlobChunk(meta, 1, sealed[0]!.buffer)).to.equal(undefined);
    const flipped = sealed[2]!.slice();
    flipped[20]! ^= 1;
    expect(await openBlobChunk(meta, 2, flipped.buffer)).to.equal(undefined);
    expect(await openBlobChunk(meta, 2, sealed[2]!.slice(0, 100).buffer)).to.equal(undefined);
    // A chunk that authenticates under the key but is not the listed one is refused by its hash.
    const forged = await sealBlobChunk(meta.key, meta.fileId, 2, randomBytes(1000));
    expect(await openBlobChunk(meta, 2, forged.bytes.buffer)).to.equal(undefined);
  });

  it('blob files: metadata needs the full hash list and stays bounded at 2 GB and beyond', async () => {
    const meta = await describeBlobFile(new File([randomBytes(5000)], 'm.bin'), 'c'.repeat(32));
    expect(isFileMeta({ ...meta, chunkHashes: undefined })).to.equal(false);
    expect(isFileMeta({ ...meta, blobs: 2 })).to.equal(false);
    const twoGB = 2 * 1024 * 1024 * 1024;
    expect(chunkCountFor(twoGB, blobChunkSizeFor(twoGB))).to.be.at.most(MAX_BLOB_CHUNKS);
    // Old-format (GUN chunk) files keep their old bounds.
    expect(isFileMeta({ ...meta, blobs: undefined, size: twoGB, chunkSize: 1024 * 1024, chunkCount: 2048, chunkHashes: undefined })).to.equal(false);
  });
});
