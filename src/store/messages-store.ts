import type { MeshdropDatabase } from './db.js';
import type { MessageRecord, MessageStatus } from './schema.js';

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
