// What a push notification says while B's app is closed: the service worker reads A's envelope from B's relay
// (GET /history) and opens it with the app's own code, so the notification shows "Ann: hello from A"; with previews
// hidden in B's settings it names only the sender; a relay that is down, or one that answers with a forged envelope
// (encrypted with the real chat key but not signed by A), gives "New message in Ann" and never the forged text.
// The worker speaks the app's language (German after B chooses it), though no page of the app is open.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess, serviceWorkerRegistrationId } from './harness.js';
import { acceptInvite, bubble, chatItem, createInvite, openChat, send, WAIT } from './chat-helpers.js';
import { attach } from './file-helpers.js';
import { SEA } from './gun-node.js';
import { StandInPushService } from '../relay/push-standin.js';

let relay: RelayProcess;
let browser: Browser;
let pushService: StandInPushService;
const servers: Server[] = [];

before(async () => {
  pushService = await StandInPushService.start();
  relay = await startRelay({ extraArgs: ['--push-insecure-loopback', '--push-coalesce', '100'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await pushService?.close();
  for (const s of servers) s.close();
  await cleanup();
});

/** A loopback HTTP server; `handle` answers every request. */
async function httpServer(handle: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Shown {
  title: string;
  body: string;
}

/** B's service worker, started again by the browser if it was stopped. */
async function workerOf(b: BrowserContext): Promise<Worker> {
  return b.serviceWorkers().find((w) => w.url().startsWith(relay.url)) ?? (await b.waitForEvent('serviceworker', WAIT));
}

/** Opens a message's action menu with the keyboard and picks `item` (as a user would). */
async function act(page: Page, text: string, item: string): Promise<void> {
  const toggle = bubble(page, text).getByTestId('message-actions');
  await toggle.focus();
  await toggle.press('ArrowDown');
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Delivers `payload` to B's worker as a push and returns the notification it shows for the chat. */
async function pushAndRead(b: BrowserContext, cdp: CDPSession, registrationId: string, payload: string, tag: string): Promise<Shown> {
  const since = Date.now();
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId, data: payload });
  const worker = await workerOf(b);
  return worker.evaluate(
    async ({ tag, since }) => {
      const sw = self as unknown as { registration: ServiceWorkerRegistration };
      // The worker shows something within its 6 s limit; give up well after that with what it did instead.
      while (Date.now() < since + 20_000) {
        const found = (await sw.registration.getNotifications({ tag })).find((n) => (n as Notification & { timestamp: number }).timestamp >= since);
        if (found) return { title: found.title, body: found.body };
        await new Promise((r) => setTimeout(r, 50));
      }
      const log = (self as unknown as { __meshdropPushLog?: unknown[] }).__meshdropPushLog;
      return { title: 'no notification', body: JSON.stringify(log) };
    },
    { tag, since },
  );
}

/** Delivers `payload` and returns what the worker's push handler did with it (src/sw/push.ts PUSH_LOG_GLOBAL). */
async function pushOutcome(b: BrowserContext, cdp: CDPSession, registrationId: string, payload: string): Promise<string> {
  const since = Date.now();
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: relay.url, registrationId, data: payload });
  const worker = await workerOf(b);
  return worker.evaluate(async (since) => {
    while (Date.now() < since + 20_000) {
      const log = (self as unknown as { __meshdropPushLog?: { at: number; outcome: string }[] }).__meshdropPushLog ?? [];
      const entry = log.find((e) => e.at >= since);
      if (entry) return entry.outcome;
      await new Promise((r) => setTimeout(r, 50));
    }
    return 'no push handled';
  }, since);
}

/** Sets (or with undefined removes) one record of B's settings store from the worker, as the app would. */
async function setSetting(b: BrowserContext, key: string, value: unknown): Promise<void> {
  const worker = await workerOf(b);
  await worker.evaluate(
    async ({ key, value }) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('meshdrop');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      await new Promise<void>((ok, fail) => {
        const tx = db.transaction('settings', 'readwrite');
        if (value === undefined) tx.objectStore('settings').delete(key);
        else tx.objectStore('settings').put(value, key);
        tx.oncomplete = () => ok();
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    { key, value },
  );
}

/** Waits until B's settings record `key` has `field` equal to `value`, read from the worker (what it will read). */
async function waitForSetting(b: BrowserContext, key: string, field: string, value: unknown): Promise<void> {
  const worker = await workerOf(b);
  await worker.evaluate(
    async ({ key, field, value }) => {
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        const db = await new Promise<IDBDatabase>((ok) => {
          const req = indexedDB.open('meshdrop');
          req.onsuccess = () => ok(req.result);
        });
        const record = await new Promise<Record<string, unknown> | undefined>((ok) => {
          const req = db.transaction('settings').objectStore('settings').get(key);
          req.onsuccess = () => ok(req.result as never);
        });
        db.close();
        if (record?.[field] === value) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`setting ${key}.${field} was not saved`);
    },
    { key, field, value },
  );
}

it('a push shows the sender and text of the message read from the relay, only the sender with previews hidden, and "New message in <chat>" when the relay is down or forges, in the app\'s language', async () => {
  const a = await newProfile(browser);
  const b = await newProfile(browser);
  await b.grantPermissions(['notifications'], { origin: relay.url });
  const pageA = await openApp(a, relay);
  const pageB = await openApp(b, relay);
  await onboard(pageA, 'Ann');
  await onboard(pageB, 'Bob');
  await acceptInvite(pageB, await createInvite(pageA));
  await chatItem(pageB, 'Ann').waitFor(WAIT);

  // Headless Chromium cannot subscribe: hand B's app a subscription on the stand-in push service, then turn push on.
  const vapidKey = ((await (await fetch(`${relay.url}/push/vapid`)).json()) as { publicKey: string }).publicKey;
  const subscription = pushService.subscribe(vapidKey);
  await pageB.evaluate((sub) => ((globalThis as Record<string, unknown>).__meshdropTestPushSubscription = sub), subscription);
  await pageB.getByRole('button', { name: /^Settings/ }).click();
  await pageB.getByRole('switch', { name: 'Push notifications through my relays' }).click();
  await pageB.locator('[data-testid="push-state"][data-enabled="true"][aria-busy="false"]').waitFor(WAIT);

  const registrationId = await serviceWorkerRegistrationId(b, pageB, relay.url);
  // What the forging relay needs (it has the chat key, as a member who turned on A would, but not A's signing key).
  const chat = await pageB.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = indexedDB.open('meshdrop');
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    const all = await new Promise<{ id: string; title: string; members: string[]; keys: { epoch: number; key: string }[] }[]>((ok) => {
      const req = db.transaction('channels').objectStore('channels').getAll();
      req.onsuccess = () => ok(req.result as never);
    });
    db.close();
    const c = all.find((x) => x.title === 'Ann')!;
    return { id: c.id, annPub: c.members[0]!, key: c.keys.find((k) => k.epoch === 0)!.key };
  });
  const tag = `md-chat:${chat.id}`;
  const blank = await b.newPage();
  const cdp = await b.newCDPSession(blank);
  await cdp.send('ServiceWorker.enable');
  await pageB.close();

  // 1. A writes while B's app is closed: relay → stand-in push service → B's worker → "Ann: hello from A".
  await openChat(pageA, 'Bob');
  await send(pageA, 'hello from A');
  await pushService.waitFor(() => pushService.pushesTo(subscription.endpoint).length >= 1, 30_000);
  const push = pushService.pushesTo(subscription.endpoint)[0]!.payload;
  assert.ok(!push.includes('hello'));
  assert.deepEqual(await pushAndRead(b, cdp, registrationId, push, tag), { title: 'Ann', body: 'Ann: hello from A' });

  // A reply shows its text; a reaction after it shows nothing new (actions never notify, and the message on screen
  // is not announced again); a file shows its name. Each push is delivered once the relay holds A's write: the
  // payload is always the chat id, and the relay sends at most one per chat within its coalescing time.
  const annSoul = `~${chat.annPub}/md1/c/${chat.id}`;
  const held = async () => ((await (await fetch(`${relay.url}/history?soul=${encodeURIComponent(annSoul)}&limit=500`)).json()) as { entries: unknown[] }).entries.length;
  const relayGetsOneMore = async (write: () => Promise<void>) => {
    const before = await held();
    await write();
    for (const until = Date.now() + 30_000; (await held()) <= before; ) {
      assert.ok(Date.now() < until, 'the relay did not store the write');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await relayGetsOneMore(async () => {
    await act(pageA, 'hello from A', 'Reply');
    await send(pageA, 'a reply from A');
  });
  assert.deepEqual(await pushAndRead(b, cdp, registrationId, push, tag), { title: 'Ann', body: 'Ann: a reply from A' });
  await relayGetsOneMore(() => act(pageA, 'a reply from A', 'React with 👍'));
  assert.equal(await pushOutcome(b, cdp, registrationId, push), 'none: already shown');
  await relayGetsOneMore(() => attach(pageA, [{ name: 'plan.txt', buffer: Buffer.from('the plan'), mimeType: 'text/plain' }]));
  assert.deepEqual(await pushAndRead(b, cdp, registrationId, push, tag), { title: 'Ann', body: 'Ann: 📎 plan.txt' });

  // 2. B's relay is down: the fallback, at once (not an error, not a blank).
  const down = await httpServer(() => undefined);
  await new Promise<void>((ok) => down.server.close(() => ok()));
  await setSetting(b, 'relays', [`${down.url}/gun`]);
  assert.deepEqual(await pushAndRead(b, cdp, registrationId, push, tag), { title: 'New message in Ann', body: 'Open Meshdrop to read it.' });

  // 3. A relay that answers the real history with A's envelopes swapped for forged ones: same key, right chat and
  // id, text "forged text", but signed by an attacker's key. The worker drops them and shows the fallback.
  const attacker = await SEA.pair();
  let forgedAnswers = 0;
  const forging = await httpServer((req, res) => {
    void (async () => {
      const real = (await (await fetch(`${relay.url}${req.url}`)).json()) as { entries: [string, unknown, number][]; more: boolean };
      const entries = await Promise.all(
        real.entries.map(async ([key, , state]) => {
          const inner = { id: key, channel: chat.id, author: chat.annPub, sentAt: Date.now(), epoch: 0, kind: 'text', body: 'forged text' };
          const ct = await SEA.encrypt(inner, chat.key);
          const envelope = await SEA.sign({ v: 1, e: 0, ct }, attacker);
          forgedAnswers += 1;
          return [key, JSON.stringify({ ':': envelope, '~': 'x' }), state];
        }),
      );
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify({ entries, more: real.more }));
    })();
  });
  await setSetting(b, 'relays', [`${forging.url}/gun`]);
  const forged = await pushAndRead(b, cdp, registrationId, push, tag);
  assert.ok(forgedAnswers >= 1, 'the worker asked the forging relay');
  assert.deepEqual(forged, { title: 'New message in Ann', body: 'Open Meshdrop to read it.' });

  // 4. B hides previews in settings (app opened again on its own relay, then closed); A's next message names only A.
  await setSetting(b, 'relays', undefined);
  const again = await openApp(b, relay);
  await again.getByRole('button', { name: /^Settings/ }).click();
  await again.getByTestId('hide-previews').check();
  await waitForSetting(b, 'preferences', 'hidePreviews', true);
  await again.close();
  const before = pushService.pushesTo(subscription.endpoint).length;
  await relayGetsOneMore(() => send(pageA, 'second secret'));
  await pushService.waitFor(() => pushService.pushesTo(subscription.endpoint).length > before, 30_000);
  const hidden = await pushAndRead(b, cdp, registrationId, pushService.pushesTo(subscription.endpoint).at(-1)!.payload, tag);
  assert.deepEqual(hidden, { title: 'Ann', body: 'Ann sent a message' });
  assert.ok(!hidden.body.includes('second secret'));

  // 5. B switches the app to German (then closes it): the worker, which has no page, speaks German too.
  const german = await openApp(b, relay);
  await german.getByRole('button', { name: /^Settings/ }).click();
  await german.getByTestId('language').selectOption('de');
  await waitForSetting(b, 'notification-words', 'sentMessage', '{author} hat eine Nachricht gesendet');
  await german.close();
  const count = pushService.pushesTo(subscription.endpoint).length;
  await relayGetsOneMore(() => send(pageA, 'third secret'));
  await pushService.waitFor(() => pushService.pushesTo(subscription.endpoint).length > count, 30_000);
  const push3 = pushService.pushesTo(subscription.endpoint).at(-1)!.payload;
  assert.deepEqual(await pushAndRead(b, cdp, registrationId, push3, tag), { title: 'Ann', body: 'Ann hat eine Nachricht gesendet' });
  await setSetting(b, 'relays', [`${down.url}/gun`]);
  assert.deepEqual(await pushAndRead(b, cdp, registrationId, push3, tag), { title: 'Neue Nachricht in Ann', body: 'Öffne Meshdrop, um sie zu lesen.' });
  await Promise.all([a.close(), b.close()]);
});
