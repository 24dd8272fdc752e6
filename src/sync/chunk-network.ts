/**
 * Moves encrypted file chunks through GUN: puts into my signed user space at `md1/f/<fileId>/<index>`
 * and watches the same path in an author's space. GUN peers reject unsigned writes there, so only the
 * author can change a chunk; the receiver still authenticates every chunk (AES-GCM) before using it.
 */
import type { GunChain, GunInstance, GunUserChain } from '../types/gun.js';
import type { SeaPair } from '../types/gun.js';

export interface ChunkNetwork {
  /** True while at least one relay socket is open (a put can be acknowledged). */
  readonly online: boolean;
  /** Resolves when a relay acknowledges the write; rejects on an error ack or after `timeoutMs`. */
  put(fileId: string, index: number, value: string, timeoutMs: number): Promise<void>;
  /** Calls `onValue` with every value seen at the author's chunk path (now and as it changes). */
  watch(authorPub: string, fileId: string, index: number, onValue: (value: unknown) => void): () => void;
}

export class ChunkPutError extends Error {
  override name = 'ChunkPutError';
}

export const FILES_ROOT = 'md1';
export const FILES_BRANCH = 'f';

/**
 * Authenticates GUN's user once per pair; GUN keeps one user per instance, so concurrent callers share it.
 * Resolves to nothing on purpose: GUN chains are thenables, so a chain must never be a promise's value.
 */
const authed = new WeakMap<GunInstance, Promise<void>>();
export function authenticate(gun: GunInstance, pair: SeaPair): Promise<void> {
  const user = gun.user();
  if (user.is?.pub === pair.pub) return Promise.resolve();
  let pending = authed.get(gun);
  if (!pending) {
    pending = new Promise<void>((ok, fail) => {
      user.auth(pair, (ack) => (ack.err ? fail(new Error(`GUN sign-in failed: ${ack.err}`)) : ok()));
    });
    authed.set(gun, pending);
    pending.catch(() => authed.delete(gun));
  }
  return pending;
}

export class GunChunkNetwork implements ChunkNetwork {
  constructor(
    private readonly gun: GunInstance,
    private readonly pair: () => SeaPair | undefined,
    private readonly isOnline: () => boolean,
  ) {}

  get online(): boolean {
    return this.isOnline();
  }

  async put(fileId: string, index: number, value: string, timeoutMs: number): Promise<void> {
    const pair = this.pair();
    if (!pair) throw new ChunkPutError('No identity to sign the chunk with');
    await authenticate(this.gun, pair);
    const user: GunUserChain = this.gun.user();
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new ChunkPutError('No relay acknowledged the chunk in time')), timeoutMs);
      user
        .get(FILES_ROOT)
        .get(FILES_BRANCH)
        .get(fileId)
        .get(String(index))
        .put(value, (ack) => {
          clearTimeout(timer);
          if (ack.err) fail(new ChunkPutError(`Relay refused the chunk: ${ack.err}`));
          else ok();
        });
    });
  }

  watch(authorPub: string, fileId: string, index: number, onValue: (value: unknown) => void): () => void {
    const node: GunChain = this.gun.get('~' + authorPub).get(FILES_ROOT).get(FILES_BRANCH).get(fileId).get(String(index));
    let active = true;
    node.on((data) => {
      if (active) onValue(data);
    });
    return () => {
      active = false;
      node.off();
    };
  }
}
