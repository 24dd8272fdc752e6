// Issue 11, start-up: a returning device reads each chat from its read cursor on (core/read-cursors.ts), so a reload
// receives what is new, not the chat's whole history again. Measured here in bytes over the websocket, through a
// real relay and two real profiles; speed is in bench/startup.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanup, countDownloads, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, chatItem, createInvite, openSkewed, send, waitForMessage, waitUntil } from './chat-helpers.js';

const ALICE = 'Alice Startup';
const BOB = 'Bob Startup';
const HISTORY = 200;
const HOUR = 3_600_000;

let relay: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let channelId = '';

type AppLike = { app: { session(): Promise<{ db: { get(store: string, key: string): Promise<unknown>; countFromIndex(s: string, i: string, r: IDBKeyRange): Promise<number> } }> } };

const storedCount = (page: Page) =>
  page.evaluate(async (id) => (await (document.querySelector('md-app') as unknown as AppLike).app.session()).db.countFromIndex('messages', 'byChannelOrder', IDBKeyRange.bound([id, ''], [id, '\uffff'])), channelId);

/** Bob's saved read cursor for Alice's envelopes in the chat, or undefined. */
const savedCursor = (page: Page, alicePub: string) =>
  page.evaluate(
    async ({ soul }) => {
      const saved = (await (await (document.querySelector('md-app') as unknown as AppLike).app.session()).db.get('settings', 'readCursors')) as Record<string, { at?: string }> | undefined;
      return saved?.[soul]?.at;
    },
    { soul: `~${alicePub}/md1/c/${channelId}` },
  );

/**
 * Opens the app in a new page of `ctx`, counting bytes received from the start: over the websocket, and over the
 * relays' HTTP history (`GET /history`). With `noHistory`, every history request fails as if no relay had the endpoint.
 */
async function openCounting(ctx: BrowserContext, opts: { noHistory?: boolean } = {}): Promise<{ page: Page; bytes: () => number; history: () => number }> {
  const page = await ctx.newPage();
  if (opts.noHistory) await page.route((url) => url.pathname === '/history', (route) => route.abort('connectionrefused'));
  const count = await countDownloads(ctx, page);
  await page.goto(relay.url + '/');
  return { page, bytes: () => count.ws, history: () => count.history };
}

const pubOf = (page: Page) => page.evaluate(async () => ((await (document.querySelector('md-app') as unknown as { app: { session(): Promise<{ identity: { pair: { pub: string } } }> } }).app.session()).identity.pair.pub));

/** Sends `n` texts `<prefix> <i>` (each a 600-character line) from the app in `page`, one after the other, and waits for the relay's acks. */
async function sendBacklog(page: Page, prefix: string, n: number): Promise<void> {
  await page.evaluate(
    async ({ ch, prefix, n }) => {
      const app = (document.querySelector('md-app') as unknown as { app: { sendText(c: string, t: string): Promise<unknown>; session(): Promise<{ outbox: { pendingCount(): Promise<number> } }> } }).app;
      for (let i = 0; i < n; i++) await app.sendText(ch, `${prefix} ${i} ` + 'b'.repeat(600));
      const outbox = (await app.session()).outbox;
      while ((await outbox.pendingCount()) > 0) await new Promise((r) => setTimeout(r, 100));
    },
    { ch: channelId, prefix, n },
  );
}

/** The texts of the chat's messages starting with `prefix`, in the order the device shows them. */
const textsInOrder = (page: Page, prefix: string) =>
  page.evaluate(
    async ({ ch, prefix }) => {
      const app = (document.querySelector('md-app') as unknown as { app: { loadMessages(c: string, o: { limit: number }): Promise<{ messages: { text: string }[] }> } }).app;
      return (await app.loadMessages(ch, { limit: 2000 })).messages.map((m) => m.text.split(' ').slice(0, 2).join(' ')).filter((t) => t.startsWith(prefix + ' '));
    },
    { ch: channelId, prefix },
  );

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  alice = await newProfile(browser);
  bob = await newProfile(browser);
  const a = await openApp(alice, relay);
  const b = await openApp(bob, relay);
  await Promise.all([onboard(a, ALICE), onboard(b, BOB)]);
  await acceptInvite(b, await createInvite(a));
  await a.getByTestId('contact-name').filter({ hasText: BOB }).waitFor(WAIT);
  channelId = (await chatItem(b, ALICE).first().getAttribute('data-channel')) ?? '';
  assert.ok(channelId);
  await a.close();
  await b.close();
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('a returning device receives what is new since its read cursor, not the whole chat again', async () => {
  // The history is written an hour ago by Alice's clock (message ids carry the author's time), below Bob's read cursor
  // (his first visit read her profile message, written with her clock right): as a second device of hers with a
  // clock behind, or an outbox holding messages written offline, would. Then one message with her clock right, which
  // Bob's catch-up after his cursor finds; it names the one before it, and the gap re-ask pages the rest in.
  const past = await openSkewed(alice, relay, -HOUR, ALICE);
  const alicePub = await pubOf(past);
  await past.evaluate(
    async ({ ch, n }) => {
      const app = (document.querySelector('md-app') as unknown as { app: { sendText(c: string, t: string): Promise<unknown> } }).app;
      for (let i = 0; i < n; i++) await app.sendText(ch, `history ${i} ` + 'h'.repeat(600));
    },
    { ch: channelId, n: HISTORY },
  );
  await past.close();
  const right = await openApp(alice, relay);
  await right.getByTestId('signed-in-name').filter({ hasText: ALICE }).waitFor(WAIT);
  await sendBacklog(right, 'after-history', 1);
  await right.close();

  const first = await openCounting(bob);
  await first.page.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await waitUntil(`Bob stored the ${HISTORY} messages`, async () => (await storedCount(first.page)) >= HISTORY + 1);
  assert.deepEqual(await textsInOrder(first.page, 'history'), Array.from({ length: HISTORY }, (_, i) => `history ${i}`));
  const wholeChat = first.bytes() + first.history();
  const storedBefore = await storedCount(first.page);
  const lastId = await first.page.evaluate(async (id) => {
    const app = (document.querySelector('md-app') as unknown as { app: { loadMessages(c: string, o: { limit: number }): Promise<{ messages: { id: string }[] }> } }).app;
    return (await app.loadMessages(id, { limit: 1 })).messages.at(-1)!.id;
  }, channelId);
  await waitUntil('Bob saved his read cursor', async () => ((await savedCursor(first.page, alicePub)) ?? '') >= lastId);
  await first.page.close();

  // While Bob is away, Alice (clock right again) sends one more; her app also sends again whatever the relay had
  // not acked yet. Then Bob comes back.
  const now = await openApp(alice, relay);
  await now.getByTestId('signed-in-name').filter({ hasText: ALICE }).waitFor(WAIT);
  await now.getByTestId('chat-item').first().click();
  await send(now, 'new since Bob left');
  await waitUntil('the relay acked all of Alice\'s writes', () =>
    now.evaluate(async () => (await (await (document.querySelector('md-app') as unknown as { app: { session(): Promise<{ outbox: { pendingCount(): Promise<number> } }> } }).app.session()).outbox.pendingCount()) === 0),
  );
  const again = await openCounting(bob);
  await again.page.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await again.page.getByTestId('chat-item').first().click();
  await waitForMessage(again.page, 'new since Bob left');
  const reload = again.bytes() + again.history();
  console.log(`# bytes (websocket + HTTP history): first read ${wholeChat}, return ${reload}`);
  assert.ok(wholeChat > HISTORY * 600, `the first read carried the history (${wholeChat} B)`);
  assert.ok(reload < wholeChat / 5, `the return read ${reload} B, the whole chat is ${wholeChat} B`);
  // Nothing was lost: the history is all there, and the new message too.
  assert.equal(await storedCount(again.page), storedBefore + 1);

  // A write below Bob's cursor (Alice's clock an hour behind again, as a second device of hers could be) still
  // reaches him live: his subscription starts at the cursor, but envelopes below it are taken too.
  await now.close();
  const late = await openSkewed(alice, relay, -HOUR, ALICE);
  await late.getByTestId('chat-item').first().click();
  await send(late, 'from a clock an hour behind');
  await waitForMessage(again.page, 'from a clock an hour behind');
  await again.page.close();
  await late.close();
});

test('a backlog comes over the relays\' HTTP history, with one delivery receipt per batch; without the endpoint, over GUN', async () => {
  const BACKLOG = 120;
  const a = await openApp(alice, relay);
  await a.getByTestId('signed-in-name').filter({ hasText: ALICE }).waitFor(WAIT);
  const alicePub = await pubOf(a);
  // Bob has been here before (he has a read cursor), then leaves.
  const b0 = await openApp(bob, relay);
  await b0.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  const bobPub = await pubOf(b0);
  await sendBacklog(a, 'warm', 1);
  await waitUntil('Bob saved a read cursor', async () => (await textsInOrder(b0, 'warm')).length === 1 && (await savedCursor(b0, alicePub)) !== undefined);
  await b0.close();

  await sendBacklog(a, 'away', BACKLOG);
  const back = await openCounting(bob);
  await back.page.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await waitUntil(`Bob stored the ${BACKLOG} messages`, async () => (await textsInOrder(back.page, 'away')).length === BACKLOG);
  const expected = Array.from({ length: BACKLOG }, (_, i) => `away ${i}`);
  assert.deepEqual(await textsInOrder(back.page, 'away'), expected, 'the backlog shows in send order');
  console.log(`# catch-up bytes: websocket ${back.bytes()}, HTTP history ${back.history()}`);
  assert.ok(back.history() > BACKLOG * 600, `the backlog came over HTTP history (${back.history()} B)`);
  assert.ok(back.bytes() < BACKLOG * 600 / 4, `and not over the websocket (${back.bytes()} B)`);

  // Alice sees every one delivered; Bob wrote one receipt per receive batch, not one per message.
  await waitUntil('Alice sees the backlog delivered', () =>
    a.evaluate(
      async ({ ch }) => {
        const app = (document.querySelector('md-app') as unknown as { app: { loadMessages(c: string, o: { limit: number }): Promise<{ messages: { text: string; status: string }[] }> } }).app;
        const away = (await app.loadMessages(ch, { limit: 2000 })).messages.filter((m) => m.text.startsWith('away '));
        return away.length > 0 && away.every((m) => m.status === 'delivered' || m.status === 'seen');
      },
      { ch: channelId },
    ),
  );
  const receipts = (await (await fetch(`${relay.url}/history?soul=${encodeURIComponent(`~${bobPub}/md1/r/${channelId}/${alicePub}`)}&limit=500`)).json()) as { entries: unknown[] };
  assert.ok(receipts.entries.length < 10, `Bob's receipts for ${BACKLOG + 1} messages are ${receipts.entries.length} keys`);
  await back.page.close();

  // A relay without the endpoint: the backlog comes over GUN, from the cursor.
  await sendBacklog(a, 'gun', 30);
  const viaGun = await openCounting(bob, { noHistory: true });
  await viaGun.page.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await waitUntil('Bob stored the backlog over GUN', async () => (await textsInOrder(viaGun.page, 'gun')).length === 30);
  assert.deepEqual(await textsInOrder(viaGun.page, 'gun'), Array.from({ length: 30 }, (_, i) => `gun ${i}`));
  assert.equal(viaGun.history(), 0);
  assert.ok(viaGun.bytes() > 30 * 600, `the backlog came over the websocket (${viaGun.bytes()} B)`);
  await viaGun.page.close();
  await a.close();
});

test('a restored profile reads a chat newest first and pages older messages in as the user scrolls back', async () => {
  const b = await openApp(bob, relay);
  await b.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  const total = (await textsInOrder(b, 'history')).length;
  assert.equal(total, HISTORY, 'Bob holds the whole history');
  const backup = await b.evaluate(() => (document.querySelector('md-app') as unknown as { app: { exportBackup(p: string): Promise<string> } }).app.exportBackup('a long passphrase'));
  await b.close();

  const fresh = await openApp(await newProfile(browser), relay);
  const restore = fresh.getByRole('form', { name: 'Restore from backup' });
  await restore.locator('input[type=file]').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(backup) });
  await restore.getByLabel('Passphrase').fill('a long passphrase');
  await restore.getByRole('button', { name: 'Restore identity' }).click();
  await fresh.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await fresh.getByTestId('chat-item').first().click();
  // The newest messages first: the last one Alice sent shows, and the oldest history is not read yet.
  await fresh.getByTestId('message-text').filter({ hasText: /^gun 29 / }).waitFor(WAIT);
  assert.ok((await textsInOrder(fresh, 'history')).length < HISTORY, 'the restored profile did not read the whole chat');
  // Scrolling back (the list's "Load older messages" at its top) reads older pages from the relay until the first.
  const first = fresh.getByTestId('message-text').filter({ hasText: /^history 0 / });
  for (let i = 0; i < 20 && !(await first.count()); i++) {
    const older = fresh.getByRole('button', { name: 'Load older messages' });
    if (await older.count()) await older.click().catch(() => undefined);
    else await fresh.getByTestId('message').first().scrollIntoViewIfNeeded();
    await fresh.waitForTimeout(300);
  }
  await first.first().waitFor(WAIT);
  assert.deepEqual(await textsInOrder(fresh, 'history'), Array.from({ length: HISTORY }, (_, i) => `history ${i}`));
  await fresh.close();
});
