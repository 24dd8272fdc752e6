// Runs in the benchmark page (bundled by bench/search.ts): the app's own IndexedDB schema and search code.
import { openMeshdropDB } from '../../src/store/db.js';
import { SearchIndex } from '../../src/core/search-index.js';
import { orderKey } from '../../src/core/order.js';
import type { MessageRecord } from '../../src/store/schema.js';

const WORDS = ['lunch', 'meeting', 'photo', 'train', 'tomorrow', 'budget', 'garden', 'concert', 'invoice', 'holiday', 'coffee', 'release'];

async function seed(count: number, chats: number): Promise<void> {
  const db = await openMeshdropDB('bench-search');
  const tx = db.transaction('messages', 'readwrite');
  const t0 = Date.now() - count * 60_000;
  for (let i = 0; i < count; i++) {
    const sentAt = t0 + i * 60_000;
    const text = `message ${i}: about the ${WORDS[i % WORDS.length]} and the ${WORDS[(i * 7) % WORDS.length]}, see you ${i % 97 === 0 ? 'at the zeppelin' : 'soon'} — ${'x'.repeat(i % 120)}`;
    const m: MessageRecord = {
      id: sentAt.toString(36).padStart(9, '0') + i.toString(16).padStart(12, '0'),
      channelId: `chat-${i % chats}`,
      author: i % 2 ? 'them' : 'me',
      sentAt,
      kind: 'text',
      text,
      status: 'received',
      receivedAt: sentAt,
    };
    m.order = orderKey(m); // as the app's store writes it (the chat history index)
    void tx.store.put(m);
  }
  await tx.done;
  db.close();
}

/** The app's search as the controller runs it: an index read once from IndexedDB, then kept in memory. */
let index: SearchIndex | undefined;

/** ms for one search of the whole history (newest 50 hits); `cold` reads the history first (the first search). */
async function search(query: string, cold = false): Promise<{ ms: number; hits: number }> {
  const db = await openMeshdropDB('bench-search');
  if (cold || !index) index = new SearchIndex(() => db.getAll('messages'));
  const t0 = performance.now();
  const hits = await index.search(query, 50);
  const ms = performance.now() - t0;
  db.close();
  return { ms, hits: hits.length };
}

/** Baseline: the floor any full-history search pays, one getAll() of the messages store. */
async function readAll(): Promise<{ ms: number; hits: number }> {
  const db = await openMeshdropDB('bench-search');
  const t0 = performance.now();
  const all = await db.getAll('messages');
  const ms = performance.now() - t0;
  db.close();
  return { ms, hits: all.length };
}

(globalThis as unknown as { benchSearch: unknown }).benchSearch = { seed, search, readAll };
