import type { MessageView } from '../core/api.js';

/** Order of messages in a chat: by send time, then id (ids are time-sortable and unique). */
export function compareMessages(a: Pick<MessageView, 'sentAt' | 'id'>, b: Pick<MessageView, 'sentAt' | 'id'>): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Merges live updates into the loaded window (oldest first). Known ids are replaced (status changes); new
 * messages are added unless they are older than the window's first message while older history exists
 * (they will come with that older page instead, so the window never has gaps).
 */
export function mergeIntoWindow(window: readonly MessageView[], updates: readonly MessageView[], hasMore: boolean): MessageView[] {
  if (updates.length === 0) return window as MessageView[];
  const byId = new Map(window.map((m) => [m.id, m]));
  const first = window[0];
  for (const m of updates) {
    if (byId.has(m.id) || !hasMore || !first || compareMessages(m, first) >= 0) byId.set(m.id, m);
  }
  return [...byId.values()].sort(compareMessages);
}

/** Prepends an older page, dropping any duplicates. */
export function prependPage(window: readonly MessageView[], older: readonly MessageView[]): MessageView[] {
  return mergeIntoWindow(older, window, false);
}
