import { Workbox } from 'workbox-window';
import { Meshdrop } from './core/meshdrop.js';
import { BrowserDevice } from './core/device.js';
import { Notifier } from './core/notifier.js';
import { sameOriginRelay } from './sync/relay-connection.js';
import { BUILD_DEFAULT_RELAYS } from './core/build-config.js';
import { parseRoute } from './ui/router.js';
import './ui/md-app.js';

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
  const shell = document.createElement('md-app');
  const device = new BrowserDevice();
  shell.device = device;
  document.body.replaceChildren(shell);
  void registerServiceWorker(shell).catch((err: unknown) => console.warn('Service worker registration failed', err));
  const app = await Meshdrop.open({ defaultRelays: [sameOriginRelay(window.location), ...BUILD_DEFAULT_RELAYS] });
  shell.app = app;
  new Notifier(app, device, {
    openChatId: () => {
      const route = parseRoute(window.location.hash);
      return route.screen === 'chat' ? route.id : '';
    },
    focused: () => document.visibilityState === 'visible' && document.hasFocus(),
  }).start();
}

void start();
