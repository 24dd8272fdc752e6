/**
 * Moves encrypted file chunks through GUN. A chunk is stored content-addressed: under the root soul
 * `#md1f<fileId>`, keyed by the SHA-256 of its value. Every GUN peer (relays included) refuses a value whose hash
 * is not its key, so nobody can overwrite a chunk, and nothing has to be signed or verified with ECDSA per chunk.
 * The hashes come from the signed file message; the receiver still checks hash and AES-GCM itself.
 *
 * Files sent before that carry no hash list: their chunks are in the author's signed user space at
 * `md1/f/<fileId>/<index>` (GUN peers reject unsigned writes there).
 */
import type { GunChain, GunInstance } from '../types/gun.js';
import { APP_ROOT, CHUNK_SOUL_PREFIX, soulOf, type UserSpace } from './user-space.js';

/** Where one chunk lives. */
export interface ChunkAddress {
  /** The file's author (whose signed space holds chunks without a hash). */
  author: string;
  fileId: string;
  index: number;
  /** SHA-256 of the chunk's value, base64url: the chunk is content-addressed. */
  hash?: string;
}

export interface ChunkNetwork {
  /** True while at least one relay socket is open (a put can be acknowledged). */
  readonly online: boolean;
  /** Resolves when a relay acknowledges the write; rejects on an error ack or after `timeoutMs`. */
  put(at: ChunkAddress, value: string, timeoutMs: number): Promise<void>;
  /** Calls `onValue` with every value seen at the chunk's address (now and as it changes). */
  watch(at: ChunkAddress, onValue: (value: unknown) => void): () => void;
}

export class ChunkPutError extends Error {
  override name = 'ChunkPutError';
}

export const FILES_BRANCH = 'f';

/**
 * GUN's hash check accepts the key as the value's SHA-256 in base64 or hex; hex keeps '/' and '+' out of keys
 * (radisk file names). Undefined for anything that is not a 32-byte base64url hash.
 */
export function chunkKey(hash: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(hash)) return undefined;
  const bin = atob(hash.replace(/-/g, '+').replace(/_/g, '/') + '=');
  return Array.from(bin, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

export class GunChunkNetwork implements ChunkNetwork {
  constructor(
    private readonly gun: GunInstance,
    /** My signed-in user space (shared with chat: GUN keeps one user per instance). */
    private readonly space: () => Promise<UserSpace>,
    private readonly isOnline: () => boolean,
    /** How often a chunk that has not arrived is asked for again. */
    private readonly reaskMs = 5_000,
  ) {}

  /** Rejecters of puts still waiting for an ack, so a lost connection can fail them at once. */
  private readonly waiting = new Set<(err: Error) => void>();

  get online(): boolean {
    return this.isOnline();
  }

  /**
   * Fails every put still waiting for an ack. Called when the last relay socket closes: GUN never re-sends
   * a put made over a socket that died, so waiting out the ack timeout would only idle the upload.
   */
  abortPending(reason: string): void {
    for (const reject of [...this.waiting]) reject(new ChunkPutError(reason));
  }

  async put(at: ChunkAddress, value: string, timeoutMs: number): Promise<void> {
    const node = at.hash === undefined ? undefined : this.hashed(at);
    const space = node ? undefined : await this.space();
    await new Promise<void>((ok, fail) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return; // GUN may ack more than once
        settled = true;
        clearTimeout(timer);
        this.waiting.delete(settle);
        if (err) fail(err);
        else ok();
      };
      const timer = setTimeout(() => settle(new ChunkPutError('No relay acknowledged the chunk in time')), timeoutMs);
      this.waiting.add(settle);
      const onAck = (ack: { err?: string }) => settle(ack.err ? new ChunkPutError(`Relay refused the chunk: ${ack.err}`) : undefined);
      if (node) node.put(value, onAck);
      else
        space!
          .put([APP_ROOT, FILES_BRANCH, at.fileId, String(at.index)], value, onAck)
          .catch((err: unknown) => settle(err instanceof Error ? err : new ChunkPutError(String(err))));
    });
  }

  watch(at: ChunkAddress, onValue: (value: unknown) => void): () => void {
    const chain = (): GunChain =>
      at.hash === undefined ? this.gun.get(soulOf(at.author, [APP_ROOT, FILES_BRANCH, at.fileId])).get(String(at.index)) : this.hashed(at);
    const node = chain();
    let active = true;
    let arrived = false;
    node.on((data) => {
      if (!active) return;
      if (data !== undefined && data !== null) arrived = true;
      onValue(data);
    });
    // A chunk that reached a relay while that relay's link to ours was down is never pushed to us (relays forward
    // writes, not old subscriptions): until it arrives, ask again now and then. GUN re-sends a get for a key it
    // holds no data for, and the answer reaches the listener above.
    const reask = setInterval(() => {
      if (active && !arrived) chain().once(() => undefined, { wait: 1000 });
    }, this.reaskMs);
    return () => {
      clearInterval(reask);
      active = false;
      try {
        node.off();
      } catch {
        /* GUN may already have dropped the listener */
      }
    };
  }

  private hashed(at: ChunkAddress): GunChain {
    const key = chunkKey(at.hash ?? '');
    if (!key) throw new ChunkPutError(`Invalid chunk hash for part ${at.index + 1}`);
    return this.gun.get(CHUNK_SOUL_PREFIX + at.fileId).get(key);
  }
}
