// Issue 11, start-up: a returning device reads each chat from its read cursor on (core/read-cursors.ts), so a reload
// receives what is new, not the chat's whole history again. Measured here in bytes over the websocket, through a
// real relay and two real profiles; speed is in bench/startup.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
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

/** Opens the app in a new page of `ctx`, counting websocket bytes received from the start. */
async function openCounting(ctx: BrowserContext): Promise<{ page: Page; bytes: () => number }> {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => (bytes += Buffer.byteLength(e.response.payloadData)));
  await page.goto(relay.url + '/');
  return { page, bytes: () => bytes };
}

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
  // The history is written an hour ago by Alice's clock (message ids carry the author's time); her profile message,
  // written first with her clock right, is then Bob's cursor, and the history lies below it.
  const past = await openSkewed(alice, relay, -HOUR, ALICE);
  const alicePub = await past.evaluate(async () => ((await (document.querySelector('md-app') as unknown as { app: { session(): Promise<{ identity: { pair: { pub: string } } }> } }).app.session()).identity.pair.pub));
  await past.evaluate(
    async ({ ch, n }) => {
      const app = (document.querySelector('md-app') as unknown as { app: { sendText(c: string, t: string): Promise<unknown> } }).app;
      for (let i = 0; i < n; i++) await app.sendText(ch, `history ${i} ` + 'h'.repeat(600));
    },
    { ch: channelId, n: HISTORY },
  );

  const first = await openCounting(bob);
  await first.page.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await waitUntil(`Bob stored the ${HISTORY} messages`, async () => (await storedCount(first.page)) >= HISTORY);
  const wholeChat = first.bytes();
  const storedBefore = await storedCount(first.page);
  const lastId = await first.page.evaluate(async (id) => {
    const app = (document.querySelector('md-app') as unknown as { app: { loadMessages(c: string, o: { limit: number }): Promise<{ messages: { id: string }[] }> } }).app;
    return (await app.loadMessages(id, { limit: 1 })).messages.at(-1)!.id;
  }, channelId);
  // (The cursor may be past the history: Alice's first message, her profile, was written with her clock right.)
  await waitUntil('Bob saved his read cursor', async () => ((await savedCursor(first.page, alicePub)) ?? '') >= lastId);
  await first.page.close();
  await past.close();

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
  const reload = again.bytes();
  console.log(`# websocket bytes: first read ${wholeChat}, return ${reload}`);
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
});
