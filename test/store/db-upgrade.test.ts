import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { loadMessagePage } from '../../src/store/messages-store.js';
import { DB_VERSION } from '../../src/store/schema.js';
import { orderKey } from '../../src/core/order.js';

/**
 * Creates a database exactly as version 1 (messages indexed by time) or version 2 (by order key) of the app did,
 * with messages and channels stored by it.
 */
async function oldDatabase(name: string, version: 1 | 2, messages: Record<string, unknown>[], channels: Record<string, unknown>[] = []): Promise<void> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => {
      const d = req.result;
      for (const s of ['identity', 'settings']) d.createObjectStore(s);
      d.createObjectStore('contacts', { keyPath: 'pub' });
      d.createObjectStore('channels', { keyPath: 'id' });
      const m = d.createObjectStore('messages', { keyPath: 'id' });
      if (version === 1) m.createIndex('byChannelTime', ['channelId', 'sentAt', 'id']);
      else m.createIndex('byChannelOrder', ['channelId', 'order']);
      d.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byCreated', 'createdAt');
      d.createObjectStore('files', { keyPath: 'fileId' });
      d.createObjectStore('chunks', { keyPath: ['fileId', 'index'] });
      d.createObjectStore('shares', { keyPath: 'id' });
    };
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  const tx = db.transaction(['messages', 'channels'], 'readwrite');
  for (const m of messages) tx.objectStore('messages').put(m);
  for (const c of channels) tx.objectStore('channels').put(c);
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}

const versionOneDatabase = (name: string, messages: Record<string, unknown>[]) => oldDatabase(name, 1, messages);

const STORES = ['actions', 'channels', 'chunks', 'contacts', 'files', 'identity', 'messages', 'outbox', 'seen', 'settings', 'shares'];

describe('IndexedDB upgrades (2: message order, 3: conversation)', () => {
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
    // The version-3 step ran after the version-2 step: the conversation stores exist and work.
    expect([...db.objectStoreNames].sort()).to.deep.equal(STORES);
    await db.put('actions', { id: 'a1', channelId: 'c1', author: 'bob', sentAt: 1, target: old[0]!.id, type: 'react', value: '👍', state: 'parked' });
    expect((await db.getAllFromIndex('actions', 'byTarget', old[0]!.id)).length).to.equal(1);
    const page = await loadMessagePage(db, 'c1', undefined, 20);
    expect(page.hasMore).to.equal(true);
    expect(page.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `old ${10 + i}`));
    const older = await loadMessagePage(db, 'c1', page.messages[0], 20);
    expect(older.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `old ${i}`));
    expect(older.hasMore).to.equal(false);
    db.close();
  });

  it('a version-2 database keeps its messages, order keys and counters and gets the conversation stores', async () => {
    const name = `upgrade2-${Math.random()}`;
    const msgs = Array.from({ length: 12 }, (_, i) => {
      const id = (1_700_000_000_000 + i).toString(36).padStart(9, '0') + i.toString(16).padStart(12, '0');
      // Stored out of order; the order key (Lamport clock 12 - i) decides, not the time.
      const m = { id, channelId: 'c1', author: 'bob', sentAt: 1_700_000_000_000 + i, kind: 'text', text: `m${i}`, status: 'received', receivedAt: 1, lamport: 12 - i, seq: 12 - i };
      return { ...m, order: orderKey(m) };
    });
    const channel = { id: 'c1', kind: 'direct', title: '', members: ['bob'], admin: '', keys: [], currentEpoch: 0, createdAt: 1, lastMessageAt: 1, lastReadAt: 1, unread: 3, closed: false, clock: 12, sendSeq: 4, lastSentId: msgs[0]!.id, authors: { bob: { floor: 1, top: 12, cursor: msgs[11]!.id } } };
    await oldDatabase(name, 2, msgs, [channel]);
    const db = await openMeshdropDB(name);
    expect(db.version).to.equal(DB_VERSION);
    expect([...db.objectStoreNames].sort()).to.deep.equal(STORES);
    expect([...db.transaction('messages').store.indexNames]).to.deep.equal(['byChannelOrder']);
    expect(await db.getAll('messages')).to.deep.equal(msgs);
    expect(await db.get('channels', 'c1')).to.deep.equal(channel);
    const page = await loadMessagePage(db, 'c1', undefined, 12);
    expect(page.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `m${11 - i}`));
    await db.put('seen', { channelId: 'c1', reader: 'bob', sentAt: 1, id: msgs[0]!.id });
    expect((await db.getAll('seen')).length).to.equal(1);
    db.close();
  });

  it('a new database gets the same stores and index', async () => {
    const db = await openMeshdropDB(`fresh-${Math.random()}`);
    expect([...db.transaction('messages').store.indexNames]).to.deep.equal(['byChannelOrder']);
    expect([...db.objectStoreNames].sort()).to.deep.equal(STORES);
    db.close();
  });
});
