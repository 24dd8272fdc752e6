/**
 * Subscription routing for a relay: forward a new write only to the peers that asked for its node.
 *
 * With AXE off (it breaks meshing, see relay.ts) GUN's relay sends every put to every connected peer, so each
 * browser receives, parses and keeps in memory all traffic of all users on the relay (O(clients²) fan-out, and a
 * hostile client's junk reaches everyone). GUN's routing hook `mesh.way` (the one AXE uses) lets us do better:
 *  - a peer's `get` for a soul subscribes that peer to the soul (GUN clients re-send their gets after reconnecting);
 *  - a new put goes to the peers subscribed to one of its souls, plus every relay link (relays don't re-send
 *    subscriptions after a reconnect, so links between relays carry everything);
 *  - a get a client sent goes on to the other relays only, not to every other client: relays hold every write
 *    (clients write through them and they persist it), so asking 200 browsers for each subscription is waste;
 *  - everything else (handshakes) is broadcast as before; acks are routed by GUN itself, not through here.
 */

export interface RoutedPeer {
  id?: string;
  url?: string;
  wire?: { meshdropRelay?: boolean } | null;
  /** Souls this peer asked for. */
  subs?: Set<string>;
  /** More souls than allowed were asked for: treat as subscribed to everything. */
  subsAll?: boolean;
}

export interface RoutedMessage {
  '@'?: unknown;
  get?: { '#'?: unknown };
  put?: Record<string, unknown>;
  _?: { via?: RoutedPeer };
}

interface Mesh {
  say(msg: RoutedMessage, peers?: RoutedPeer | Record<string, RoutedPeer>): unknown;
  way?: (msg: RoutedMessage) => unknown;
  hear: { one(msg: RoutedMessage, peer: RoutedPeer, ...rest: unknown[]): unknown };
}

export interface RoutableRoot {
  opt: { peers: Record<string, RoutedPeer>; mesh?: Mesh };
}

/** Bounds what one peer can make the relay remember. */
export const MAX_SUBSCRIPTIONS_PER_PEER = 50_000;

/** Marker a Meshdrop relay adds to the URL it dials, so the relay it dials knows the link is relay-to-relay. */
export const RELAY_LINK_QUERY = 'meshdrop-relay=1';

export function relayLinkUrl(url: string): string {
  return url.includes(RELAY_LINK_QUERY) ? url : url + (url.includes('?') ? '&' : '?') + RELAY_LINK_QUERY;
}

function soulsOf(put: Record<string, unknown>): string[] {
  // Wire format is a graph {soul: node}; GUN's internal single-key form is {'#': soul, '.': key, ...}.
  return typeof put['#'] === 'string' ? [put['#']] : Object.keys(put);
}

const isRelayLink = (peer: RoutedPeer) => Boolean(peer.url) || Boolean(peer.wire?.meshdropRelay);

export function installRouting(root: RoutableRoot): void {
  const mesh = root.opt.mesh;
  if (!mesh) throw new Error('GUN mesh not initialised');

  // Record subscriptions per message as it comes off the wire, before GUN's de-duplication: a client sends the
  // same get (same id) to every relay it knows, and a relay may first receive it forwarded by another relay.
  // Recorded after dedup, the client's own copy would be dropped and it would never get this relay's writes.
  const one = mesh.hear.one;
  mesh.hear.one = function (msg, peer, ...rest) {
    const soul = msg?.get?.['#'];
    if (peer && typeof soul === 'string' && !peer.subsAll) {
      const subs = (peer.subs ??= new Set());
      if (subs.size >= MAX_SUBSCRIPTIONS_PER_PEER) {
        peer.subsAll = true;
        peer.subs = new Set();
      } else subs.add(soul);
    }
    return one.call(this, msg, peer, ...rest);
  };

  mesh.way = (msg) => {
    const peers = root.opt.peers;
    if (msg.get && msg['@'] === undefined) {
      const links: Record<string, RoutedPeer> = {};
      for (const [id, peer] of Object.entries(peers)) if (isRelayLink(peer)) links[id] = peer;
      return mesh.say(msg, links);
    }
    if (!msg.put || msg['@'] !== undefined) return mesh.say(msg, peers);
    const souls = soulsOf(msg.put);
    const to: Record<string, RoutedPeer> = {};
    for (const [id, peer] of Object.entries(peers)) {
      if (isRelayLink(peer) || peer.subsAll || souls.some((s) => peer.subs?.has(s))) to[id] = peer;
    }
    return mesh.say(msg, to);
  };
}
