import type { MeshdropDatabase } from '../store/db.js';
import { getChannel, updateChannel } from '../store/channels-store.js';
import { addMessageAndUpdateChannel, addMessageIfNew, addOutgoingMessage, advanceMessageStatus, getChannelAndKnown, loadMessagePage, markMessageFailed } from '../store/messages-store.js';
import type { ChannelRecord, FileMeta, IdentityRecord, MessageRecord } from '../store/schema.js';
import { Outbox, type OutboxAckDetail, type OutboxRefusedDetail } from '../sync/outbox.js';
import type { Subscriptions } from '../sync/subscriptions.js';
import { APP_ROOT } from '../sync/user-space.js';
import type { ChatEvents } from './chat-events.js';
import { MAX_ENVELOPE_CHARS, MAX_TEXT_CHARS, openEnvelope, sealEnvelope, type ActionPayload, type InnerMessage, type ReplyBody, type SystemPayload } from './envelope.js';
import { isMessageId, newMessageId } from './ids.js';
import { receivedRecord } from './received.js';

export class ChatError extends Error {
  override name = 'ChatError';
}

export type SystemInner = Extract<InnerMessage, { kind: 'system' }>;
export type SystemHandler = (channel: ChannelRecord, inner: SystemInner) => Promise<void>;

export type ActionInner = Extract<InnerMessage, { kind: 'action' }>;

type Content =
  | { kind: 'text'; body: string }
  | { kind: 'file'; body: FileMeta }
  | { kind: 'system'; body: SystemPayload }
  | { kind: 'reply'; body: ReplyBody }
  | { kind: 'action'; body: ActionPayload };

/** What the conversation features (src/core/conversation-service.ts) plug into the receive path. */
export interface ConversationHooks {
  /** True when an action with this id was already handled (GUN replays history: skip its crypto). */
  isKnownAction(id: string): Promise<boolean>;
  /** A verified reaction, edit or deletion from a current member (or from me on another device). */
  onAction(channel: ChannelRecord, inner: ActionInner): Promise<void>;
  /** A message was just stored: applies actions that arrived before it and returns the record as it is now. */
  onStored(record: MessageRecord): Promise<MessageRecord>;
  /** The channel is being watched (subscribe to what else the feature reads from members' spaces). */
  onWatch(channel: ChannelRecord): void;
}

const noHooks: ConversationHooks = {
  isKnownAction: async () => false,
  onAction: async () => undefined,
  onStored: async (r) => r,
  onWatch: () => undefined,
};

/** Envelopes that arrived before the key of their epoch (a group-key message can lag behind). */
interface Parked {
  signer: string;
  id: string;
  raw: string;
}

/** Where a reader puts its delivery receipts for one author's messages in a channel (in the reader's space). */
const receiptsFor = (channelId: string, authorPub: string): string[] => [APP_ROOT, 'r', channelId, authorPub];

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

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly outbox: Outbox,
    private readonly subs: Subscriptions,
    private readonly events: ChatEvents,
  ) {
    outbox.addEventListener('acked', this.onAcked);
    outbox.addEventListener('refused', this.onRefused);
  }

  setSystemHandler(handler: SystemHandler): void {
    this.systemHandler = handler;
  }

  setConversationHooks(hooks: ConversationHooks): void {
    this.hooks = hooks;
  }

  stop(): void {
    this.stopped = true;
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
    for (const pub of [...channel.members, this.me.pair.pub]) {
      this.subs.ensure(`c|${channel.id}|${pub}`, pub, [APP_ROOT, 'c', channel.id], (v, k) => this.receive(channel.id, pub, k, v));
    }
    // Only receipts for my own messages: in a group, every member receipting every message to every member
    // would cost n² deliveries (and serial queue work) per message.
    for (const pub of channel.members) {
      this.subs.ensure(`r|${channel.id}|${pub}`, pub, receiptsFor(channel.id, this.me.pair.pub), (v, k) => this.receipt(channel.id, k, v));
    }
    this.hooks.onWatch(channel);
  }

  unwatchMember(channelId: string, pub: string): void {
    this.subs.drop(`c|${channelId}|${pub}`);
    this.subs.drop(`r|${channelId}|${pub}`);
    this.subs.drop(`seen|${channelId}|${pub}`);
  }

  unwatchChannel(channelId: string): void {
    this.subs.dropPrefix(`c|${channelId}|`);
    this.subs.dropPrefix(`r|${channelId}|`);
    this.subs.dropPrefix(`seen|${channelId}|`);
    this.parked.delete(channelId);
  }

  /** Re-tries envelopes that were waiting for a key (after a group-key message). */
  retryParked(channelId: string): void {
    const list = this.parked.get(channelId) ?? [];
    this.parked.delete(channelId);
    for (const p of list) this.receive(channelId, p.signer, p.id, p.raw);
  }

  private receive(channelId: string, signer: string, id: string, raw: unknown): void {
    // Cheap checks first: hostile peers can write anything, of any size, into their own space.
    if (!isMessageId(id) || typeof raw !== 'string' || raw.length > MAX_ENVELOPE_CHARS) return;
    const seenKey = `${channelId}|${signer}|${id}`;
    if (this.seen.has(seenKey)) return;
    this.seen.add(seenKey);
    void this.serial(() => this.process(channelId, signer, id, raw));
  }

  private async process(channelId: string, signer: string, id: string, raw: string): Promise<void> {
    // One read transaction for both (every await on IndexedDB here delays every later message in the queue).
    const { channel, known } = await getChannelAndKnown(this.db, channelId, id);
    const mine = signer === this.me.pair.pub;
    if (!channel || channel.closed || (!mine && !channel.members.includes(signer))) {
      // Not readable now; forget it so a later subscription (re-added to the group) reconsiders it.
      this.seen.delete(`${channelId}|${signer}|${id}`);
      return;
    }
    // GUN replays all history on every start: skip the crypto for messages already stored.
    if (known || (await this.hooks.isKnownAction(id))) return;
    const res = await openEnvelope(raw, {
      signer,
      channel: channelId,
      id,
      keyFor: (epoch) => channel.keys.find((k) => k.epoch === epoch)?.key,
    });
    if (!res.ok) {
      if (res.reason === 'no-key' && (res.epoch ?? 0) > channel.currentEpoch) {
        const list = this.parked.get(channelId) ?? [];
        if (list.length < 500) list.push({ signer, id, raw });
        this.parked.set(channelId, list);
        this.seen.delete(`${channelId}|${signer}|${id}`);
      } else {
        console.debug('meshdrop chat: dropped envelope', channelId, id, res.reason);
      }
      return;
    }
    const inner = res.inner;
    if (inner.kind === 'system') {
      if (!mine) await this.systemHandler(channel, inner);
      return;
    }
    if (inner.kind === 'action') {
      await this.hooks.onAction(channel, inner);
      return;
    }
    // openEnvelope checked that the inner id and channel are the ones of the path it was read from.
    const record = receivedRecord(inner, signer, mine);
    // The delivery receipt is queued in the same transaction, so a stored message always gets its receipt.
    const receipt = mine ? undefined : Outbox.entry({ id: `r:${id}`, path: [...receiptsFor(channelId, signer), id], value: 1, messageId: '' });
    const stored = await addMessageAndUpdateChannel(
      this.db,
      record,
      (c) => {
        c.lastMessageAt = Math.max(c.lastMessageAt, record.sentAt);
        // Every newly stored message from someone else is unread (dedup makes this once per id);
        // comparing with the sender's clock would hide messages from a device whose clock is behind.
        if (!mine && !(c.readUpTo !== undefined && record.sentAt <= c.readUpTo)) c.unread += 1;
      },
      receipt,
    );
    if (!stored) return;
    const current = await this.hooks.onStored(record);
    this.events.messages(channelId, [current]);
    this.events.channels();
    if (receipt) this.outbox.sendStored(receipt);
    if (!mine && current.kind === 'file' && !current.deleted) this.events.fileMessage(current);
  }

  private receipt(channelId: string, id: string, value: unknown): void {
    if (!isMessageId(id) || (value !== 1 && value !== '1')) return;
    // In a group every member receipts; the first one makes the message "delivered", the rest change nothing.
    if (this.delivered.has(id)) return;
    void this.serial(async () => {
      const updated = await advanceMessageStatus(this.db, id, 'delivered', (m) => m.channelId === channelId && m.author === this.me.pair.pub);
      if (updated) {
        this.rememberDelivered(id);
        this.events.messages(channelId, [updated]);
      }
    });
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

  private async openChannel(channelId: string): Promise<ChannelRecord> {
    const channel = await getChannel(this.db, channelId);
    if (!channel) throw new ChatError('This chat does not exist on this device.');
    if (channel.closed) throw new ChatError('This chat is closed: you are no longer a member.');
    return channel;
  }

  async sendText(channelId: string, text: string): Promise<MessageRecord> {
    if (!text.trim()) throw new ChatError('Type a message first.');
    if (text.length > MAX_TEXT_CHARS) {
      throw new ChatError(`Messages can be at most ${MAX_TEXT_CHARS} characters (this one has ${text.length}).`);
    }
    const record = await this.send(await this.openChannel(channelId), { kind: 'text', body: text });
    if (!record || typeof record === 'string') throw new ChatError('The message could not be stored.');
    return record;
  }

  /** For the file service: announces a file (its chunks are written separately) as a message of kind 'file'. */
  async sendFileMessage(channelId: string, file: FileMeta): Promise<MessageRecord> {
    const record = await this.send(await this.openChannel(channelId), { kind: 'file', body: file });
    if (!record || typeof record === 'string') throw new ChatError('The file message could not be stored.');
    return record;
  }

  /** Sends a text that answers message `to` of the same chat. */
  async sendReply(channelId: string, text: string, to: string): Promise<MessageRecord> {
    if (!text.trim()) throw new ChatError('Type a message first.');
    if (text.length > MAX_TEXT_CHARS) {
      throw new ChatError(`Messages can be at most ${MAX_TEXT_CHARS} characters (this one has ${text.length}).`);
    }
    if (!isMessageId(to)) throw new ChatError('That message cannot be answered.');
    const record = await this.send(await this.openChannel(channelId), { kind: 'reply', body: { text, to } });
    if (!record || typeof record === 'string') throw new ChatError('The message could not be stored.');
    return record;
  }

  /** Sends a reaction, edit or deletion (the caller applies it locally). Returns its id and send time. */
  async sendAction(channelId: string, payload: ActionPayload): Promise<{ id: string; sentAt: number }> {
    const sentAt = Date.now();
    const id = await this.send(await this.openChannel(channelId), { kind: 'action', body: payload }, sentAt);
    if (typeof id !== 'string') throw new ChatError('The change could not be sent.');
    return { id, sentAt };
  }

  /** Sends a protocol message (never shown as a chat bubble). Returns its id. */
  async sendSystem(channel: ChannelRecord, payload: SystemPayload): Promise<string> {
    const id = await this.send(channel, { kind: 'system', body: payload });
    return typeof id === 'string' ? id : '';
  }

  private async send(channel: ChannelRecord, content: Content, sentAt = Date.now()): Promise<MessageRecord | string | undefined> {
    const key = channel.keys.find((k) => k.epoch === channel.currentEpoch)?.key;
    if (!key) throw new ChatError('This chat has no key yet; wait until the group admin shares it.');
    const id = newMessageId(sentAt);
    const inner = { id, channel: channel.id, author: this.me.pair.pub, sentAt, epoch: channel.currentEpoch, ...content } as InnerMessage;
    const envelope = await sealEnvelope(inner, key, this.me.pair);
    const path = [APP_ROOT, 'c', channel.id, id];
    if (content.kind === 'system' || content.kind === 'action') {
      if (content.kind === 'action') this.seen.add(`${channel.id}|${this.me.pair.pub}|${id}`);
      await this.outbox.enqueue({ id, path, value: envelope, messageId: '' });
      return id;
    }
    const record: MessageRecord = {
      id,
      channelId: channel.id,
      author: this.me.pair.pub,
      sentAt,
      kind: content.kind === 'reply' ? 'text' : content.kind,
      text: content.kind === 'text' ? content.body : content.kind === 'reply' ? content.body.text : '',
      status: 'pending',
      receivedAt: sentAt,
    };
    if (content.kind === 'file') record.file = content.body;
    if (content.kind === 'reply') record.replyTo = content.body.to;
    this.seen.add(`${channel.id}|${this.me.pair.pub}|${id}`);
    const write = Outbox.entry({ id, path, value: envelope, messageId: id });
    await addOutgoingMessage(
      this.db,
      record,
      (c) => {
        c.lastMessageAt = Math.max(c.lastMessageAt, sentAt);
        c.lastReadAt = Math.max(c.lastReadAt, sentAt);
      },
      write,
    );
    this.outbox.sendStored(write);
    this.events.messages(channel.id, [record]);
    this.events.channels();
    return record;
  }

  /** A local, human-readable note in a chat (e.g. "Ada left the group"). Stored once per id. */
  async addNote(channelId: string, id: string, text: string, at = Date.now()): Promise<void> {
    const record: MessageRecord = { id, channelId, author: '', sentAt: at, kind: 'system', text, status: 'received', receivedAt: Date.now() };
    if (!(await addMessageIfNew(this.db, record))) return;
    await updateChannel(this.db, channelId, (c) => (c.lastMessageAt = Math.max(c.lastMessageAt, at)));
    this.events.messages(channelId, [record]);
    this.events.channels();
  }

  loadPage(channelId: string, before: { sentAt: number; id: string } | undefined, limit: number) {
    return loadMessagePage(this.db, channelId, before, Math.max(1, Math.min(limit, 500)));
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
