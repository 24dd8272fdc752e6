/**
 * Per-connection rate limit on incoming GUN messages (token bucket), so one client flooding junk cannot fill the
 * relay's single event loop and delay everyone else. Links to the relay's configured peers are exempt (they carry
 * many users); which links those are is the caller's to say (relay.ts: dialed by this relay, or a link that says it
 * is a relay's and comes from an address a --peers entry resolves to). A bare claim is not enough: any client could
 * add it to its URL and flood unthrottled.
 * Messages over budget are dropped unanswered; an honest client's outbox retries them (no ack = not sent).
 */

export interface ThrottledPeer {
  url?: string;
  wire?: { meshdropRelay?: boolean } | null;
  bucket?: { tokens: number; at: number; dropped: number };
}

interface Hear {
  (raw: unknown, peer: ThrottledPeer, ...rest: unknown[]): unknown;
  one(msg: unknown, peer: ThrottledPeer, ...rest: unknown[]): unknown;
}

export interface ThrottleStats {
  dropped: number;
}

/**
 * Wraps GUN's frame handler `mesh.hear` and per-message handler `mesh.hear.one`: `perSecond` messages per second
 * sustained, `burst` at once. A peer over budget goes into debt (down to -burst); while in debt its whole frames
 * are dropped before GUN parses them, so a flood costs the relay little more than reading the socket.
 */
export function installThrottle(mesh: { hear: Hear }, perSecond: number, trusted: (peer: ThrottledPeer) => boolean, burst = perSecond * 5): ThrottleStats {
  const exempt = (peer: ThrottledPeer | undefined) => !peer || trusted(peer);
  const stats: ThrottleStats = { dropped: 0 };
  const refill = (peer: ThrottledPeer) => {
    const now = Date.now();
    const b = (peer.bucket ??= { tokens: burst, at: now, dropped: 0 });
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perSecond) / 1000);
    b.at = now;
    return b;
  };
  const original = mesh.hear;
  const one = original.one;
  original.one = function (msg, peer, ...rest) {
    if (!exempt(peer)) {
      const b = refill(peer);
      b.tokens = Math.max(-burst, b.tokens - 1);
      if (b.tokens < 0) {
        b.dropped++;
        stats.dropped++;
        return undefined;
      }
    }
    return one.call(this, msg, peer, ...rest);
  };
  const hear = function (this: unknown, raw: unknown, peer: ThrottledPeer, ...rest: unknown[]) {
    if (!exempt(peer) && typeof raw === 'string' && refill(peer).tokens < 0) {
      peer.bucket!.dropped++;
      stats.dropped++;
      return undefined;
    }
    return original.call(this, raw, peer, ...rest);
  } as Hear;
  // GUN looks up its handlers (one, '?', 'mob', counters...) on mesh.hear: keep them reachable on the wrapper.
  mesh.hear = Object.assign(hear, original);
  return stats;
}
