/**
 * Where a connection comes from, for per-address quotas, and which addresses belong to the configured peer relays.
 */
import { lookup } from 'node:dns/promises';
import { addressKey } from './write-guard.js';

/** The parts of an HTTP upgrade request this needs. */
export interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}

/**
 * The client's address: the socket's peer, or (with `trustProxy`, behind a reverse proxy that appends the address
 * it saw) the last X-Forwarded-For entry. The last one, not the first: clients can write any first entries.
 */
export function clientAddress(req: RequestLike, trustProxy: boolean): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  const last = value?.split(',').map((s) => s.trim()).filter(Boolean).pop();
  return last ?? socketAddress;
}

/** How often the peers' host names are looked up again. */
const RESOLVE_EVERY_MS = 10 * 60_000;

/**
 * Address keys (see addressKey) of the hosts in `peers` (relay URLs), filled in as DNS answers and kept fresh.
 * A link that says it is a relay is trusted as one only from these addresses.
 */
export function linkAddresses(peers: string[]): Set<string> {
  const out = new Set<string>();
  const hosts = [...new Set(peers.map((p) => new URL(p).hostname.replace(/^\[|\]$/g, '')))];
  const resolve = () => {
    for (const host of hosts) {
      lookup(host, { all: true })
        .then((found) => found.forEach((a) => out.add(addressKey(a.address))))
        .catch(() => undefined);
    }
  };
  resolve();
  if (hosts.length > 0) setInterval(resolve, RESOLVE_EVERY_MS).unref();
  return out;
}
