import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { loadMessagePage } from '../../src/store/messages-store.js';
import { DB_VERSION } from '../../src/store/schema.js';
import { orderKey } from '../../src/core/order.js';

/**
 * Creates a database exactly as version 1 (messages indexed by time) or version 3 (plus the conversation stores)
 * of the app did, with messages, channels, actions and seen pointers stored by it.
 */
async function oldDatabase(
  name: string,
  version: 1 | 3,
  messages: Record<string, unknown>[],
  channels: Record<string, unknown>[] = [],
  actions: Record<string, unknown>[] = [],
  seen: Record<string, unknown>[] = [],
): Promise<void> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => {
      const d = req.result;
      for (const s of ['identity', 'settings']) d.createObjectStore(s);
      d.createObjectStore('contacts', { keyPath: 'pub' });
      d.createObjectStore('channels', { keyPath: 'id' });
      const m = d.createObjectStore('messages', { keyPath: 'id' });
      m.createIndex('byChannelTime', ['channelId', 'sentAt', 'id']);
      d.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byCreated', 'createdAt');
      d.createObjectStore('files', { keyPath: 'fileId' });
      d.createObjectStore('chunks', { keyPath: ['fileId', 'index'] });
      d.createObjectStore('shares', { keyPath: 'id' });
      if (version === 3) {
        d.createObjectStore('actions', { keyPath: 'id' }).createIndex('byTarget', 'target');
        d.createObjectStore('seen', { keyPath: ['channelId', 'reader'] });
      }
    };
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  const tx = db.transaction(version === 3 ? ['messages', 'channels', 'actions', 'seen'] : ['messages', 'channels'], 'readwrite');
  for (const m of messages) tx.objectStore('messages').put(m);
  for (const c of channels) tx.objectStore('channels').put(c);
  for (const a of actions) tx.objectStore('actions').put(a);
  for (const x of seen) tx.objectStore('seen').put(x);
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}

const versionOneDatabase = (name: string, messages: Record<string, unknown>[]) => oldDatabase(name, 1, messages);

const STORES = ['actions', 'channels', 'chunks', 'contacts', 'files', 'identity', 'messages', 'outbox', 'seen', 'settings', 'shares'];

describe('IndexedDB upgrades (3: conversation, 4: message order)', () => {
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
    // The version-3 step ran before the version-4 step: the conversation stores exist and work.
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

  it('a version-3 database keeps its messages, actions and seen pointers; its messages get order keys in time order', async () => {
    const name = `upgrade3-${Math.random()}`;
    const msgs = Array.from({ length: 12 }, (_, i) => {
      const sentAt = 1_700_000_000_000 + (11 - i) * 1_000; // stored newest first
      const id = sentAt.toString(36).padStart(9, '0') + i.toString(16).padStart(12, '0');
      return { id, channelId: 'c1', author: i % 2 ? 'bob' : 'me', sentAt, kind: 'text', text: `m${11 - i}`, status: 'received', receivedAt: 1, ...(i === 3 ? { replyTo: 'x', edited: true } : {}) };
    });
    const channel = { id: 'c1', kind: 'direct', title: '', members: ['bob'], admin: '', keys: [], currentEpoch: 0, createdAt: 1, lastMessageAt: 1, lastReadAt: 1, unread: 3, closed: false, readUpTo: 5 };
    const action = { id: 'a1', channelId: 'c1', author: 'bob', sentAt: 1, target: msgs[0]!.id, type: 'react', value: '👍', state: 'applied' };
    const parked = { id: 'a2', channelId: 'c1', author: 'bob', sentAt: 2, target: 'not-here', type: 'edit', value: 'x', state: 'parked' };
    const seenAt = { channelId: 'c1', reader: 'bob', sentAt: 1, id: msgs[0]!.id };
    await oldDatabase(name, 3, msgs, [channel], [action, parked], [seenAt]);
    const db = await openMeshdropDB(name);
    expect(db.version).to.equal(DB_VERSION);
    expect([...db.objectStoreNames].sort()).to.deep.equal(STORES);
    expect([...db.transaction('messages').store.indexNames]).to.deep.equal(['byChannelOrder']);
    // Every field kept; the order key added (no Lamport clock: send time, then id).
    const all = await db.getAll('messages');
    expect(all.length).to.equal(12);
    for (const m of all) {
      const { order, ...rest } = m;
      expect(order).to.equal(orderKey(m));
      expect(rest).to.deep.equal(msgs.find((x) => x.id === m.id));
    }
    expect(await db.get('channels', 'c1')).to.deep.equal(channel);
    expect(await db.getAll('actions')).to.deep.equal([action, parked]);
    expect((await db.getAllFromIndex('actions', 'byTarget', msgs[0]!.id)).length).to.equal(1);
    expect(await db.getAll('seen')).to.deep.equal([seenAt]);
    const page = await loadMessagePage(db, 'c1', undefined, 12);
    expect(page.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `m${i}`));
    db.close();
  });

  it('a new database gets the same stores and index', async () => {
    const db = await openMeshdropDB(`fresh-${Math.random()}`);
    expect([...db.transaction('messages').store.indexNames]).to.deep.equal(['byChannelOrder']);
    expect([...db.objectStoreNames].sort()).to.deep.equal(STORES);
    db.close();
  });
});
