import type { MeshdropDatabase } from '../store/db.js';
import { deleteOutbox, listOutbox, putOutbox } from '../store/outbox-store.js';
import type { OutboxRecord } from '../store/schema.js';
import type { RelayConnection } from './relay-connection.js';
import type { UserSpace } from './user-space.js';
import { refusalCode, refusalWords, type RefusalCode } from './relay-refusals.js';

/** A put with no ack after this long is sent again. */
const ACK_TIMEOUT_MS = 8000;
const RETRY_EVERY_MS = 3000;
/**
 * After a refusal, how long another relay has to accept the same put before the write counts as refused (a relay
 * acks once its disk has the write, ~250 ms of batching; a meshed relay's refusal can arrive before that).
 */
const REFUSAL_GRACE_MS = 3000;
/** A refused write is tried again this much later (a quota resets, a full relay frees up), not every few seconds. */
const REFUSED_RETRY_MS = 60_000;

export interface OutboxAckDetail {
  id: string;
  messageId: string;
}

/** A write every relay that answered refused (it stays queued and is tried again later). */
export interface OutboxRefusedDetail {
  id: string;
  messageId: string;
  /** Our relays' refusal code, if the error was one. */
  code?: RefusalCode;
  /** What to tell the user (from the wording table in relay-refusals.ts). */
  reason: string;
}

/**
 * Every write to GUN goes through here: it is stored in IndexedDB first, then put with an ack
 * callback, and removed only when a peer acks without error. Unacked writes are retried on a
 * timer and as soon as the connection comes back. Emits 'acked' (CustomEvent<OutboxAckDetail>).
 * A write refused with an error ack (a relay's quota or full disk) and accepted by no relay within a moment emits
 * 'refused' (CustomEvent<OutboxRefusedDetail>) with words the user can read, and is tried again after a minute.
 */
export class Outbox extends EventTarget {
  /** id → time of the last attempt that is still waiting for its ack. */
  private readonly inFlight = new Map<string, number>();
  /** id → time before which a refused write is not sent again. */
  private readonly refusedUntil = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly space: UserSpace,
    private readonly connection: RelayConnection,
  ) {
    super();
  }

  start(): void {
    this.connection.addEventListener('status', this.onStatus);
    this.timer = setInterval(() => void this.flush(), RETRY_EVERY_MS);
    void this.flush();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.connection.removeEventListener('status', this.onStatus);
  }

  private readonly onStatus = (): void => {
    if (this.connection.status.state === 'connected') {
      this.inFlight.clear(); // puts sent over a dead socket will never be acked
      this.refusedUntil.clear(); // a relay (re)connected: it may have room now
      void this.flush();
    }
  };

  /** Stores the write durably, then tries to send it at once. */
  async enqueue(record: Omit<OutboxRecord, 'createdAt' | 'attempts'>): Promise<void> {
    const full = Outbox.entry(record);
    await putOutbox(this.db, full);
    this.sendStored(full);
  }

  /** The outbox entry for a write, for callers that store it in their own transaction (then call `sendStored`). */
  static entry(record: Omit<OutboxRecord, 'createdAt' | 'attempts'>): OutboxRecord {
    return { ...record, createdAt: Date.now(), attempts: 0 };
  }

  /** Sends an entry the caller has already stored in the outbox store. */
  sendStored(record: OutboxRecord): void {
    if (!this.stopped) this.send(record);
  }

  /** Number of writes still waiting for a relay. */
  async pendingCount(): Promise<number> {
    return (await listOutbox(this.db)).length;
  }

  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.stopped) return;
    let records: OutboxRecord[];
    try {
      records = await listOutbox(this.db);
    } catch {
      return; // database closing
    }
    const now = Date.now();
    for (const r of records) {
      const last = this.inFlight.get(r.id);
      if (last !== undefined && now - last < ACK_TIMEOUT_MS) continue;
      if ((this.refusedUntil.get(r.id) ?? 0) > now) continue;
      this.send(r);
    }
  }

  private send(record: OutboxRecord): void {
    this.inFlight.set(record.id, Date.now());
    // Not before the device clock was checked against the relay's (relay-connection.ts clockChecked); once it was,
    // at once.
    if (!this.connection.clockSettled) {
      void this.connection.clockChecked.then(() => !this.stopped && this.put(record));
      return;
    }
    this.put(record);
  }

  private put(record: OutboxRecord): void {
    let done = false;
    let refusal: ReturnType<typeof setTimeout> | undefined;
    void this.space
      .put(record.path, record.value, (ack) => {
        if (done || this.stopped) return;
        if (ack.lack) {
          // GUN's "No ACK yet": no relay answered in time (offline). Not a refusal: just send it again later.
          this.inFlight.delete(record.id);
          return;
        }
        if (ack.err) {
          console.debug('meshdrop outbox: put rejected', record.id, ack.err);
          // Another relay may still accept it: only a refusal nobody overrules within the grace time counts.
          refusal ??= setTimeout(() => {
            if (done || this.stopped) return;
            done = true;
            this.inFlight.delete(record.id);
            this.refusedUntil.set(record.id, Date.now() + REFUSED_RETRY_MS);
            const detail: OutboxRefusedDetail = { id: record.id, messageId: record.messageId, reason: refusalWords(ack.err) };
            const code = refusalCode(ack.err);
            if (code) detail.code = code;
            this.dispatchEvent(new CustomEvent<OutboxRefusedDetail>('refused', { detail }));
          }, REFUSAL_GRACE_MS);
          return;
        }
        done = true;
        clearTimeout(refusal);
        this.refusedUntil.delete(record.id);
        this.inFlight.delete(record.id);
        void deleteOutbox(this.db, record.id)
          .catch(() => undefined)
          .then(() => this.dispatchEvent(new CustomEvent<OutboxAckDetail>('acked', { detail: { id: record.id, messageId: record.messageId } })));
      })
      .catch((err: unknown) => {
        console.debug('meshdrop outbox: put failed', record.id, err);
        this.inFlight.delete(record.id);
      });
  }
}
