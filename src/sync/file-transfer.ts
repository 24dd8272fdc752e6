/**
 * Resumable chunk upload and download. All state lives in IndexedDB (src/store/file-store.ts), so a
 * transfer interrupted by going offline or closing the app continues from the chunks already done.
 *
 * Upload: the encrypted chunks are already in the `chunks` store (written before anything is sent, so a
 * file dropped offline is queued). Each is put to GUN; only a relay's ack moves it into `sentChunks`, and
 * once every chunk is acknowledged the local ciphertext is deleted and the file is "sent".
 *
 * Download: every chunk not yet stored is watched at the author's path; a value is kept only if it
 * authenticates (AES-GCM, bound to file id and index). A chunk that fails is refetched a few times with
 * backoff, then the file is marked failed. A chunk that is simply not there yet is waited for (the
 * sender may be offline). When all chunks are in, the Blob is assembled and its SHA-256 checked; only
 * then is the file "complete". An unverified file is never stored as the file's Blob.
 */
import type { FileProgress } from '../core/api.js';
import type { MeshdropDatabase } from '../store/db.js';
import {
  deleteChunks,
  finishBlobUpload,
  finishUpload,
  getChunk,
  getFileRecord,
  listFileRecords,
  receivedParts,
  ORIGINAL_INDEX,
  storeReceivedChunk,
  storeReceivedPart,
  storedChunkIndexes,
  unlessFailed,
  updateFileRecord,
} from '../store/file-store.js';
import type { FileMeta, FileRecord } from '../store/schema.js';
import type { ChunkAddress, ChunkNetwork } from './chunk-network.js';
import { BlobNetworkError, type BlobErrorCode, type BlobNetwork } from './blob-network.js';

/** Crypto the transfer needs, injected from core so sync does not depend upward on it. */
export interface ChunkCodec {
  /** The chunk's plaintext if it authenticates for (file, index), else undefined. */
  open(meta: FileMeta, index: number, value: unknown): Promise<ArrayBuffer | undefined>;
  sha256Hex(blob: Blob): Promise<string>;
  /** Blob files: encrypts chunk `index` (deterministically, see core/files.ts) and names it by its hash. */
  sealBlob(meta: FileMeta, index: number, plain: Uint8Array<ArrayBuffer>): Promise<{ bytes: Uint8Array<ArrayBuffer>; hash: string }>;
  /** Blob files: the chunk's plaintext if it is the listed blob and authenticates, else undefined. */
  openBlob(meta: FileMeta, index: number, data: ArrayBuffer): Promise<Uint8Array<ArrayBuffer> | undefined>;
  /** The words the UI shows for a blob error (one table, in core). */
  blobErrorText(code: BlobErrorCode | 'changed' | 'lost'): string;
}

export interface FileTransferOptions {
  ackTimeoutMs: number;
  /**
   * Chunk puts awaiting a relay's ack. A relay acks only once radisk has written the chunk (batched ~250 ms, then
   * the write), 0.5–2 s here, while the receiver gets the chunk as soon as the relay forwards it: the window has
   * to cover that latency or it, not the wire, sets the pace (2 → ~0.4 MB/s, 32 → ~2 MB/s on a loaded 2-core box).
   */
  uploadConcurrency: number;
  downloadWindow: number;
  /** Failed verifications of one chunk before the file is marked failed. */
  maxBadAttempts: number;
  backoffMs: number;
  /** Delay before a stalled upload is tried again without a reconnect event. */
  retryMs: number;
  /** Blob uploads in flight (HTTP requests; the browser runs about 6 per relay at once). */
  blobUploadConcurrency: number;
  /** Blob downloads in flight. */
  blobDownloadWindow: number;
  /**
   * Longest wait before a blob no relay has yet (the sender is still uploading, or offline) is asked for again; the
   * wait starts at 1/10 of it and doubles, so a receiver just behind the sender follows closely.
   */
  blobRetryMs: number;
}

export const DEFAULT_TRANSFER_OPTIONS: FileTransferOptions = {
  ackTimeoutMs: 20_000,
  uploadConcurrency: 32,
  downloadWindow: 16,
  maxBadAttempts: 3,
  backoffMs: 500,
  retryMs: 10_000,
  blobUploadConcurrency: 8,
  blobDownloadWindow: 8,
  blobRetryMs: 5_000,
};

class TransferStopped extends Error {}

/** How often a blob upload records its progress in IndexedDB. */
const SAVE_EVERY_MS = 250;

export class ChunkVerificationError extends Error {
  override name = 'ChunkVerificationError';
}

function addressOf(record: FileRecord, index: number): ChunkAddress {
  return { author: record.author, fileId: record.fileId, index, hash: record.chunkHashes?.[index] };
}

/** Plaintext bytes covered by the given chunk indexes. */
export function bytesOf(meta: Pick<FileMeta, 'size' | 'chunkSize' | 'chunkCount'>, count: number, includesLast: boolean): number {
  if (meta.chunkCount === 0) return 0;
  if (!includesLast) return count * meta.chunkSize;
  return (count - 1) * meta.chunkSize + (meta.size - (meta.chunkCount - 1) * meta.chunkSize);
}

export function progressOf(record: FileRecord): FileProgress {
  let doneBytes: number;
  if (record.status === 'complete' || record.status === 'sent') doneBytes = record.size;
  else if (record.direction === 'out') {
    const sent = record.sentChunks ?? [];
    doneBytes = bytesOf(record, sent.length, sent.includes(record.chunkCount - 1));
  } else doneBytes = Math.min(record.size, record.doneChunks * record.chunkSize);
  return {
    fileId: record.fileId,
    messageId: record.messageId,
    channelId: record.channelId,
    doneChunks: record.doneChunks,
    chunkCount: record.chunkCount,
    doneBytes,
    size: record.size,
    status: record.status,
    error: record.error,
  };
}

export class FileTransfer extends EventTarget {
  private readonly running = new Map<string, Promise<void>>();
  /** Originals of files sent in this session: read directly rather than back from IndexedDB. */
  private readonly originals = new Map<string, Blob>();
  private readonly cancels = new Set<() => void>();
  private closed = false;
  private readonly options: FileTransferOptions;

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly net: ChunkNetwork,
    private readonly codec: ChunkCodec,
    options: Partial<FileTransferOptions> = {},
    /** The relays' blob stores (files whose message says `blobs: 1`). */
    private readonly blobs?: BlobNetwork,
  ) {
    super();
    this.options = { ...DEFAULT_TRANSFER_OPTIONS, ...options };
  }

  /** Keeps the original of a file being sent in this session (it is also parked in IndexedDB for a restart). */
  rememberOriginal(fileId: string, original: Blob): void {
    this.originals.set(fileId, original);
  }

  /** Starts (or joins) the transfer of a file in whichever direction its record says. */
  start(fileId: string): Promise<void> {
    let run = this.running.get(fileId);
    if (!run) {
      run = this.run(fileId).finally(() => this.running.delete(fileId));
      this.running.set(fileId, run);
    }
    return run;
  }

  /** Resumes every unfinished transfer (app start, relay reconnect). */
  async resumeAll(): Promise<void> {
    if (this.closed) return;
    const records = await listFileRecords(this.db);
    for (const r of records) {
      if (r.status === 'queued' || r.status === 'uploading' || r.status === 'downloading') void this.start(r.fileId);
    }
  }

  /**
   * After a reconnect: drops the current chunk subscriptions and starts every unfinished transfer again,
   * so chunks are asked of the relay anew.
   */
  async reconnected(): Promise<void> {
    for (const cancel of [...this.cancels]) cancel();
    await Promise.allSettled([...this.running.values()]);
    await this.resumeAll();
  }

  /** A stalled upload tries again later even if the connection state never visibly changed. */
  private retryLater(fileId: string): void {
    const timer = setTimeout(() => {
      this.cancels.delete(cancel);
      void this.start(fileId);
    }, this.options.retryMs);
    const cancel = () => clearTimeout(timer);
    this.cancels.add(cancel);
  }

  close(): void {
    this.closed = true;
    for (const cancel of [...this.cancels]) cancel();
  }

  private emit(record: FileRecord | undefined): void {
    if (record) this.dispatchEvent(new CustomEvent<FileProgress>('progress', { detail: progressOf(record) }));
  }

  private async run(fileId: string): Promise<void> {
    const record = await getFileRecord(this.db, fileId);
    if (!record || this.closed) return;
    try {
      const active = record.direction === 'out' ? record.status === 'queued' || record.status === 'uploading' : record.status === 'downloading';
      if (active && record.blobs === 1) await (record.direction === 'out' ? this.uploadBlobs(record) : this.downloadBlobs(record));
      else if (active) await (record.direction === 'out' ? this.upload(record) : this.download(record));
    } catch (err) {
      if (err instanceof TransferStopped) return;
      throw err;
    }
  }

  // --- upload -----------------------------------------------------------------------------------

  private async upload(record: FileRecord): Promise<void> {
    const { fileId } = record;
    const sent = new Set(record.sentChunks ?? []);
    const pending = (await storedChunkIndexes(this.db, fileId)).filter((i) => !sent.has(i));
    if (!this.net.online) return this.retryLater(fileId); // stays queued; also resumed on reconnect
    this.emit(await updateFileRecord(this.db, fileId, unlessFailed((r) => ({ ...r, status: 'uploading', error: '' }))));
    let stalled = false;
    const worker = async (): Promise<void> => {
      for (let index = pending.shift(); index !== undefined && !stalled && !this.closed; index = pending.shift()) {
        const chunk = await getChunk(this.db, fileId, index);
        if (!chunk) continue;
        if (!this.net.online) {
          stalled = true;
          return;
        }
        try {
          await this.net.put(addressOf(record, index), chunk.data, this.options.ackTimeoutMs);
        } catch (err) {
          console.debug('chunk upload stalled', fileId, index, err);
          stalled = true; // offline or relay trouble: keep the chunk queued and retry on reconnect
          return;
        }
        this.emit(
          await updateFileRecord(this.db, fileId, (r) => {
            const done = new Set(r.sentChunks ?? []);
            done.add(index);
            return { ...r, sentChunks: [...done].sort((a, b) => a - b), doneChunks: done.size };
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: this.options.uploadConcurrency }, worker));
    const latest = await getFileRecord(this.db, fileId);
    if (!latest || this.closed) return;
    if (stalled) {
      // Back to "waiting for a connection" until a relay acknowledges again.
      this.emit(await updateFileRecord(this.db, fileId, (r) => (r.status === 'uploading' ? { ...r, status: 'queued' } : r)));
      return this.retryLater(fileId);
    }
    if ((latest.sentChunks ?? []).length >= latest.chunkCount) this.emit(await finishUpload(this.db, fileId));
  }

  // --- blob files: chunks over HTTP to and from the relays' blob stores ---------------------------

  /** Waits `ms`, or rejects with TransferStopped when the transfer is cancelled (reconnect, close). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.cancels.delete(cancel);
        resolve();
      }, ms);
      const cancel = () => {
        clearTimeout(timer);
        this.cancels.delete(cancel);
        reject(new TransferStopped());
      };
      this.cancels.add(cancel);
    });
  }

  /**
   * Reads the parked original slice by slice, encrypts each chunk again (same bytes as when the hashes were listed)
   * and PUTs it to a relay. Only a relay's 2xx marks a chunk sent, so a closed tab resumes with the rest.
   */
  private async uploadBlobs(record: FileRecord): Promise<void> {
    const { fileId } = record;
    const blobs = this.blobs;
    const original = this.originals.get(fileId) ?? (await getChunk(this.db, fileId, ORIGINAL_INDEX))?.original;
    if (!blobs || !original) return this.fail(fileId, this.codec.blobErrorText('lost'));
    if (!this.net.online) return this.retryLater(fileId); // stays queued; also resumed on reconnect
    const sent = new Set(record.sentChunks ?? []);
    const pending: number[] = [];
    for (let i = 0; i < record.chunkCount; i++) if (!sent.has(i)) pending.push(i);
    this.emit(await updateFileRecord(this.db, fileId, unlessFailed((r) => ({ ...r, status: 'uploading', error: '' }))));
    let stalled = false;
    let failure: string | undefined;
    // Sent chunks are recorded in batches (one IndexedDB write per SAVE_EVERY_MS, not per chunk); a restart re-sends
    // at most the last batch, which the relay accepts again as already stored.
    let unsaved: number[] = [];
    let savedAt = Date.now();
    let saving: Promise<void> = Promise.resolve();
    const save = (): Promise<void> => {
      const batch = unsaved;
      unsaved = [];
      savedAt = Date.now();
      if (batch.length === 0) return saving;
      saving = saving.then(async () =>
        this.emit(
          await updateFileRecord(this.db, fileId, (r) => {
            const done = new Set(r.sentChunks ?? []);
            for (const i of batch) done.add(i);
            return { ...r, sentChunks: [...done].sort((a, b) => a - b), doneChunks: done.size };
          }),
        ),
      );
      return saving;
    };
    const worker = async (): Promise<void> => {
      for (let index = pending.shift(); index !== undefined && !stalled && !failure && !this.closed; index = pending.shift()) {
        const start = index * record.chunkSize;
        const plain = new Uint8Array(await original.slice(start, Math.min(record.size, start + record.chunkSize)).arrayBuffer());
        const { bytes, hash } = await this.codec.sealBlob(record, index, plain);
        if (hash !== record.chunkHashes?.[index]) {
          failure = this.codec.blobErrorText('changed');
          return;
        }
        try {
          await blobs.put(hash, bytes);
        } catch (err) {
          if (err instanceof BlobNetworkError && err.code !== 'unreachable') failure = this.codec.blobErrorText(err.code);
          else stalled = true; // offline or relay down: keep the rest queued and try again later
          console.debug('blob upload stopped', fileId, index, err);
          return;
        }
        unsaved.push(index);
        if (Date.now() - savedAt >= SAVE_EVERY_MS) await save();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.blobUploadConcurrency) }, worker));
    await save();
    if (this.closed) return;
    if (failure) return this.fail(fileId, failure);
    if (stalled) {
      this.emit(await updateFileRecord(this.db, fileId, (r) => (r.status === 'uploading' ? { ...r, status: 'queued' } : r)));
      return this.retryLater(fileId);
    }
    const latest = await getFileRecord(this.db, fileId);
    if (latest && (latest.sentChunks ?? []).length >= latest.chunkCount) {
      this.originals.delete(fileId);
      this.emit(await finishBlobUpload(this.db, fileId));
    }
  }

  /**
   * GETs every missing chunk from the relays, checks it against the listed hash and AES-GCM, and keeps the plaintext
   * as a Blob in IndexedDB. A chunk no relay has yet is asked for again every `blobRetryMs`.
   */
  private async downloadBlobs(record: FileRecord): Promise<void> {
    const { fileId } = record;
    const blobs = this.blobs;
    if (!blobs) return;
    const have = new Set(await storedChunkIndexes(this.db, fileId));
    const missing: number[] = [];
    for (let i = 0; i < record.chunkCount; i++) if (!have.has(i)) missing.push(i);
    this.emit(record);
    let failure: string | undefined;
    const fetchOne = async (index: number): Promise<void> => {
      const hash = record.chunkHashes?.[index] as string;
      let bad = 0;
      let wait = this.options.blobRetryMs / 10;
      while (!failure && !stopped && !this.closed) {
        let data: ArrayBuffer | undefined;
        try {
          data = await blobs.get(hash);
        } catch (err) {
          if (err instanceof BlobNetworkError) failure = this.codec.blobErrorText(err.code);
          else throw err;
          return;
        }
        if (!data) {
          await this.pause(wait);
          wait = Math.min(this.options.blobRetryMs, wait * 2);
          continue;
        }
        const plain = await this.codec.openBlob(record, index, data);
        if (plain) {
          this.emit(await storeReceivedPart(this.db, fileId, index, new Blob([plain])));
          return;
        }
        if (++bad >= this.options.maxBadAttempts) {
          failure = `Part ${index + 1} of ${record.chunkCount} failed verification ${bad} times (corrupted or tampered with).`;
          return;
        }
        await this.pause(this.options.backoffMs * 2 ** (bad - 1));
      }
    };
    let stopped = false;
    const worker = async (): Promise<void> => {
      for (let index = missing.shift(); index !== undefined && !failure && !stopped && !this.closed; index = missing.shift()) {
        try {
          await fetchOne(index);
        } catch (err) {
          stopped = true; // cancelled (reconnect, close): the other workers stop after their current chunk
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.blobDownloadWindow) }, worker));
    if (this.closed) return;
    if (failure) {
      await deleteChunks(this.db, fileId); // the parts of a file that cannot complete only take space
      return this.fail(fileId, failure);
    }
    const stored = await storedChunkIndexes(this.db, fileId);
    if (stored.filter((i) => i >= 0).length !== record.chunkCount) return this.fail(fileId, this.codec.blobErrorText('lost'));
    // The file is the Blob made of the stored parts (file-store fileBytesInChunks): no copy, no whole-file read.
    this.emit(await updateFileRecord(this.db, fileId, unlessFailed((r) => ({ ...r, status: 'complete', doneChunks: r.chunkCount, error: '', bytesInChunks: true }))));
  }

  // --- download ---------------------------------------------------------------------------------

  private async download(record: FileRecord): Promise<void> {
    const { fileId } = record;
    const have = new Set(await storedChunkIndexes(this.db, fileId));
    const missing: number[] = [];
    for (let i = 0; i < record.chunkCount; i++) if (!have.has(i)) missing.push(i);
    this.emit(record);
    let failure: Error | undefined;
    const worker = async (): Promise<void> => {
      for (let index = missing.shift(); index !== undefined && !failure; index = missing.shift()) {
        try {
          const plain = await this.fetchChunk(record, index, () => failure !== undefined);
          this.emit(await storeReceivedChunk(this.db, fileId, index, plain));
        } catch (err) {
          if (err instanceof TransferStopped) throw err;
          failure = err instanceof Error ? err : new Error(String(err));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.downloadWindow) }, worker));
    if (failure) return this.fail(fileId, failure.message);
    await this.assemble(record);
  }

  /** Waits for a chunk that authenticates; refetches a bad one with backoff, then gives up. */
  private fetchChunk(meta: FileRecord, index: number, abandoned: () => boolean): Promise<ArrayBuffer> {
    return new Promise<ArrayBuffer>((resolve, reject) => {
      let bad = 0;
      let settled = false;
      let checking = false;
      let stopWatch: () => void = () => undefined;
      let retryTimer: ReturnType<typeof setTimeout> | undefined;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        stopWatch();
        if (retryTimer) clearTimeout(retryTimer);
        this.cancels.delete(cancel);
        f();
      };
      const cancel = () => finish(() => reject(new TransferStopped()));
      this.cancels.add(cancel);
      const attempt = () => {
        if (settled) return;
        if (abandoned()) return finish(() => reject(new TransferStopped()));
        stopWatch = this.net.watch(addressOf(meta, index), (value) => {
          if (settled || checking || value === undefined || value === null) return; // not there yet: keep waiting
          checking = true;
          void this.codec.open(meta, index, value).then((plain) => {
            checking = false;
            if (settled) return;
            if (plain) return finish(() => resolve(plain));
            bad++;
            stopWatch();
            if (bad >= this.options.maxBadAttempts) {
              return finish(() =>
                reject(new ChunkVerificationError(`Part ${index + 1} of ${meta.chunkCount} failed verification ${bad} times (corrupted or tampered with).`)),
              );
            }
            retryTimer = setTimeout(attempt, this.options.backoffMs * 2 ** (bad - 1));
          });
        });
      };
      attempt();
    });
  }

  private async assemble(record: FileRecord): Promise<void> {
    const parts = await receivedParts(this.db, record.fileId, record.chunkCount);
    if (!parts) return this.fail(record.fileId, 'Some parts were lost from local storage; the file could not be assembled.');
    const blob = new Blob(parts, { type: record.type || 'application/octet-stream' });
    const hash = await this.codec.sha256Hex(blob);
    if (hash !== record.sha256) {
      await deleteChunks(this.db, record.fileId);
      return this.fail(record.fileId, 'The received file does not match its SHA-256 checksum; it was discarded.');
    }
    // Only a download still running completes: the file may have been deleted (FileService.discard) meanwhile.
    const done = await updateFileRecord(this.db, record.fileId, (r) =>
      r.status === 'downloading' ? { ...r, blob, status: 'complete', doneChunks: r.chunkCount, error: '' } : r,
    );
    await deleteChunks(this.db, record.fileId);
    this.emit(done);
  }

  private async fail(fileId: string, error: string): Promise<void> {
    // A record that already failed (e.g. deleted by its sender) keeps its first reason.
    this.emit(await updateFileRecord(this.db, fileId, unlessFailed((r) => ({ ...r, status: 'failed', error, blob: undefined }))));
  }
}
