/**
 * Moves encrypted file chunks through GUN: puts into my signed user space at `md1/f/<fileId>/<index>`
 * and watches the same path in an author's space. GUN peers reject unsigned writes there, so only the
 * author can change a chunk; the receiver still authenticates every chunk (AES-GCM) before using it.
 */
import type { GunChain, GunInstance } from '../types/gun.js';
import { APP_ROOT, soulOf, type UserSpace } from './user-space.js';

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

export const FILES_BRANCH = 'f';

export class GunChunkNetwork implements ChunkNetwork {
  constructor(
    private readonly gun: GunInstance,
    /** My signed-in user space (shared with chat: GUN keeps one user per instance). */
    private readonly space: () => Promise<UserSpace>,
    private readonly isOnline: () => boolean,
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

  async put(fileId: string, index: number, value: string, timeoutMs: number): Promise<void> {
    const space = await this.space();
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
      space
        .put([APP_ROOT, FILES_BRANCH, fileId, String(index)], value, (ack) => settle(ack.err ? new ChunkPutError(`Relay refused the chunk: ${ack.err}`) : undefined))
        .catch((err: unknown) => settle(err instanceof Error ? err : new ChunkPutError(String(err))));
    });
  }

  watch(authorPub: string, fileId: string, index: number, onValue: (value: unknown) => void): () => void {
    const node: GunChain = this.gun.get(soulOf(authorPub, [APP_ROOT, FILES_BRANCH, fileId])).get(String(index));
    let active = true;
    node.on((data) => {
      if (active) onValue(data);
    });
    return () => {
      active = false;
      try {
        node.off();
      } catch {
        /* GUN may already have dropped the listener */
      }
    };
  }
}
