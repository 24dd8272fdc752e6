import type { MeshdropDatabase } from './db.js';
import { ORDER_MAX, orderOf } from '../core/order.js';
import type { ActionRecord, ChannelRecord, MessageRecord, SeenRecord } from './schema.js';

/** Storage of conversation actions (reactions, edits, deletions), seen pointers and the local history search. */

/** What a transaction decided for one action (see core/conversation-rules.ts). */
export interface StoredDecision {
  state: ActionRecord['state'];
  message?: MessageRecord;
  deletedFileId?: string;
}

/** True when an action id is already stored (applied, parked or dropped). */
export async function hasAction(db: MeshdropDatabase, id: string): Promise<boolean> {
  return (await db.getKey('actions', id)) !== undefined;
}

/** Which of `ids` are stored actions (one read transaction for a whole received batch). */
export async function knownActionIds(db: MeshdropDatabase, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const tx = db.transaction('actions');
  const keys = await Promise.all([...ids.map((id) => tx.store.getKey(id)), tx.done]);
  return new Set(ids.filter((_, i) => keys[i] !== undefined));
}

/**
 * Stores an action and applies it to its target in one transaction. A known action id changes nothing
 * (replays); returns undefined then. `decide` gets the target (or undefined if it has not arrived).
 */
export async function storeAndApplyAction(
  db: MeshdropDatabase,
  action: ActionRecord,
  decide: (a: ActionRecord, target: MessageRecord | undefined, channel: ChannelRecord | undefined) => StoredDecision,
): Promise<StoredDecision | undefined> {
  const tx = db.transaction(['actions', 'messages', 'channels'], 'readwrite');
  const actions = tx.objectStore('actions');
  if ((await actions.getKey(action.id)) !== undefined) {
    await tx.done;
    return undefined;
  }
  const [target, channel] = await Promise.all([tx.objectStore('messages').get(action.target), tx.objectStore('channels').get(action.channelId)]);
  const decision = decide(action, target, channel);
  await actions.put({ ...action, state: decision.state });
  if (decision.message) await tx.objectStore('messages').put(decision.message);
  await tx.done;
  return decision;
}

type Decide = (a: ActionRecord, target: MessageRecord | undefined, channel: ChannelRecord | undefined) => StoredDecision;

/**
 * Applies every parked action naming `record` (just stored), oldest first, in one transaction.
 * Returns the record as it is afterwards and the file ids whose message got deleted.
 */
export async function applyParked(
  db: MeshdropDatabase,
  record: MessageRecord,
  decide: Decide,
): Promise<{ message: MessageRecord; deletedFileIds: string[]; changed: boolean }> {
  const { messages, deletedFileIds, changed } = await applyParkedMany(db, [record], decide);
  return { message: messages[0] ?? record, deletedFileIds, changed };
}

/**
 * `applyParked` for a batch of just-stored messages (the batched receive path), in one transaction. Returns the
 * records as they are afterwards, in the same order.
 */
export async function applyParkedMany(
  db: MeshdropDatabase,
  records: readonly MessageRecord[],
  decide: Decide,
): Promise<{ messages: MessageRecord[]; deletedFileIds: string[]; changed: boolean }> {
  if (records.length === 0) return { messages: [], deletedFileIds: [], changed: false };
  const tx = db.transaction(['actions', 'messages', 'channels'], 'readwrite');
  const byTarget = tx.objectStore('actions').index('byTarget');
  const parkedLists = await Promise.all(records.map(async (r) => (await byTarget.getAll(r.id)).filter((a) => a.state === 'parked')));
  const out: MessageRecord[] = [...records];
  const deletedFileIds: string[] = [];
  let changed = false;
  for (let i = 0; i < records.length; i++) {
    const parked = parkedLists[i]!;
    if (parked.length === 0) continue;
    const record = records[i]!;
    changed = true;
    parked.sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1));
    let message = (await tx.objectStore('messages').get(record.id)) ?? record;
    const channel = await tx.objectStore('channels').get(record.channelId);
    for (const a of parked) {
      const d = decide(a, message, channel);
      await tx.objectStore('actions').put({ ...a, state: d.state });
      if (d.message) message = d.message;
      if (d.deletedFileId) deletedFileIds.push(d.deletedFileId);
    }
    await tx.objectStore('messages').put(message);
    out[i] = message;
  }
  await tx.done;
  return { messages: out, deletedFileIds, changed };
}

/** Replaces a message with an empty tombstone marked hidden ("delete for me"). */
export async function hideMessage(db: MeshdropDatabase, id: string): Promise<MessageRecord | undefined> {
  const tx = db.transaction('messages', 'readwrite');
  const m = await tx.store.get(id);
  if (!m) {
    await tx.done;
    return undefined;
  }
  const { file, reactions: _r, ...rest } = m;
  const hidden: MessageRecord = { ...rest, text: '', hidden: true };
  await tx.store.put(hidden);
  await tx.done;
  return file ? { ...hidden, file } : hidden;
}

/** Every stored seen pointer of a channel (one per member, me included). */
export async function seenPointers(db: MeshdropDatabase, channelId: string): Promise<SeenRecord[]> {
  return db.getAll('seen', IDBKeyRange.bound([channelId, ''], [channelId, '\uffff']));
}

/** Stores a seen pointer if it is further than the stored one. Returns true when it moved. */
export async function advanceSeen(db: MeshdropDatabase, next: SeenRecord): Promise<boolean> {
  const tx = db.transaction('seen', 'readwrite');
  const prev = await tx.store.get([next.channelId, next.reader]);
  if (prev && (prev.sentAt > next.sentAt || (prev.sentAt === next.sentAt && prev.id >= next.id))) {
    await tx.done;
    return false;
  }
  await tx.store.put(next);
  await tx.done;
  return true;
}

/** Messages by id (those that exist). */
export async function getMessages(db: MeshdropDatabase, ids: string[]): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const tx = db.transaction('messages');
  const found = await Promise.all(ids.map((id) => tx.store.get(id)));
  await tx.done;
  return found.filter((m): m is MessageRecord => !!m);
}

/** A search hit: the message and where the match starts in its text (or file name). */
export interface SearchHit {
  message: MessageRecord;
  at: number;
}

/**
 * The page of a channel around one message: up to `half` messages before it, the message, and up to `half`
 * after it, oldest first; `hasMore`/`hasNewer` tell whether history continues on either side.
 */
export async function loadPageAround(
  db: MeshdropDatabase,
  channelId: string,
  messageId: string,
  half: number,
): Promise<{ messages: MessageRecord[]; hasMore: boolean; hasNewer: boolean } | undefined> {
  const tx = db.transaction('messages');
  const center = await tx.store.get(messageId);
  if (!center || center.channelId !== channelId) return undefined;
  // Chat order (core/order.ts), as the history pages are read.
  const index = tx.store.index('byChannelOrder');
  const key: [string, string] = [channelId, orderOf(center)];
  const older: MessageRecord[] = [];
  let c = await index.openCursor(IDBKeyRange.bound([channelId, ''], key, false, true), 'prev');
  while (c && older.length < half + 1) {
    older.push(c.value);
    c = await c.continue();
  }
  const newer: MessageRecord[] = [];
  c = await index.openCursor(IDBKeyRange.bound(key, [channelId, ORDER_MAX], true, false), 'next');
  while (c && newer.length < half + 1) {
    newer.push(c.value);
    c = await c.continue();
  }
  await tx.done;
  return {
    messages: [...older.slice(0, half).reverse(), center, ...newer.slice(0, half)],
    hasMore: older.length > half,
    hasNewer: newer.length > half,
  };
}
