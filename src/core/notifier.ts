// Decides which incoming messages become system notifications while the app is open but not in front, and
// keeps the installed app's unread badge. The UI never calls the Notification or Badging APIs itself.
import type { ChannelSummary, MessageView } from './api.js';
import type { DeviceApi, NotifyPermission } from './device.js';
import { previewOf } from './views.js';

/** What decides whether one message notifies. */
export interface NotifyContext {
  permission: NotifyPermission;
  /** The chat shown in this window ('' for none). */
  openChatId: string;
  /** This window has focus (and is visible). */
  focused: boolean;
  hidePreviews: boolean;
  /** Messages received before this time (ms) are history, not news. */
  since: number;
  /** The page's words for a hidden preview (its UI language); English when absent. */
  words?: NotificationWords;
}

/** How a notification reads when previews are hidden (the page passes its language's words). */
export interface NotificationWords {
  sentFile(author: string): string;
  sentMessage(author: string): string;
}

/** The English words (the default, and what tests of the core expect). */
export const ENGLISH_NOTIFICATION_WORDS: NotificationWords = {
  sentFile: (author) => `${author} sent a file`,
  sentMessage: (author) => `${author} sent a message`,
};

/** How a push notification reads when the message itself could not be read (no relay answered in time, or it did not verify). */
export interface PushFallbackWords {
  title(chat: string): string;
  body: string;
}

/**
 * The English push fallback: what the service worker shows until a page of the app has stored its own language's
 * words (see StoredNotificationWords), like the other words in this table when no page hands over its own.
 */
export const ENGLISH_PUSH_FALLBACK_WORDS: PushFallbackWords = {
  title: (chat) => `New message in ${chat}`,
  body: 'Open Meshdrop to read it.',
};

/** The device-local setting where the page keeps its notification words for the service worker (push-preview.ts). */
export const NOTIFICATION_WORDS_SETTING = 'notification-words';

/**
 * Notification words as the page stores them for the service worker, which has no UI language of its own:
 * templates in the page's language, `{chat}` and `{author}` standing for the names.
 */
export interface StoredNotificationWords {
  newMessageIn: string;
  openToRead: string;
  sentFile: string;
  sentMessage: string;
}

/** The longest stored template taken (the words are short; anything longer is not the page's). */
const MAX_WORDS_CHARS = 200;

/** A stored template with exactly one `slot`, or undefined. */
function template(v: unknown, slot: string): string | undefined {
  if (typeof v !== 'string' || v.length > MAX_WORDS_CHARS || (slot && v.split(slot).length !== 2)) return undefined;
  return v;
}

/** `t` with `slot` replaced by `value` (split/join: a name with `$` in it stays as it is). */
const fill = (t: string, slot: string, value: string) => t.split(slot).join(value);

/**
 * The words a stored record gives (the service worker's side): each one that is missing or malformed is English.
 * The record is this device's own (written by the page), but a torn or older value must not leave a blank.
 */
export function readNotificationWords(stored: unknown): { notify: NotificationWords; push: PushFallbackWords } {
  const r = (stored && typeof stored === 'object' ? stored : {}) as Partial<Record<keyof StoredNotificationWords, unknown>>;
  const newMessageIn = template(r.newMessageIn, '{chat}');
  const openToRead = template(r.openToRead, '');
  const sentFile = template(r.sentFile, '{author}');
  const sentMessage = template(r.sentMessage, '{author}');
  return {
    notify: {
      sentFile: sentFile ? (author) => fill(sentFile, '{author}', author) : ENGLISH_NOTIFICATION_WORDS.sentFile,
      sentMessage: sentMessage ? (author) => fill(sentMessage, '{author}', author) : ENGLISH_NOTIFICATION_WORDS.sentMessage,
    },
    push: {
      title: newMessageIn ? (chat) => fill(newMessageIn, '{chat}', chat) : ENGLISH_PUSH_FALLBACK_WORDS.title,
      body: openToRead?.trim() ? openToRead : ENGLISH_PUSH_FALLBACK_WORDS.body,
    },
  };
}

/** A notification to show. */
export interface NotificationPlan {
  title: string;
  options: NotificationOptions & { renotify?: boolean };
}

/** The notification tag of a chat: one notification per chat, replaced by the next. */
export function notificationTag(channelId: string): string {
  return `md-chat:${channelId}`;
}

/** The address that opens a chat (the router's form; kept here so the service worker needs no UI code). */
export function chatUrl(channelId: string): string {
  return `/#/chat/${encodeURIComponent(channelId)}`;
}

/**
 * Why `message` must not notify ('' when it should): own messages, system lines, messages that are not newly
 * received, muted, closed or unknown chats, no permission, or the chat is open in a focused window.
 */
export function skipReason(message: MessageView, channel: ChannelSummary | undefined, ctx: NotifyContext): string {
  if (ctx.permission !== 'granted') return `permission ${ctx.permission}`;
  if (message.mine || message.kind === 'system' || message.status !== 'received') return 'not an incoming message';
  if ((message.receivedAt ?? message.sentAt) < ctx.since) return 'received before this page started';
  if (!channel) return 'unknown chat';
  if (channel.muted) return 'muted';
  if (channel.closed) return 'closed';
  if (ctx.focused && ctx.openChatId === message.channelId) return 'open in a focused window';
  return '';
}

/** The notification for `message`, or null when it must not notify (see skipReason). */
export function notificationFor(message: MessageView, channel: ChannelSummary | undefined, ctx: NotifyContext): NotificationPlan | null {
  if (!channel || skipReason(message, channel, ctx)) return null;
  const words = ctx.words ?? ENGLISH_NOTIFICATION_WORDS;
  const hidden = message.kind === 'file' ? words.sentFile(message.authorName) : words.sentMessage(message.authorName);
  const body = ctx.hidePreviews ? hidden : `${message.authorName}: ${previewOf(message)}`;
  return {
    title: channel.title,
    options: {
      body,
      tag: notificationTag(message.channelId),
      renotify: true,
      data: { channelId: message.channelId, url: chatUrl(message.channelId) },
    },
  };
}

/** The notification a push shows for a chat when its message could not be read: "New message in <chat>". */
export function pushFallbackFor(channelId: string, chatTitle: string, words: PushFallbackWords = ENGLISH_PUSH_FALLBACK_WORDS): NotificationPlan {
  return {
    title: words.title(chatTitle),
    options: { body: words.body, tag: notificationTag(channelId), renotify: true, data: { channelId, url: chatUrl(channelId) } },
  };
}

/** The controller as the notifier sees it. */
export interface NotifierSource extends EventTarget {
  getChannel(channelId: string): Promise<ChannelSummary | undefined>;
  /** Unread messages over all chats. */
  unreadTotal(): Promise<number>;
  readonly identity: unknown;
  readonly preferences?: { hidePreviews: boolean };
}

/** What the page tells the notifier about itself. */
export interface WindowState {
  openChatId(): string;
  focused(): boolean;
  /** Words in the page's language for notifications without a preview. */
  words?: NotificationWords;
}

/**
 * Listens to the controller's 'messages' events and shows at most one notification per message (by id) through
 * the device; listens to 'channels' and keeps the app badge equal to the total unread count.
 */
export class Notifier {
  private readonly seen = new Set<string>();
  private readonly since = Date.now();
  private badgeRunning: Promise<void> | undefined;
  private badgeAgain = false;

  constructor(
    private readonly source: NotifierSource,
    private readonly device: DeviceApi,
    private readonly page: WindowState,
  ) {}

  start(): void {
    this.source.addEventListener('messages', this.onMessages);
    this.source.addEventListener('channels', this.onChannels);
    this.source.addEventListener('change', this.onChannels);
    this.onChannels();
  }

  stop(): void {
    this.source.removeEventListener('messages', this.onMessages);
    this.source.removeEventListener('channels', this.onChannels);
    this.source.removeEventListener('change', this.onChannels);
  }

  private readonly onMessages = (e: Event) => {
    const { channelId, messages } = (e as CustomEvent<{ channelId: string; messages: MessageView[] }>).detail;
    void this.consider(channelId, messages).catch((err: unknown) => console.warn('notification failed', err));
  };

  private async consider(channelId: string, messages: MessageView[]): Promise<void> {
    const fresh = messages.filter((m) => !m.mine && m.status === 'received' && !this.seen.has(m.id));
    if (fresh.length === 0 || this.device.notificationPermission() !== 'granted') return;
    for (const m of fresh) this.seen.add(m.id);
    const channel = await this.source.getChannel(channelId);
    const ctx: NotifyContext = {
      permission: this.device.notificationPermission(),
      openChatId: this.page.openChatId(),
      focused: this.page.focused(),
      hidePreviews: this.source.preferences?.hidePreviews ?? false,
      since: this.since,
      words: this.page.words,
    };
    // One notification per chat: the newest message of the batch stands for the others.
    const newest = fresh[fresh.length - 1]!;
    const plan = notificationFor(newest, channel, ctx);
    if (plan) await this.device.showNotification(plan.title, plan.options);
    else console.debug('meshdrop notifier: no notification:', skipReason(newest, channel, ctx));
  }

  /** Recomputes the badge; bursts of events fold into one more run after the current one. */
  private readonly onChannels = () => {
    if (this.badgeRunning) {
      this.badgeAgain = true;
      return;
    }
    this.badgeRunning = (async () => {
      do {
        this.badgeAgain = false;
        if (!this.source.identity) return;
        await this.device.setBadge(await this.source.unreadTotal());
      } while (this.badgeAgain);
    })()
      .catch((err: unknown) => console.warn('badge update failed', err))
      .finally(() => (this.badgeRunning = undefined));
  };
}
