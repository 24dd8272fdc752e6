// Living on the phone (issue 10): history entries and the back button, reload in a chat, notifications while
// the app is open but not in front, per-chat mute, the unread badge, and refused permissions. Alice runs in an
// installed-like persistent profile (its own user-data-dir) on a phone-sized screen; Bob in an isolated profile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, tempDir, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, chatItem, createInvite, openChat, send, waitForMessage, waitForStatus, waitUntil } from './chat-helpers.js';

let relay: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let a: Page;
let b: Page;
let cdp: CDPSession;
let other: Page;
let directId = '';
let groupId = '';
const GROUP = 'Crag crew';

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** The notifications Alice's service worker registration shows now. */
async function shown(): Promise<Shown[]> {
  return a.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });
}

async function closeAll(): Promise<void> {
  await a.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    for (const n of await reg.getNotifications()) n.close();
  });
}

/** Polls the registration until a notification with this tag and text is shown. */
async function waitForNotification(tag: string, body: string): Promise<Shown> {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const found = (await shown()).find((n) => n.tag === tag && n.body.includes(body));
    if (found) return found;
    if (Date.now() > deadline) {
      const state = await a.evaluate(() => ({ focus: document.hasFocus(), permission: Notification.permission, hash: location.hash }));
      throw new Error(`no notification ${tag} "${body}"; shown: ${JSON.stringify(await shown())}; page: ${JSON.stringify(state)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Puts another page in front of Alice's app: the app's window loses focus (see FACTS.md). */
async function unfocus(): Promise<void> {
  await other.bringToFront();
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  await a.waitForFunction(() => !document.hasFocus(), undefined, WAIT);
}

async function focus(): Promise<void> {
  await a.bringToFront();
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
  await a.waitForFunction(() => document.hasFocus(), undefined, WAIT);
}

/** The badge value the app last passed to navigator.setAppBadge / clearAppBadge (recorded by an init script). */
async function lastBadge(): Promise<number | undefined> {
  return a.evaluate(() => (window as unknown as { __badges: number[] }).__badges.at(-1));
}

const routeId = (page: Page) => decodeURIComponent(new URL(page.url()).hash.replace(/^#\/chat\//, ''));

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  alice = await chromium.launchPersistentContext(await tempDir('meshdrop-phone-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  await alice.addInitScript('globalThis.__name = (f) => f');
  // Records what the app passes to the Badging API (the calls still go through to the browser).
  await alice.addInitScript(() => {
    const w = window as unknown as { __badges: number[] };
    w.__badges = [];
    const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
    const set = nav.setAppBadge?.bind(navigator);
    const clear = nav.clearAppBadge?.bind(navigator);
    if (set) nav.setAppBadge = (n?: number) => (w.__badges.push(n ?? 0), set(n));
    if (clear) nav.clearAppBadge = () => (w.__badges.push(0), clear());
  });
  await alice.grantPermissions(['notifications'], { origin: relay.url });
  a = await openApp(alice, relay);
  a.on('console', (m) => (m.type() !== 'log' && m.type() !== 'info') && console.log(`[alice ${m.type()}] ${m.text()}`));
  b = await openApp(await newProfile(browser), relay);
  await Promise.all([onboard(a, 'Alice'), onboard(b, 'Bob')]);
  // From here on Alice's screen is phone-sized: one pane at a time (the signed-in name is hidden there).
  await a.setViewportSize({ width: 412, height: 860 });
  await acceptInvite(b, await createInvite(a));
  await a.getByTestId('contact-name').filter({ hasText: 'Bob' }).waitFor(WAIT);
  await a.getByRole('button', { name: '← Chats' }).click();
  await chatItem(a, 'Bob').waitFor(WAIT);
  await a.getByRole('button', { name: 'New group' }).click();
  await a.getByLabel('Group name').fill(GROUP);
  await a.getByRole('checkbox', { name: 'Bob' }).check();
  await a.getByRole('button', { name: 'Create group' }).click();
  await a.getByTestId('chat-title').filter({ hasText: GROUP }).waitFor(WAIT);
  groupId = routeId(a);
  await send(a, 'group is up');
  await openChat(b, GROUP);
  await waitForMessage(b, 'group is up');
  await openChat(b, 'Alice');
  other = await alice.newPage();
  cdp = await alice.newCDPSession(a);
});

after(async () => {
  await alice?.close();
  await browser?.close();
  await cleanup();
});

test('back inside a chat returns to the chat list and stays in the app; reload reopens the chat', async () => {
  await a.getByRole('button', { name: /Back to chats/ }).click();
  await openChat(a, 'Bob');
  directId = routeId(a);
  assert.match(a.url(), /#\/chat\/.+/, 'the chat has its own address');
  await a.reload();
  await a.getByTestId('chat-title').filter({ hasText: 'Bob' }).waitFor(WAIT);
  assert.equal(routeId(a), directId, 'reload reopened the same chat');
  await a.goBack();
  await chatItem(a, 'Bob').waitFor(WAIT);
  assert.ok(a.url().startsWith(relay.url), `still in the app: ${a.url()}`);
  assert.equal(await a.getByTestId('chat-title').count(), 0, 'one pane on a phone: the chat is closed');
  await a.goForward();
  await a.getByTestId('chat-title').filter({ hasText: 'Bob' }).waitFor(WAIT);
  await a.goBack();
  await chatItem(a, 'Bob').waitFor(WAIT);
});

test('a message while the app is not focused shows a notification; clicking it opens the chat', async () => {
  await unfocus();
  await send(b, 'are you climbing today?');
  const n = await waitForNotification(`md-chat:${directId}`, 'are you climbing today?');
  assert.equal(n.title, 'Bob');
  assert.equal(n.body, 'Bob: are you climbing today?');
  assert.equal(await lastBadge(), 1, 'the badge shows the one unread message');

  // CDP cannot click a system notification: the click is delivered to the service worker's handler as the
  // browser would (a notificationclick event for the shown notification).
  const [worker] = alice.serviceWorkers();
  assert.ok(worker, 'the app has a service worker');
  await worker.evaluate(async (tag) => {
    // Runs in the worker (webworker types are not in this tsconfig).
    const sw = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent(e: Event): boolean };
    const NotificationEvent = (self as unknown as { NotificationEvent: new (type: string, init: { notification: Notification }) => Event }).NotificationEvent;
    const [note] = await sw.registration.getNotifications({ tag });
    sw.dispatchEvent(new NotificationEvent('notificationclick', { notification: note! }));
  }, `md-chat:${directId}`);
  await a.getByTestId('chat-title').filter({ hasText: 'Bob' }).waitFor(WAIT);
  assert.equal(routeId(a), directId, 'the notification opened its chat');
  await waitForMessage(a, 'are you climbing today?');
});

test('no notification for own messages, nor for the chat open in a focused window', async () => {
  await closeAll();
  // Clicking the notification focused the app again: own message, sent from an unfocused window, with the group
  // notification as the barrier after it.
  await unfocus();
  await send(a, 'leaving at 6');
  await waitForStatus(a, 'leaving at 6', 'delivered');
  await send(b, 'barrier one');
  await openChat(b, GROUP);
  await send(b, 'in the group');
  await waitForNotification(`md-chat:${groupId}`, 'in the group');
  assert.deepEqual((await shown()).filter((s) => s.tag === `md-chat:${directId}`), [], 'nothing for my own message');

  await closeAll();
  await focus();
  await openChat(b, 'Alice');
  await send(b, 'while you look at it');
  await waitForMessage(a, 'while you look at it');
  await openChat(b, GROUP);
  await send(b, 'group barrier');
  await waitForNotification(`md-chat:${groupId}`, 'group barrier');
  assert.deepEqual((await shown()).filter((s) => s.tag === `md-chat:${directId}`), [], 'nothing for the chat open in the focused window');
});

test('a muted chat does not notify; hidden previews show only the sender', async () => {
  await a.getByRole('button', { name: /Back to chats/ }).click();
  await openChat(a, GROUP);
  await a.getByRole('button', { name: 'Group info' }).click();
  await a.getByTestId('mute-chat').check();
  // Each back is a history step: wait for it to land before the next, or the second may leave the group open (and
  // a message arriving in a visible open chat is read, which the badge test then misses).
  await a.getByRole('button', { name: '← Back to chat' }).click();
  await a.getByTestId('chat-title').filter({ hasText: GROUP }).waitFor(WAIT);
  await a.getByRole('button', { name: /Back to chats/ }).click();
  await a.getByTestId('chat-title').waitFor({ state: 'detached', ...WAIT });
  await closeAll();
  await unfocus();
  await send(b, 'muted news');
  await openChat(b, 'Alice');
  await send(b, 'direct after mute');
  await waitForNotification(`md-chat:${directId}`, 'direct after mute');
  assert.deepEqual((await shown()).filter((s) => s.tag === `md-chat:${groupId}`), [], 'nothing from the muted chat');

  await focus();
  await a.getByRole('button', { name: /^Settings/ }).click();
  await a.getByTestId('hide-previews').check();
  await a.getByRole('button', { name: 'Back', exact: true }).click();
  await a.getByTestId('hide-previews').waitFor({ state: 'detached', ...WAIT });
  await closeAll();
  await unfocus();
  await send(b, 'secret plans');
  const n = await waitForNotification(`md-chat:${directId}`, 'Bob sent a message');
  assert.ok(!n.body.includes('secret'), n.body);
});

test('the badge equals the total unread and clears when everything is read', async () => {
  await focus();
  const unread = async () => {
    let total = 0;
    for (const t of await a.getByTestId('unread-badge').allTextContents()) total += Number(t.trim());
    return total;
  };
  await a.waitForFunction(() => (window as unknown as { __badges: number[] }).__badges.length > 0, undefined, WAIT);
  // The chat list re-renders its badges after the counts are stored: the last message's may still be on its way.
  await waitUntil('three unread messages are counted', async () => (await unread()) >= 3);
  const expected = await unread();
  await a.waitForFunction((n) => (window as unknown as { __badges: number[] }).__badges.at(-1) === n, expected, WAIT);
  await openChat(a, 'Bob');
  await a.getByRole('button', { name: /Back to chats/ }).click();
  await openChat(a, GROUP);
  await a.getByRole('button', { name: /Back to chats/ }).click();
  await a.waitForFunction(() => (window as unknown as { __badges: number[] }).__badges.at(-1) === 0, undefined, WAIT);
  assert.equal(await unread(), 0);
});

test('refused notification permission says how to turn it on; settings show storage', async () => {
  // Bob has chats and has not answered yet: the list (beside the chat on a wide screen) offers notifications;
  // the browser refuses.
  await b.getByTestId('notify-prompt-enable').click();
  await b.getByTestId('notify-refused').filter({ hasText: /site settings/ }).waitFor(WAIT);
  await b.getByRole('button', { name: 'OK', exact: true }).click();
  await b.getByTestId('notify-refused').waitFor({ state: 'detached', ...WAIT });
  await b.getByRole('button', { name: /^Settings/ }).click();
  // Settings say the same (after a dismissal the browser may let the page ask again: then ask from here).
  const permission = await b.getByTestId('notify-state').getAttribute('data-permission');
  console.log(`notification permission after the refusal: ${permission}`);
  if (permission === 'default') await b.getByTestId('enable-notifications').click();
  await b.getByTestId('notify-state').filter({ hasText: /blocked|did not allow/ }).waitFor(WAIT);
  assert.match((await b.getByTestId('notify-state').textContent()) ?? '', /site settings/);
  await b.getByTestId('storage-used').filter({ hasText: /Meshdrop uses/ }).waitFor(WAIT);
  const persist = await b.getByTestId('storage-persist').getAttribute('data-state');
  console.log(`navigator.storage.persist() answered: ${persist}`);
  const warning = b.getByTestId('storage-warning');
  if (persist === 'refused') {
    // The warning lasts across restarts until dismissed, and offers the backup.
    await warning.waitFor(WAIT);
    await b.reload();
    await warning.waitFor(WAIT);
    await b.getByRole('button', { name: 'Back up now' }).click();
    await b.getByRole('form', { name: 'Export backup' }).waitFor(WAIT);
    await b.getByRole('button', { name: 'Dismiss' }).click();
    await warning.waitFor({ state: 'detached', ...WAIT });
    await b.reload();
    await b.getByTestId('signed-in-name').waitFor(WAIT);
    assert.equal(await warning.count(), 0, 'dismissed for good');
  } else {
    assert.equal(persist, 'persisted');
    assert.equal(await warning.count(), 0);
  }
});
