import type { MessageRecord } from '../store/schema.js';
import type { InnerMessage } from './envelope.js';

/** A received message's date is taken at most this far ahead of this device's clock (clock skew). */
export const MAX_FUTURE_MS = 60_000;

/** An opened envelope that is a chat message (not a system line or a conversation action). */
export type ChatInner = Extract<InnerMessage, { kind: 'text' | 'file' | 'reply' }>;

/** Whether an opened envelope is a chat message, as opposed to a system line or an action (neither is shown). */
export function isChatInner(inner: InnerMessage): inner is ChatInner {
  return inner.kind === 'text' || inner.kind === 'file' || inner.kind === 'reply';
}

/**
 * The stored form of a chat message read from `signer`'s space: used by the chat service when it stores a message
 * and by the service worker when it shows one behind a push, so both read an envelope the same way.
 */
export function receivedRecord(inner: ChatInner, signer: string, mine: boolean, now = Date.now()): MessageRecord {
  const record: MessageRecord = {
    id: inner.id,
    channelId: inner.channel,
    author: signer,
    sentAt: Math.min(inner.sentAt, now + MAX_FUTURE_MS),
    kind: inner.kind === 'reply' ? 'text' : inner.kind,
    text: inner.kind === 'text' ? inner.body : inner.kind === 'reply' ? inner.body.text : '',
    status: mine ? 'sent' : 'received',
    receivedAt: now,
  };
  if (inner.kind === 'file') record.file = inner.body;
  if (inner.kind === 'reply') record.replyTo = inner.body.to;
  return record;
}
