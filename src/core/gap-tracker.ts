/**
 * Notices holes in an author's sequence and asks for the missing envelope again, as missing file chunks are
 * (sync/chunk-network.ts). Every message names the author's previous one (`prev` in the signed envelope): when a
 * stored message's `prev` is still missing a moment later (it may only be behind in the same backlog), it is
 * asked for by its key in the author's space (`refetch`, plugged in by the chat service); asked again with
 * backoff, a few times at most.
 */

/** One message that should be there. */
export interface Wanted {
  channelId: string;
  author: string;
  id: string;
}

interface Pending extends Wanted {
  due: number;
  attempts: number;
}

export interface GapTrackerOptions {
  /** Which of these are here: stored, otherwise handled, or received and waiting to be processed (by id). */
  have(wanted: Wanted[]): Promise<Set<string>>;
  /** Asks the relays for one message again; its value comes back through the normal receive path. */
  refetch(w: Wanted): Promise<void>;
  /** First check after this long (the missing one may just be behind in the same backlog). */
  delayMs?: number;
  /** Gives up after this many fetches. */
  maxAttempts?: number;
}

export class GapTracker {
  private readonly pending = new Map<string, Pending>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly delayMs: number;
  private readonly maxAttempts: number;
  /** Fetches made so far (for tests and debugging). */
  fetches = 0;

  constructor(private readonly opts: GapTrackerOptions) {
    this.delayMs = opts.delayMs ?? 2_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
  }

  /** Expects `w` to be stored soon; if it is not, asks for it. */
  expect(w: Wanted): void {
    if (this.pending.has(w.id) || this.pending.size >= 10_000) return;
    this.pending.set(w.id, { ...w, due: Date.now() + this.delayMs, attempts: 0 });
    this.arm();
  }

  /** Forgets everything of a channel (left, removed). */
  forgetChannel(channelId: string): void {
    for (const [id, p] of this.pending) if (p.channelId === channelId) this.pending.delete(id);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private arm(): void {
    if (this.timer || this.pending.size === 0) return;
    const next = Math.min(...[...this.pending.values()].map((p) => p.due));
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - Date.now()));
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    const now = Date.now();
    const due = [...this.pending.values()].filter((p) => p.due <= now);
    try {
      const have = due.length ? await this.opts.have(due) : new Set<string>();
      for (const p of due) {
        if (have.has(p.id) || p.attempts >= this.maxAttempts) {
          if (!have.has(p.id)) console.debug('meshdrop chat: gave up on a missing message', p.channelId, p.id);
          this.pending.delete(p.id);
          continue;
        }
        p.attempts += 1;
        p.due = now + this.delayMs * 2 ** p.attempts;
        this.fetches += 1;
        this.opts.refetch(p).catch((err: unknown) => console.debug('meshdrop chat: asking again for a message failed', p.id, err));
      }
    } catch (err) {
      console.debug('meshdrop chat: gap check failed', err);
    }
    this.arm();
  }
}
