/// <reference lib="webworker" />
/**
 * The service worker's side of Web Push through the relays. A relay's push carries only the opaque channel id
 * ({v:1, c}); the worker reads the message from the relays and shows it (push-preview.ts), or "New message in
 * <chat>" when it cannot, one notification per chat (the same tag as in-app notifications, core/notifier.ts), and
 * a click opens that chat (sw.ts's notificationclick reads data.url / data.channelId). Nothing is shown for a chat
 * this device does not know, has closed or muted, nor while an app window is focused.
 */
import { BUILD_DEFAULT_RELAYS } from '../core/build-config.js';
import { chatUrl } from '../core/notifier.js';
import { sameOriginRelay } from '../sync/relay-connection.js';
import { planPushNotification } from './push-preview.js';

declare const self: ServiceWorkerGlobalScope;

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
  if (windows.some((w) => w.focused)) return;
  const plan = await planPushNotification(channelId, [sameOriginRelay(self.location), ...BUILD_DEFAULT_RELAYS]);
  if (!plan) return;
  const data: PushNotificationData = { source: 'push', channelId, url: chatUrl(channelId) };
  await self.registration.showNotification(plan.title, { ...plan.options, icon: '/icons/icon-192.png', data } as NotificationOptions);
}

/** Installs the worker's push handler. */
export function installPushHandlers(): void {
  self.addEventListener('push', (event: PushEvent) => event.waitUntil(onPush(event).catch(() => undefined)));
}
