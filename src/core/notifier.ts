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
 * The notification for `message`, or null when it must not notify: own messages, system lines, messages that
 * are not newly received, muted or unknown chats, no permission, or the chat is open in a focused window.
 */
export function notificationFor(message: MessageView, channel: ChannelSummary | undefined, ctx: NotifyContext): NotificationPlan | null {
  if (ctx.permission !== 'granted') return null;
  if (message.mine || message.kind === 'system' || message.status !== 'received') return null;
  if ((message.receivedAt ?? message.sentAt) < ctx.since) return null;
  if (!channel || channel.muted || channel.closed) return null;
  if (ctx.focused && ctx.openChatId === message.channelId) return null;
  const what = message.kind === 'file' ? 'sent a file' : 'sent a message';
  const body = ctx.hidePreviews ? `${message.authorName} ${what}` : `${message.authorName}: ${previewOf(message)}`;
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

/** The controller as the notifier sees it. */
export interface NotifierSource extends EventTarget {
  getChannel(channelId: string): Promise<ChannelSummary | undefined>;
  listChannels(): Promise<ChannelSummary[]>;
  readonly identity: unknown;
  readonly preferences?: { hidePreviews: boolean };
}

/** What the page tells the notifier about itself. */
export interface WindowState {
  openChatId(): string;
  focused(): boolean;
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
    };
    // One notification per chat: the newest message of the batch stands for the others.
    const newest = fresh[fresh.length - 1]!;
    const plan = notificationFor(newest, channel, ctx);
    if (plan) await this.device.showNotification(plan.title, plan.options);
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
        const total = (await this.source.listChannels()).reduce((n, c) => n + c.unread, 0);
        await this.device.setBadge(total);
      } while (this.badgeAgain);
    })()
      .catch((err: unknown) => console.warn('badge update failed', err))
      .finally(() => (this.badgeRunning = undefined));
  };
}
