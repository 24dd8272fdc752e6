import { Workbox } from 'workbox-window';
import { Meshdrop } from './core/meshdrop.js';
import { sameOriginRelay } from './sync/relay-connection.js';
import { BUILD_DEFAULT_RELAYS } from './core/build-config.js';
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
  await wb.register();
}

async function start(): Promise<void> {
  const shell = document.createElement('md-app');
  document.body.replaceChildren(shell);
  void registerServiceWorker(shell).catch((err: unknown) => console.warn('Service worker registration failed', err));
  shell.app = await Meshdrop.open({ defaultRelays: [sameOriginRelay(window.location), ...BUILD_DEFAULT_RELAYS] });
}

void start();
