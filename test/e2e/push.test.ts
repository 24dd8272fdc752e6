// Web Push through the relays, whole chain: A sends → relay → stand-in push service (checks VAPID, decrypts) →
// the decrypted payload is delivered to B's closed app's service worker through the devtools protocol
// (ServiceWorker.deliverPushMessage: headless Chromium has no push service) → notification → its link opens the chat.
// Turning push off removes the registration from both relays.
import { strict as assert } from 'node:assert';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, tempDir, type RelayProcess, serviceWorkerRegistrationId } from './harness.js';
import { acceptInvite, chatItem, createInvite, openChat, send, WAIT } from './chat-helpers.js';
import { StandInPushService } from '../relay/push-standin.js';

let relay1: RelayProcess;
let relay2: RelayProcess;
let browser: Browser;
let pushService: StandInPushService;

before(async () => {
  pushService = await StandInPushService.start();
  relay1 = await startRelay({ extraArgs: ['--push-insecure-loopback'] });
  // Relays of one mesh share one VAPID key (a subscription is bound to one key): the operator copies the file.
  const dataDir = await tempDir('meshdrop-relay-');
  await copyFile(join(relay1.dataDir, 'push-vapid.json'), join(dataDir, 'push-vapid.json'));
  relay2 = await startRelay({ dataDir, peers: [relay1.gunUrl], extraArgs: ['--no-app', '--push-insecure-loopback'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await pushService?.close();
  await cleanup();
});

const registrations = async (relay: RelayProcess) => ((await (await fetch(`${relay.url}/push/status`)).json()) as { registrations: number }).registrations;

async function openSettings(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /^Settings/ });
  if (await button.isVisible()) await button.click();
  await page.getByRole('switch', { name: 'Push notifications through my relays' }).waitFor(WAIT);
}

async function pushToggle(page: Page): Promise<void> {
  await openSettings(page);
  await page.getByRole('switch', { name: 'Push notifications through my relays' }).click();
}

it('a message from A reaches B\'s closed app as a push notification that opens the chat; turning push off unregisters from both relays', async () => {
  const a = await newProfile(browser);
  const b = await newProfile(browser);
  await b.grantPermissions(['notifications'], { origin: relay1.url });
  const pageA = await openApp(a, relay1);
  const pageB = await openApp(b, relay1);
  await onboard(pageA, 'Ann');
  await onboard(pageB, 'Bob');
  await acceptInvite(pageB, await createInvite(pageA));
  await chatItem(pageB, 'Ann').waitFor(WAIT);

  // B uses both relays.
  await openSettings(pageB);
  await pageB.getByLabel('Relay address').fill(`http://127.0.0.1:${relay2.port}`);
  await pageB.getByRole('button', { name: 'Add relay' }).click();
  await Promise.all([pageB.waitForEvent('load'), pageB.getByRole('button', { name: 'Save and reconnect' }).click()]);
  await pageB.getByText('Connected to 2 relays').waitFor(WAIT);

  // Headless Chromium cannot subscribe: hand the app a subscription on the stand-in push service.
  const vapidKey = ((await (await fetch(`${relay1.url}/push/vapid`)).json()) as { publicKey: string }).publicKey;
  const subscription = pushService.subscribe(vapidKey);
  await pageB.evaluate((sub) => ((globalThis as Record<string, unknown>).__meshdropTestPushSubscription = sub), subscription);
  await pushToggle(pageB);
  await pageB.locator('[data-testid="push-state"][data-enabled="true"][aria-busy="false"]').waitFor(WAIT);
  assert.equal(await pageB.locator('[data-testid="push-relay"][data-registered="true"]').count(), 2);
  assert.equal(await pageB.getByTestId('push-error').textContent(), '');
  assert.equal(await registrations(relay1), 1);
  assert.equal(await registrations(relay2), 1);

  // B's service worker registration id, then B closes the app (the worker stays installed).
  const registrationId = await serviceWorkerRegistrationId(b, pageB, relay1.url);
  const channelId = await pageB.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open('meshdrop');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    const all = await new Promise<{ id: string; title: string }[]>((ok) => {
      const req = db.transaction('channels').objectStore('channels').getAll();
      req.onsuccess = () => ok(req.result as { id: string; title: string }[]);
    });
    db.close();
    return all.find((c) => c.title === 'Ann')?.id ?? '';
  });
  assert.match(channelId, /^[0-9a-f]{32}$/);
  // Another page of the profile keeps a devtools session (not the app: B's app is closed from here on).
  const blank = await b.newPage();
  const cdp = await b.newCDPSession(blank);
  await cdp.send('ServiceWorker.enable');
  await pageB.close();
  assert.equal(b.pages().filter((p) => p.url().startsWith(relay1.url)).length, 0);

  // A writes; each relay that stores the write pushes once (coalesced per chat), carrying only the channel id.
  await openChat(pageA, 'Bob');
  await send(pageA, 'are you there?');
  await pushService.waitFor(() => pushService.pushesTo(subscription.endpoint).length >= 1, 30_000);
  const push = pushService.pushesTo(subscription.endpoint)[0]!;
  assert.deepEqual(JSON.parse(push.payload), { v: 1, c: channelId });
  assert.ok(!push.payload.includes('are you there'));
  assert.deepEqual(pushService.rejected, []);

  await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay1.url, registrationId, data: push.payload });
  // Read it back in the service worker, then click it as the browser would (CDP cannot click a system notification:
  // a notificationclick event for the shown notification goes to the worker's handler). A synthetic click carries no
  // user activation, so the worker could not open a new window (clients.openWindow): open the app at its chat list
  // first; the click then brings that window to the chat.
  const worker = b.serviceWorkers().find((w) => w.url().startsWith(relay1.url)) ?? (await b.waitForEvent('serviceworker'));
  const notification = await worker.evaluate(async (tag) => {
    const sw = self as unknown as { registration: ServiceWorkerRegistration };
    for (;;) {
      const found = (await sw.registration.getNotifications({ tag }))[0];
      if (found) return { title: found.title, body: found.body, data: found.data as { url: string; channelId: string } };
      await new Promise((r) => setTimeout(r, 50));
    }
  }, `md-chat:${channelId}`);
  // The worker read A's envelope from a relay (GET /history) and opened it with the app's code: sender and text.
  assert.equal(notification.title, 'Ann');
  assert.equal(notification.body, 'Ann: are you there?');
  assert.equal(notification.data.url, `/#/chat/${channelId}`);
  const opened = await openApp(b, relay1);
  await chatItem(opened, 'Ann').waitFor(WAIT);
  assert.ok(!opened.url().includes('#/chat/'));
  await worker.evaluate(async (tag) => {
      const sw = self as unknown as EventTarget & { registration: ServiceWorkerRegistration };
      const [note] = await sw.registration.getNotifications({ tag });
      const Click = (self as unknown as { NotificationEvent: new (type: string, init: { notification: Notification }) => Event }).NotificationEvent;
      sw.dispatchEvent(new Click('notificationclick', { notification: note! }));
    }, `md-chat:${channelId}`);
  await opened.getByTestId('chat-title').filter({ hasText: 'Ann' }).waitFor(WAIT);
  assert.ok(opened.url().endsWith(`#/chat/${channelId}`), opened.url());
  await opened.getByTestId('message-text').getByText('are you there?', { exact: true }).waitFor(WAIT);

  // Off: the registration is removed from both relays.
  await pushToggle(opened);
  await opened.locator('[data-testid="push-state"][data-enabled="false"][aria-busy="false"]').waitFor(WAIT);
  assert.equal(await registrations(relay1), 0);
  assert.equal(await registrations(relay2), 0);
  await Promise.all([a.close(), b.close()]);
});
