import { openDB, type IDBPDatabase } from 'idb';
import { DB_VERSION, type MeshdropDB } from './schema.js';

export type MeshdropDatabase = IDBPDatabase<MeshdropDB>;

export const DEFAULT_DB_NAME = 'meshdrop';

/** Opens (and on first use creates) the app's IndexedDB database. */
export function openMeshdropDB(name = DEFAULT_DB_NAME): Promise<MeshdropDatabase> {
  return openDB<MeshdropDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) createVersion1(db);
      if (oldVersion < 3) {
        // Conversation actions (reactions, edits, deletions; parked until their message arrives) and seen receipts.
        db.createObjectStore('actions', { keyPath: 'id' }).createIndex('byTarget', 'target');
        db.createObjectStore('seen', { keyPath: ['channelId', 'reader'] });
      }
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
  messages.createIndex('byChannelTime', ['channelId', 'sentAt', 'id']);
  const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
  outbox.createIndex('byCreated', 'createdAt');
  db.createObjectStore('files', { keyPath: 'fileId' });
  db.createObjectStore('chunks', { keyPath: ['fileId', 'index'] });
  db.createObjectStore('shares', { keyPath: 'id' });
}
