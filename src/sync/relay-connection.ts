import { alignGunClock } from './clock-drift.js';
import { installForgeryFilter } from './forgery-filter.js';
import { Gun } from './gun-runtime.js';
import { installRangeRepair } from './range-repair.js';
import { skipEchoes } from './no-echo.js';
import { keepPeersDialed, type RedialableGun } from './redial.js';
import type { GunInstance, GunPeer } from '../types/gun.js';

export type ConnectionState = 'offline' | 'connecting' | 'connected';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Relays with an open socket. */
  connected: number;
  /** Relays configured. */
  configured: number;
}

/** Path under which every Meshdrop relay serves GUN's websocket. */
export const GUN_PATH = '/gun';

/** The relay that served this page; every deployment serves the app and GUN from the same origin. */
export function sameOriginRelay(location: Pick<Location, 'origin'>): string {
  return location.origin + GUN_PATH;
}

/**
 * Owns the GUN instance and reports how many relays it is connected to.
 * GUN keeps local state in memory only here: durable state lives in IndexedDB (src/store), so
 * GUN's 5 MB localStorage adapter is turned off.
 */
export class RelayConnection extends EventTarget {
  readonly gun: GunInstance;
  private readonly relays: string[];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly stopRedial: () => void;
  private last: ConnectionStatus;
  /** Settles once this device's clock was compared with the relay's and GUN's state clock corrected if needed. */
  readonly clockChecked: Promise<void>;
  /** True once `clockChecked` has settled (writes then go out at once, in the same task). */
  clockSettled = false;

  constructor(relays: string[]) {
    super();
    this.relays = [...new Set(relays)];
    installRangeRepair(); // before the instance: see range-repair.ts
    this.gun = Gun({ peers: this.relays, localStorage: false, radisk: false, axe: false, multicast: false });
    // A relay (or another relay in its mesh) may not filter these: drop them here too (see forgery-filter.ts).
    const mesh = (this.gun._.opt as { mesh?: Parameters<typeof installForgeryFilter>[0] }).mesh;
    if (mesh) installForgeryFilter(mesh);
    skipEchoes(this.gun._ as Parameters<typeof skipEchoes>[0]);
    // Writes wait for this (sync/outbox.ts): one stamped by a clock that is ahead before the check corrected it
    // would be held back by every peer for the length of the skew.
    this.clockChecked = this.relays[0] ? alignGunClock(this.relays[0]).then(() => undefined) : Promise.resolve();
    void this.clockChecked.then(() => (this.clockSettled = true));
    this.last = this.compute();
    // GUN gives up on a relay after one failed redial; keep dialing every configured relay until close().
    this.stopRedial = keepPeersDialed(this.gun as unknown as RedialableGun, this.relays);
    this.gun.on('hi', () => this.refresh());
    this.gun.on('bye', () => this.refresh());
    globalThis.addEventListener?.('online', this.refresh);
    globalThis.addEventListener?.('offline', this.refresh);
    // GUN reconnects on its own timer and does not always emit 'hi'/'bye' in pairs; polling is cheap.
    this.timer = setInterval(this.refresh, 1000);
  }

  get status(): ConnectionStatus {
    return this.last;
  }

  get relayUrls(): readonly string[] {
    return this.relays;
  }

  private compute(): ConnectionStatus {
    const peers: GunPeer[] = Object.values(this.gun._.opt.peers ?? {});
    const connected = peers.filter((p) => p.wire?.readyState === 1).length;
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    const state: ConnectionState = !online ? 'offline' : connected > 0 ? 'connected' : this.relays.length > 0 ? 'connecting' : 'offline';
    return { state, connected, configured: this.relays.length };
  }

  private readonly refresh = (): void => {
    const next = this.compute();
    if (next.state === this.last.state && next.connected === this.last.connected) return;
    this.last = next;
    this.dispatchEvent(new CustomEvent<ConnectionStatus>('status', { detail: next }));
  };

  close(): void {
    clearInterval(this.timer);
    this.stopRedial();
    globalThis.removeEventListener?.('online', this.refresh);
    globalThis.removeEventListener?.('offline', this.refresh);
    const peers = this.gun._.opt.peers ?? {};
    for (const [url, peer] of Object.entries(peers)) {
      // GUN reconnects any peer still listed (see its reconnect()), so unlist it before closing.
      delete peers[url];
      clearTimeout(peer.defer);
      try {
        peer.wire?.close?.();
      } catch {
        /* already closed */
      }
    }
  }
}
