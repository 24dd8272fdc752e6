/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { receiveShare, SHARE_TARGET_PATH } from './share-target.js';
import { installPushHandlers } from './push.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// The app shell (HTML, JS, icons, manifest) is precached, so a second visit starts with the network off.
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Files shared from other apps (manifest share_target) are parked in IndexedDB; the app then asks for a chat.
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname === SHARE_TARGET_PATH && request.method === 'POST',
  ({ request }) => receiveShare(request, self.location.origin),
  'POST',
);

// Any in-app navigation is answered with the cached shell; GUN's websocket path is never cached.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/gun/] }));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as { type?: string } | null;
  // workbox-window's messageSkipWaiting(): the user accepted the "update available" prompt.
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// On first install, take control at once so the page that installed us works offline on reload.
self.addEventListener('activate', (event: ExtendableEvent) => event.waitUntil(self.clients.claim()));

// A chat notification (core/notifier.ts) was clicked: focus an open app window and tell it to open the chat, or
// open a new window at the chat's address.
self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close();
  const data = event.notification.data as { channelId?: unknown; url?: unknown } | null;
  const channelId = typeof data?.channelId === 'string' ? data.channelId : '';
  const url = typeof data?.url === 'string' && data.url.startsWith('/') ? data.url : '/';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const client = windows.find((c) => new URL(c.url).origin === self.location.origin);
      if (client) {
        await client.focus().catch(() => undefined); // focus() needs a user activation; the click gives one
        client.postMessage({ type: 'open-chat', channelId });
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});

// Web Push from the relays (opt-in): "New message in <chat>" while the app is closed.
installPushHandlers();
