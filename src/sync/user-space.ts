import type { GunAck, GunChain, GunInstance, GunPutValue, GunUserChain } from '../types/gun.js';
import type { SeaPair } from '../types/gun.js';

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
   * Returns an unsubscribe function; callbacks after it are suppressed even if GUN keeps firing.
   */
  subscribe(pub: string, path: readonly string[], onValue: (value: unknown, key: string) => void, after?: string): () => void {
    if (after) return this.subscribeAfter(pub, path, onValue, after);
    // Straight to the node's soul (no chain of gets from `~pub`): the relay then routes us only that node's writes.
    const node = this.gun.get(pub ? soulOf(pub, path) : path.join('/'));
    let active = true;
    const mapped = node.map();
    mapped.on((value, key) => {
      if (active) onValue(value, key);
    });
    return () => {
      active = false;
      try {
        mapped.off();
      } catch {
        /* GUN may already have dropped the listener */
      }
    };
  }

  /**
   * Like `subscribe`, but asks the relays only for keys after `after` (GUN lexical range query, served by the
   * relay's radisk), so a returning device does not receive a channel's whole history again. A relay answers a
   * range with at most RANGE_BYTES of values; while answers keep bringing new keys, the next range is asked for
   * from the largest key seen. New writes (keys after `after`) are pushed as with `subscribe`.
   */
  private subscribeAfter(pub: string, path: readonly string[], onValue: (value: unknown, key: string) => void, after: string): () => void {
    const soul = pub ? soulOf(pub, path) : path.join('/');
    let active = true;
    let top = after;
    let fresh = 0;
    let done = false;
    let next: ReturnType<typeof setTimeout> | undefined;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const chains: GunChain[] = [];
    const ask = (from: string, attempt = 0) => {
      fresh = 0;
      const index = chains.length;
      let answered = false;
      const chain = this.gun.get(soul).get({ '.': { '>': from }, '%': RANGE_BYTES } as never).map();
      chains.push(chain);
      // A relay drops what a client sends beyond its rate limit (a start sends many receipts): a range that got
      // no answer at all is asked again, a few times.
      clearTimeout(retry);
      retry = setTimeout(() => {
        if (active && !done && !answered && index === chains.length - 1 && attempt < 5 && chains.length < MAX_RANGE_PAGES) ask(from, attempt + 1);
      }, 2_000);
      chain.on((value, key) => {
        answered = true;
        // GUN hands a pushed write to every range chain of the soul: only the first (the live subscription) and
        // the page being read pass values on.
        if (!active || (index !== 0 && index !== chains.length - 1)) return;
        onValue(value, key);
        if (done || index !== chains.length - 1) return;
        if (key <= top) {
          // The answer's first key is the one asked from: if nothing newer follows, the backlog is read and from
          // now on only pushed writes arrive.
          clearTimeout(idle);
          idle = setTimeout(() => {
            if (fresh === 0 && index === chains.length - 1) done = true;
          }, RANGE_IDLE_MS);
          return;
        }
        top = key;
        fresh += 1;
        // A relay answers a range in one or a few messages: shortly after the last new key of this page, ask
        // for what follows it (keys seen twice are dropped by the reader before any work).
        clearTimeout(next);
        next = setTimeout(() => {
          if (active && !done && chains.length < MAX_RANGE_PAGES) ask(top);
        }, 100);
      });
    };
    ask(after);
    return () => {
      active = false;
      clearTimeout(next);
      clearTimeout(idle);
      clearTimeout(retry);
      for (const chain of chains) {
        try {
          chain.off();
        } catch {
          /* GUN may already have dropped the listener */
        }
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

/** Largest answer (value characters) a relay sends for one range query: radisk's own cap is 100,000. */
export const RANGE_BYTES = 100_000;
/** Ranges asked for per subscription at start (at ~0.7 KB per envelope, ~140 messages each). */
const MAX_RANGE_PAGES = 200;
/** A range answer that brought nothing new within this long ends the catch-up of a subscription. */
const RANGE_IDLE_MS = 2_000;
