import type { MeshdropDatabase } from './db.js';
import type { IdentityRecord } from './schema.js';

/** Device-wide settings that survive switching identity; everything else belongs to one identity. */
const DEVICE_SETTINGS = new Set(['relays', 'maxFileBytes']);

/**
 * Replaces the identity and removes everything that belonged to the previous one (contacts, chats,
 * messages, pending writes, files, open invites) in one transaction: either all of it happens or none.
 */
export async function replaceAccount(db: MeshdropDatabase, identity: IdentityRecord): Promise<void> {
  const stores = ['identity', 'settings', 'contacts', 'channels', 'messages', 'outbox', 'files', 'chunks'] as const;
  const tx = db.transaction(stores, 'readwrite');
  const done = tx.done;
  for (const name of ['contacts', 'channels', 'messages', 'outbox', 'files', 'chunks'] as const) void tx.objectStore(name).clear();
  const settings = tx.objectStore('settings');
  for (const key of await settings.getAllKeys()) {
    if (!DEVICE_SETTINGS.has(String(key))) void settings.delete(key);
  }
  void tx.objectStore('identity').put(identity, 'self');
  await done;
}

/** Removes the identity and everything that belonged to it (an unlinked device); device-wide settings stay. */
export async function removeAccount(db: MeshdropDatabase): Promise<void> {
  const stores = ['identity', 'settings', 'contacts', 'channels', 'messages', 'outbox', 'files', 'chunks'] as const;
  const tx = db.transaction(stores, 'readwrite');
  const done = tx.done;
  for (const name of ['identity', 'contacts', 'channels', 'messages', 'outbox', 'files', 'chunks'] as const) void tx.objectStore(name).clear();
  const settings = tx.objectStore('settings');
  for (const key of await settings.getAllKeys()) {
    if (!DEVICE_SETTINGS.has(String(key))) void settings.delete(key);
  }
  await done;
}
