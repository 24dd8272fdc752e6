/**
 * The file part of the controller: validates and encrypts dropped files into IndexedDB, asks the chat
 * layer to send the file message, drives uploads and downloads, and turns shares into sends.
 */
import type { FileProgress } from './api.js';
import type { MeshdropDatabase } from '../store/db.js';
import {
  deleteShare,
  getFileRecord,
  getShare,
  listShares,
  putChunk,
  putFileRecord,
  putOriginal,
  updateFileRecord,
  deleteChunks,
  deleteChunk,
  ORIGINAL_INDEX,
} from '../store/file-store.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import type { FileMeta, FileRecord } from '../store/schema.js';
import type { ChunkNetwork } from '../sync/chunk-network.js';
import { FileTransfer, progressOf, type ChunkCodec, type FileTransferOptions } from '../sync/file-transfer.js';
import { randomId } from './crypto.js';
import {
  ABSOLUTE_MAX_FILE_BYTES,
  checkFileSizes,
  DEFAULT_MAX_FILE_BYTES,
  encryptFile,
  formatBytes,
  isFileMeta,
  openChunk,
  safeFileName,
  sha256Hex,
} from './files.js';

export const MAX_FILE_BYTES_SETTING = 'maxFileBytes';

/** What the file service needs from the chat layer. */
export interface FileMessenger {
  /** Sends an envelope of kind 'file' carrying `file`; resolves with the stored message's id. */
  sendFileMessage(channelId: string, file: FileMeta): Promise<{ id: string }>;
  sendText(channelId: string, text: string): Promise<unknown>;
}

/** A file message as the chat layer hands it over when one arrives (after envelope verification). */
export interface IncomingFileMessage {
  id: string;
  channelId: string;
  author: string;
  file?: unknown;
}

export interface PendingShare {
  id: string;
  files: { name: string; type: string; size: number }[];
  text: string;
}

export const chunkCodec: ChunkCodec = {
  async open(meta, index, value) {
    const plain = await openChunk(meta, index, value);
    return plain?.buffer;
  },
  sha256Hex: (blob) => sha256Hex(blob),
};

const isLimit = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export class FileService extends EventTarget {
  readonly transfer: FileTransfer;
  private limit: number;
  private messenger: FileMessenger | undefined;

  private constructor(
    private readonly db: MeshdropDatabase,
    net: ChunkNetwork,
    private readonly myPub: () => string | undefined,
    limit: number,
    options: Partial<FileTransferOptions>,
  ) {
    super();
    this.limit = limit;
    this.transfer = new FileTransfer(db, net, chunkCodec, options);
    this.transfer.addEventListener('progress', (e) => {
      const detail = (e as CustomEvent<FileProgress>).detail;
      this.dispatchEvent(new CustomEvent<FileProgress>('file-progress', { detail }));
    });
  }

  static async open(db: MeshdropDatabase, net: ChunkNetwork, myPub: () => string | undefined, options: Partial<FileTransferOptions> = {}): Promise<FileService> {
    const stored = await getSetting(db, MAX_FILE_BYTES_SETTING, isLimit);
    return new FileService(db, net, myPub, Math.min(stored ?? DEFAULT_MAX_FILE_BYTES, ABSOLUTE_MAX_FILE_BYTES), options);
  }

  /** Connects the chat layer (set once the chat part of the controller exists). */
  useMessenger(messenger: FileMessenger): void {
    this.messenger = messenger;
  }

  get maxFileBytes(): number {
    return this.limit;
  }

  async setMaxFileBytes(bytes: number): Promise<void> {
    if (!isLimit(bytes) || bytes > ABSOLUTE_MAX_FILE_BYTES) {
      throw new Error(`The file size limit must be between 1 byte and ${formatBytes(ABSOLUTE_MAX_FILE_BYTES)}.`);
    }
    await setSetting(this.db, MAX_FILE_BYTES_SETTING, bytes);
    this.limit = bytes;
  }

  /**
   * Checks every file against the limit before anything happens, then for each file: encrypts all
   * chunks into IndexedDB (so an offline drop is queued), sends the file message, starts the upload.
   */
  async sendFiles(channelId: string, files: File[]): Promise<void> {
    checkFileSizes(files, this.limit);
    const messenger = this.messenger;
    const me = this.myPub();
    if (!messenger || !me) throw new Error('Sign in and open a chat before sending files.');
    for (const file of files) {
      const meta = await this.prepare(file);
      await putOriginal(this.db, meta.fileId, file);
      await putFileRecord(this.db, {
        ...meta,
        channelId,
        messageId: '',
        author: me,
        direction: 'out',
        doneChunks: 0,
        sentChunks: [],
        status: 'queued',
        error: '',
      });
      const message = await messenger.sendFileMessage(channelId, meta);
      const record = await updateFileRecord(this.db, meta.fileId, (r) => ({ ...r, messageId: message.id }));
      if (record) this.dispatchEvent(new CustomEvent<FileProgress>('file-progress', { detail: progressOf(record) }));
      void this.transfer.start(meta.fileId);
    }
  }

  /** Encrypts a file's chunks into IndexedDB and returns the metadata its message will carry. */
  async prepare(file: File): Promise<FileMeta> {
    const fileId = randomId(16);
    const meta = await encryptFile(file, fileId, (index, data) => putChunk(this.db, { fileId, index, data }));
    return { ...meta, name: safeFileName(meta.name), type: meta.type.slice(0, 127) };
  }

  /**
   * Called by the chat layer for every verified file message (mine from another device or someone
   * else's). Starts the download once; malformed metadata is ignored, an over-limit file is marked failed.
   */
  async receive(message: IncomingFileMessage): Promise<void> {
    const existing = isFileMeta(message.file) ? await getFileRecord(this.db, message.file.fileId) : undefined;
    if (existing) return;
    if (!isFileMeta(message.file)) {
      console.debug('ignored a file message with malformed metadata', message.id);
      return;
    }
    const meta = message.file;
    const tooBig = meta.size > this.limit;
    const record: FileRecord = {
      ...meta,
      name: safeFileName(meta.name),
      channelId: message.channelId,
      messageId: message.id,
      author: message.author,
      direction: 'in',
      doneChunks: 0,
      status: tooBig ? 'failed' : 'downloading',
      error: tooBig ? `This file (${formatBytes(meta.size)}) is over your ${formatBytes(this.limit)} limit, so it was not downloaded.` : '',
    };
    await putFileRecord(this.db, record);
    this.dispatchEvent(new CustomEvent<FileProgress>('file-progress', { detail: progressOf(record) }));
    if (!tooBig) void this.transfer.start(meta.fileId);
  }

  /**
   * The message of this file was deleted (for everyone, or for me): stops offering and fetching its chunks
   * (queued chunks and any assembled copy are dropped; an unfinished transfer is not resumed).
   */
  async discard(fileId: string): Promise<void> {
    const record = await updateFileRecord(this.db, fileId, (r) => ({ ...r, status: 'failed', error: 'This file was deleted.', blob: undefined }));
    await deleteChunks(this.db, fileId);
    await deleteChunk(this.db, fileId, ORIGINAL_INDEX); // an unsent file's original, parked until the upload ends
    if (record) this.dispatchEvent(new CustomEvent<FileProgress>('file-progress', { detail: progressOf(record) }));
  }

  getFile(fileId: string): Promise<FileRecord | undefined> {
    return getFileRecord(this.db, fileId);
  }

  /** Resumes unfinished uploads and downloads (app start). */
  resume(): Promise<void> {
    return this.transfer.resumeAll();
  }

  /** A relay came (back) online. */
  reconnected(): Promise<void> {
    return this.transfer.reconnected();
  }

  async pendingShares(): Promise<PendingShare[]> {
    const shares = await listShares(this.db);
    return shares.map((s) => ({ id: s.id, text: s.text, files: s.files.map((f) => ({ name: f.name, type: f.type, size: f.blob.size })) }));
  }

  /** Sends a shared item into a chat; the share is deleted only after everything was handed over. */
  async sendShare(shareId: string, channelId: string): Promise<void> {
    const share = await getShare(this.db, shareId);
    if (!share) throw new Error('This shared item is no longer available.');
    const files = share.files.map((f) => new File([f.blob], f.name, { type: f.type }));
    if (files.length > 0) await this.sendFiles(channelId, files);
    if (share.text.trim()) {
      if (!this.messenger) throw new Error('Sign in and open a chat before sharing.');
      await this.messenger.sendText(channelId, share.text.trim());
    }
    await deleteShare(this.db, shareId);
  }

  async discardShare(shareId: string): Promise<void> {
    await deleteShare(this.db, shareId);
  }

  close(): void {
    this.transfer.close();
  }
}
