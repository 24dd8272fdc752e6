import { expect } from '@esm-bundle/chai';
import {
  base64ToBytes,
  bytesToBase64,
  checkFileSizes,
  CHUNK_SIZE,
  decryptChunk,
  DEFAULT_MAX_FILE_BYTES,
  encryptFile,
  FileTooLargeError,
  isFileMeta,
  sha256Hex,
  verifyWholeFile,
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
    expect(() => checkFileSizes([{ name: 'ok.txt', size: 10 }, { name: 'huge.iso', size: 30 * 1024 * 1024 }], DEFAULT_MAX_FILE_BYTES)).to.throw(
      FileTooLargeError,
      /“huge\.iso” \(30 MB\) is over the 25 MB limit per file\. Nothing was sent\./,
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

  it('handles an empty file', async () => {
    const { meta, chunks } = await encrypt(new Uint8Array(0));
    expect(meta.chunkCount).to.equal(0);
    expect(chunks.length).to.equal(0);
    expect(await verifyWholeFile(new Blob([]), meta.sha256)).to.equal(true);
  });
});
