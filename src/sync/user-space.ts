import type { GunAck, GunChain, GunInstance, GunPutValue, GunUserChain } from '../types/gun.js';
import type { SeaPair } from '../types/gun.js';

/** Root of every Meshdrop path inside a user space (versioned so a future format can live next to it). */
export const APP_ROOT = 'md1';
export const INBOX_SOUL_PREFIX = '#md1inbox';
/** Root soul of one file's content-addressed chunks (followed by the file id). */
export const CHUNK_SOUL_PREFIX = '#md1f';

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

  private chain(path: readonly string[]): GunChain {
    const [first, ...rest] = path;
    if (first === undefined) throw new Error('empty GUN path');
    let node: GunChain = first.startsWith('#') ? this.gun.get(first) : this.user.get(first);
    for (const key of rest) node = node.get(key);
    return node;
  }

  /** Puts a value; `onAck` runs for every peer ack (GUN may ack more than once, or never while offline). */
  async put(path: readonly string[], value: GunPutValue, onAck: (ack: GunAck) => void): Promise<void> {
    await this.auth();
    this.chain(path).put(value, onAck);
  }

  /**
   * Subscribes to every key below `path` in `pub`'s space (or below a root soul when pub is '').
   * Returns an unsubscribe function; callbacks after it are suppressed even if GUN keeps firing.
   */
  subscribe(pub: string, path: readonly string[], onValue: (value: unknown, key: string) => void): () => void {
    let node: GunChain = pub ? this.gun.user(pub) : this.gun;
    for (const key of path) node = node.get(key);
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
}
