import type { MeshdropDatabase } from './db.js';
import type { ChannelRecord, MessageRecord, MessageStatus } from './schema.js';

export function getMessage(db: MeshdropDatabase, id: string): Promise<MessageRecord | undefined> {
  return db.get('messages', id);
}

/** Stores a message unless one with that id exists (duplicate suppression). Returns true when stored. */
export async function addMessageIfNew(db: MeshdropDatabase, message: MessageRecord): Promise<boolean> {
  const tx = db.transaction('messages', 'readwrite');
  if (await tx.store.getKey(message.id)) {
    await tx.done;
    return false;
  }
  await tx.store.put(message);
  await tx.done;
  return true;
}

const RANK: Record<MessageStatus, number> = { failed: 0, pending: 1, sent: 2, delivered: 3, received: 3 };

/** Moves a message's status forward only (a late relay ack never turns "delivered" back into "sent"). */
export async function advanceMessageStatus(db: MeshdropDatabase, id: string, status: MessageStatus): Promise<MessageRecord | undefined> {
  const tx = db.transaction('messages', 'readwrite');
  const m = await tx.store.get(id);
  if (!m || RANK[m.status] >= RANK[status]) {
    await tx.done;
    return undefined;
  }
  m.status = status;
  await tx.store.put(m);
  await tx.done;
  return m;
}

/** Newest `limit` messages of a channel strictly before the cursor, returned oldest first. */
export async function loadMessagePage(
  db: MeshdropDatabase,
  channelId: string,
  before: { sentAt: number; id: string } | undefined,
  limit: number,
): Promise<{ messages: MessageRecord[]; hasMore: boolean }> {
  const upper: [string, number, string] = before ? [channelId, before.sentAt, before.id] : [channelId, Number.MAX_SAFE_INTEGER, '\uffff'];
  const range = IDBKeyRange.bound([channelId, -Infinity, ''], upper, false, !!before);
  const out: MessageRecord[] = [];
  let cursor = await db.transaction('messages').store.index('byChannelTime').openCursor(range, 'prev');
  while (cursor && out.length < limit + 1) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  const hasMore = out.length > limit;
  return { messages: out.slice(0, limit).reverse(), hasMore };
}

export async function latestMessage(db: MeshdropDatabase, channelId: string): Promise<MessageRecord | undefined> {
  const page = await loadMessagePage(db, channelId, undefined, 1);
  return page.messages[0];
}

/**
 * Stores a message unless its id exists and, in the same transaction, applies `change` to its channel
 * (last activity, unread count): one transaction instead of two on the receive path. Returns true when stored.
 */
export async function addMessageAndUpdateChannel(db: MeshdropDatabase, message: MessageRecord, change: (c: ChannelRecord) => void): Promise<boolean> {
  const tx = db.transaction(['messages', 'channels'], 'readwrite');
  const messages = tx.objectStore('messages');
  const channels = tx.objectStore('channels');
  if (await messages.getKey(message.id)) {
    await tx.done;
    return false;
  }
  await messages.put(message);
  const c = await channels.get(message.channelId);
  if (c) {
    change(c);
    await channels.put(c);
  }
  await tx.done;
  return true;
}

/** The channel and whether a message id is already stored, read in one transaction. */
export async function getChannelAndKnown(db: MeshdropDatabase, channelId: string, messageId: string): Promise<{ channel: ChannelRecord | undefined; known: boolean }> {
  const tx = db.transaction(['channels', 'messages'], 'readonly');
  const [channel, key] = await Promise.all([tx.objectStore('channels').get(channelId), tx.objectStore('messages').getKey(messageId), tx.done]);
  return { channel, known: key !== undefined };
}
