/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// The app shell (HTML, JS, icons, manifest) is precached, so a second visit starts with the network off.
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Any in-app navigation is answered with the cached shell; GUN's websocket path is never cached.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/gun/] }));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as { type?: string } | null;
  // workbox-window's messageSkipWaiting(): the user accepted the "update available" prompt.
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// On first install, take control at once so the page that installed us works offline on reload.
self.addEventListener('activate', (event: ExtendableEvent) => event.waitUntil(self.clients.claim()));
