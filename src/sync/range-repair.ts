/**
 * Two repairs to GUN's handling of lexical range subscriptions (UserSpace.subscribe with `from`):
 *
 * - Reconnects: on reconnecting to a relay, GUN asks again for every whole node and every single key it follows, but
 *   not for a range (gun.js, mesh 'hi': `node.ask['']` or one get per key), so after a relay restart or a network drop
 *   a reader with a range subscription got nothing more until it reloaded. Each live range is asked again of that
 *   relay, from the newest key it delivered (`addRange`).
 * - Writes below the start (`below: 'tap'`): GUN's range chain drops pushed writes with keys below its start; they
 *   are taken off the wire for the souls that asked (`addPushTap`).
 *
 * Both listeners (root 'hi' and 'in') have to run ahead of GUN's own `universe` handler, which does not pass a put
 * on (gun.js `universe`: `if(msg.put){ put(msg); return }`): one added after the instance exists never sees a put.
 * GUN's 'opt' event runs while an instance is created, before `universe` is added (SEA adds its signature check the
 * same way), so they go in there, once per instance, and read per-instance registries.
 */
import { Gun } from './gun-runtime.js';
import type { GunInstance } from '../types/gun.js';

/** One tap: writes to its soul with keys below `from`. */
export interface Tap {
  from: string;
  onValue: (raw: unknown, key: string) => void;
}

type Registry = Map<string, Set<Tap>>;

/** A live range subscription: its soul and the key it is asked again from. */
export interface Range {
  soul: string;
  from: string;
}

interface WireMessage {
  '@'?: unknown;
  put?: Record<string, Record<string, unknown> | undefined>;
}

interface RootContext {
  meshdropTaps?: Registry;
  meshdropRanges?: Set<Range>;
  opt?: { mesh?: { say(msg: unknown, peer?: unknown): void } };
  on(event: 'in', cb: (this: { to: { next(msg: unknown): void } }, msg: WireMessage) => void): void;
  on(event: 'hi', cb: (this: { to: { next(peer: unknown): void } }, peer: unknown) => void): void;
}

let installed = false;

/** Adds the 'hi' and 'in' listeners to every GUN instance created from now on (idempotent). */
export function installRangeRepair(): void {
  if (installed) return;
  installed = true;
  const on = (Gun as unknown as { on(event: 'opt', cb: (this: { to: { next(v: unknown): void } }, root: RootContext) => void): void }).on;
  on.call(Gun, 'opt', function (root) {
    if (!root.meshdropTaps) {
      const ranges = (root.meshdropRanges = new Set<Range>());
      root.on('hi', function (peer) {
        this.to.next(peer);
        for (const r of ranges) root.opt?.mesh?.say({ get: { '#': r.soul, '.': { '>': r.from } } }, peer);
      });
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
  if (!taps) throw new Error('installRangeRepair() must run before the GUN instance is created');
  let set = taps.get(soul);
  if (!set) taps.set(soul, (set = new Set()));
  set.add(tap);
  return () => {
    set.delete(tap);
    if (set.size === 0) taps.delete(soul);
  };
}

/** Registers a live range subscription to be asked again on every reconnect (see the module comment); returns the undo. */
export function addRange(gun: GunInstance, range: Range): () => void {
  const ranges = (gun as unknown as { _: RootContext })._.meshdropRanges;
  if (!ranges) throw new Error('installRangeRepair() must run before the GUN instance is created');
  ranges.add(range);
  return () => ranges.delete(range);
}
