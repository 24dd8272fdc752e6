/// <reference lib="webworker" />
/**
 * The service worker's side of Web Push through the relays. A relay's push carries only the opaque channel id
 * ({v:1, c}); the worker looks the chat up in IndexedDB and shows "New message in <chat>", one notification per
 * chat (the same tag as in-app notifications, core/notifier.ts), and a click opens that chat (sw.ts's
 * notificationclick reads data.url / data.channelId). Nothing is shown for a chat this device does not know or has
 * closed.
 */
import { openMeshdropDB } from '../store/db.js';

declare const self: ServiceWorkerGlobalScope;

/** Notification tag for a chat: core/notifier.ts's notificationTag, so one chat never shows two notifications. */
export const chatTag = (channelId: string): string => `md-chat:${channelId}`;

/** What a push notification carries, for the click handler. */
export interface PushNotificationData {
  source: 'push';
  channelId: string;
  /** App URL that opens the chat (the router's `#/chat/<id>`). */
  url: string;
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

async function chatTitle(channelId: string): Promise<{ title: string; closed: boolean } | undefined> {
  const db = await openMeshdropDB();
  try {
    const channel = await db.get('channels', channelId);
    return channel ? { title: channel.title, closed: channel.closed } : undefined;
  } finally {
    db.close();
  }
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
  const chat = await chatTitle(channelId).catch(() => undefined);
  if (!chat || chat.closed) return;
  // The app is open in front: it shows the message itself.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.focused)) return;
  const data: PushNotificationData = { source: 'push', channelId, url: `/#/chat/${channelId}` };
  await self.registration.showNotification(`New message in ${chat.title}`, {
    body: 'Open Meshdrop to read it.',
    tag: chatTag(channelId),
    // A new message in the same chat replaces the notification but alerts again.
    renotify: true,
    icon: '/icons/icon-192.png',
    data,
  } as NotificationOptions);
}

/** Installs the worker's push handler. */
export function installPushHandlers(): void {
  self.addEventListener('push', (event: PushEvent) => event.waitUntil(onPush(event).catch(() => undefined)));
}
