import type { MeshdropDatabase } from './db.js';
import type { ChannelRecord } from './schema.js';

export function getChannel(db: MeshdropDatabase, id: string): Promise<ChannelRecord | undefined> {
  return db.get('channels', id);
}

export async function putChannel(db: MeshdropDatabase, channel: ChannelRecord): Promise<void> {
  await db.put('channels', channel);
}

export function listChannels(db: MeshdropDatabase): Promise<ChannelRecord[]> {
  return db.getAll('channels');
}

/** Read-modify-write in one transaction, so concurrent updates (unread counts) are not lost. */
export async function updateChannel(db: MeshdropDatabase, id: string, change: (c: ChannelRecord) => void): Promise<ChannelRecord | undefined> {
  const tx = db.transaction('channels', 'readwrite');
  const c = await tx.store.get(id);
  if (c) {
    change(c);
    await tx.store.put(c);
  }
  await tx.done;
  return c;
}
