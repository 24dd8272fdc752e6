/// <reference lib="webworker" />
/**
 * The service worker's side of Web Push through the relays. A relay's push carries only the opaque channel id
 * ({v:1, c}); the worker reads the message from the relays and shows it (push-preview.ts), or "New message in
 * <chat>" when it cannot, one notification per chat (the same tag as in-app notifications, core/notifier.ts), and
 * a click opens that chat (sw.ts's notificationclick reads data.url / data.channelId). Nothing is shown for a chat
 * this device does not know, has closed or muted, nor while an app window is focused.
 */
import { BUILD_DEFAULT_RELAYS } from '../core/build-config.js';
import { chatUrl, notificationTag as chatTag } from '../core/notifier.js';
import { sameOriginRelay } from '../sync/relay-connection.js';
import { planPushNotification } from './push-preview.js';

declare const self: ServiceWorkerGlobalScope;

/** What a push notification carries, for the click handler. */
export interface PushNotificationData {
  source: 'push';
  channelId: string;
  /** App URL that opens the chat (the router's `#/chat/<id>`). */
  url: string;
  /** The message shown (absent when the notification could not show it). */
  messageId?: string;
}

const CHANNEL_ID = /^[0-9a-f]{32}$/;

/** The channel id of a relay's push payload, or undefined for anything else. */
export function channelOfPush(text: string | undefined): string | undefined {
  if (!text || text.length > 1000) return undefined;
  try {
    const p = JSON.parse(text) as { v?: unknown; c?: unknown };
    return p.v === 1 && typeof p.c === 'string' && CHANNEL_ID.test(p.c) ? p.c : undefined;
  } catch {
    return undefined;
  }
}

/** Where the worker notes what its last pushes did (newest last, at most 20), for devtools and tests. */
export const PUSH_LOG_GLOBAL = '__meshdropPushLog';

/** One push handled: when, for which chat, and what was shown ('preview', 'fallback') or why nothing was. */
export interface PushLogEntry {
  at: number;
  channelId: string;
  outcome: string;
}

function note(channelId: string, outcome: string): void {
  const scope = self as unknown as Record<string, PushLogEntry[] | undefined>;
  const log = (scope[PUSH_LOG_GLOBAL] ??= []);
  log.push({ at: Date.now(), channelId, outcome });
  if (log.length > 20) log.shift();
}

async function onPush(event: PushEvent): Promise<void> {
  let text: string | undefined;
  try {
    text = event.data?.text();
  } catch {
    text = undefined;
  }
  const channelId = channelOfPush(text);
  if (!channelId) return;
  // The app is open in front: it shows the message itself.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.focused)) return note(channelId, 'none: app focused');
  const plan = await planPushNotification(channelId, [sameOriginRelay(self.location), ...BUILD_DEFAULT_RELAYS]);
  if (!plan) return note(channelId, 'none: unknown, closed or muted chat, or nothing new but reactions, edits, deletions');
  // The message already on screen (a coalesced push for a reaction after it, or the same write pushed by a second
  // relay): do not alert again.
  const shown = await self.registration.getNotifications({ tag: chatTag(channelId) });
  if (plan.messageId && shown.some((n) => (n.data as PushNotificationData | null)?.messageId === plan.messageId)) {
    return note(channelId, 'none: already shown');
  }
  const data: PushNotificationData = { source: 'push', channelId, url: chatUrl(channelId), messageId: plan.messageId };
  await self.registration.showNotification(plan.title, { ...plan.options, icon: '/icons/icon-192.png', data } as NotificationOptions);
  note(channelId, plan.messageId ? 'preview' : 'fallback');
}

/** Installs the worker's push handler. */
export function installPushHandlers(): void {
  self.addEventListener('push', (event: PushEvent) => event.waitUntil(onPush(event).catch(() => undefined)));
}
