// Raw Node GUN clients for relay tests and benchmarks: no app code, no encryption, just the wire.
import './quiet-gun.js';
import GunLib from 'gun';
import 'gun/sea.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GunFactory, GunInstance, GunPeer, SeaApi } from '../../src/types/gun.js';
import { keepPeersDialed, type RedialableGun } from '../../src/sync/redial.js';

export const Gun = GunLib as unknown as GunFactory;
export const SEA: SeaApi = Gun.SEA;


export interface NodeGun {
  readonly gun: GunInstance;
  /** Count of this client's peers whose websocket is open. */
  openPeers(): number;
  /** Closes every socket and stops GUN from reconnecting. */
  close(): void;
}

const live = new Set<NodeGun>();

/**
 * A Node GUN client that persists nothing and talks only to `peers`. With `redial` (default) it keeps dialing
 * relays that went away, as the app does; without it, it behaves like plain GUN (gives up after one failed redial).
 */
export function nodeGun(peers: string[], { redial = true }: { redial?: boolean } = {}): NodeGun {
  const scratch = mkdtempSync(join(tmpdir(), 'meshdrop-gun-'));
  const gun = Gun({ peers, localStorage: false, radisk: false, file: scratch, multicast: false, axe: false, stats: false,
    // Importing 'gun' in Node loads its server module, which makes every instance a relay ("super") unless told
    // otherwise: a super peer connects lazily and does not re-subscribe after a reconnect, so clients opt out.
    super: false,
  });
  const peerMap = (): Record<string, GunPeer & { retry?: number; defer?: ReturnType<typeof setTimeout> }> => gun._.opt.peers;
  const stopRedial = redial ? keepPeersDialed(gun as unknown as RedialableGun, peers) : () => undefined;
  const client: NodeGun = {
    gun,
    openPeers: () => Object.values(peerMap()).filter((p) => p.wire?.readyState === 1).length,
    close() {
      stopRedial();
      live.delete(client);
      const map = peerMap();
      for (const [id, peer] of Object.entries(map)) {
        // GUN only reconnects peers still listed in opt.peers: unlist first, then close.
        delete map[id];
        if (peer.defer) clearTimeout(peer.defer);
        try {
          peer.wire?.close?.();
        } catch {
          /* already closed */
        }
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  live.add(client);
  return client;
}

export function closeAllGuns(): void {
  for (const c of [...live]) c.close();
}

/** Resolves once `client` has `n` open peer sockets. */
export function waitForPeers(client: NodeGun, n = 1, timeoutMs = 15_000): Promise<void> {
  return waitUntil(() => client.openPeers() >= n, timeoutMs, `client never had ${n} open peer(s)`);
}

/** Polls `cond` every 20 ms; rejects with `what` after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** put with an ack; rejects on a GUN error or when no peer acks within `timeoutMs`. */
export function putAcked(chain: ReturnType<GunInstance['get']>, value: Parameters<GunInstance['put']>[0], timeoutMs = 10_000): Promise<void> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('put was not acked in time')), timeoutMs);
    chain.put(value, (ack) => {
      clearTimeout(timer);
      if (ack.err) fail(new Error(`put failed: ${ack.err}`));
      else ok();
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** p-th percentile (0..100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
