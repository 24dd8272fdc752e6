import type { MeshdropDatabase } from './db.js';
import { ORDER_MAX, orderOf } from '../core/order.js';
import type { ChannelRecord, MessageRecord, MessageStatus, OutboxRecord } from './schema.js';

/** Every stored message carries its order key (the index the chat is read by). */
function ordered(message: MessageRecord): MessageRecord {
  message.order = orderOf(message);
  return message;
}

/** Stores a message unless one with that id exists (duplicate suppression). Returns true when stored. */
export async function addMessageIfNew(db: MeshdropDatabase, message: MessageRecord): Promise<boolean> {
  const tx = db.transaction('messages', 'readwrite');
  if (await tx.store.getKey(message.id)) {
    await tx.done;
    return false;
  }
  await tx.store.put(ordered(message));
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
  return (await advanceMessageStatuses(db, [id], status, applies))[0];
}

/** advanceMessageStatus for several messages in one transaction (a batched delivery receipt); returns the changed ones. */
export async function advanceMessageStatuses(
  db: MeshdropDatabase,
  ids: readonly string[],
  status: MessageStatus,
  applies: (m: MessageRecord) => boolean = () => true,
): Promise<MessageRecord[]> {
  const tx = db.transaction('messages', 'readwrite');
  const found = await Promise.all(ids.map((id) => tx.store.get(id)));
  const changed = found.filter((m): m is MessageRecord => !!m && RANK[m.status] < RANK[status] && applies(m));
  for (const m of changed) {
    m.status = status;
    delete m.failReason;
  }
  await Promise.all([...changed.map((m) => tx.store.put(m)), tx.done]);
  return changed;
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

/**
 * Newest `limit` messages of a channel strictly before the cursor in chat order (core/order.ts), returned oldest
 * first.
 */
export async function loadMessagePage(
  db: MeshdropDatabase,
  channelId: string,
  before: { sentAt: number; id: string; order?: string } | undefined,
  limit: number,
): Promise<{ messages: MessageRecord[]; hasMore: boolean }> {
  // A cursor without its order key (an older caller): the stored message's own key places it.
  const at = before && !before.order ? await db.get('messages', before.id) : undefined;
  const upper: [string, string] = [channelId, before ? (at?.order ?? orderOf(before)) : ORDER_MAX];
  const range = IDBKeyRange.bound([channelId, ''], upper, false, !!before);
  const out: MessageRecord[] = [];
  let cursor = await db.transaction('messages').store.index('byChannelOrder').openCursor(range, 'prev');
  while (cursor && out.length < limit + 1) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  const hasMore = out.length > limit;
  return { messages: out.slice(0, limit).reverse(), hasMore };
}

/** The first message of a channel in display order, or undefined when it has none. */
export async function oldestMessage(db: MeshdropDatabase, channelId: string): Promise<MessageRecord | undefined> {
  const range = IDBKeyRange.bound([channelId, ''], [channelId, ORDER_MAX]);
  return (await db.transaction('messages').store.index('byChannelOrder').openCursor(range, 'next'))?.value;
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
  await messages.put(ordered(message));
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
  await Promise.all([tx.objectStore('messages').put(ordered(message)), c ? channels.put(c) : undefined, tx.objectStore('outbox').put(write), tx.done]);
}

/** The channel and whether a message id is already stored, read in one transaction. */
export async function getChannelAndKnown(db: MeshdropDatabase, channelId: string, messageId: string): Promise<{ channel: ChannelRecord | undefined; known: boolean }> {
  const tx = db.transaction(['channels', 'messages'], 'readonly');
  const [channel, key] = await Promise.all([tx.objectStore('channels').get(channelId), tx.objectStore('messages').getKey(messageId), tx.done]);
  return { channel, known: key !== undefined };
}

/**
 * Stores a batch of received messages in one transaction (the catch-up after being offline is hundreds of them):
 * each unless its id exists; `receipts` names the outbox writes (delivery receipts) for the ones stored, queued in
 * the same transaction, so a stored message always gets its receipt; then `change` is applied once to every channel
 * that got new messages. Returns the messages that were stored and the receipts queued.
 */
export async function addReceivedMessages(
  db: MeshdropDatabase,
  batch: readonly MessageRecord[],
  change: (c: ChannelRecord, stored: MessageRecord[]) => void,
  receipts: (stored: MessageRecord[]) => OutboxRecord[] = () => [],
): Promise<{ stored: MessageRecord[]; receipts: OutboxRecord[] }> {
  if (batch.length === 0) return { stored: [], receipts: [] };
  const tx = db.transaction(['messages', 'channels', 'outbox'], 'readwrite');
  const messages = tx.objectStore('messages');
  const channels = tx.objectStore('channels');
  const outbox = tx.objectStore('outbox');
  const keys = await Promise.all(batch.map((m) => messages.getKey(m.id)));
  const stored: MessageRecord[] = [];
  const seen = new Set<string>();
  const writes: Promise<unknown>[] = [];
  batch.forEach((m, i) => {
    if (keys[i] !== undefined || seen.has(m.id)) return;
    seen.add(m.id);
    stored.push(m);
    writes.push(messages.put(ordered(m)));
  });
  const queued = stored.length ? receipts(stored) : [];
  for (const r of queued) writes.push(outbox.put(r));
  const byChannel = new Map<string, MessageRecord[]>();
  for (const m of stored) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
  for (const [channelId, records] of byChannel) {
    const c = await channels.get(channelId);
    if (c) {
      change(c, records);
      writes.push(channels.put(c));
    }
  }
  await Promise.all([...writes, tx.done]);
  return { stored, receipts: queued };
}

/** Which of `ids` are stored (one read transaction). */
export async function storedIds(db: MeshdropDatabase, ids: readonly string[]): Promise<Set<string>> {
  const tx = db.transaction('messages');
  const keys = await Promise.all([...ids.map((id) => tx.store.getKey(id)), tx.done]);
  return new Set(ids.filter((_, i) => keys[i] !== undefined));
}

/** The channels of `channelIds` and which of `ids` are stored, read in one transaction. */
export async function channelsAndKnown(db: MeshdropDatabase, channelIds: readonly string[], ids: readonly string[]): Promise<{ channels: Map<string, ChannelRecord>; known: Set<string> }> {
  const tx = db.transaction(['channels', 'messages'], 'readonly');
  const [chs, keys] = await Promise.all([
    Promise.all(channelIds.map((id) => tx.objectStore('channels').get(id))),
    Promise.all(ids.map((id) => tx.objectStore('messages').getKey(id))),
    tx.done,
  ]);
  const channels = new Map<string, ChannelRecord>();
  chs.forEach((c) => c && channels.set(c.id, c));
  return { channels, known: new Set(ids.filter((_, i) => keys[i] !== undefined)) };
}

/**
 * Stores messages I am sending (several at once when sends were started back to back), applies `change` to
 * their channel and queues their writes in the outbox, all in one transaction.
 */
export async function addOutgoingMessages(db: MeshdropDatabase, channelId: string, messages: MessageRecord[], change: (c: ChannelRecord) => void, writes: OutboxRecord[]): Promise<void> {
  const tx = db.transaction(['messages', 'channels', 'outbox'], 'readwrite');
  const channels = tx.objectStore('channels');
  const c = await channels.get(channelId);
  if (c) change(c);
  await Promise.all([
    ...messages.map((m) => tx.objectStore('messages').put(ordered(m))),
    c ? channels.put(c) : undefined,
    ...writes.map((w) => tx.objectStore('outbox').put(w)),
    tx.done,
  ]);
}
