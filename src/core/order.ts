/**
 * The one total order of a chat, the same on every device: by Lamport clock, then author, then the author's
 * sequence number (ties between an author's linked devices fall back to the message id). Wall-clock time is only a
 * label: a sender whose clock is wrong, or two messages in one millisecond, cannot change the order.
 *
 * The order is stored as one string (`MessageRecord.order`) so IndexedDB can index it: fixed-width base-36
 * numbers compare correctly as text, and every SEA pub has the same length. Messages from before the fields
 * existed (no Lamport clock) sort first, among themselves by their send time, then id.
 */

/** Width of the zero-padded base-36 numbers in an order key: 36^11 > Number.MAX_SAFE_INTEGER. */
const WIDTH = 11;
const SEP = '~';

const pad = (n: number): string => Math.max(0, Math.floor(n)).toString(36).padStart(WIDTH, '0');

/** What the order key is made of. */
export interface OrderFields {
  id: string;
  author?: string;
  sentAt: number;
  lamport?: number;
  seq?: number;
}

/** The sortable order key of a message (see the module comment). */
export function orderKey(m: OrderFields): string {
  if (m.lamport !== undefined && m.lamport > 0) return [pad(m.lamport), m.author ?? '', pad(m.seq ?? 0), m.id].join(SEP);
  return [pad(0), pad(m.sentAt), m.id].join(SEP);
}

/** The stored key when there is one, else the one computed from the fields. */
export function orderOf(m: OrderFields & { order?: string }): string {
  return m.order ?? orderKey(m);
}

/** Compares two messages by the chat order. */
export function compareOrder(a: OrderFields & { order?: string }, b: OrderFields & { order?: string }): number {
  const x = orderOf(a);
  const y = orderOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The largest key any message can have in a channel (upper bound of an index range). */
export const ORDER_MAX = '\uffff';
