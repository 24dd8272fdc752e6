/**
 * File transfer state in IndexedDB: one FileRecord per file (status, progress, final Blob) and its chunks.
 * Shared by the page and the service worker, so only IndexedDB and Blob are used here (no DOM APIs).
 */
import type { MeshdropDatabase } from './db.js';
import type { ChunkRecord, FileRecord, ShareRecord } from './schema.js';

const chunkRange = (fileId: string) => IDBKeyRange.bound([fileId, 0], [fileId, Number.MAX_SAFE_INTEGER]);

export function getFileRecord(db: MeshdropDatabase, fileId: string): Promise<FileRecord | undefined> {
  return db.get('files', fileId);
}

export async function putFileRecord(db: MeshdropDatabase, record: FileRecord): Promise<void> {
  await db.put('files', { ...record, updatedAt: Date.now() });
}

/**
 * A file-record change that leaves a failed record as it is: 'failed' is final for a transfer under way (a file deleted
 * for everyone while its last part was on the way turned back into "sent" when the upload finished after the deletion).
 */
export function unlessFailed(change: (record: FileRecord) => FileRecord): (record: FileRecord) => FileRecord {
  return (r) => (r.status === 'failed' ? r : change(r));
}

/**
 * Read-modify-write of a file record in one transaction, so concurrent chunk completions never lose
 * each other's updates. Returns the stored record, or undefined if the file is unknown.
 */
export async function updateFileRecord(
  db: MeshdropDatabase,
  fileId: string,
  change: (record: FileRecord) => FileRecord,
): Promise<FileRecord | undefined> {
  const tx = db.transaction('files', 'readwrite');
  const current = await tx.store.get(fileId);
  if (!current) {
    await tx.done;
    return undefined;
  }
  const next = { ...change(current), updatedAt: Date.now() };
  await tx.store.put(next);
  await tx.done;
  return next;
}

export async function listFileRecords(db: MeshdropDatabase): Promise<FileRecord[]> {
  return db.getAll('files');
}

export async function putChunk(db: MeshdropDatabase, chunk: ChunkRecord): Promise<void> {
  await db.put('chunks', chunk);
}

export function getChunk(db: MeshdropDatabase, fileId: string, index: number): Promise<ChunkRecord | undefined> {
  return db.get('chunks', [fileId, index]);
}

/** Indexes of the chunks stored for a file, ascending. */
export async function storedChunkIndexes(db: MeshdropDatabase, fileId: string): Promise<number[]> {
  const keys = await db.getAllKeys('chunks', chunkRange(fileId));
  return keys.map((k) => k[1]);
}

/** Stores one verified incoming chunk and bumps the progress counter in the same transaction. */
export function storeReceivedChunk(db: MeshdropDatabase, fileId: string, index: number, plain: ArrayBuffer): Promise<FileRecord | undefined> {
  return storeIncoming(db, { fileId, index, data: '', plain });
}

/**
 * Stores one verified incoming chunk of a blob file as a Blob (kept on disk by IndexedDB) and bumps the progress
 * counter in the same transaction.
 */
export function storeReceivedPart(db: MeshdropDatabase, fileId: string, index: number, part: Blob): Promise<FileRecord | undefined> {
  return storeIncoming(db, { fileId, index, data: '', part });
}

/** Keeps an incoming chunk once (only while its file is downloading) and counts it, in one transaction. */
async function storeIncoming(db: MeshdropDatabase, chunk: ChunkRecord): Promise<FileRecord | undefined> {
  const tx = db.transaction(['files', 'chunks'], 'readwrite');
  const files = tx.objectStore('files');
  const chunks = tx.objectStore('chunks');
  const current = await files.get(chunk.fileId);
  const existing = await chunks.getKey([chunk.fileId, chunk.index]);
  let next = current;
  if (current && existing === undefined && current.status === 'downloading') {
    await chunks.put(chunk);
    next = { ...current, doneChunks: current.doneChunks + 1, updatedAt: Date.now() };
    await files.put(next);
  }
  await tx.done;
  return next;
}

/** The decrypted parts of a file in order, or undefined if any chunk is missing. */
export async function receivedParts(db: MeshdropDatabase, fileId: string, chunkCount: number): Promise<(ArrayBuffer | Blob)[] | undefined> {
  const records = await db.getAll('chunks', chunkRange(fileId));
  if (records.length !== chunkCount) return undefined;
  const parts: (ArrayBuffer | Blob)[] = [];
  for (let i = 0; i < chunkCount; i++) {
    const r = records[i];
    const part = r?.part ?? r?.plain;
    if (!r || r.index !== i || !part) return undefined;
    parts.push(part);
  }
  return parts;
}

/**
 * The bytes of a blob file whose record says they stay in the chunks store: the sender's parked original, or the
 * receiver's parts as one Blob (made of IndexedDB-backed Blobs, so it is not read into memory). Undefined if lost.
 */
export async function fileBytesInChunks(db: MeshdropDatabase, record: FileRecord): Promise<Blob | undefined> {
  if (record.direction === 'out') return (await db.get('chunks', [record.fileId, ORIGINAL_INDEX]))?.original;
  const parts = await receivedParts(db, record.fileId, record.chunkCount);
  return parts ? new Blob(parts, { type: record.type || 'application/octet-stream' }) : undefined;
}

/** Marks a blob upload sent (not a failed one: see unlessFailed); the original stays parked in the chunks store (no copy of a large file). */
export async function finishBlobUpload(db: MeshdropDatabase, fileId: string): Promise<FileRecord | undefined> {
  return updateFileRecord(db, fileId, unlessFailed((r) => ({ ...r, status: 'sent', doneChunks: r.chunkCount, error: '', bytesInChunks: true })));
}

/** Index of the chunk-store record that parks an outgoing file's original until the upload is done. */
export const ORIGINAL_INDEX = -1;

/**
 * Keeps the sender's original file outside the FileRecord while the upload runs: the record is rewritten
 * after every chunk, and rewriting a record that holds a large Blob copies it each time.
 */
export async function putOriginal(db: MeshdropDatabase, fileId: string, original: Blob): Promise<void> {
  await db.put('chunks', { fileId, index: ORIGINAL_INDEX, data: '', original });
}

/** Marks an upload sent and moves the parked original into its FileRecord, in one transaction (not a failed one). */
export async function finishUpload(db: MeshdropDatabase, fileId: string): Promise<FileRecord | undefined> {
  const tx = db.transaction(['files', 'chunks'], 'readwrite');
  const files = tx.objectStore('files');
  const chunks = tx.objectStore('chunks');
  const current = await files.get(fileId);
  let next = current;
  // A failed upload stays failed (see unlessFailed).
  if (current && current.status !== 'failed') {
    const parked = await chunks.get([fileId, ORIGINAL_INDEX]);
    next = { ...current, status: 'sent', doneChunks: current.chunkCount, error: '', blob: parked?.original ?? current.blob, updatedAt: Date.now() };
    await files.put(next);
    await chunks.delete(IDBKeyRange.bound([fileId, ORIGINAL_INDEX], [fileId, Number.MAX_SAFE_INTEGER]));
  }
  await tx.done;
  return next;
}

export async function deleteChunks(db: MeshdropDatabase, fileId: string): Promise<void> {
  await db.delete('chunks', chunkRange(fileId));
}

export async function deleteChunk(db: MeshdropDatabase, fileId: string, index: number): Promise<void> {
  await db.delete('chunks', [fileId, index]);
}

// --- shares (written by the service worker, read by the page) ------------------------------------

export async function putShare(db: MeshdropDatabase, share: ShareRecord): Promise<void> {
  await db.put('shares', share);
}

export function getShare(db: MeshdropDatabase, id: string): Promise<ShareRecord | undefined> {
  return db.get('shares', id);
}

export async function listShares(db: MeshdropDatabase): Promise<ShareRecord[]> {
  const all = await db.getAll('shares');
  return all.sort((a, b) => a.receivedAt - b.receivedAt);
}

export async function deleteShare(db: MeshdropDatabase, id: string): Promise<void> {
  await db.delete('shares', id);
}
