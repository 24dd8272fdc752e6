/**
 * Per-connection rate limit on incoming GUN messages (token bucket), so one client flooding junk cannot fill the
 * relay's single event loop and delay everyone else. Links to other relays are exempt: they carry many users.
 * Messages over budget are dropped unanswered; an honest client's outbox retries them (no ack = not sent).
 */

export interface ThrottledPeer {
  url?: string;
  wire?: { meshdropRelay?: boolean } | null;
  bucket?: { tokens: number; at: number; dropped: number };
}

interface Hear {
  one(msg: unknown, peer: ThrottledPeer, ...rest: unknown[]): unknown;
}

export interface ThrottleStats {
  dropped: number;
}

/**
 * Wraps GUN's per-message handler `mesh.hear.one`. `perSecond` messages per second sustained, `burst` at once.
 */
export function installThrottle(mesh: { hear: Hear }, perSecond: number, burst = perSecond * 5): ThrottleStats {
  const stats: ThrottleStats = { dropped: 0 };
  const one = mesh.hear.one;
  mesh.hear.one = function (msg, peer, ...rest) {
    if (peer && !peer.url && !peer.wire?.meshdropRelay) {
      const now = Date.now();
      const b = (peer.bucket ??= { tokens: burst, at: now, dropped: 0 });
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perSecond) / 1000);
      b.at = now;
      if (b.tokens < 1) {
        b.dropped++;
        stats.dropped++;
        return undefined;
      }
      b.tokens -= 1;
    }
    return one.call(this, msg, peer, ...rest);
  };
  return stats;
}
