// Issue 6 at the app level: users on different relays of a mesh, a relay SIGKILLed mid-transfer, a long
// offline period, and failover between two configured relays — all through the real UI and relay program.
// Relays: r1 ← r2 ← r3 (r2 peers r1, r3 peers r2). Alice's app is served by r1, Bob's by r3.
// A group with Carol (app served by r2) closes the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { attach, fileBubble, sha, storedHash, waitForFileStatus } from './file-helpers.js';
import { WAIT, acceptInvite, bubble, chatItem, createInvite, openChat, send, waitForMessage, waitForStatus } from './chat-helpers.js';
import { closeAllGuns, nodeGun, waitUntil } from './gun-node.js';

const ALICE = 'Alice Mesh';
const BOB = 'Bob Mesh';
const LONG = { timeout: 90_000 };

let r1: RelayProcess;
let r2: RelayProcess;
let r3: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let a: Page;
let b: Page;
/** Alice's invite link (it stays open: Carol uses it too). */
let link = '';

const profile = (): Promise<BrowserContext> => newProfile(browser);

/** Every message of the chat with `title`, oldest first, as the app stored them (all history pages). */
async function history(page: Page, title: string): Promise<{ id: string; kind: string; text: string; status: string; name?: string }[]> {
  const channelId = await chatItem(page, title).first().getAttribute('data-channel');
  return page.evaluate(async (id) => {
    type Msg = { id: string; kind: string; text: string; status: string; sentAt: number; file?: { name: string } };
    const app = (document.querySelector('md-app') as unknown as {
      app: { loadMessages(c: string, o: { before?: { sentAt: number; id: string }; limit: number }): Promise<{ messages: Msg[]; hasMore: boolean }> };
    }).app;
    const out: Msg[] = [];
    let before: { sentAt: number; id: string } | undefined;
    for (;;) {
      const page = await app.loadMessages(id, { before, limit: 100 });
      out.unshift(...page.messages);
      const first = page.messages[0];
      if (!page.hasMore || !first) break;
      before = { sentAt: first.sentAt, id: first.id };
    }
    return out.map((m) => ({ id: m.id, kind: m.kind, text: m.text, status: m.status, name: m.file?.name }));
  }, channelId ?? '');
}

async function openAs(ctx: BrowserContext, relay: RelayProcess, name: string): Promise<Page> {
  const page = await openApp(ctx, relay);
  await page.getByTestId('signed-in-name').filter({ hasText: name }).waitFor(WAIT);
  return page;
}

before(async () => {
  r1 = await startRelay();
  r2 = await startRelay({ peers: [r1.gunUrl] });
  r3 = await startRelay({ peers: [r2.gunUrl] });
  browser = await launchBrowser();
  alice = await profile();
  bob = await profile();
  a = await openApp(alice, r1);
  b = await openApp(bob, r3);
  await Promise.all([onboard(a, ALICE), onboard(b, BOB)]);
});

after(async () => {
  closeAllGuns();
  await browser?.close();
  await cleanup();
});

test('mesh: users on the two ends of a relay chain become contacts, chat both ways and share a file', async () => {
  await a.getByText('Connected to 1 relay').waitFor(WAIT);
  await b.getByText('Connected to 1 relay').waitFor(WAIT);
  // The link names r1's origin; Bob's app (served by r3) accepts it: the payload is what matters.
  link = await createInvite(a);
  assert.ok(link.startsWith(r1.url));
  await acceptInvite(b, link);
  await a.getByTestId('contact-name').filter({ hasText: BOB }).waitFor(LONG);
  await openChat(b, ALICE);
  await openChat(a, BOB);

  await send(b, 'hello from relay 3');
  await waitForMessage(a, 'hello from relay 3');
  await send(a, 'hello from relay 1');
  await waitForMessage(b, 'hello from relay 1');
  await waitForStatus(a, 'hello from relay 1', 'delivered');
  await waitForStatus(b, 'hello from relay 3', 'delivered');

  const file = { name: 'across-the-mesh.bin', buffer: randomBytes(200 * 1024) };
  await attach(a, [file]);
  await waitForFileStatus(b, file.name, 'complete', LONG);
  assert.equal(await storedHash(b, file.name), sha(file.buffer));
});

test('restart: the relay is SIGKILLed mid-transfer and restarted; the transfer completes and history survives', async () => {
  await send(a, 'written before the kill');
  await waitForStatus(a, 'written before the kill', 'delivered');
  const beforeId = await bubble(a, 'written before the kill').getAttribute('data-id');
  assert.ok(beforeId);

  // 4 + 4 + 1 MiB chunks, uploaded side by side. Alice's uplink is throttled so the 1 MiB chunk is acknowledged seconds
  // before the two 4 MiB ones: the relay dies with a part acknowledged and the rest in flight. (Unthrottled, loopback
  // moves the whole file in well under a second, between two polls of the progress bar.)
  const file = { name: 'nine-mib.bin', buffer: randomBytes(9 * 1024 * 1024) };
  const cdp = await a.context().newCDPSession(a);
  await cdp.send('Network.enable');
  const uplink = (bytesPerSecond: number) =>
    cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  await uplink(512 * 1024);
  await attach(a, [file]);
  const uploading = fileBubble(a, file.name).and(a.locator('[data-status="uploading"]'));
  await uploading.locator('[role="progressbar"]:not([aria-valuenow="0"])').waitFor(LONG);
  const sentBefore = Number(await uploading.getByRole('progressbar').getAttribute('aria-valuenow'));
  await r1.kill('SIGKILL');
  await uplink(-1);
  await a.locator('md-connection-status [data-state]:not([data-state="connected"])').waitFor(WAIT);
  // The PUTs in flight failed: the upload is queued again, not finished.
  await waitForFileStatus(a, file.name, 'queued', WAIT);
  assert.ok(sentBefore > 0 && sentBefore < file.buffer.length, `the relay was killed mid-upload (${sentBefore} bytes acknowledged)`);
  r1 = await startRelay({ port: r1.port, dataDir: r1.dataDir });
  await a.getByText('Connected to 1 relay').waitFor(LONG);

  await waitForFileStatus(b, file.name, 'complete', LONG);
  assert.equal(await storedHash(b, file.name), sha(file.buffer), 'byte-identical after the relay restart');
  await waitForFileStatus(a, file.name, 'sent', LONG);
  await cdp.detach();

  // A fresh reader connected only to the restarted relay gets the message written before the kill. (r2 still
  // peers r1, so r1 could also fetch it through the mesh; relay-restart.test.ts proves the disk part alone.)
  const alicePub = await a.evaluate(() => (document.querySelector('md-app') as unknown as { app: { identity: { pair: { pub: string } } } }).app.identity.pair.pub);
  const channelId = await chatItem(a, BOB).first().getAttribute('data-channel');
  assert.ok(channelId);
  const reader = nodeGun([r1.gunUrl]);
  let served: unknown;
  reader.gun.get(`~${alicePub}/md1/c/${channelId}`).get(beforeId).on((v) => (served = v));
  await waitUntil(() => typeof served === 'string' && served.length > 0, 30_000, 'the pre-kill envelope is served by the restarted relay');
  reader.close();
});

test('long offline: 60 messages and 2 files sent while the recipient is away all arrive, in order, once, counted unread', async () => {
  await b.close();
  const texts = Array.from({ length: 60 }, (_, i) => `while you were away #${String(i + 1).padStart(2, '0')}`);
  const files = [
    { name: 'away-one.bin', buffer: randomBytes(40 * 1024) },
    { name: 'away-two.bin', buffer: randomBytes(70 * 1024) },
  ];
  for (const t of texts.slice(0, 30)) await send(a, t);
  await attach(a, [files[0]!]);
  await fileBubble(a, files[0]!.name).waitFor(WAIT); // the file message is in the chat before the next text
  for (const t of texts.slice(30)) await send(a, t);
  await attach(a, [files[1]!]);
  await fileBubble(a, files[1]!.name).waitFor(WAIT);
  // Everything is acknowledged by the relay before Bob comes back.
  const newest = () => history(a, BOB).then((h) => h.filter((m) => texts.includes(m.text) || files.some((f) => f.name === m.name)));
  await waitUntil2(async () => {
    const mine = await newest();
    return mine.length === 62 && mine.every((m) => m.status === 'sent' || m.status === 'delivered');
  }, 90_000, 'all 62 messages acknowledged by the relay');

  b = await openAs(bob, r3, BOB);
  // The chat list counts every message that arrived while away (the app opens on the list).
  await chatItem(b, ALICE).getByTestId('unread-badge').and(b.getByLabel('62 unread messages')).waitFor(LONG);
  for (const f of files) await waitUntil2(async () => (await history(b, ALICE)).some((m) => m.name === f.name), 60_000, `${f.name} arrived`);
  const got = (await history(b, ALICE)).filter((m) => texts.includes(m.text) || files.some((f) => f.name === m.name));
  assert.deepEqual(
    got.map((m) => m.name ?? m.text),
    [...texts.slice(0, 30), files[0]!.name, ...texts.slice(30), files[1]!.name],
    `every message exactly once, in the order sent; got ${JSON.stringify(got.map((m) => m.name ?? m.text.slice(-3)))}`,
  );
  assert.equal(new Set(got.map((m) => m.id)).size, got.length);

  await openChat(b, ALICE);
  await waitForMessage(b, texts[59]!);
  for (const f of files) {
    await waitForFileStatus(b, f.name, 'complete', LONG);
    assert.equal(await storedHash(b, f.name), sha(f.buffer));
  }
  assert.equal(await bubble(b, texts[59]!).count(), 1);
});

test('failover: with two meshed relays configured, killing the one that served the page loses nothing', async () => {
  await a.getByRole('button', { name: 'Identity & backup' }).click();
  await a.getByLabel('Relay address').fill(`ws://127.0.0.1:${r3.port}`);
  await a.getByRole('button', { name: 'Add relay' }).click();
  await Promise.all([a.waitForEvent('load'), a.getByRole('button', { name: 'Save and reconnect' }).click()]);
  await a.getByText('Connected to 2 relays').waitFor(LONG);
  await a.evaluate(async () => void (await navigator.serviceWorker.ready));
  await openChat(a, BOB);
  await openChat(b, ALICE);

  await r1.kill('SIGKILL');
  const texts = Array.from({ length: 10 }, (_, i) => `after failover #${i + 1}`);
  for (const t of texts.slice(0, 5)) await send(a, t);
  await a.getByText('Connected to 1 relay').waitFor(LONG);
  for (const t of texts.slice(5)) await send(a, t);
  for (const t of texts) await waitForMessage(b, t);
  for (const t of texts) await waitForStatus(a, t, 'delivered');
  const got = (await history(b, ALICE)).filter((m) => texts.includes(m.text));
  assert.deepEqual(got.map((m) => m.text), texts, 'each message exactly once, in order');
  for (const t of texts) assert.equal(await bubble(b, t).count(), 1);

  // The serving relay is gone: the service worker serves the shell, and the app talks to the relay left.
  await a.reload();
  await a.getByTestId('signed-in-name').filter({ hasText: ALICE }).waitFor(WAIT);
  await a.getByText('Connected to 1 relay').waitFor(LONG);
  await openChat(a, BOB);
  await send(a, 'after the reload');
  await waitForMessage(b, 'after the reload');
});

test('group across the mesh: Carol on the middle relay joins a group with Alice and Bob', async () => {
  // r1 is gone by now: Alice talks through r3 (her second relay), Bob through r3, Carol through r2.
  const carol = await profile();
  const c = await openApp(carol, r2);
  await onboard(c, 'Carol Mesh');
  await acceptInvite(c, link);
  await a.getByRole('button', { name: 'Contacts', exact: true }).click();
  await a.getByTestId('contact-name').filter({ hasText: 'Carol Mesh' }).waitFor(LONG);
  await a.getByRole('button', { name: 'New group' }).click();
  await a.getByLabel('Group name').fill('Mesh trio');
  await a.getByRole('checkbox', { name: BOB }).check();
  await a.getByRole('checkbox', { name: 'Carol Mesh' }).check();
  await a.getByRole('button', { name: 'Create group' }).click();
  await a.getByTestId('chat-title').filter({ hasText: 'Mesh trio' }).waitFor(WAIT);
  await send(a, 'trio: hello from Alice');
  await openChat(b, 'Mesh trio');
  await openChat(c, 'Mesh trio');
  await waitForMessage(b, 'trio: hello from Alice');
  await waitForMessage(c, 'trio: hello from Alice');
  await send(c, 'trio: hello from Carol');
  await waitForMessage(a, 'trio: hello from Carol');
  await waitForMessage(b, 'trio: hello from Carol');
  assert.equal(await bubble(b, 'trio: hello from Carol').getByTestId('message-author').textContent(), 'Carol Mesh');
  await carol.close();
});

async function waitUntil2(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
