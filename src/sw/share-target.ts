/**
 * Web Share Target: the manifest points shares (POST multipart/form-data) at /share-target. The worker
 * keeps the shared files and text in IndexedDB and sends the app to its "pick a chat" screen; nothing is
 * sent anywhere until the user chooses a chat there.
 */
import { openMeshdropDB } from '../store/db.js';
import { putShare } from '../store/file-store.js';
import type { ShareRecord } from '../store/schema.js';

export const SHARE_TARGET_PATH = '/share-target';
/** Upper bound on what one share may park in IndexedDB (the per-file send limit is checked later). */
const MAX_SHARE_BYTES = 512 * 1024 * 1024;
const MAX_SHARE_FILES = 50;
const MAX_TEXT = 10_000;

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function textField(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

/** Parses the share, stores it and answers with a 303 to the app (or to an error notice). */
export async function receiveShare(request: Request, origin: string): Promise<Response> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.redirect(`${origin}/#share-error=unreadable`, 303);
  }
  const files = form
    .getAll('files')
    .filter((f): f is File => typeof f !== 'string')
    .slice(0, MAX_SHARE_FILES);
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_SHARE_BYTES) return Response.redirect(`${origin}/#share-error=too-large`, 303);
  // Title, text and url often repeat each other (e.g. a page title plus its link); keep each once.
  const parts = [...new Set([textField(form, 'title'), textField(form, 'text'), textField(form, 'url')].filter(Boolean))];
  const text = parts.join('\n').slice(0, MAX_TEXT);
  if (files.length === 0 && !text) return Response.redirect(`${origin}/#share-error=empty`, 303);
  const share: ShareRecord = {
    id: randomHex(16),
    receivedAt: Date.now(),
    // Stored as plain Blobs with their names next to them; File objects are not needed past this point.
    files: files.map((f) => ({ name: f.name || 'shared-file', type: f.type, blob: f.slice(0, f.size, f.type) })),
    text,
  };
  const db = await openMeshdropDB();
  try {
    await putShare(db, share);
  } finally {
    db.close();
  }
  return Response.redirect(`${origin}/#share=${share.id}`, 303);
}
