/**
 * Delivery receipts (docs/PROTOCOL.md, "Paths"): a reader files them under `~reader/md1/r/<channel>/<author>/<key>`.
 * One receipt covers every message of one author stored in one receive batch: its key is the newest of their ids
 * and its value is `1` (that one message) or the ids joined by spaces. One receipt per message cost the reader a GUN
 * signature, a relay round trip and two IndexedDB writes each, a third of a 1,000-message catch-up
 * (bench/RESULTS.md), and the author as many deliveries.
 */
import type { MessageRecord, OutboxRecord } from '../store/schema.js';
import { Outbox } from '../sync/outbox.js';
import { APP_ROOT } from '../sync/user-space.js';
import { isMessageId } from './ids.js';

/** Most message ids in one receipt (the receive batch is at most this large). */
export const RECEIPT_MAX_IDS = 256;
/** A receipt value's longest form: RECEIPT_MAX_IDS ids of 21 characters and the spaces between them. */
const MAX_VALUE_CHARS = RECEIPT_MAX_IDS * 22;

/** Where a reader puts its delivery receipts for one author's messages in a channel (in the reader's space). */
export const receiptsFor = (channelId: string, authorPub: string): string[] => [APP_ROOT, 'r', channelId, authorPub];

/** The outbox writes acknowledging `stored` (messages of others just stored): one per channel and author. */
export function receiptWrites(stored: readonly MessageRecord[], me: string): OutboxRecord[] {
  const groups = new Map<string, MessageRecord[]>();
  for (const m of stored) {
    if (m.author === me) continue;
    const k = `${m.channelId}|${m.author}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  const writes: OutboxRecord[] = [];
  for (const list of groups.values()) {
    const ids = list.map((m) => m.id).sort();
    for (let i = 0; i < ids.length; i += RECEIPT_MAX_IDS) {
      const chunk = ids.slice(i, i + RECEIPT_MAX_IDS);
      const key = chunk[chunk.length - 1]!;
      const { channelId, author } = list[0]!;
      writes.push(Outbox.entry({ id: `r:${key}`, path: [...receiptsFor(channelId, author), key], value: chunk.length === 1 ? 1 : chunk.join(' '), messageId: '' }));
    }
  }
  return writes;
}

/** The message ids a receipt read under `key` acknowledges, or undefined when it is not a well-formed receipt. */
export function receiptIds(key: string, value: unknown): string[] | undefined {
  if (!isMessageId(key)) return undefined;
  if (value === 1 || value === '1') return [key];
  if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS) return undefined;
  const ids = value.split(' ');
  // The key is the newest id it covers, so a receipt cannot be filed under one key and claim another's messages.
  if (ids.length > RECEIPT_MAX_IDS || !ids.every(isMessageId) || !ids.includes(key) || ids.some((id) => id > key)) return undefined;
  return [...new Set(ids)];
}
