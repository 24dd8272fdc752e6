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
  finishUpload,
  getChunk,
  getFileRecord,
  listFileRecords,
  receivedParts,
  storeReceivedChunk,
  storedChunkIndexes,
  updateFileRecord,
} from '../store/file-store.js';
import type { FileMeta, FileRecord } from '../store/schema.js';
import type { ChunkAddress, ChunkNetwork } from './chunk-network.js';

/** Crypto the transfer needs, injected from core so sync does not depend upward on it. */
export interface ChunkCodec {
  /** The chunk's plaintext if it authenticates for (file, index), else undefined. */
  open(meta: FileMeta, index: number, value: unknown): Promise<ArrayBuffer | undefined>;
  sha256Hex(blob: Blob): Promise<string>;
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
}

export const DEFAULT_TRANSFER_OPTIONS: FileTransferOptions = {
  ackTimeoutMs: 20_000,
  uploadConcurrency: 32,
  downloadWindow: 16,
  maxBadAttempts: 3,
  backoffMs: 500,
  retryMs: 10_000,
};

class TransferStopped extends Error {}

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
  private readonly cancels = new Set<() => void>();
  private closed = false;
  private readonly options: FileTransferOptions;

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly net: ChunkNetwork,
    private readonly codec: ChunkCodec,
    options: Partial<FileTransferOptions> = {},
  ) {
    super();
    this.options = { ...DEFAULT_TRANSFER_OPTIONS, ...options };
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
      if (record.direction === 'out' && (record.status === 'queued' || record.status === 'uploading')) await this.upload(record);
      if (record.direction === 'in' && record.status === 'downloading') await this.download(record);
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
    this.emit(await updateFileRecord(this.db, fileId, (r) => ({ ...r, status: 'uploading', error: '' })));
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
    this.emit(await updateFileRecord(this.db, fileId, (r) => (r.status === 'failed' ? r : { ...r, status: 'failed', error, blob: undefined })));
  }
}
