import type { MeshdropDatabase } from '../store/db.js';
import { getChannel } from '../store/channels-store.js';
import { advanceSeen, applyParkedMany, hideMessage, knownActionIds, seenPointers, storeAndApplyAction } from '../store/conversation-store.js';
import { loadMessagePage } from '../store/messages-store.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import type { ActionRecord, ChannelRecord, IdentityRecord, MessageRecord } from '../store/schema.js';
import type { Outbox } from '../sync/outbox.js';
import type { Subscriptions } from '../sync/subscriptions.js';
import { APP_ROOT } from '../sync/user-space.js';
import type { ChatEvents } from './chat-events.js';
import { ChatError, type ActionInner, type ChatService, type ConversationHooks } from './chat-service.js';
import { decideAction } from './conversation-rules.js';
import { isActionPayload, type ActionPayload } from './envelope.js';
import { checkText, openChannel } from './chat-send.js';

/** Setting key: whether this device sends seen receipts and shows others' (default on). */
export const SEEN_RECEIPTS_SETTING = 'seenReceipts';

/** Where a member writes how far it has seen a chat (in its own space): `<sentAt>.<messageId>` at key `last`. */
export const seenPath = (channelId: string): string[] => [APP_ROOT, 'seen', channelId];

const SEEN_VALUE_RE = /^(\d{1,16})\.([0-9a-z]{9}[0-9a-f]{12})$/;

/**
 * Reply, reactions, edit, delete (for everyone / for me) and seen receipts. Actions travel as 'action'
 * envelopes through ChatService (same signature, encryption and membership checks as messages); this service
 * applies them by the rules in conversation-rules.ts, keeps them by id (replays change nothing) and parks those
 * whose message has not arrived yet.
 */
export class ConversationService implements ConversationHooks {
  private seenOn = true;
  /** Stops the transfer of a deleted file and drops its chunks (set by the controller to the file service). */
  onFileDeleted: (fileId: string) => Promise<void> = async () => undefined;
  private readonly watched = new Map<string, ChannelRecord>();

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly chat: ChatService,
    private readonly outbox: Outbox,
    private readonly subs: Subscriptions,
    private readonly events: ChatEvents,
  ) {
    chat.setConversationHooks(this);
  }

  /** Reads the stored settings (call before the channels are watched). */
  async start(): Promise<void> {
    this.seenOn = (await getSetting(this.db, SEEN_RECEIPTS_SETTING, (v): v is boolean => typeof v === 'boolean')) ?? true;
  }

  // ---- receiving (ChatService hooks) ----

  knownActions(ids: readonly string[]): Promise<Set<string>> {
    return knownActionIds(this.db, ids);
  }

  async onAction(channel: ChannelRecord, inner: ActionInner): Promise<void> {
    await this.apply(channel.id, inner.author, inner.id, inner.sentAt, inner.body);
  }

  async onStored(records: MessageRecord[]): Promise<MessageRecord[]> {
    const { messages, deletedFileIds } = await applyParkedMany(this.db, records, decideAction);
    for (const fileId of deletedFileIds) await this.onFileDeleted(fileId);
    return messages;
  }

  onWatch(channel: ChannelRecord): void {
    this.watched.set(channel.id, channel);
    if (!this.seenOn) return;
    for (const pub of channel.members) {
      this.subs.ensure(`seen|${channel.id}|${pub}`, pub, seenPath(channel.id), (v, k) => {
        // After sign-out the database may be closing; a lost seen receipt is re-read on the next start.
        if (k === 'last') void this.onSeen(channel.id, pub, v).catch((err: unknown) => console.debug('meshdrop chat: seen receipt not applied', err));
      });
    }
  }

  private async apply(channelId: string, author: string, id: string, sentAt: number, body: ActionPayload): Promise<MessageRecord | undefined> {
    const action: ActionRecord = {
      id,
      channelId,
      author,
      sentAt,
      target: body.target,
      type: body.type,
      value: body.type === 'react' ? body.emoji : body.type === 'edit' ? body.text : '',
      state: 'parked',
    };
    const d = await storeAndApplyAction(this.db, action, decideAction);
    if (d?.state === 'dropped') console.debug('meshdrop chat: dropped action', channelId, id, body.type);
    if (d?.deletedFileId) await this.onFileDeleted(d.deletedFileId);
    if (d?.message) {
      this.events.messages(channelId, [d.message]);
      if (body.type !== 'react') this.events.channels(); // the chat list preview may show the changed text
    }
    return d?.message;
  }

  // ---- sending ----

  private async own(channelId: string, messageId: string): Promise<{ channel: ChannelRecord; message: MessageRecord }> {
    const channel = await openChannel(this.db, channelId);
    const message = await this.db.get('messages', messageId);
    if (!message || message.channelId !== channelId || message.kind === 'system' || message.hidden) throw new ChatError('That message is not in this chat.');
    if (message.deleted) throw new ChatError('That message was deleted.');
    return { channel, message };
  }

  private async send(channelId: string, payload: ActionPayload): Promise<MessageRecord | undefined> {
    if (!isActionPayload(payload)) throw new ChatError('That change is not valid.');
    const { id, sentAt } = await this.chat.sendAction(channelId, payload);
    return this.apply(channelId, this.me.pair.pub, id, sentAt, payload);
  }

  /** Sets my reaction on a message (an empty emoji removes it). */
  async react(channelId: string, messageId: string, emoji: string): Promise<void> {
    await this.own(channelId, messageId);
    const payload: ActionPayload = { type: 'react', target: messageId, emoji };
    if (!isActionPayload(payload)) throw new ChatError('A reaction is a single emoji.');
    await this.send(channelId, payload);
  }

  /** Replaces the text of one of my text messages. */
  async edit(channelId: string, messageId: string, text: string): Promise<void> {
    const { message } = await this.own(channelId, messageId);
    if (message.author !== this.me.pair.pub || message.kind !== 'text') throw new ChatError('You can only edit your own text messages.');
    checkText(text);
    if (text === message.text) return;
    await this.send(channelId, { type: 'edit', target: messageId, text });
  }

  /** Deletes a message for every member: my own, or any message of a group I administer. */
  async deleteForEveryone(channelId: string, messageId: string): Promise<void> {
    const { channel, message } = await this.own(channelId, messageId);
    const admin = channel.kind === 'group' && channel.admin === this.me.pair.pub;
    if (message.author !== this.me.pair.pub && !admin) throw new ChatError('You can only delete your own messages for everyone.');
    await this.send(channelId, { type: 'delete', target: messageId });
  }

  /** Removes a message from this device only (nothing is sent). */
  async deleteForMe(channelId: string, messageId: string): Promise<void> {
    const message = await this.db.get('messages', messageId);
    if (!message || message.channelId !== channelId) throw new ChatError('That message is not in this chat.');
    const hidden = await hideMessage(this.db, messageId);
    if (!hidden) return;
    if (hidden.file && hidden.author !== this.me.pair.pub) await this.onFileDeleted(hidden.file.fileId);
    const { file: _f, ...rest } = hidden;
    this.events.messages(channelId, [rest]);
    this.events.channels();
  }

  // ---- seen receipts ----

  get seenReceipts(): boolean {
    return this.seenOn;
  }

  /** Turns seen receipts on or off (off: none sent, none shown). Stored on this device. */
  async setSeenReceipts(on: boolean): Promise<void> {
    await setSetting(this.db, SEEN_RECEIPTS_SETTING, on);
    this.seenOn = on;
    if (on) for (const channel of this.watched.values()) this.onWatch(channel);
    else this.subs.dropPrefix('seen|');
  }

  /**
   * I viewed a chat: one receipt naming the newest message from others covers everything before it (one write
   * per view, overwriting the last one, instead of one per message).
   */
  async markSeen(channelId: string): Promise<void> {
    if (!this.seenOn) return;
    const page = await loadMessagePage(this.db, channelId, undefined, 20);
    const newest = [...page.messages].reverse().find((m) => m.author && m.author !== this.me.pair.pub && m.kind !== 'system');
    if (!newest) return;
    const moved = await advanceSeen(this.db, { channelId, reader: this.me.pair.pub, sentAt: newest.sentAt, id: newest.id });
    if (!moved) return;
    await this.outbox.enqueue({ id: `seen:${channelId}`, path: [...seenPath(channelId), 'last'], value: `${newest.sentAt}.${newest.id}`, messageId: '' });
  }

  private async onSeen(channelId: string, reader: string, value: unknown): Promise<void> {
    if (!this.seenOn || typeof value !== 'string') return;
    const m = SEEN_VALUE_RE.exec(value);
    if (!m) return;
    const channel = await getChannel(this.db, channelId);
    // Only a current member's receipt counts (a removed member's space is no longer read, but be sure).
    if (!channel || channel.closed || !channel.members.includes(reader)) return;
    const sentAt = Number(m[1]);
    if (!Number.isSafeInteger(sentAt)) return;
    if (!(await advanceSeen(this.db, { channelId, reader, sentAt, id: m[2]! }))) return;
    // Re-emit my recent messages so open views recompute "seen" (older ones pick it up when loaded).
    const page = await loadMessagePage(this.db, channelId, undefined, 50);
    const mine = page.messages.filter((x) => x.author === this.me.pair.pub);
    if (mine.length > 0) this.events.messages(channelId, mine);
  }

  /** Members (other than me) who have seen each of `messages` (mine only), by message id. */
  async seenBy(channelId: string, messages: MessageRecord[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!this.seenOn) return out;
    const mine = messages.filter((m) => m.author === this.me.pair.pub);
    if (mine.length === 0) return out;
    const pointers = (await seenPointers(this.db, channelId)).filter((p) => p.reader !== this.me.pair.pub);
    for (const m of mine) {
      const readers = pointers.filter((p) => p.sentAt > m.sentAt || (p.sentAt === m.sentAt && p.id >= m.id)).map((p) => p.reader);
      if (readers.length > 0) out.set(m.id, readers);
    }
    return out;
  }
}
