// Plain GUN clients for browser tests (no app code): attackers, fresh readers, controls.
import { Gun } from '../../src/sync/gun-runtime.js';
import type { GunInstance } from '../../src/types/gun.js';
import { relayGun } from './controllers.js';

/** A GUN client that keeps nothing locally and talks only to `peers` (the test relay by default). */
export function rawGun(peers: string[] = [relayGun()]): GunInstance {
  return Gun({ peers, localStorage: false, radisk: false, axe: false, multicast: false });
}

/** Closes the client's relay sockets. */
export function closeRawGun(gun: GunInstance): void {
  for (const peer of Object.values(gun._.opt.peers)) peer.wire?.close?.();
}
