import type { GunAck, GunChain, GunInstance, GunPutValue, GunUserChain } from '../types/gun.js';
import type { SeaPair } from '../types/gun.js';
import { unpack } from './history.js';
import { addPushTap, addRange } from './range-repair.js';

/** Root of every Meshdrop path inside a user space (versioned so a future format can live next to it). */
export const APP_ROOT = 'md1';
export const INBOX_SOUL_PREFIX = '#md1inbox';
/** Root soul of one file's content-addressed chunks (followed by the file id). */
export const CHUNK_SOUL_PREFIX = '#md1f';
/** Acks a put listens for: one per relay a device can use (src/core/relays.ts allows 8). */
const MAX_RELAY_ACKS = 8;

/**
 * The soul of the node at `path` in `pub`'s user space: the one GUN itself gives a node reached by
 * `user.get(a).get(b)` (`~pub/a/b`). GUN and every relay check that writes to it are signed by `pub`.
 * Path parts never contain '/' (ids are hex/base36, keys are base64url).
 */
export function soulOf(pub: string, path: readonly string[]): string {
  return ['~' + pub, ...path].join('/');
}

/**
 * GUN wiring for one signed-in user: writes go into my own signed space (`~<pub>/md1/...`) or into a
 * content-addressed root soul (`#...`); reads subscribe to anyone's space.
 */
export class UserSpace {
  private readonly user: GunUserChain;
  private ready: Promise<void> | undefined;

  constructor(readonly gun: GunInstance, readonly pair: SeaPair) {
    this.user = gun.user();
  }

  /** Signs in with the key pair. Works offline: nothing has to be fetched to authenticate with a pair. */
  auth(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      this.user.auth(this.pair, (ack) => (ack.err ? reject(new Error(`GUN sign-in failed: ${ack.err}`)) : resolve()));
    });
    return this.ready;
  }

  /** Signs out of GUN (the next identity on this GUN instance authenticates afresh). */
  leave(): void {
    try {
      this.user.leave();
    } catch {
      /* not signed in */
    }
    this.ready = undefined;
  }

  /** My user-space node (or a root soul) holding the last key of `path`, and that key. */
  private leaf(path: readonly string[]): { node: GunChain; key: string } {
    const key = path[path.length - 1];
    if (key === undefined) throw new Error('empty GUN path');
    const parent = path.slice(0, -1);
    const first = parent[0] ?? '';
    return { node: this.gun.get(first.startsWith('#') ? parent.join('/') : soulOf(this.pair.pub, parent)), key };
  }

  /**
   * Puts a value; `onAck` runs for every peer ack (GUN may ack more than once, or never while offline).
   * The write goes straight to the leaf node's soul: a put through `user.get(a).get(b)…` would re-sign and
   * re-send every parent node, and every contact subscribed to my root node would receive (and verify) it.
   */
  async put(path: readonly string[], value: GunPutValue, onAck: (ack: GunAck) => void): Promise<void> {
    await this.auth();
    const { node, key } = this.leaf(path);
    // GUN hands a put's callback only the first ack unless asked for more; with several relays, one relay's refusal
    // (quota, full disk) may come first while another stores the write: hear them all.
    node.get(key).put(value, onAck, { acks: MAX_RELAY_ACKS });
  }

  /**
   * Subscribes to every key below `path` in `pub`'s space (or below a root soul when pub is '').
   * With `from`, only keys from it on (lexically) are asked for and passed on: GUN's lexical range get, which the
   * relay answers from its graph store (src/relay/graph-store.ts) with just those keys, and later writes in the
   * range are pushed as usual. A returning device so does not receive a node's whole history again.
   * GUN's range chain also drops later writes with keys below `from`; with `below: 'tap'` they are passed on too
   * (taken off the wire unchecked: only for values the reader verifies itself, such as message envelopes, whose
   * keys come from their author's clock, which may be behind another device's of the same account).
   * Returns an unsubscribe function; callbacks after it are suppressed even if GUN keeps firing.
   */
  subscribe(pub: string, path: readonly string[], onValue: (value: unknown, key: string) => void, from?: string, below?: 'tap'): () => void {
    // Straight to the node's soul (no chain of gets from `~pub`): the relay then routes us only that node's writes.
    const soul = pub ? soulOf(pub, path) : path.join('/');
    const node = this.gun.get(soul);
    let active = true;
    const untap = from !== undefined && below === 'tap' ? addPushTap(this.gun, soul, { from, onValue: (raw, key) => active && onValue(unpack(raw), key) }) : () => undefined;
    const mapped = (from === undefined ? node : node.get({ '.': { '>': from } } as never)).map();
    // Asked again on reconnect from the newest key delivered (GUN does not re-ask ranges: range-repair.ts).
    const range = from === undefined ? undefined : { soul, from };
    const unrange = range ? addRange(this.gun, range) : () => undefined;
    mapped.on((value, key) => {
      if (range && key > range.from) range.from = key;
      if (active) onValue(value, key);
    });
    return () => {
      active = false;
      untap();
      unrange();
      try {
        mapped.off();
      } catch {
        /* GUN may already have dropped the listener */
      }
    };
  }

  /** Asks for one key below `path` in `pub`'s space again (a message a reader missed); the value goes to `onValue`. */
  fetch(pub: string, path: readonly string[], key: string, onValue: (value: unknown, key: string) => void): void {
    this.gun.get(soulOf(pub, path)).get(key).once((value) => {
      if (value !== undefined && value !== null) onValue(value, key);
    }, { wait: 3000 });
  }
}
