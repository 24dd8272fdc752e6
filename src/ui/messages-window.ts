import type { MessageView } from '../core/api.js';
import { compareOrder, type OrderFields } from '../core/order.js';

/**
 * Order of messages in a chat: the same total order every device uses (Lamport clock, author, sequence; see
 * core/order.ts), never the senders' clocks.
 */
export function compareMessages(a: OrderFields & { order?: string }, b: OrderFields & { order?: string }): number {
  return compareOrder(a, b);
}

/**
 * Merges live updates into the loaded window (oldest first). Known ids are replaced (status changes); new
 * messages are added unless they fall outside the window on a side where more history exists (older than its
 * first message while older pages exist, or newer than its last while newer ones were dropped), so the window
 * never has gaps.
 */
export function mergeIntoWindow(window: readonly MessageView[], updates: readonly MessageView[], hasMore: boolean, hasNewer = false): MessageView[] {
  if (updates.length === 0) return window as MessageView[];
  const byId = new Map(window.map((m) => [m.id, m]));
  const first = window[0];
  const last = window[window.length - 1];
  for (const m of updates) {
    if (m.hidden) byId.delete(m.id); // deleted for me: leaves the window
    else if (byId.has(m.id)) byId.set(m.id, m);
    else if (hasMore && first && compareMessages(m, first) < 0) continue;
    else if (hasNewer && last && compareMessages(m, last) > 0) continue;
    else byId.set(m.id, m);
  }
  return [...byId.values()].sort(compareMessages);
}

/** Most messages kept in the DOM; scrolling further back drops the newest ones ("Jump to newest" reloads them). */
export const MAX_WINDOW = 500;

/** Keeps the oldest `max` messages of a window that grew by prepending; `trimmed` tells whether newer ones were dropped. */
export function capWindow(window: MessageView[], max = MAX_WINDOW): { messages: MessageView[]; trimmed: boolean } {
  return window.length > max ? { messages: window.slice(0, max), trimmed: true } : { messages: window, trimmed: false };
}

/** Prepends an older page, dropping any duplicates. */
export function prependPage(window: readonly MessageView[], older: readonly MessageView[]): MessageView[] {
  return mergeIntoWindow(older, window, false);
}
