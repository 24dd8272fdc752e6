/**
 * A GUN peer passes every put it receives on to its other peers (mesh behaviour), and GUN JSON-serialises the whole
 * message before it looks at the peers, skipping the one the put came from only afterwards. A browser has its
 * relays as only peers, so with one relay every received put, a 350 KB file chunk included, was serialised for
 * nothing (~10% of a receiver's main thread during a transfer). GUN asks `mesh.way` (its routing hook, unused
 * without AXE) for every message with no fixed destination before serialising: answer it with the peers other
 * than the sender, and nothing at all when there are none. Acks are routed by GUN before that hook.
 */
import type { GunPeer } from '../types/gun.js';

interface RoutableMesh {
  say(msg: unknown, peers?: Record<string, GunPeer>): unknown;
  way?: (msg: { _?: { via?: unknown } }) => unknown;
}

export function skipEchoes(root: { opt: { peers: Record<string, GunPeer>; mesh?: RoutableMesh } }): void {
  const mesh = root.opt.mesh;
  if (!mesh || mesh.way) return;
  mesh.way = (msg) => {
    const via = msg._?.via;
    const to: Record<string, GunPeer> = {};
    let any = false;
    for (const [id, peer] of Object.entries(root.opt.peers)) {
      if (peer === via) continue;
      to[id] = peer;
      any = true;
    }
    return any ? mesh.say(msg, to) : undefined;
  };
}
