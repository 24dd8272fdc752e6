import { Workbox } from 'workbox-window';
import { Meshdrop } from './core/meshdrop.js';
import { BrowserDevice } from './core/device.js';
import { Notifier } from './core/notifier.js';
import { sameOriginRelay } from './sync/relay-connection.js';
import { BUILD_DEFAULT_RELAYS } from './core/build-config.js';
import { parseRoute } from './ui/router.js';
import './ui/md-app.js';
import { applyLocale, localeFor } from './ui/i18n.js';
import { notificationWords, storedNotificationWords } from './ui/core-text.js';

async function registerServiceWorker(shell: HTMLElementTagNameMap['md-app']): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const wb = new Workbox('/sw.js');
  // A new worker installed while an old one controls the page: offer a reload instead of swapping silently.
  wb.addEventListener('waiting', () => {
    shell.updateReady = true;
  });
  let accepted = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (accepted) window.location.reload();
  });
  shell.addEventListener('apply-update', () => {
    accepted = true;
    wb.messageSkipWaiting();
  });
  // A notification was clicked (sw.ts): the worker focused this window; open the chat it was about.
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: string; channelId?: unknown } | null;
    if (data?.type === 'open-chat' && typeof data.channelId === 'string') shell.navigate({ screen: 'chat', id: data.channelId });
  });
  await wb.register();
}

async function start(): Promise<void> {
  // The browser's language from the first frame; the settings override (stored) applies once the controller opens.
  await applyLocale(localeFor(undefined));
  const shell = document.createElement('md-app');
  const device = new BrowserDevice();
  shell.device = device;
  document.body.replaceChildren(shell);
  void registerServiceWorker(shell).catch((err: unknown) => console.warn('Service worker registration failed', err));
  const app = await Meshdrop.open({ defaultRelays: [sameOriginRelay(window.location), ...BUILD_DEFAULT_RELAYS] });
  shell.app = app;
  // The service worker shows push notifications while no page is open: it uses the words of the page's language,
  // stored now and again whenever the language changes (lit-localize says 'ready' once a locale is in place).
  const keepWords = () => void app.setNotificationWords(storedNotificationWords()).catch((err: unknown) => console.warn('could not store the notification words', err));
  window.addEventListener('lit-localize-status', (e) => {
    if (e.detail.status === 'ready') keepWords();
  });
  keepWords();
  new Notifier(app, device, {
    openChatId: () => {
      const route = parseRoute(window.location.hash);
      return route.screen === 'chat' ? route.id : '';
    },
    focused: () => document.visibilityState === 'visible' && document.hasFocus(),
    words: notificationWords,
  }).start();
}

void start();
