import type { MeshdropDatabase } from './db.js';
import type { ChannelRecord, MessageRecord, MessageStatus, OutboxRecord } from './schema.js';

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

/**
 * Moves a message's status forward only (a late relay ack never turns "delivered" back into "sent"), and only
 * if `applies` accepts the stored message (e.g. a receipt must be for my message in that channel).
 */
export async function advanceMessageStatus(
  db: MeshdropDatabase,
  id: string,
  status: MessageStatus,
  applies: (m: MessageRecord) => boolean = () => true,
): Promise<MessageRecord | undefined> {
  const tx = db.transaction('messages', 'readwrite');
  const m = await tx.store.get(id);
  if (!m || RANK[m.status] >= RANK[status] || !applies(m)) {
    await tx.done;
    return undefined;
  }
  m.status = status;
  delete m.failReason;
  await tx.store.put(m);
  await tx.done;
  return m;
}

/**
 * Marks a message of mine that no relay would take as failed, with the reason to show. Only a pending (or already
 * failed) message changes: one a relay acked or that was delivered stays so.
 */
export async function markMessageFailed(db: MeshdropDatabase, id: string, reason: string): Promise<MessageRecord | undefined> {
  const tx = db.transaction('messages', 'readwrite');
  const m = await tx.store.get(id);
  if (!m || (m.status !== 'pending' && m.status !== 'failed') || (m.status === 'failed' && m.failReason === reason)) {
    await tx.done;
    return undefined;
  }
  m.status = 'failed';
  m.failReason = reason;
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
 * (last activity, unread count) and queues `write` (the delivery receipt) in the outbox: one transaction instead
 * of three on the receive path. Returns true when stored (and only then is `write` queued).
 */
export async function addMessageAndUpdateChannel(
  db: MeshdropDatabase,
  message: MessageRecord,
  change: (c: ChannelRecord) => void,
  write?: OutboxRecord,
): Promise<boolean> {
  const tx = db.transaction(['messages', 'channels', 'outbox'], 'readwrite');
  const messages = tx.objectStore('messages');
  const channels = tx.objectStore('channels');
  if (await messages.getKey(message.id)) {
    await tx.done;
    return false;
  }
  await messages.put(message);
  if (write) await tx.objectStore('outbox').put(write);
  const c = await channels.get(message.channelId);
  if (c) {
    change(c);
    await channels.put(c);
  }
  await tx.done;
  return true;
}

/**
 * Stores a message I am sending, applies `change` to its channel and queues its write in the outbox, all in one
 * transaction: the message is never stored without its outbox entry, and sending costs one IndexedDB round trip.
 */
export async function addOutgoingMessage(db: MeshdropDatabase, message: MessageRecord, change: (c: ChannelRecord) => void, write: OutboxRecord): Promise<void> {
  const tx = db.transaction(['messages', 'channels', 'outbox'], 'readwrite');
  const channels = tx.objectStore('channels');
  const c = await channels.get(message.channelId);
  if (c) change(c);
  await Promise.all([tx.objectStore('messages').put(message), c ? channels.put(c) : undefined, tx.objectStore('outbox').put(write), tx.done]);
}

/** The channel and whether a message id is already stored, read in one transaction. */
export async function getChannelAndKnown(db: MeshdropDatabase, channelId: string, messageId: string): Promise<{ channel: ChannelRecord | undefined; known: boolean }> {
  const tx = db.transaction(['channels', 'messages'], 'readonly');
  const [channel, key] = await Promise.all([tx.objectStore('channels').get(channelId), tx.objectStore('messages').getKey(messageId), tx.done]);
  return { channel, known: key !== undefined };
}
