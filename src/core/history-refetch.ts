import { fetchHistory } from '../sync/history.js';
import { APP_ROOT, soulOf } from '../sync/user-space.js';
import type { Refetch } from './chat-service.js';

/**
 * The gap re-ask (core/gap-tracker.ts) over the relays' HTTP history endpoint: the one missing key is asked of every
 * relay at once, and what each answers goes to the receive path like a GUN value (duplicates are dropped there).
 * A GUN get is the fallback when no relay's endpoint had it (an older relay without the endpoint, or none reachable).
 */
export function historyRefetch(relays: () => readonly string[], fallback: Refetch): Refetch {
  return async (authorPub, channelId, msgId, deliver) => {
    const soul = soulOf(authorPub, [APP_ROOT, 'c', channelId]);
    let found = false;
    await Promise.allSettled(
      relays().map(async (relayUrl) => {
        const { entries } = await fetchHistory(relayUrl, soul, { key: msgId, signal: AbortSignal.timeout(10_000) });
        for (const e of entries) {
          if (e.key !== msgId) continue;
          found = true;
          deliver(e.value);
        }
      }),
    );
    if (!found) await fallback(authorPub, channelId, msgId, deliver);
  };
}
