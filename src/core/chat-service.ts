import type { MeshdropDatabase } from '../store/db.js';
import { getChannel, updateChannel } from '../store/channels-store.js';
import { addMessageIfNew, addReceivedMessages, advanceMessageStatus, advanceMessageStatuses, channelsAndKnown, loadMessagePage, markMessageFailed, oldestMessage, storedIds } from '../store/messages-store.js';
import type { ChannelRecord, FileMeta, IdentityRecord, MessageRecord } from '../store/schema.js';
import { Outbox, type OutboxAckDetail, type OutboxRefusedDetail } from '../sync/outbox.js';
import type { Subscriptions } from '../sync/subscriptions.js';
import { APP_ROOT, soulOf } from '../sync/user-space.js';
import type { ChatEvents } from './chat-events.js';
import { MAX_ENVELOPE_CHARS, openEnvelope, type ActionPayload, type InnerMessage, type SystemPayload } from './envelope.js';
import { GapTracker } from './gap-tracker.js';
import { isMessageId, newMessageId } from './ids.js';
import { orderKey } from './order.js';
import { receivedRecord } from './received.js';
import { OlderHistory, type PageOlder } from './older-history.js';
import { ReadCursors } from './read-cursors.js';
import { RECEIPT_MAX_IDS, receiptIds, receiptsFor, receiptWrites } from './receipts.js';
import { ChatSender, noteStored } from './chat-send.js';

/** Errors of sending (wording for people). */
export { ChatError } from './chat-send.js';

export type SystemInner = Extract<InnerMessage, { kind: 'system' }>;
export type SystemHandler = (channel: ChannelRecord, inner: SystemInner) => Promise<void>;

export type ActionInner = Extract<InnerMessage, { kind: 'action' }>;

/** What the conversation features (src/core/conversation-service.ts) plug into the receive path. */
export interface ConversationHooks {
  /** Which of these ids are actions already handled (GUN replays history: skip their crypto). */
  knownActions(ids: readonly string[]): Promise<Set<string>>;
  /** A verified reaction, edit or deletion from a current member (or from me on another device). */
  onAction(channel: ChannelRecord, inner: ActionInner): Promise<void>;
  /**
   * Messages were just stored (one batch): applies actions that arrived before them and returns the records as
   * they are now, in the same order.
   */
  onStored(records: MessageRecord[]): Promise<MessageRecord[]>;
  /** The channel is being watched (subscribe to what else the feature reads from members' spaces). */
  onWatch(channel: ChannelRecord): void;
}

const noHooks: ConversationHooks = {
  knownActions: async () => new Set(),
  onAction: async () => undefined,
  onStored: async (records) => records,
  onWatch: () => undefined,
};

/** Envelopes that arrived before the key of their epoch (a group-key message can lag behind). */
interface Parked {
  signer: string;
  id: string;
  raw: string;
}

/**
 * Envelopes verified and stored together (one IndexedDB transaction, one UI event and one delivery receipt per
 * channel and author). 64 at a time, a 1,000-message catch-up spent most of its time in per-batch costs.
 */
const BATCH = RECEIPT_MAX_IDS;

/** One envelope read from a member's space, waiting to be processed. */
interface Arrival {
  channelId: string;
  signer: string;
  id: string;
  raw: string;
}

/**
 * Asks the relays once more for one envelope this device is missing (a gap in an author's sequence, see
 * core/gap-tracker.ts): the envelope stored under key `msgId` of channel `channelId` in `authorPub`'s space.
 * Whatever it finds goes to `deliver`, exactly the value GUN's `.on` hands for that key; it is verified and stored
 * like any received envelope (a forged or wrong value is dropped there). Resolves when the asking is done.
 */
export type Refetch = (authorPub: string, channelId: string, msgId: string, deliver: (value: unknown, key: string) => void) => Promise<void>;

/**
 * Reads what a node holds after `after` from the relays' HTTP history, handing every value to `deliver`; resolves
 * true when at least one relay answered to the end (core/history-refetch.ts, historyCatchUp).
 */
export type CatchUp = (soul: string, after: string, deliver: (key: string, value: unknown) => void) => Promise<boolean>;

/**
 * Messages: sends envelopes through the outbox, receives and verifies them from every member's
 * space, stores them in IndexedDB (deduplicated by id), tracks unread counts and delivery receipts.
 */
export class ChatService {
  private queue: Promise<void> = Promise.resolve();
  private readonly seen = new Set<string>();
  private readonly parked = new Map<string, Parked[]>();
  /** Ids of my messages known to be delivered, so further receipts for them skip IndexedDB. */
  private readonly delivered = new Set<string>();
  private systemHandler: SystemHandler = async () => undefined;
  private hooks: ConversationHooks = noHooks;
  private stopped = false;
  /** Envelopes waiting to be processed (in arrival order), drained in batches by the serial queue. */
  private arrivals: Arrival[] = [];
  private draining = false;
  readonly gaps: GapTracker;
  private readonly sender: ChatSender;
  /** Where each followed node is read from at the next start (read-cursors.ts). */
  readonly cursors: ReadCursors;
  /**
   * Members' nodes (`channel|author`) this device read before this session, with the lowest sequence number it held
   * then (1 when none): every later message of theirs is expected, also one written below the read cursor.
   */
  private readonly followed = new Map<string, number>();
  /** Ids of system envelopes processed in this session (they are never stored as messages). */
  private readonly handled = new Set<string>();

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly outbox: Outbox,
    private readonly subs: Subscriptions,
    private readonly events: ChatEvents,
  ) {
    outbox.addEventListener('acked', this.onAcked);
    outbox.addEventListener('refused', this.onRefused);
    this.cursors = new ReadCursors(db);
    this.sender = new ChatSender(db, me, outbox, events, this.seen);
    this.gaps = new GapTracker({
      have: async (wanted) => {
        const ids = wanted.map((w) => w.id);
        const [stored, actions] = await Promise.all([storedIds(this.db, ids), this.hooks.knownActions(ids)]);
        // Envelopes that are processed but never stored as messages (system messages, actions) count as had, and
        // so do envelopes received but still queued behind a long backlog (asking for those again costs a request
        // each and brings nothing).
        for (const w of wanted) {
          if (this.handled.has(w.id) || actions.has(w.id) || this.seen.has(`${w.channelId}|${w.author}|${w.id}`)) stored.add(w.id);
        }
        return stored;
      },
      refetch: (w) => {
        this.seen.delete(`${w.channelId}|${w.author}|${w.id}`);
        return this.refetch(w.author, w.channelId, w.id, (v, k) => this.deliver(w.channelId, w.author, k, v));
      },
    });
  }

  /** A missing envelope asked for by a GUN get of its key (the default, and a fallback for other ways). */
  readonly gunRefetch: Refetch = async (authorPub, channelId, msgId, deliver) => {
    this.subs.fetch(authorPub, [APP_ROOT, 'c', channelId], msgId, (v) => deliver(v, msgId));
  };

  /** How a missing envelope is asked for (the controller plugs in the relays' HTTP history, core/history-refetch.ts). */
  private refetch: Refetch = this.gunRefetch;

  /** How a returning device reads what came while it was away (none: GUN's range read from the cursor). */
  private catchUp: CatchUp | undefined;
  /** How history is paged in newest first (none: a node never read before is read whole over GUN). */
  private older: OlderHistory | undefined;

  /** Sets how a chat's history is paged in from the relays, newest first (core/older-history.ts). */
  setPager(page: PageOlder): void {
    this.older = new OlderHistory(page, this.cursors, {
      deliver: (channelId, pub, key, value) => this.receive(channelId, pub, key, value),
      // Queued behind the processing of everything received so far.
      settled: () => this.serial(async () => undefined),
      oldestStored: async (channelId) => (await oldestMessage(this.db, channelId))?.id,
    }, this.me.pair.pub);
  }

  /** Sets how a returning device reads a member's envelopes written while it was away (see CatchUp). */
  setCatchUp(catchUp: CatchUp): void {
    this.catchUp = catchUp;
  }

  /** Replaces how the gap tracker asks the relays for a missing envelope (see Refetch). */
  setRefetch(refetch: Refetch): void {
    this.refetch = refetch;
  }

  setSystemHandler(handler: SystemHandler): void {
    this.systemHandler = handler;
  }

  setConversationHooks(hooks: ConversationHooks): void {
    this.hooks = hooks;
  }

  stop(): void {
    this.stopped = true;
    this.gaps.stop();
    this.cursors.close();
    this.outbox.removeEventListener('acked', this.onAcked);
    this.outbox.removeEventListener('refused', this.onRefused);
  }

  /** Runs `task` after every earlier received item, so state changes apply in arrival order. */
  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.stopped) return;
      await task();
    });
    this.queue = next.catch((err: unknown) => {
      if (!this.stopped) console.debug('meshdrop chat: dropped an update', err);
    });
    return this.queue;
  }

  /** Subscribes to every member's messages and receipts in this channel (idempotent). */
  watchChannel(channel: ChannelRecord): void {
    if (channel.closed) return;
    // A returning device reads each node from its read cursor on, not whole (read-cursors.ts).
    for (const pub of [...channel.members, this.me.pair.pub]) this.watchAuthor(channel, pub);
    // Only receipts for my own messages: in a group, every member receipting every message to every member
    // would cost n² deliveries (and serial queue work) per message.
    for (const pub of channel.members) {
      const path = receiptsFor(channel.id, this.me.pair.pub);
      this.subs.ensure(`r|${channel.id}|${pub}`, pub, path, (v, k) => this.receipt(channel.id, pub, k, v), this.cursors.from(soulOf(pub, path)));
    }
    this.hooks.onWatch(channel);
  }

  /**
   * Follows one member's envelopes in a channel. Envelopes are verified here, so writes below the start key (another
   * device of the author with a clock behind) are taken too ('tap').
   *
   * A returning device with a catch-up reader follows GUN only from now on and reads what came while it was away
   * (after its read cursor) over the relays' HTTP history: GUN delivering a backlog costs a second signature check
   * per message (GUN's own, before the app's) and its graph bookkeeping, and was 3× slower (bench/RESULTS.md,
   * catch-up). GUN's subscription starts first, so a write is either stored before the history read or pushed
   * after the subscription. When no relay answers the history read, GUN reads the node from the cursor instead.
   */
  private watchAuthor(channel: ChannelRecord, pub: string): void {
    const channelId = channel.id;
    const key = `c|${channelId}|${pub}`;
    if (this.subs.has(key)) return;
    const path = [APP_ROOT, 'c', channelId];
    const soul = soulOf(pub, path);
    const cursor = this.cursors.from(soul);
    if (cursor !== undefined) this.followed.set(`${channelId}|${pub}`, channel.authors?.[pub]?.floor || 1);
    const onValue = (value: unknown, k: string): void => this.receive(channelId, pub, k, value);
    const catchUp = this.catchUp;
    const now = newMessageId().slice(0, 9);
    const older = this.older;
    /** When no relay answered a history read: GUN reads the node from `from` (whole without) while still followed. */
    const gunIfUnanswered = (reading: Promise<boolean>, what: string, from?: string): void =>
      void reading.then(
        (answered) => {
          if (!answered && this.subs.has(key) && !this.stopped) this.subs.ensure(`${key}|gun`, pub, path, onValue, from);
        },
        (err: unknown) => console.debug(`meshdrop chat: ${what} failed`, err),
      );
    if (cursor === undefined && older) {
      // Never read here: GUN from now on, and the newest page of the history (older pages on demand).
      this.subs.ensure(key, pub, path, onValue, now, 'tap');
      gunIfUnanswered(older.first(channelId, pub), 'history page');
      return;
    }
    if (!catchUp || cursor === undefined) {
      this.subs.ensure(key, pub, path, onValue, cursor, 'tap');
      return;
    }
    this.subs.ensure(key, pub, path, onValue, cursor > now ? cursor : now, 'tap');
    gunIfUnanswered(catchUp(soul, cursor, (k, value) => onValue(value, k)), 'catch-up', cursor);
  }

  unwatchMember(channelId: string, pub: string): void {
    this.subs.drop(`c|${channelId}|${pub}`);
    this.subs.drop(`c|${channelId}|${pub}|gun`);
    this.subs.drop(`r|${channelId}|${pub}`);
    this.subs.drop(`seen|${channelId}|${pub}`);
  }

  unwatchChannel(channelId: string): void {
    this.subs.dropPrefix(`c|${channelId}|`);
    this.subs.dropPrefix(`r|${channelId}|`);
    this.subs.dropPrefix(`seen|${channelId}|`);
    this.parked.delete(channelId);
    this.gaps.forgetChannel(channelId);
  }

  /** Re-tries envelopes that were waiting for a key (after a group-key message). */
  retryParked(channelId: string): void {
    const list = this.parked.get(channelId) ?? [];
    this.parked.delete(channelId);
    for (const p of list) this.receive(channelId, p.signer, p.id, p.raw);
  }

  /**
   * Feeds one value read outside GUN's subscription (the relays' HTTP history: start-up catch-up, a re-asked
   * envelope) into the receive path: `key` and `value` as GUN's `.on` hands them for `~<authorPub>/md1/c/<channelId>`.
   */
  deliver(channelId: string, authorPub: string, key: string, value: unknown): void {
    this.receive(channelId, authorPub, key, value);
  }

  private receive(channelId: string, signer: string, id: string, raw: unknown): void {
    // Cheap checks first: hostile peers can write anything, of any size, into their own space.
    if (!isMessageId(id) || typeof raw !== 'string' || raw.length > MAX_ENVELOPE_CHARS) return;
    const seenKey = `${channelId}|${signer}|${id}`;
    if (this.seen.has(seenKey)) return;
    this.seen.add(seenKey);
    this.arrivals.push({ channelId, signer, id, raw });
    if (!this.draining) {
      this.draining = true;
      void this.serial(() => this.drain());
    }
  }

  /** Processes waiting envelopes in batches until none are left. */
  private async drain(): Promise<void> {
    try {
      while (this.arrivals.length && !this.stopped) {
        const batch = this.arrivals.splice(0, BATCH);
        try {
          await this.processBatch(batch);
        } catch (err) {
          console.debug('meshdrop chat: dropped a batch', err);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Verifies, decrypts and stores a batch: one read transaction, the crypto of all envelopes at once, one write
   * transaction, one UI event per channel. (One by one, a 1,000-message backlog took 7 s, mostly IndexedDB round
   * trips and UI updates.) A system message ends the batch: it may change keys or members, so what follows it is
   * read again afterwards.
   */
  private async processBatch(batch: Arrival[]): Promise<void> {
    const channelIds = [...new Set(batch.map((a) => a.channelId))];
    const ids = batch.map((a) => a.id);
    const [{ channels, known }, knownActions] = await Promise.all([channelsAndKnown(this.db, channelIds, ids), this.hooks.knownActions(ids)]);
    const readable = batch.filter((a) => {
      const channel = channels.get(a.channelId);
      const mine = a.signer === this.me.pair.pub;
      if (!channel || channel.closed || (!mine && !channel.members.includes(a.signer))) {
        // Not readable now; forget it so a later subscription (re-added to the group) reconsiders it.
        this.seen.delete(`${a.channelId}|${a.signer}|${a.id}`);
        return false;
      }
      // Already stored (replayed by GUN, or asked for again): skip the crypto.
      if (known.has(a.id) || knownActions.has(a.id)) {
        this.settled(a);
        return false;
      }
      return true;
    });
    const opened = await Promise.all(
      readable.map((a) => {
        const channel = channels.get(a.channelId)!;
        return openEnvelope(a.raw, { signer: a.signer, channel: a.channelId, id: a.id, keyFor: (epoch) => channel.keys.find((k) => k.epoch === epoch)?.key });
      }),
    );
    const incoming: MessageRecord[] = [];
    const actions: { channel: ChannelRecord; inner: ActionInner }[] = [];
    // Arrivals in `incoming`/`actions`: their cursors move once `store` has written them.
    const stored: Arrival[] = [];
    // Each author's lowest sequence number in this batch: with what the device held before, where a gap can be.
    const lowest = new Map<string, number>();
    opened.forEach((res, i) => {
      const key = `${readable[i]!.channelId}|${readable[i]!.signer}`;
      if (res.ok && res.inner.seq) lowest.set(key, Math.min(lowest.get(key) ?? Infinity, res.inner.seq));
    });
    for (let i = 0; i < readable.length; i++) {
      const a = readable[i]!;
      const res = opened[i]!;
      const channel = channels.get(a.channelId)!;
      const mine = a.signer === this.me.pair.pub;
      if (!res.ok) {
        if (res.reason === 'no-key' && (res.epoch ?? 0) > channel.currentEpoch) {
          const list = this.parked.get(a.channelId) ?? [];
          if (list.length < 500) list.push({ signer: a.signer, id: a.id, raw: a.raw });
          this.parked.set(a.channelId, list);
          // Parked in memory only: until it is read, a restart reads the node from before it again.
          this.cursors.hold(soulOf(a.signer, [APP_ROOT, 'c', a.channelId]), a.id);
          this.seen.delete(`${a.channelId}|${a.signer}|${a.id}`);
        } else {
          console.debug('meshdrop chat: dropped envelope', a.channelId, a.id, res.reason);
          this.settled(a);
        }
        continue;
      }
      const inner = res.inner;
      if (inner.kind === 'system') {
        if (this.handled.size > 10_000) this.handled.clear();
        this.handled.add(a.id);
        await this.store(incoming, actions);
        for (const done of stored.splice(0)) this.settled(done);
        // A system message is in its author's sequence too: from it on, a gap in that author's messages is noticed.
        if (inner.lamport || inner.seq) await updateChannel(this.db, a.channelId, (c) => noteStored(c, { id: a.id, author: a.signer, lamport: inner.lamport, seq: inner.seq }));
        if (!mine) await this.systemHandler(channel, inner);
        this.settled(a);
        // Keys or members may have changed: read the rest of the batch again.
        this.arrivals.unshift(...readable.slice(i + 1));
        return;
      }
      if (inner.kind === 'action') {
        // Reactions, edits and deletions are in the author's sequence too, but are not stored as messages: they
        // are applied after this batch's messages are stored (a target in the same batch is then there).
        actions.push({ channel, inner });
        stored.push(a);
        this.expectPrevious(channel, { id: a.id, channelId: a.channelId, author: a.signer, seq: inner.seq }, inner.prev, lowest);
        continue;
      }
      // The same stored form the service worker reads a message in behind a push (received.ts).
      const record = receivedRecord(inner, a.signer, mine);
      if (inner.lamport) record.lamport = inner.lamport;
      if (inner.seq) record.seq = inner.seq;
      incoming.push(record);
      stored.push(a);
      this.expectPrevious(channel, record, inner.prev, lowest);
    }
    await this.store(incoming, actions);
    for (const done of stored) this.settled(done);
  }

  /**
   * A message names its author's previous one: if that one is inside the range this device holds from the author
   * (from the lowest sequence number stored before or arriving in this batch; not older history it never had),
   * it should be here; the gap tracker asks for it if it is not.
   */
  private expectPrevious(channel: ChannelRecord, m: Pick<MessageRecord, 'id' | 'channelId' | 'author' | 'seq'>, prev: string | undefined, lowest: Map<string, number>): void {
    if (!prev || !m.seq || m.seq < 2) return;
    // A node this device followed before this session: every message from what it held then on is expected, also one
    // below the read cursor (a device of the author with a clock behind, an outbox that held messages); on a first
    // read, only what follows the oldest message seen (older history is paged in on demand).
    const known = this.followed.get(`${m.channelId}|${m.author}`) ?? (channel.authors?.[m.author]?.floor || Infinity);
    const floor = Math.min(known, lowest.get(`${m.channelId}|${m.author}`) ?? Infinity);
    if (m.seq - 1 < floor) return;
    this.gaps.expect({ channelId: m.channelId, author: m.author, id: prev });
  }

  /**
   * Stores received messages (one transaction) and tells the UI, the file service and the outbox; then applies the
   * batch's actions, one by one in arrival order (conversation-service.ts), and counts them in their channels.
   */
  private async store(incoming: MessageRecord[], actions: { channel: ChannelRecord; inner: ActionInner }[]): Promise<void> {
    await this.storeMessages(incoming.splice(0));
    const applied = actions.splice(0);
    for (const { channel, inner } of applied) await this.hooks.onAction(channel, inner);
    const touched = [...new Set(applied.map((x) => x.channel.id))];
    for (const channelId of touched) {
      await updateChannel(this.db, channelId, (c) => {
        for (const { inner } of applied) if (inner.channel === channelId) noteStored(c, inner);
      });
    }
  }

  private async storeMessages(incoming: MessageRecord[]): Promise<void> {
    if (incoming.length === 0) return;
    // Delivery receipts are queued in the same transaction, so a stored message always gets its receipt.
    const { stored, receipts } = await addReceivedMessages(this.db, incoming, (c, records) => {
      for (const m of records) {
        noteStored(c, m);
        c.lastMessageAt = Math.max(c.lastMessageAt, m.sentAt);
        // Every newly stored message from someone else is unread (dedup makes this once per id);
        // comparing with the sender's clock would hide messages from a device whose clock is behind.
        // Read on another device of this account up to readUpTo: not unread again here.
        if (m.author !== this.me.pair.pub && !(c.readUpTo !== undefined && m.sentAt <= c.readUpTo)) c.unread += 1;
      }
    }, (records) => receiptWrites(records, this.me.pair.pub));
    if (stored.length === 0) return;
    // Reactions, edits or a deletion that arrived before their message apply now.
    const current = await this.hooks.onStored(stored);
    const byChannel = new Map<string, MessageRecord[]>();
    for (const m of current) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
    for (const [channelId, records] of byChannel) this.events.messages(channelId, records);
    this.events.channels();
    for (const r of receipts) this.outbox.sendStored(r);
    for (const m of current) if (m.author !== this.me.pair.pub && m.kind === 'file' && !m.deleted) this.events.fileMessage(m);
  }

  private receipt(channelId: string, reader: string, key: string, value: unknown): void {
    const ids = receiptIds(key, value);
    if (!ids) return;
    const soul = soulOf(reader, receiptsFor(channelId, this.me.pair.pub));
    // In a group every member receipts; the first one makes the message "delivered", the rest change nothing.
    const open = ids.filter((id) => !this.delivered.has(id));
    if (open.length === 0) return this.cursors.advance(soul, key);
    void this.serial(async () => {
      const updated = await advanceMessageStatuses(this.db, open, 'delivered', (m) => m.channelId === channelId && m.author === this.me.pair.pub);
      for (const m of updated) this.rememberDelivered(m.id);
      if (updated.length) this.events.messages(channelId, updated);
      this.cursors.advance(soul, key);
    });
  }

  /** An envelope is fully handled (stored, applied, known already, or dropped for good): its node's cursor may pass it. */
  private settled(a: Arrival): void {
    this.cursors.advance(soulOf(a.signer, [APP_ROOT, 'c', a.channelId]), a.id);
  }

  private rememberDelivered(id: string): void {
    if (this.delivered.size >= 10_000) this.delivered.clear(); // only a shortcut: forgetting costs one lookup
    this.delivered.add(id);
  }

  private readonly onAcked = (e: Event): void => {
    const { messageId } = (e as CustomEvent<OutboxAckDetail>).detail;
    if (!messageId) return;
    void this.serial(async () => {
      const updated = await advanceMessageStatus(this.db, messageId, 'sent');
      if (updated) this.events.messages(updated.channelId, [updated]);
    });
  };

  /** A relay refused my message (quota, full disk): show it as failed with the reason; the outbox tries again later. */
  private readonly onRefused = (e: Event): void => {
    const { messageId, reason } = (e as CustomEvent<OutboxRefusedDetail>).detail;
    if (!messageId) return;
    void this.serial(async () => {
      const updated = await markMessageFailed(this.db, messageId, reason);
      if (updated) this.events.messages(updated.channelId, [updated]);
    });
  };

  /** Sends a text message. */
  sendText(channelId: string, text: string): Promise<MessageRecord> {
    return this.sender.sendText(channelId, text);
  }

  /** For the file service: announces a file (its chunks are written separately) as a message of kind 'file'. */
  sendFileMessage(channelId: string, file: FileMeta): Promise<MessageRecord> {
    return this.sender.sendFileMessage(channelId, file);
  }

  /** Sends a text that answers message `to` of the same chat. */
  sendReply(channelId: string, text: string, to: string): Promise<MessageRecord> {
    return this.sender.sendReply(channelId, text, to);
  }

  /** Sends a reaction, edit or deletion (the caller applies it locally). Returns its id and send time. */
  sendAction(channelId: string, payload: ActionPayload): Promise<{ id: string; sentAt: number }> {
    return this.sender.sendAction(channelId, payload);
  }

  /** Sends a protocol message (never shown as a chat bubble). Returns its id. */
  sendSystem(channel: ChannelRecord, payload: SystemPayload): Promise<string> {
    return this.sender.sendSystem(channel, payload);
  }


  /** A local, human-readable note in a chat (e.g. "Ada left the group"). Stored once per id. */
  async addNote(channelId: string, id: string, text: string, at = Date.now()): Promise<void> {
    const record: MessageRecord = { id, channelId, author: '', sentAt: at, kind: 'system', text, status: 'received', receivedAt: Date.now() };
    // In the chat order a note follows the messages this device has seen (its clock), before any later one.
    const clock = (await getChannel(this.db, channelId))?.clock ?? 0;
    if (clock > 0) {
      record.lamport = clock;
      record.order = orderKey({ ...record, author: '~' });
    }
    if (!(await addMessageIfNew(this.db, record))) return;
    await updateChannel(this.db, channelId, (c) => (c.lastMessageAt = Math.max(c.lastMessageAt, at)));
    this.events.messages(channelId, [record]);
    this.events.channels();
  }

  /**
   * A page of stored messages before `before` (the newest without), oldest first. When the device holds nothing
   * older but the relays may (history paged in newest first, older-history.ts), `hasMore` says so, and asking for the
   * page before the oldest stored message reads one older page of every member from the relays first.
   */
  async loadPage(channelId: string, before: { sentAt: number; id: string; order?: string } | undefined, limit: number): Promise<{ messages: MessageRecord[]; hasMore: boolean }> {
    const n = Math.max(1, Math.min(limit, 500));
    let page = await loadMessagePage(this.db, channelId, before, n);
    const older = this.older;
    if (page.hasMore || !older) return page;
    const channel = await getChannel(this.db, channelId);
    if (!channel || !older.incomplete(channel)) return page;
    if (before) {
      await older.more(channel);
      page = await loadMessagePage(this.db, channelId, before, n);
    }
    return { messages: page.messages, hasMore: page.hasMore || older.incomplete(channel) };
  }

  async markRead(channelId: string): Promise<void> {
    const now = Date.now();
    await updateChannel(this.db, channelId, (c) => {
      c.unread = 0;
      c.lastReadAt = Math.max(c.lastReadAt, now, c.lastMessageAt);
    });
    this.events.channels();
  }
}
