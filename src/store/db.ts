import { openDB, type IDBPDatabase } from 'idb';
import { DB_VERSION, type MeshdropDB } from './schema.js';

export type MeshdropDatabase = IDBPDatabase<MeshdropDB>;

export const DEFAULT_DB_NAME = 'meshdrop';

/** Opens (and on first use creates) the app's IndexedDB database. */
export function openMeshdropDB(name = DEFAULT_DB_NAME): Promise<MeshdropDatabase> {
  return openDB<MeshdropDB>(name, DB_VERSION, {
    upgrade(db) {
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
    },
  });
}
