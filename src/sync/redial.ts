/**
 * Keeps GUN dialing its relays after they go away.
 *
 * GUN 0.2020.1241 forgets a peer the first time a redial fails: its 'bye' handler deletes the peer from
 * opt.peers and its reconnect() gives up on unlisted peers (amark/gun#1316). So a relay down for more than
 * ~2 s is never dialed again, in browsers, Node clients and relays alike. This watchdog dials every
 * configured URL that has no open or opening socket; once connected GUN lists the peer again and (for a
 * non-relay peer) re-sends its subscriptions. Used by the relay for its --peers and by the app's connection.
 */

interface RedialPeer {
  id?: string;
  url?: string;
  wire?: { readyState?: number } | null;
  defer?: ReturnType<typeof setTimeout>;
}

export interface RedialableGun {
  _: { opt: { peers: Record<string, RedialPeer>; mesh?: { hi(peer: RedialPeer): void } } };
}

const CONNECTING = 0;
const OPEN = 1;

const alive = (peer: RedialPeer | undefined) => peer?.wire?.readyState === OPEN || peer?.wire?.readyState === CONNECTING;

/** Starts the watchdog; returns a function that stops it. */
export function keepPeersDialed(gun: RedialableGun, urls: readonly string[], intervalMs = 2_000): () => void {
  const last = new Map<string, RedialPeer>();
  const tick = () => {
    const { peers, mesh } = gun._.opt;
    if (!mesh) return;
    for (const url of urls) {
      const listed = peers[url];
      if (listed) last.set(url, listed);
      if (alive(listed) || alive(last.get(url))) continue;
      if (listed && !listed.wire) continue; // listed but never dialed yet: GUN dials lazily on first message
      // Take over from GUN's own (one-shot) retry so the two never race to open two sockets.
      const previous = last.get(url);
      if (previous?.defer) clearTimeout(previous.defer);
      if (listed) delete peers[url];
      const attempt: RedialPeer = { id: url, url };
      last.set(url, attempt);
      mesh.hi(attempt);
    }
  };
  const timer = setInterval(tick, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
