/**
 * Read cursors: per followed node (a member's envelopes in a channel, the receipts for my messages), the newest key
 * this device has fully processed. A returning device subscribes from its cursor (UserSpace.subscribe `from`), so a
 * start costs what arrived since, not a channel's whole history (issue 11, docs/PROTOCOL.md "Catch-up").
 *
 * Safe by construction:
 * - a cursor only moves after the value under its key was stored (or dropped as invalid for good), and it is saved
 *   later than that, so a crash leaves it behind, never ahead: what follows is read again and deduplicated by id;
 * - keys are time-sortable message ids from the author's clock, increasing per device even if its clock goes back
 *   (chat-service.ts: an id's time is at least the previous one's + 1 ms); a subscription starts at the millisecond of the cursor (MARGIN_MS before it; 0: a margin of
 *   seconds re-read every burst of messages written in them, 1,000 at a time in bench/startup.ts, and still did not
 *   cover another device of the author with a clock minutes behind, which the live tap in UserSpace covers online);
 * - a value that could not be processed yet (an envelope waiting for its epoch key) is held: the node is read from
 *   before the oldest held key until it is released.
 */
import type { MeshdropDatabase } from '../store/db.js';
import { getSetting, setSetting } from '../store/settings-store.js';

const SETTING = 'readCursors';
/** A subscription starts this long (in the key's time prefix) before the cursor. */
export const MARGIN_MS = 0;
/** Saves are gathered for this long (a crash loses at most this much progress: it is read again, not lost). */
const SAVE_DELAY_MS = 250;
/** Message ids start with 9 base36 digits of milliseconds (core/ids.ts). */
const TIME_DIGITS = 9;

interface CursorRecord {
  /** Newest processed key. */
  at?: string;
  /** Keys seen but not processed yet. */
  held?: string[];
  /** Paging back (core/older-history.ts): the oldest key read from the relays' history. */
  oldest?: string;
  /** Paging back: nothing older is left on the relays (or the node was read whole). */
  complete?: boolean;
}

type Stored = Record<string, CursorRecord>;

const isStored = (v: unknown): v is Stored => !!v && typeof v === 'object' && !Array.isArray(v);

/** The key `ms` milliseconds before `key` when it starts with a time prefix; otherwise undefined. */
export function keyBefore(key: string, ms: number): string | undefined {
  const prefix = key.slice(0, TIME_DIGITS);
  if (!/^[0-9a-z]{9}$/.test(prefix)) return undefined;
  const t = parseInt(prefix, 36);
  if (!Number.isFinite(t)) return undefined;
  return Math.max(0, t - ms).toString(36).padStart(TIME_DIGITS, '0');
}

/** Per-node read cursors of one account on this device; see the module comment. */
export class ReadCursors {
  private cursors: Stored = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly db: MeshdropDatabase) {
    // A closed tab or an app sent to the background saves at once: 'visibilitychange' to hidden is the last event a
    // page reliably gets before it is frozen or discarded (https://developer.chrome.com/docs/web-platform/page-lifecycle-api).
    globalThis.document?.addEventListener('visibilitychange', this.onHide);
    globalThis.addEventListener?.('pagehide', this.onHide);
  }

  private readonly onHide = (e: Event): void => {
    if (this.timer !== undefined && (e.type === 'pagehide' || globalThis.document?.visibilityState === 'hidden')) void this.flush();
  };

  /** Loads the saved cursors. */
  async load(): Promise<void> {
    this.cursors = (await getSetting(this.db, SETTING, isStored)) ?? {};
  }

  /**
   * Where a subscription to `soul` starts (a key to read from, inclusive), or undefined to read the node whole
   * (never read before on this device, or a key without a time prefix).
   */
  from(soul: string): string | undefined {
    const c = this.cursors[soul];
    if (!c?.at) return undefined;
    const oldest = [c.at, ...(c.held ?? [])].sort()[0]!;
    return keyBefore(oldest, MARGIN_MS);
  }

  /** `key` of `soul` was processed: the cursor moves to it if it is newer; a held key is released. */
  advance(soul: string, key: string): void {
    const c = (this.cursors[soul] ??= {});
    if (c.held?.includes(key)) c.held = c.held.filter((k) => k !== key);
    if (!c.at || key > c.at) c.at = key;
    this.schedule();
  }

  /** `key` of `soul` arrived but could not be processed yet: read it again on the next start. */
  hold(soul: string, key: string): void {
    const c = (this.cursors[soul] ??= {});
    if (c.held?.includes(key)) return;
    c.held = [...(c.held ?? []), key].slice(-100);
    this.schedule();
  }

  /** How far back the relays' history of `soul` has been read (core/older-history.ts). */
  paging(soul: string): { oldest?: string; complete: boolean } {
    const c = this.cursors[soul];
    return { oldest: c?.oldest, complete: !!c?.complete };
  }

  /** Keys of `soul` down to `oldest` were read from the relays; `complete`: none are older. */
  pagedTo(soul: string, oldest: string | undefined, complete: boolean): void {
    const c = (this.cursors[soul] ??= {});
    if (oldest !== undefined && (c.oldest === undefined || oldest < c.oldest)) c.oldest = oldest;
    if (complete) c.complete = true;
    this.schedule();
  }

  /** Forgets a node (a channel left or removed). */
  forget(soul: string): void {
    delete this.cursors[soul];
    this.schedule();
  }

  /** Saves now (tests). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return this.saving;
    const snapshot = structuredClone(this.cursors);
    this.saving = this.saving.then(() => setSetting(this.db, SETTING, snapshot)).catch(() => undefined);
    return this.saving;
  }

  /**
   * Stops saving (the session ended). What was not saved yet is read again next time; a save after this could land
   * in the settings of the next account on this device (sign-out and restore replace the account).
   */
  close(): void {
    this.closed = true;
    globalThis.document?.removeEventListener('visibilitychange', this.onHide);
    globalThis.removeEventListener?.('pagehide', this.onHide);
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, SAVE_DELAY_MS);
  }
}
