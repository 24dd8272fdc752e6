/**
 * Pushed writes taken off GUN's wire for one soul, before GUN's chains see them (UserSpace.subscribe's `below: 'tap'`).
 *
 * The listener has to be on the root's 'in' event ahead of GUN's own `universe` handler, which does not pass a put
 * on (gun.js `universe`: `if(msg.put){ put(msg); return }`): one added after the instance exists never sees a put.
 * GUN's 'opt' event runs while an instance is created, before `universe` is added (SEA adds its signature check
 * the same way), so the listener goes in there, once per instance, and reads a per-instance registry.
 */
import { Gun } from './gun-runtime.js';
import type { GunInstance } from '../types/gun.js';

/** One tap: writes to its soul with keys below `from`. */
export interface Tap {
  from: string;
  onValue: (raw: unknown, key: string) => void;
}

type Registry = Map<string, Set<Tap>>;

interface WireMessage {
  '@'?: unknown;
  put?: Record<string, Record<string, unknown> | undefined>;
}

interface RootContext {
  meshdropTaps?: Registry;
  on(event: 'in', cb: (this: { to: { next(msg: unknown): void } }, msg: WireMessage) => void): void;
}

let installed = false;

/** Adds the 'in' listener to every GUN instance created from now on (idempotent). */
export function installPushTap(): void {
  if (installed) return;
  installed = true;
  const on = (Gun as unknown as { on(event: 'opt', cb: (this: { to: { next(v: unknown): void } }, root: RootContext) => void): void }).on;
  on.call(Gun, 'opt', function (root) {
    if (!root.meshdropTaps) {
      const taps: Registry = (root.meshdropTaps = new Map());
      root.on('in', function (msg) {
        this.to.next(msg);
        // Pushes only: answers to our own gets ('@') are a range read, which GUN's chain passes on.
        if (!msg?.put || msg['@'] !== undefined || typeof msg.put !== 'object' || taps.size === 0) return;
        for (const [soul, node] of Object.entries(msg.put)) {
          const listeners = taps.get(soul);
          if (!listeners || !node || typeof node !== 'object') continue;
          for (const [key, raw] of Object.entries(node)) {
            if (key === '_') continue;
            for (const l of listeners) if (key < l.from) l.onValue(raw, key);
          }
        }
      });
    }
    this.to.next(root);
  });
}

/** Passes pushed writes to `soul` with keys below `tap.from` to `tap.onValue`; returns the undo. */
export function addPushTap(gun: GunInstance, soul: string, tap: Tap): () => void {
  const taps = (gun as unknown as { _: RootContext })._.meshdropTaps;
  if (!taps) throw new Error('installPushTap() must run before the GUN instance is created');
  let set = taps.get(soul);
  if (!set) taps.set(soul, (set = new Set()));
  set.add(tap);
  return () => {
    set.delete(tap);
    if (set.size === 0) taps.delete(soul);
  };
}
