import { fetchHistory, readAfter } from '../sync/history.js';
import { APP_ROOT, soulOf } from '../sync/user-space.js';
import type { CatchUp, Refetch } from './chat-service.js';
import type { PageOlder } from './older-history.js';

/** Envelopes read with a missing one: the older keys next to it, which are often missing too. */
const REFETCH_PAGE = 100;

/** Asks every relay at once; the answers of those that answered (a relay that fails or times out is left out). */
async function fromEachRelay<T>(relays: () => readonly string[], ask: (relayUrl: string) => Promise<T>): Promise<T[]> {
  const results = await Promise.allSettled(relays().map(ask));
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

/**
 * The gap re-ask (core/gap-tracker.ts) over the relays' HTTP history endpoint: every relay at once is asked for the
 * missing key and the REFETCH_PAGE keys before it, and everything answered goes to the receive path like a GUN value
 * (what is already here is dropped there before any signature check). A missing message is rarely alone: messages
 * written below a device's read cursor while it was away (by a device of the author whose clock is behind, or from
 * an outbox that held them) are found one at a time, each naming the one before, and one key per request took a
 * round trip per message. A GUN get is the fallback when no relay's endpoint had it (an older relay without the
 * endpoint, or none reachable).
 */
export function historyRefetch(relays: () => readonly string[], fallback: Refetch): Refetch {
  return async (authorPub, channelId, msgId, deliver) => {
    const soul = soulOf(authorPub, [APP_ROOT, 'c', channelId]);
    let found = false;
    await fromEachRelay(relays, async (relayUrl) => {
      // `before` is exclusive, and message ids have one length (core/ids.ts): no key lies between msgId and
      // msgId + '!', so the page ends with msgId itself.
      const { entries } = await fetchHistory(relayUrl, soul, { before: msgId + '!', limit: REFETCH_PAGE, signal: AbortSignal.timeout(10_000) });
      for (const e of entries) {
        if (e.key === msgId) found = true;
        deliver(e.value, e.key);
      }
    });
    if (!found) await fallback(authorPub, channelId, msgId, deliver);
  };
}

/** How long one relay may take to serve a node's backlog before its read is given up. */
const CATCH_UP_TIMEOUT_MS = 60_000;

/**
 * A returning device's catch-up over the relays' HTTP history: every relay is read after the cursor at once, page by
 * page, each page handed on before the next is asked for (a long backlog is processed while it arrives). Relays
 * that are not meshed may hold different writes, so all are read; the receive path drops the duplicates before any
 * signature check. True when at least one relay answered to the end.
 */
export function historyCatchUp(relays: () => readonly string[]): CatchUp {
  return async (soul, after, deliver) => {
    const answered = await fromEachRelay(relays, (relayUrl) =>
      readAfter(relayUrl, soul, after, (entries) => {
        for (const e of entries) deliver(e.key, e.value);
      }, AbortSignal.timeout(CATCH_UP_TIMEOUT_MS)),
    );
    return answered.length > 0;
  };
}

/**
 * Paging back (core/older-history.ts) over the relays' HTTP history: the newest `limit` keys before `before`, asked
 * of every relay at once and merged by key. Undefined when no relay answered.
 */
export function historyPage(relays: () => readonly string[]): PageOlder {
  return async (soul, before, limit) => {
    const pages = await fromEachRelay(relays, (relayUrl) => fetchHistory(relayUrl, soul, { before, limit, signal: AbortSignal.timeout(CATCH_UP_TIMEOUT_MS) }));
    if (pages.length === 0) return undefined;
    const byKey = new Map<string, unknown>();
    for (const p of pages) for (const e of p.entries) if (!byKey.has(e.key)) byKey.set(e.key, e.value);
    // Read back to: the highest of the relays' oldest keys, so a relay holding more (a mesh behind) loses no key
    // between the two for the next page; what the others sent below it comes again then and is dropped as known.
    const oldest = pages.filter((p) => p.entries.length > 0).map((p) => p.entries[0]!.key).sort().at(-1);
    return { entries: [...byKey].map(([key, value]) => ({ key, value })), more: pages.some((p) => p.more), oldest };
  };
}
