// The transfer engine against an in-memory chunk network (GUN itself is covered by test/e2e/files.test.ts):
// resumability, refetch of corrupted chunks, failure on unverifiable data, never a wrong file.
import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { chunkCodec } from '../../src/core/file-service.js';
import { bytesToBase64, base64ToBytes, encryptChunk, encryptFile, sha256Hex } from '../../src/core/files.js';
import { openMeshdropDB, type MeshdropDatabase } from '../../src/store/db.js';
import { getFileRecord, putChunk, putFileRecord, storedChunkIndexes } from '../../src/store/file-store.js';
import type { FileMeta, FileRecord } from '../../src/store/schema.js';
import type { ChunkAddress, ChunkNetwork } from '../../src/sync/chunk-network.js';
import { FileTransfer } from '../../src/sync/file-transfer.js';

const AUTHOR = 'author-pub';
const CHUNK = 4096;

/** A relay in memory: values per path, watchers notified on every write, switchable offline. */
class MemoryNetwork implements ChunkNetwork {
  online = true;
  readonly values = new Map<string, unknown>();
  readonly puts: number[] = [];
  /** Every address put to or watched. */
  readonly addresses: ChunkAddress[] = [];
  private readonly watchers = new Map<string, Set<(v: unknown) => void>>();
  /** Fail puts after this many successes (simulates the connection dropping mid-transfer). */
  failAfter = Infinity;

  async put(at: ChunkAddress, value: string): Promise<void> {
    if (!this.online || this.puts.length >= this.failAfter) throw new Error('offline');
    this.puts.push(at.index);
    this.addresses.push(at);
    this.write(at.fileId, at.index, value);
  }

  write(fileId: string, index: number, value: unknown): void {
    const key = `${fileId}/${index}`;
    this.values.set(key, value);
    for (const w of this.watchers.get(key) ?? []) w(value);
  }

  watch(at: ChunkAddress, onValue: (value: unknown) => void): () => void {
    this.addresses.push(at);
    const key = `${at.fileId}/${at.index}`;
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(onValue);
    if (this.values.has(key)) queueMicrotask(() => onValue(this.values.get(key)));
    return () => set.delete(onValue);
  }
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v, (_k, x) => (x instanceof Blob ? `Blob(${x.size})` : x))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let dbCount = 0;
const dbs: { db: MeshdropDatabase; name: string }[] = [];
async function freshDb(): Promise<MeshdropDatabase> {
  const name = `ft-test-${Date.now()}-${dbCount++}`;
  const db = await openMeshdropDB(name);
  dbs.push({ db, name });
  return db;
}

async function queueOutgoing(db: MeshdropDatabase, bytes: Uint8Array<ArrayBuffer>): Promise<{ meta: FileMeta; chunks: string[] }> {
  const chunks: string[] = [];
  const fileId = Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, '0')).join('');
  const meta = await encryptFile(new File([bytes], 'data.bin'), fileId, async (i, data) => {
    chunks[i] = data;
    await putChunk(db, { fileId, index: i, data });
  }, CHUNK);
  await putFileRecord(db, { ...meta, channelId: 'c', messageId: 'm', author: AUTHOR, direction: 'out', doneChunks: 0, sentChunks: [], status: 'queued', error: '' });
  return { meta, chunks };
}

async function expectIncoming(db: MeshdropDatabase, meta: FileMeta): Promise<void> {
  const record: FileRecord = { ...meta, channelId: 'c', messageId: 'm', author: AUTHOR, direction: 'in', doneChunks: 0, status: 'downloading', error: '' };
  await putFileRecord(db, record);
}

const fast = { backoffMs: 20, retryMs: 50, ackTimeoutMs: 1000 };

describe('file transfer', () => {
  after(async () => {
    for (const { db, name } of dbs) {
      db.close();
      await deleteDB(name);
    }
  });

  it('uploads every chunk and downloads a byte-identical, hash-checked file with progress', async () => {
    const net = new MemoryNetwork();
    const sender = await freshDb();
    const receiver = await freshDb();
    const bytes = randomBytes(CHUNK * 5 + 17);
    const { meta } = await queueOutgoing(sender, bytes);
    const up = new FileTransfer(sender, net, chunkCodec, fast);
    const upProgress: number[] = [];
    up.addEventListener('progress', (e) => upProgress.push((e as CustomEvent<{ doneBytes: number }>).detail.doneBytes));
    await up.start(meta.fileId);
    const sent = await getFileRecord(sender, meta.fileId);
    expect(sent?.status).to.equal('sent');
    expect(await storedChunkIndexes(sender, meta.fileId)).to.deep.equal([]); // local ciphertext dropped once acked
    expect(upProgress.at(-1)).to.equal(bytes.length);
    expect(meta.chunkHashes).to.have.length(6);
    for (const at of net.addresses) expect(at.hash, `put ${at.index}`).to.equal(meta.chunkHashes![at.index]); // content-addressed

    await expectIncoming(receiver, meta);
    const down = new FileTransfer(receiver, net, chunkCodec, fast);
    const downProgress: { doneBytes: number; status: string }[] = [];
    down.addEventListener('progress', (e) => downProgress.push((e as CustomEvent<{ doneBytes: number; status: string }>).detail));
    await down.start(meta.fileId);
    const got = await getFileRecord(receiver, meta.fileId);
    expect(got?.status).to.equal('complete');
    expect(await sha256Hex(got!.blob!)).to.equal(await sha256Hex(bytes));
    expect(downProgress.map((p) => p.doneBytes)).to.include(CHUNK * 3);
    expect(downProgress.at(-1)).to.deep.include({ doneBytes: bytes.length, status: 'complete' });
    up.close();
    down.close();
  });

  it('keeps an offline drop queued and resumes after a restart from the chunks already sent', async () => {
    const net = new MemoryNetwork();
    const db = await freshDb();
    const { meta } = await queueOutgoing(db, randomBytes(CHUNK * 6));
    net.online = false;
    const first = new FileTransfer(db, net, chunkCodec, fast);
    await first.start(meta.fileId);
    expect((await getFileRecord(db, meta.fileId))?.status).to.equal('queued');
    expect(net.puts).to.deep.equal([]);
    // Online, but the link drops after 3 chunks.
    net.online = true;
    net.failAfter = 3;
    await first.start(meta.fileId);
    const partial = await getFileRecord(db, meta.fileId);
    expect(partial?.status).to.equal('queued'); // stalled: waiting for a relay again
    expect(partial?.sentChunks?.length).to.equal(3);
    first.close(); // app closed
    net.failAfter = Infinity;
    const second = new FileTransfer(db, net, chunkCodec, fast); // app restarted
    await second.resumeAll();
    await waitFor(() => getFileRecord(db, meta.fileId), (r) => r?.status === 'sent');
    expect(net.puts.length).to.equal(6); // nothing sent twice
    second.close();
  });

  it('resumes a download from the chunks already stored and waits for chunks not uploaded yet', async () => {
    const net = new MemoryNetwork();
    const db = await freshDb();
    const bytes = randomBytes(CHUNK * 4);
    const chunks: string[] = [];
    const meta = await encryptFile(new File([bytes], 'x'), 'c'.repeat(32), async (i, d) => void (chunks[i] = d), CHUNK);
    net.write(meta.fileId, 0, chunks[0]);
    net.write(meta.fileId, 1, chunks[1]);
    await expectIncoming(db, meta);
    const first = new FileTransfer(db, net, chunkCodec, fast);
    void first.start(meta.fileId);
    await waitFor(() => getFileRecord(db, meta.fileId), (r) => r?.doneChunks === 2);
    first.close();
    net.write(meta.fileId, 0, 'garbage that must not be read again');
    const second = new FileTransfer(db, net, chunkCodec, fast);
    const run = second.start(meta.fileId);
    net.write(meta.fileId, 2, chunks[2]);
    net.write(meta.fileId, 3, chunks[3]);
    await run;
    const rec = await getFileRecord(db, meta.fileId);
    expect(rec?.status).to.equal('complete');
    expect(await sha256Hex(rec!.blob!)).to.equal(await sha256Hex(bytes));
    second.close();
  });

  it('refetches a corrupted chunk and completes when a good copy arrives', async () => {
    const net = new MemoryNetwork();
    const db = await freshDb();
    const bytes = randomBytes(CHUNK * 2);
    const chunks: string[] = [];
    const meta = await encryptFile(new File([bytes], 'x'), 'd'.repeat(32), async (i, d) => void (chunks[i] = d), CHUNK);
    const raw = base64ToBytes(chunks[1]!)!;
    raw[20] = raw[20]! ^ 0xff;
    net.write(meta.fileId, 0, chunks[0]);
    net.write(meta.fileId, 1, bytesToBase64(raw));
    await expectIncoming(db, meta);
    const t = new FileTransfer(db, net, chunkCodec, { ...fast, backoffMs: 100 });
    const run = t.start(meta.fileId);
    await new Promise((r) => setTimeout(r, 50)); // first check failed, refetch pending
    net.write(meta.fileId, 1, chunks[1]);
    await run;
    const rec = await getFileRecord(db, meta.fileId);
    expect(rec?.status).to.equal('complete');
    expect(await sha256Hex(rec!.blob!)).to.equal(await sha256Hex(bytes));
    t.close();
  });

  it('marks the file failed (no Blob) when a chunk never verifies: tampered, swapped or foreign', async () => {
    for (const tamper of ['flip', 'swap', 'foreign', 'forged'] as const) {
      const net = new MemoryNetwork();
      const db = await freshDb();
      const chunks: string[] = [];
      const meta = await encryptFile(new File([randomBytes(CHUNK * 2)], 'x'), 'e'.repeat(32), async (i, d) => void (chunks[i] = d), CHUNK);
      const other: string[] = [];
      await encryptFile(new File([randomBytes(CHUNK * 2)], 'y'), 'e'.repeat(32), async (i, d) => void (other[i] = d), CHUNK);
      net.write(meta.fileId, 0, chunks[0]);
      if (tamper === 'flip') {
        const raw = base64ToBytes(chunks[1]!)!;
        raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
        net.write(meta.fileId, 1, bytesToBase64(raw));
      } else if (tamper === 'swap') net.write(meta.fileId, 1, chunks[0]);
      else if (tamper === 'foreign') net.write(meta.fileId, 1, other[1]); // right shape, other key
      else net.write(meta.fileId, 1, await encryptChunk(meta.key, meta.fileId, 1, randomBytes(CHUNK))); // authenticates, not the listed chunk
      await expectIncoming(db, meta);
      const t = new FileTransfer(db, net, chunkCodec, fast);
      await t.start(meta.fileId);
      const rec = await getFileRecord(db, meta.fileId);
      expect(rec?.status, tamper).to.equal('failed');
      expect(rec?.error).to.match(/Part 2 of 2 failed verification/);
      expect(rec?.blob).to.equal(undefined);
      t.close();
    }
  });

  it('still moves files sent before content addressing (no hash list) through the signed path', async () => {
    const net = new MemoryNetwork();
    const sender = await freshDb();
    const receiver = await freshDb();
    const bytes = randomBytes(CHUNK * 2 + 3);
    const { meta: hashed } = await queueOutgoing(sender, bytes);
    const meta = { ...hashed, chunkHashes: undefined };
    await putFileRecord(sender, { ...meta, channelId: 'c', messageId: 'm', author: AUTHOR, direction: 'out', doneChunks: 0, sentChunks: [], status: 'queued', error: '' });
    const up = new FileTransfer(sender, net, chunkCodec, fast);
    await up.start(meta.fileId);
    await expectIncoming(receiver, meta);
    const down = new FileTransfer(receiver, net, chunkCodec, fast);
    await down.start(meta.fileId);
    const got = await getFileRecord(receiver, meta.fileId);
    expect(got?.status).to.equal('complete');
    expect(await sha256Hex(got!.blob!)).to.equal(await sha256Hex(bytes));
    expect(net.addresses.every((at) => at.hash === undefined && at.author === AUTHOR)).to.equal(true);
    up.close();
    down.close();
  });

  it('fails a file whose chunks authenticate but whose whole-file SHA-256 does not match', async () => {
    const net = new MemoryNetwork();
    const db = await freshDb();
    const chunks: string[] = [];
    const meta = await encryptFile(new File([randomBytes(CHUNK + 5)], 'x'), 'f'.repeat(32), async (i, d) => void (chunks[i] = d), CHUNK);
    chunks.forEach((c, i) => net.write(meta.fileId, i, c));
    await expectIncoming(db, { ...meta, sha256: '0'.repeat(64) });
    const t = new FileTransfer(db, net, chunkCodec, fast);
    await t.start(meta.fileId);
    const rec = await getFileRecord(db, meta.fileId);
    expect(rec?.status).to.equal('failed');
    expect(rec?.error).to.match(/SHA-256/);
    expect(rec?.blob).to.equal(undefined);
    expect(await storedChunkIndexes(db, meta.fileId)).to.deep.equal([]);
    t.close();
  });
});
