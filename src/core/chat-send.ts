import type { MeshdropDatabase } from '../store/db.js';
import { getChannel } from '../store/channels-store.js';
import { addOutgoingMessages } from '../store/messages-store.js';
import type { AuthorProgress, ChannelRecord, FileMeta, IdentityRecord, MessageRecord, OutboxRecord } from '../store/schema.js';
import { Outbox } from '../sync/outbox.js';
import { APP_ROOT } from '../sync/user-space.js';
import type { ChatEvents } from './chat-events.js';
import { MAX_TEXT_CHARS, sealEnvelope, type ActionPayload, type InnerMessage, type ReplyBody, type SystemPayload } from './envelope.js';
import { isMessageId, newMessageId } from './ids.js';

/** A chat cannot be used as asked (wording for people; shown as is). */
export class ChatError extends Error {
  override name = 'ChatError';
}

type Content =
  | { kind: 'text'; body: string }
  | { kind: 'file'; body: FileMeta }
  | { kind: 'system'; body: SystemPayload }
  | { kind: 'reply'; body: ReplyBody }
  | { kind: 'action'; body: ActionPayload };

/** What a send gives back: the stored message, or for envelopes not stored as messages (system, action) id and time. */
type Sent = MessageRecord | { id: string; sentAt: number };

/** A send waiting in the queue. */
interface PendingSend {
  channelId: string;
  content: Content;
  resolve(value: Sent): void;
  reject(reason: unknown): void;
}

/** The chat `channelId`, if messages can be sent in it (and changes made to its messages). */
export async function openChannel(db: MeshdropDatabase, channelId: string): Promise<ChannelRecord> {
  const channel = await getChannel(db, channelId);
  if (!channel) throw new ChatError('This chat does not exist on this device.');
  if (channel.closed) throw new ChatError('This chat is closed: you are no longer a member.');
  return channel;
}

/** Throws the user's reason when `text` cannot be a message's text (empty, or too long). */
export function checkText(text: string): void {
  if (!text.trim()) throw new ChatError('Type a message first.');
  if (text.length > MAX_TEXT_CHARS) throw new ChatError(`Messages can be at most ${MAX_TEXT_CHARS} characters (this one has ${text.length}).`);
}

/** The time part of a message id (base-36 ms), 0 for none. */
export const idTime = (id: string | undefined): number => (id ? parseInt(id.slice(0, 9), 36) || 0 : 0);

/** What an envelope adds to its channel's counters (a stored message, or an action). */
export type Numbered = Pick<MessageRecord, 'id' | 'author' | 'lamport' | 'seq'>;

/** Records that `m` is stored in `c`: Lamport clock, and the author's sequence range. */
export function noteStored(c: ChannelRecord, m: Numbered): void {
  if (m.lamport) c.clock = Math.max(c.clock ?? 0, m.lamport);
  if (!m.seq) return;
  const authors = (c.authors ??= {});
  const p: AuthorProgress = authors[m.author] ?? { floor: 0, top: 0 };
  p.floor = p.floor ? Math.min(p.floor, m.seq) : m.seq;
  p.top = Math.max(p.top, m.seq);
  authors[m.author] = p;
}

/**
 * The sending half of the chat service (chat-service.ts): seals my messages, numbers them in my sequence of the chat
 * and stores them with their outbox writes; the outbox takes them to the relays.
 */
export class ChatSender {
  /** Sends waiting for their sequence number and Lamport clock, in call order (see send()). */
  private sendQueue: PendingSend[] = [];
  private sendWorker = false;

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly outbox: Outbox,
    private readonly events: ChatEvents,
    /** Envelopes seen by the receive path (`channel|author|id`), shared with it. */
    private readonly seen: Set<string>,
  ) {}

  async sendText(channelId: string, text: string): Promise<MessageRecord> {
    checkText(text);
    const record = await this.send(await openChannel(this.db, channelId), { kind: 'text', body: text });
    if (!('status' in record)) throw new ChatError('The message could not be stored.');
    return record;
  }

  /** For the file service: announces a file (its chunks are written separately) as a message of kind 'file'. */
  async sendFileMessage(channelId: string, file: FileMeta): Promise<MessageRecord> {
    const record = await this.send(await openChannel(this.db, channelId), { kind: 'file', body: file });
    if (!('status' in record)) throw new ChatError('The file message could not be stored.');
    return record;
  }

  /** Sends a text that answers message `to` of the same chat. */
  async sendReply(channelId: string, text: string, to: string): Promise<MessageRecord> {
    checkText(text);
    if (!isMessageId(to)) throw new ChatError('That message cannot be answered.');
    const record = await this.send(await openChannel(this.db, channelId), { kind: 'reply', body: { text, to } });
    if (!('status' in record)) throw new ChatError('The message could not be stored.');
    return record;
  }

  /** Sends a reaction, edit or deletion (the caller applies it locally). Returns its id and send time. */
  async sendAction(channelId: string, payload: ActionPayload): Promise<{ id: string; sentAt: number }> {
    const sent = await this.send(await openChannel(this.db, channelId), { kind: 'action', body: payload });
    return { id: sent.id, sentAt: sent.sentAt };
  }

  /** Sends a protocol message (never shown as a chat bubble). Returns its id. */
  async sendSystem(channel: ChannelRecord, payload: SystemPayload): Promise<string> {
    return (await this.send(channel, { kind: 'system', body: payload })).id;
  }

  /**
   * Sends are queued and taken in batches, in call order, by one worker: each message takes the next sequence
   * number and Lamport clock of its chat, and its id is larger than the last one's; a batch is sealed at once and
   * stored (messages, outbox entries and the new counters) in one transaction, then shown with one event.
   * (300 calls started back to back: 300 distinct, increasing numbers; one at a time, each with its own UI
   * update, they took minutes.)
   */
  private send(channel: ChannelRecord, content: Content): Promise<Sent> {
    return new Promise((resolve, reject) => {
      this.sendQueue.push({ channelId: channel.id, content, resolve, reject });
      if (this.sendWorker) return;
      this.sendWorker = true;
      void this.drainSends();
    });
  }

  private async drainSends(): Promise<void> {
    try {
      while (this.sendQueue.length) {
        const batch = this.sendQueue.splice(0, 100);
        const channelIds = [...new Set(batch.map((b) => b.channelId))];
        for (const channelId of channelIds) await this.sendBatch(channelId, batch.filter((b) => b.channelId === channelId));
      }
    } finally {
      this.sendWorker = false;
    }
  }

  private async sendBatch(channelId: string, items: PendingSend[]): Promise<void> {
    let channel: ChannelRecord;
    let key: string | undefined;
    try {
      // Read here, not when called: earlier sends (and received messages) have moved the counters since.
      channel = await openChannel(this.db, channelId);
      key = channel.keys.find((k) => k.epoch === channel.currentEpoch)?.key;
      if (!key) throw new ChatError('This chat has no key yet; wait until the group admin shares it.');
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    let clock = channel.clock ?? 0;
    let seq = channel.sendSeq ?? 0;
    let prev = channel.lastSentId;
    const prepared = items.map((item) => {
      const now = Date.now();
      const system = item.content.kind === 'system';
      // Ids stay increasing per author and chat even if the clock goes back: the keys of my messages in the
      // channel sort like their sequence (a reader asking relays for keys after the largest it holds misses none).
      const id = newMessageId(Math.max(now, idTime(prev) + 1));
      clock += 1;
      // System messages (group keys, profiles) move the clock but are not part of the numbered sequence.
      const mySeq = system ? undefined : ++seq;
      const order = mySeq === undefined ? {} : { seq: mySeq, ...(prev ? { prev } : {}) };
      if (!system) prev = id;
      const inner = { id, channel: channelId, author: this.me.pair.pub, sentAt: now, epoch: channel.currentEpoch, lamport: clock, ...order, ...item.content } as InnerMessage;
      return { item, inner, id, system, seq: mySeq, lamport: clock, sentAt: now };
    });
    const sealed = await Promise.allSettled(prepared.map((p) => sealEnvelope(p.inner, key!, this.me.pair)));
    const records: MessageRecord[] = [];
    /** My actions of this batch (numbered like messages, not stored as messages): counted in the channel. */
    const actions: Numbered[] = [];
    const writes: OutboxRecord[] = [];
    const done: (() => void)[] = [];
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i]!;
      const res = sealed[i]!;
      if (res.status === 'rejected') {
        p.item.reject(res.reason);
        continue;
      }
      const path = [APP_ROOT, 'c', channelId, p.id];
      if (p.system) {
        try {
          await this.outbox.enqueue({ id: p.id, path, value: res.value, messageId: '' });
          done.push(() => p.item.resolve({ id: p.id, sentAt: p.sentAt }));
        } catch (err) {
          p.item.reject(err);
        }
        continue;
      }
      const content = p.item.content;
      this.seen.add(`${channelId}|${this.me.pair.pub}|${p.id}`); // my own envelope coming back is not processed again
      if (content.kind === 'action') {
        // Its write is stored with the new counters (one transaction); the caller applies it locally.
        actions.push({ id: p.id, author: this.me.pair.pub, lamport: p.lamport, seq: p.seq });
        writes.push(Outbox.entry({ id: p.id, path, value: res.value, messageId: '' }));
        done.push(() => p.item.resolve({ id: p.id, sentAt: p.sentAt }));
        continue;
      }
      const record: MessageRecord = {
        id: p.id,
        channelId,
        author: this.me.pair.pub,
        sentAt: p.sentAt,
        kind: content.kind === 'reply' ? 'text' : content.kind,
        text: content.kind === 'text' ? content.body : content.kind === 'reply' ? content.body.text : '',
        status: 'pending',
        receivedAt: p.sentAt,
        lamport: p.lamport,
        seq: p.seq,
      };
      if (content.kind === 'file') record.file = content.body;
      if (content.kind === 'reply') record.replyTo = content.body.to;
      records.push(record);
      writes.push(Outbox.entry({ id: p.id, path, value: res.value, messageId: p.id }));
      done.push(() => p.item.resolve(record));
    }
    try {
      await addOutgoingMessages(
        this.db,
        channelId,
        records,
        (c) => {
          c.clock = Math.max(c.clock ?? 0, clock);
          if (seq > (c.sendSeq ?? 0)) {
            c.sendSeq = seq;
            if (prev) c.lastSentId = prev;
          }
          for (const r of records) {
            c.lastMessageAt = Math.max(c.lastMessageAt, r.sentAt);
            c.lastReadAt = Math.max(c.lastReadAt, r.sentAt);
            noteStored(c, r);
          }
          for (const a of actions) noteStored(c, a);
        },
        writes,
      );
    } catch (err) {
      for (const p of prepared) p.item.reject(err);
      return;
    }
    for (const w of writes) this.outbox.sendStored(w);
    if (records.length) this.events.messages(channelId, records);
    this.events.channels();
    for (const d of done) d();
  }
}
