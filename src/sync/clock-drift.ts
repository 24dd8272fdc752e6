import { Gun } from './gun-runtime.js';

/** A device clock off the relay's by more than this is corrected for GUN's write states. */
const TOLERANCE_MS = 30_000;

/**
 * GUN stamps every write with the device clock, and every peer (relays included) holds back a write stamped in
 * its future until that time comes: a phone whose clock is an hour ahead would have its messages held for an
 * hour by everyone, and a phone whose clock is an hour behind would hold back everything it receives for an hour.
 * The relay's HTTP `Date` header tells how far off this device is; GUN's state clock is moved by that much
 * (`Gun.state.drift`). Message order does not depend on clocks at all (core/order.ts); this is only about
 * delivery.
 */
export async function alignGunClock(relayUrl: string): Promise<number> {
  try {
    const url = new URL(relayUrl.replace(/^ws/, 'http'));
    // Only the origin's own responses expose `Date` (it is not a CORS-readable header).
    if (url.origin !== globalThis.location?.origin) return 0;
    const t0 = Date.now();
    // Writes wait for this check: a relay that does not answer must not hold them for long.
    const res = await fetch(url, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(10_000) });
    const t1 = Date.now();
    const server = Date.parse(res.headers.get('date') ?? '');
    if (!Number.isFinite(server)) return 0;
    // The header has whole seconds: compare with the middle of the request, half a second into that second.
    const ahead = (t0 + t1) / 2 - (server + 500);
    const state = (Gun as unknown as { state: { drift: number } }).state;
    if (Math.abs(ahead) > TOLERANCE_MS) state.drift = -ahead;
    return ahead;
  } catch {
    return 0;
  }
}
