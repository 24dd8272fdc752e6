import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { orderKey } from '../core/order.js';
import { DB_VERSION, type MeshdropDB } from './schema.js';

export type MeshdropDatabase = IDBPDatabase<MeshdropDB>;

export const DEFAULT_DB_NAME = 'meshdrop';

type UpgradeTx = IDBPTransaction<MeshdropDB, StoreNames<MeshdropDB>[], 'versionchange'>;

/**
 * Version 4 (message order): messages are indexed by [channel, order key] instead of [channel, sentAt, id].
 * Every stored message gets its order key (old ones have no Lamport clock, so theirs follows the send time):
 * nothing is dropped, and old history keeps its former order.
 */
async function upgradeToOrder(tx: UpgradeTx): Promise<void> {
  const messages = tx.objectStore('messages');
  // The old index's name is not in the current schema type.
  if ((messages.indexNames as DOMStringList).contains('byChannelTime')) messages.deleteIndex('byChannelTime' as never);
  messages.createIndex('byChannelOrder', ['channelId', 'order']);
  let cursor = await messages.openCursor();
  while (cursor) {
    const m = cursor.value;
    if (m.order === undefined) {
      m.order = orderKey(m);
      await cursor.update(m);
    }
    cursor = await cursor.continue();
  }
}

/** Opens (and on first use creates, or upgrades) the app's IndexedDB database. */
export function openMeshdropDB(name = DEFAULT_DB_NAME): Promise<MeshdropDatabase> {
  return openDB<MeshdropDB>(name, DB_VERSION, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      // One step per version, applied in order from the version found on disk; a step never drops stored data.
      // (Version 2 was never shipped.)
      if (oldVersion < 1) createVersion1(db);
      if (oldVersion < 3) {
        // Conversation actions (reactions, edits, deletions; parked until their message arrives) and seen receipts.
        db.createObjectStore('actions', { keyPath: 'id' }).createIndex('byTarget', 'target');
        db.createObjectStore('seen', { keyPath: ['channelId', 'reader'] });
      }
      if (oldVersion < 4) await upgradeToOrder(tx);
    },
  });
}

/** The stores of the first version (identity, contacts, chats, messages, outbox, files, shares). */
function createVersion1(db: IDBPDatabase<MeshdropDB>): void {
  db.createObjectStore('identity');
  db.createObjectStore('settings');
  db.createObjectStore('contacts', { keyPath: 'pub' });
  db.createObjectStore('channels', { keyPath: 'id' });
  const messages = db.createObjectStore('messages', { keyPath: 'id' });
  // Version 1 indexed by time; version 4 replaces it (created here so a new database takes the same path).
  messages.createIndex('byChannelTime' as never, ['channelId', 'sentAt', 'id']);
  const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
  outbox.createIndex('byCreated', 'createdAt');
  db.createObjectStore('files', { keyPath: 'fileId' });
  db.createObjectStore('chunks', { keyPath: ['fileId', 'index'] });
  db.createObjectStore('shares', { keyPath: 'id' });
}
