// The transfer engine for blob files against an in-memory blob store (the real relays and HTTP are covered by
// test/e2e/files-blob.test.ts): resume after a cut, refusals and expiry reaching the record as the UI's words,
// wrong bytes never kept, and the file offered as the Blob made of its stored parts.
import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { BLOB_ERROR_TEXT, chunkCodec } from '../../src/core/file-service.js';
import { describeBlobFile, sha256Hex } from '../../src/core/files.js';
import { openMeshdropDB, type MeshdropDatabase } from '../../src/store/db.js';
import { fileBytesInChunks, getFileRecord, putFileRecord, putOriginal } from '../../src/store/file-store.js';
import type { FileMeta, FileRecord } from '../../src/store/schema.js';
import type { ChunkNetwork } from '../../src/sync/chunk-network.js';
import { BlobNetworkError, type BlobErrorCode, type BlobNetwork } from '../../src/sync/blob-network.js';
import { FileTransfer } from '../../src/sync/file-transfer.js';

/** A relay's blob store in memory; can refuse or cut uploads, and answer "expired". */
class MemoryBlobs implements BlobNetwork {
  readonly stored = new Map<string, Uint8Array<ArrayBuffer>>();
  readonly puts: string[] = [];
  refuse: BlobErrorCode | undefined;
  failAfter = Infinity;
  expired = new Set<string>();

  async put(hash: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    if (this.refuse) throw new BlobNetworkError(this.refuse, `refused: ${this.refuse}`);
    if (this.puts.length >= this.failAfter) throw new BlobNetworkError('unreachable', 'cut');
    this.puts.push(hash);
    this.stored.set(hash, bytes.slice());
  }

  async get(hash: string): Promise<ArrayBuffer | undefined> {
    if (this.expired.has(hash)) throw new BlobNetworkError('expired', 'expired');
    return this.stored.get(hash)?.slice().buffer;
  }
}

const gun: ChunkNetwork = { online: true, put: async () => undefined, watch: () => () => undefined };
const fast = { backoffMs: 20, retryMs: 50, blobRetryMs: 100 };

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function waitFor(db: MeshdropDatabase, fileId: string, ok: (r: FileRecord) => boolean, ms = 20_000): Promise<FileRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await getFileRecord(db, fileId);
    if (r && ok(r)) return r;
    if (Date.now() > end) throw new Error(`timed out; status ${r?.status} ${r?.error}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

const dbs: { db: MeshdropDatabase; name: string }[] = [];
async function freshDb(): Promise<MeshdropDatabase> {
  const name = `blob-test-${Date.now()}-${dbs.length}`;
  const db = await openMeshdropDB(name);
  dbs.push({ db, name });
  return db;
}

async function queue(db: MeshdropDatabase, bytes: Uint8Array<ArrayBuffer>): Promise<FileMeta> {
  const file = new File([bytes], 'data.bin');
  const fileId = Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, '0')).join('');
  const meta = await describeBlobFile(file, fileId);
  await putOriginal(db, fileId, file);
  await putFileRecord(db, { ...meta, channelId: 'c', messageId: 'm', author: 'me', direction: 'out', doneChunks: 0, sentChunks: [], status: 'queued', error: '' });
  return meta;
}

async function incoming(db: MeshdropDatabase, meta: FileMeta): Promise<void> {
  await putFileRecord(db, { ...meta, channelId: 'c', messageId: 'm', author: 'them', direction: 'in', doneChunks: 0, status: 'downloading', error: '' });
}

describe('blob file transfer', () => {
  after(async () => {
    for (const { db, name } of dbs) {
      db.close();
      await deleteDB(name);
    }
  });

  it('uploads, resumes after a cut without re-sending what was stored, and the receiver gets the same bytes', async () => {
    const bytes = randomBytes(3 * 4 * 1024 * 1024 + 123);
    const sender = await freshDb();
    const blobs = new MemoryBlobs();
    const meta = await queue(sender, bytes);
    blobs.failAfter = 2;
    const first = new FileTransfer(sender, gun, chunkCodec, { ...fast, blobUploadConcurrency: 1 }, blobs);
    await first.start(meta.fileId);
    const cut = await waitFor(sender, meta.fileId, (r) => r.status === 'queued');
    expect(cut.sentChunks).to.deep.equal([0, 1]);
    first.close();
    blobs.failAfter = Infinity;
    const second = new FileTransfer(sender, gun, chunkCodec, fast, blobs); // app restarted
    await second.start(meta.fileId);
    const sent = await waitFor(sender, meta.fileId, (r) => r.status === 'sent');
    expect(blobs.puts.length).to.equal(4, 'nothing sent twice');
    expect([...blobs.stored.keys()].sort()).to.deep.equal([...meta.chunkHashes!].sort());
    expect(await sha256Hex((await fileBytesInChunks(sender, sent))!)).to.equal(await sha256Hex(bytes));
    second.close();

    const receiver = await freshDb();
    await incoming(receiver, meta);
    const down = new FileTransfer(receiver, gun, chunkCodec, fast, blobs);
    await down.start(meta.fileId);
    const done = await waitFor(receiver, meta.fileId, (r) => r.status === 'complete');
    expect(done.bytesInChunks).to.equal(true);
    expect(await sha256Hex((await fileBytesInChunks(receiver, done))!)).to.equal(await sha256Hex(bytes));
    down.close();
  });

  for (const code of ['quota', 'relay-full'] as const) {
    it(`a relay refusal (${code}) fails the upload with the words the UI shows`, async () => {
      const db = await freshDb();
      const blobs = new MemoryBlobs();
      blobs.refuse = code;
      const meta = await queue(db, randomBytes(5000));
      const t = new FileTransfer(db, gun, chunkCodec, fast, blobs);
      await t.start(meta.fileId);
      const r = await waitFor(db, meta.fileId, (x) => x.status === 'failed');
      expect(r.error).to.equal(BLOB_ERROR_TEXT[code]);
      t.close();
    });
  }

  it('an expired blob fails the download with "file expired on the relay"', async () => {
    const sender = await freshDb();
    const blobs = new MemoryBlobs();
    const meta = await queue(sender, randomBytes(5000));
    blobs.expired.add(meta.chunkHashes![0]!);
    const receiver = await freshDb();
    await incoming(receiver, meta);
    const t = new FileTransfer(receiver, gun, chunkCodec, fast, blobs);
    await t.start(meta.fileId);
    const r = await waitFor(receiver, meta.fileId, (x) => x.status === 'failed');
    expect(r.error).to.equal('File expired on the relay — ask the sender to send it again.');
    t.close();
  });

  it('waits for a blob no relay has yet, and never keeps wrong bytes under a listed hash', async () => {
    const sender = await freshDb();
    const blobs = new MemoryBlobs();
    const bytes = randomBytes(6000);
    const meta = await queue(sender, bytes);
    const receiver = await freshDb();
    await incoming(receiver, meta);
    // A hostile relay serves other bytes under the listed name; the receiver refuses them and finally fails.
    blobs.stored.set(meta.chunkHashes![0]!, randomBytes(6000 + 28));
    const t = new FileTransfer(receiver, gun, chunkCodec, fast, blobs);
    await t.start(meta.fileId);
    const r = await waitFor(receiver, meta.fileId, (x) => x.status === 'failed');
    expect(r.error).to.match(/failed verification/);
    expect(await fileBytesInChunks(receiver, { ...r, status: 'complete' })).to.equal(undefined);
    t.close();

    // The honest relay, once the sender has uploaded: the file arrives.
    const later = await freshDb();
    await incoming(later, meta);
    blobs.stored.clear();
    const down = new FileTransfer(later, gun, chunkCodec, fast, blobs);
    void down.start(meta.fileId);
    await new Promise((res) => setTimeout(res, 300)); // asked a few times, found nothing
    expect((await getFileRecord(later, meta.fileId))?.status).to.equal('downloading');
    const up = new FileTransfer(sender, gun, chunkCodec, fast, blobs);
    await up.start(meta.fileId);
    const done = await waitFor(later, meta.fileId, (x) => x.status === 'complete');
    expect(await sha256Hex((await fileBytesInChunks(later, done))!)).to.equal(await sha256Hex(bytes));
    up.close();
    down.close();
  });
});
