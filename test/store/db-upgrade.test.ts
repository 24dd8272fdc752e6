import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { loadMessagePage } from '../../src/store/messages-store.js';
import { DB_VERSION } from '../../src/store/schema.js';

/** Creates a database exactly as version 1 of the app did, with messages stored by it. */
async function versionOneDatabase(name: string, messages: Record<string, unknown>[]): Promise<void> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const d = req.result;
      for (const s of ['identity', 'settings']) d.createObjectStore(s);
      d.createObjectStore('contacts', { keyPath: 'pub' });
      d.createObjectStore('channels', { keyPath: 'id' });
      d.createObjectStore('messages', { keyPath: 'id' }).createIndex('byChannelTime', ['channelId', 'sentAt', 'id']);
      d.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byCreated', 'createdAt');
      d.createObjectStore('files', { keyPath: 'fileId' });
      d.createObjectStore('chunks', { keyPath: ['fileId', 'index'] });
      d.createObjectStore('shares', { keyPath: 'id' });
    };
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  const tx = db.transaction('messages', 'readwrite');
  for (const m of messages) tx.objectStore('messages').put(m);
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}

describe('IndexedDB upgrade to version 2 (message order)', () => {
  it('keeps every stored message, gives each an order key and keeps old history in time order', async () => {
    const name = `upgrade-${Math.random()}`;
    const old = Array.from({ length: 30 }, (_, i) => {
      const sentAt = 1_700_000_000_000 + (29 - i) * 60_000; // stored newest first
      return { id: sentAt.toString(36).padStart(9, '0') + i.toString(16).padStart(12, '0'), channelId: 'c1', author: i % 2 ? 'bob' : 'me', sentAt, kind: 'text', text: `old ${29 - i}`, status: 'received', receivedAt: sentAt };
    });
    await versionOneDatabase(name, [...old, { ...old[0], id: 'zzzzzzzzz000000000000', channelId: 'c2', text: 'other chat' }]);
    const db = await openMeshdropDB(name);
    expect(db.version).to.equal(DB_VERSION);
    expect(await db.count('messages')).to.equal(31);
    const all = await db.getAll('messages');
    expect(all.every((m) => typeof m.order === 'string' && m.order.length > 0)).to.equal(true);
    expect([...db.transaction('messages').store.indexNames]).to.deep.equal(['byChannelOrder']);
    const page = await loadMessagePage(db, 'c1', undefined, 20);
    expect(page.hasMore).to.equal(true);
    expect(page.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `old ${10 + i}`));
    const older = await loadMessagePage(db, 'c1', page.messages[0], 20);
    expect(older.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `old ${i}`));
    expect(older.hasMore).to.equal(false);
    db.close();
  });

  it('a new database gets the same stores and index', async () => {
    const db = await openMeshdropDB(`fresh-${Math.random()}`);
    expect([...db.transaction('messages').store.indexNames]).to.deep.equal(['byChannelOrder']);
    expect([...db.objectStoreNames].sort()).to.deep.equal(['channels', 'chunks', 'contacts', 'files', 'identity', 'messages', 'outbox', 'settings', 'shares']);
    db.close();
  });
});
