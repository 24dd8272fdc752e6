import type { GunInstance } from '../types/gun.js';

/**
 * GUN access for a device that has no identity yet (device 2 while linking): it writes into and reads from
 * content-addressed root souls (`#…`), which need no signature: every GUN peer checks that the key is the
 * SHA-256 of the value, so nothing stored there can be overwritten.
 */

const RETRY_MS = 3000;

/** Puts `value` at `soul`/`key` and resolves once a peer acks it (re-sent every few seconds until then). */
export function putUntilAcked(gun: GunInstance, soul: string, key: string, value: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const attempt = () => {
      if (done) return;
      gun
        .get(soul)
        .get(key)
        .put(value, (ack) => {
          if (done || ack.err) return;
          done = true;
          clearInterval(timer);
          resolve();
        });
    };
    const timer = setInterval(attempt, RETRY_MS);
    signal.addEventListener('abort', () => {
      done = true;
      clearInterval(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    });
    attempt();
  });
}

/** Calls `onValue` for every value stored below `soul` (now and later) until `signal` aborts. */
export function watchSoul(gun: GunInstance, soul: string, onValue: (value: unknown, key: string) => void, signal: AbortSignal): void {
  const mapped = gun.get(soul).map();
  mapped.on((value, key) => {
    if (!signal.aborted) onValue(value, key);
  });
  signal.addEventListener('abort', () => {
    try {
      mapped.off();
    } catch {
      /* already dropped */
    }
  });
}
