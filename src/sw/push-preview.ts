/**
 * What a push notification says. A relay's push carries only the opaque channel id; the worker reads the chat from
 * IndexedDB and then, within a few seconds, asks the device's relays (GET /history) for each member's envelopes
 * after the newest message this device holds, and opens them with the app's own code (core/envelope.ts
 * openEnvelope: the author's signature, the chat key, the inner checks). The newest chat message from someone else
 * is shown the way the open app's notifier would show it (core/notifier.ts notificationFor: sender and preview, or
 * only the sender when previews are hidden; nothing for own messages, muted or closed chats). Reactions, edits,
 * deletions and system lines never notify. If no relay answers in time or an envelope does not verify, the
 * notification falls back to "New message in <chat>": never an error, never a blank, never unverified text. The
 * words are those of the app's language, stored by its page (core/notifier.ts StoredNotificationWords).
 *
 * Nothing is written to IndexedDB here: the app stores a received message together with its channel's unread count,
 * its delivery receipt and any reaction that arrived before it (chat-service.ts); storing it from the worker would
 * make the app skip that work for an id it already holds.
 */
import { openMeshdropDB } from '../store/db.js';
import { latestMessage } from '../store/messages-store.js';
import { loadIdentity } from '../store/identity-store.js';
import type { ChannelRecord, ContactRecord, IdentityRecord, MessageRecord } from '../store/schema.js';
import type { ChannelSummary } from '../core/api.js';
import { openEnvelope } from '../core/envelope.js';
import { isMessageId } from '../core/ids.js';
import { NOTIFICATION_WORDS_SETTING, notificationFor, pushFallbackFor, readNotificationWords, type NotificationPlan } from '../core/notifier.js';
import { PREFERENCES_SETTING, readPreferences, type Preferences } from '../core/preferences.js';
import { memberMessageSoul } from '../core/push-service.js';
import { isChatInner, receivedRecord } from '../core/received.js';
import { RELAYS_SETTING, relaysInUse } from '../core/relays.js';
import { NameBook, toChannelSummary, toMessageView } from '../core/views.js';
import { readAfter } from '../sync/history.js';

/** How long the worker waits for the relays' answers before it shows the fallback (the push event lives ~30 s). */
export const PREVIEW_FETCH_MS = 4000;

/** A push notification plan; `messageId` is the message it shows (absent for the fallback). */
export type PushPlan = NotificationPlan & { messageId?: string };

/** Extra time for opening the envelopes (signature checks, decryption) before the fallback shows regardless. */
export const PREVIEW_OPEN_MS = 2000;

/** What this device holds about a chat, read in one go. */
interface LocalChat {
  channel: ChannelRecord;
  me: IdentityRecord;
  contacts: ContactRecord[];
  prefs: Preferences;
  /** The words of the app's language, as its page last stored them (English before that). */
  words: ReturnType<typeof readNotificationWords>;
  relays: string[];
  /** Newest message id stored for the chat (history is read after it). */
  after: string | undefined;
}

async function readLocal(channelId: string, defaultRelays: readonly string[]): Promise<LocalChat | undefined> {
  const db = await openMeshdropDB();
  try {
    const [channel, me, contacts, prefs, words, relays, latest] = await Promise.all([
      db.get('channels', channelId),
      loadIdentity(db),
      db.getAll('contacts'),
      db.get('settings', PREFERENCES_SETTING),
      db.get('settings', NOTIFICATION_WORDS_SETTING),
      db.get('settings', RELAYS_SETTING),
      latestMessage(db, channelId),
    ]);
    if (!channel || !me) return undefined;
    return { channel, me, contacts, prefs: readPreferences(prefs), words: readNotificationWords(words), relays: relaysInUse(relays, defaultRelays), after: latest?.id };
  } finally {
    db.close();
  }
}

/** Every value each relay holds after `after` for each member's message node, by author and message id. */
async function fetchEnvelopes(chat: LocalChat, signal: AbortSignal): Promise<Map<string, { signer: string; id: string; raws: Set<unknown> }>> {
  const found = new Map<string, { signer: string; id: string; raws: Set<unknown> }>();
  const reads: Promise<unknown>[] = [];
  for (const relay of chat.relays) {
    for (const member of chat.channel.members) {
      const soul = memberMessageSoul(member, chat.channel.id);
      reads.push(
        readAfter(relay, soul, chat.after, (entries) => {
          for (const e of entries) {
            if (!isMessageId(e.key)) continue;
            const k = `${member}|${e.key}`;
            const slot = found.get(k) ?? { signer: member, id: e.key, raws: new Set<unknown>() };
            // Relays may disagree (one tampered, one honest): every distinct value is tried.
            if (slot.raws.size < 4) slot.raws.add(e.value);
            found.set(k, slot);
          }
        }, signal),
      );
    }
  }
  const results = await Promise.allSettled(reads);
  if (!results.some((r) => r.status === 'fulfilled')) throw new Error('no relay answered');
  return found;
}

/**
 * The notification for a push about `channelId`, or null when none must be shown (unknown, closed or muted chat,
 * or only reactions, edits, deletions and own messages are new). `defaultRelays`: the app's defaults (used when the
 * user saved no relay list).
 */
export async function planPushNotification(channelId: string, defaultRelays: readonly string[], fetchMs = PREVIEW_FETCH_MS): Promise<PushPlan | null> {
  const chat = await readLocal(channelId, defaultRelays);
  if (!chat || chat.channel.closed || chat.channel.muted) return null;
  const names = new NameBook(chat.me, chat.contacts);
  const summary = toChannelSummary(chat.channel, chat.me, names, undefined);
  const fallback = pushFallbackFor(channelId, summary.title, chat.words.push);
  // A hard limit on top of the fetch's own: whatever happens, the notification shows within the push event.
  let hardTimer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<NotificationPlan>((ok) => (hardTimer = setTimeout(() => ok(fallback), fetchMs + PREVIEW_OPEN_MS)));
  try {
    return await Promise.race([readPreview(chat, names, summary, fallback, fetchMs), late]);
  } finally {
    clearTimeout(hardTimer);
  }
}

async function readPreview(chat: LocalChat, names: NameBook, summary: ChannelSummary, fallback: NotificationPlan, fetchMs: number): Promise<PushPlan | null> {
  const channelId = chat.channel.id;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), fetchMs);
  let found: Awaited<ReturnType<typeof fetchEnvelopes>>;
  try {
    found = await fetchEnvelopes(chat, abort.signal);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
  const keyFor = (epoch: number) => chat.channel.keys.find((k) => k.epoch === epoch)?.key;
  let unreadable = 0;
  let newest: MessageRecord | undefined;
  for (const { signer, id, raws } of found.values()) {
    let opened = false;
    for (const raw of raws) {
      const res = await openEnvelope(raw, { signer, channel: channelId, id, keyFor });
      if (!res.ok) continue;
      opened = true;
      if (!isChatInner(res.inner)) break; // a reaction, edit, deletion or system line: never a notification
      const record = receivedRecord(res.inner, signer, signer === chat.me.pair.pub);
      if (!newest || record.sentAt > newest.sentAt || (record.sentAt === newest.sentAt && record.id > newest.id)) newest = record;
      break;
    }
    if (!opened) unreadable += 1;
  }
  // Something new that could not be read (or the relays do not have it yet): say so without its text.
  if (!newest) return unreadable > 0 || found.size === 0 ? fallback : null;
  const plan = notificationFor(toMessageView(newest, chat.me, names, chat.channel), summary, {
    permission: 'granted',
    // The caller shows nothing while an app window is focused (the app notifies itself there).
    openChatId: '',
    focused: false,
    hidePreviews: chat.prefs.hidePreviews,
    since: 0,
    words: chat.words.notify,
  });
  return plan && { ...plan, messageId: newest.id };
}
