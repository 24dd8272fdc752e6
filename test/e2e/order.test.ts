// Issue 11, order: one total order (Lamport clock, author, sequence) on every device. 300 sends started back to
// back, a 1,000-message backlog received after being offline, a sender whose clock is an hour off, and an envelope
// the receiver never got (fetched again) — all through real profiles and a real relay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, chatItem, createInvite, openChat, openSkewed as openSkewedOn, send, waitForMessage, waitUntil } from './chat-helpers.js';

const openSkewed = (ctx: BrowserContext, skewMs: number, name: string) => openSkewedOn(ctx, relay, skewMs, name);

const ALICE = 'Alice Order';
const BOB = 'Bob Order';

let relay: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let a: Page;
let b: Page;
let channelId = '';

/** Every text of the chat, oldest first, in the order the app stores and shows them (all history pages). */
function history(page: Page): Promise<string[]> {
  return page.evaluate(async (id) => {
    type Msg = { id: string; text: string; sentAt: number; order?: string };
    const app = (document.querySelector('md-app') as unknown as {
      app: { loadMessages(c: string, o: { before?: Msg; limit: number }): Promise<{ messages: Msg[]; hasMore: boolean }> };
    }).app;
    const out: Msg[] = [];
    let before: Msg | undefined;
    for (;;) {
      const page = await app.loadMessages(id, { before, limit: 500 });
      out.unshift(...page.messages);
      before = page.messages[0];
      if (!page.hasMore || !before) break;
    }
    return out.map((m) => m.text);
  }, channelId);
}

/**
 * How many messages of the chat the page has stored: one IndexedDB count, cheap enough to poll while a backlog
 * arrives (polling `history` decorates every message and competed with the receive path it waits for).
 */
function storedCount(page: Page): Promise<number> {
  return page.evaluate(async (id) => {
    const app = (document.querySelector('md-app') as unknown as {
      app: { session(): Promise<{ db: { countFromIndex(s: string, i: string, r: IDBKeyRange): Promise<number> } }> };
    }).app;
    return (await app.session()).db.countFromIndex('messages', 'byChannelOrder', IDBKeyRange.bound([id, ''], [id, '\uffff']));
  }, channelId);
}

/** The texts of the chat view as rendered (the open chat's window), top to bottom. */
const rendered = (page: Page): Promise<string[]> => page.getByTestId('message-text').allTextContents();

const withPrefix = (texts: string[], prefix: string) => texts.filter((t) => t.startsWith(prefix));

/** Starts `count` sendText calls at once in the page, none waiting for the previous (as a paste or script would). */
function burst(page: Page, prefix: string, count: number): Promise<void> {
  return page.evaluate(
    async ({ ch, prefix, count }) => {
      const app = (document.querySelector('md-app') as unknown as { app: { sendText(c: string, t: string): Promise<unknown> } }).app;
      await Promise.all(Array.from({ length: count }, (_, i) => app.sendText(ch, `${prefix} ${String(i).padStart(4, '0')}`)));
    },
    { ch: channelId, prefix, count },
  );
}

const expected = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${String(i).padStart(4, '0')}`);

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  alice = await newProfile(browser);
  bob = await newProfile(browser);
  a = await openApp(alice, relay);
  b = await openApp(bob, relay);
  await Promise.all([onboard(a, ALICE), onboard(b, BOB)]);
  await acceptInvite(b, await createInvite(a));
  await a.getByTestId('contact-name').filter({ hasText: BOB }).waitFor(WAIT);
  channelId = (await chatItem(b, ALICE).first().getAttribute('data-channel')) ?? '';
  assert.ok(channelId);
  await openChat(a, BOB);
  await openChat(b, ALICE);
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('300 sends started back to back show in send order on the sender and the receiver', async () => {
  const bobBefore = await storedCount(b);
  await burst(a, 'burst', 300);
  const want = expected('burst', 300);
  assert.deepEqual(withPrefix(await history(a), 'burst'), want, 'sender: stored order');
  await waitUntil('Bob has all 300', async () => (await storedCount(b)) >= bobBefore + 300);
  assert.deepEqual(withPrefix(await history(b), 'burst'), want, 'receiver: stored order');
  // What the chat views show (the newest window) is in the same order on both sides.
  await waitForMessage(b, want[299]!);
  await waitForMessage(a, want[299]!);
  const shownB = withPrefix(await rendered(b), 'burst');
  const shownA = withPrefix(await rendered(a), 'burst');
  assert.ok(shownB.length >= 40, `Bob's window shows the newest messages (${shownB.length})`);
  assert.deepEqual(shownB, want.slice(300 - shownB.length));
  assert.deepEqual(shownA, want.slice(300 - shownA.length));
});

test('a 1,000-message backlog sent while the receiver was offline arrives complete and in send order', async () => {
  const BACKLOG = Number(process.env.ORDER_BACKLOG ?? 1000);
  const bobBefore = await storedCount(b);
  await b.close();
  await burst(a, 'backlog', BACKLOG);
  const want = expected('backlog', BACKLOG);
  assert.deepEqual(withPrefix(await history(a), 'backlog'), want, 'sender: stored order');
  // Everything is on the relay before Bob comes back.
  await waitUntil(
    'the relay acknowledged all 1,000',
    () => a.evaluate(async () => (await (await (document.querySelector('md-app') as unknown as { app: { session(): Promise<{ outbox: { pendingCount(): Promise<number> } }> } }).app.session()).outbox.pendingCount()) === 0),
    90_000,
  );
  b = await openApp(bob, relay);
  await b.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  if (process.env.ORDER_DEBUG) b.on('console', (m) => console.log('[bob]', m.text().slice(0, 200)));
  const t0 = Date.now();
  await waitUntil('Bob caught up', async () => {
    const n = (await storedCount(b)) - bobBefore;
    if (process.env.ORDER_DEBUG) console.log('# bob has', n, Date.now() - t0);
    return n >= BACKLOG;
  }, 60_000);
  const reasks = await b.evaluate(async () => (await (document.querySelector('md-app') as unknown as { app: { session(): Promise<{ chat: { gaps: { fetches: number } } }> } }).app.session()).chat.gaps.fetches);
  console.log(`# catch-up of 1,000 messages: ${Date.now() - t0} ms (polled), ${reasks} gap re-asks`);
  assert.deepEqual(withPrefix(await history(b), 'backlog'), want, 'receiver: stored order');
  await openChat(b, ALICE);
  await waitForMessage(b, want[BACKLOG - 1]!);
  const shown = withPrefix(await rendered(b), 'backlog');
  assert.deepEqual(shown, want.slice(BACKLOG - shown.length));
});

test('a sender whose clock is an hour behind, then an hour ahead, stays in conversation order', async () => {
  await a.close();
  a = await openSkewed(alice, -3_600_000, ALICE);
  await openChat(a, BOB);
  await send(b, 'skew 1 from Bob');
  await waitForMessage(a, 'skew 1 from Bob');
  await send(a, 'skew 2 from Alice, clock an hour behind');
  await waitForMessage(b, 'skew 2 from Alice, clock an hour behind');
  await send(b, 'skew 3 from Bob');
  await waitForMessage(a, 'skew 3 from Bob');
  await a.close();
  // The relay answers Alice's clock check (HEAD /gun, sync/clock-drift.ts) only after she sent: a write that went
  // out before the check corrected GUN's clock would be held back by the relay for the hour it is stamped ahead.
  let answerClockCheck = () => {};
  const clockCheck = new Promise<void>((ok) => (answerClockCheck = ok));
  let clockChecks = 0;
  await alice.route(/\/gun$/, async (route) => {
    if (route.request().method() === 'HEAD') {
      clockChecks += 1;
      await clockCheck;
    }
    await route.continue();
  });
  a = await openSkewed(alice, 3_600_000, ALICE);
  await openChat(a, BOB);
  await send(a, 'skew 4 from Alice, clock an hour ahead');
  await waitForMessage(a, 'skew 4 from Alice, clock an hour ahead');
  assert.equal(clockChecks, 1, 'the clock check was held until after the send');
  answerClockCheck();
  await waitForMessage(b, 'skew 4 from Alice, clock an hour ahead');
  await alice.unroute(/\/gun$/);
  await send(b, 'skew 5 from Bob');
  await waitForMessage(a, 'skew 5 from Bob');
  const want = ['skew 1 from Bob', 'skew 2 from Alice, clock an hour behind', 'skew 3 from Bob', 'skew 4 from Alice, clock an hour ahead', 'skew 5 from Bob'];
  assert.deepEqual(withPrefix(await history(a), 'skew'), want);
  assert.deepEqual(withPrefix(await history(b), 'skew'), want);
  assert.deepEqual(withPrefix(await rendered(a), 'skew'), want);
  assert.deepEqual(withPrefix(await rendered(b), 'skew'), want);
});

test('an envelope the receiver never got, in the middle of a sequence, is noticed and fetched again', async () => {
  const alicePub = await a.evaluate(() => (document.querySelector('md-app') as unknown as { app: { identity: { pair: { pub: string } } } }).app.identity.pair.pub);
  const soul = `~${alicePub}/md1/c/${channelId}`;
  // Keys of Alice's envelopes grow with every one she sends: those after her last one are the test's new ones
  // (Bob's page also receives the chat's whole history when it subscribes; none of that is cut).
  const lastKey = await a.evaluate(async (id) => {
    const app = (document.querySelector('md-app') as unknown as { app: { session(): Promise<{ db: { get(s: string, k: string): Promise<{ lastSentId?: string } | undefined> } }> } }).app;
    return (await (await app.session()).db.get('channels', id))?.lastSentId ?? '';
  }, channelId);
  assert.ok(lastKey, 'Alice has sent before');
  // Bob's page reaches the relay through this filter: while `dropping`, the 11th new message key Alice writes
  // is cut out of every frame (the relay has it; Bob never sees it pushed).
  let dropping = true;
  let dropped = '';
  const keysSeen = new Set<string>();
  const filter = (frame: string): string | undefined => {
    // Once two later messages went through, Bob has what he needs to notice the hole: stop cutting, so his
    // asking again can be answered.
    if (keysSeen.size >= 13) dropping = false;
    if (!dropping) return frame;
    let msgs: unknown;
    try {
      msgs = JSON.parse(frame);
    } catch {
      return frame;
    }
    const list = (Array.isArray(msgs) ? msgs : [msgs]) as { put?: Record<string, Record<string, unknown>> }[];
    const kept = list.filter((m) => {
      const node = m.put?.[soul];
      if (!node) return true;
      for (const k of Object.keys(node)) {
        if (k === '_' || k <= lastKey || keysSeen.has(k) || !/^[0-9a-z]{9}[0-9a-f]{12}$/.test(k)) continue;
        keysSeen.add(k);
        if (keysSeen.size === 11) dropped = k;
      }
      if (dropped && dropped in node) {
        delete node[dropped];
        delete (node._ as { '>': Record<string, number> })['>'][dropped];
      }
      return Object.keys(node).length > 1;
    });
    if (kept.length === 0) return undefined;
    return JSON.stringify(Array.isArray(msgs) ? kept : kept[0]);
  };
  await b.close();
  b = await bob.newPage();
  await b.routeWebSocket(/\/gun$/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      const out = typeof m === 'string' ? filter(m) : m;
      if (out !== undefined) ws.send(out);
    });
  });
  // The re-ask goes to the relay's HTTP history (around the websocket filter).
  const historyAsks: string[] = [];
  b.on('request', (r) => {
    // Asked for with the keys before it (history-refetch.ts): `before=<key>!`.
    const q = new URL(r.url()).searchParams;
    if (r.url().includes('/history?')) historyAsks.push(q.get('key') ?? q.get('before')?.replace(/!$/, '') ?? '');
  });
  await b.goto(relay.url + '/');
  await b.getByTestId('signed-in-name').filter({ hasText: BOB }).waitFor(WAIT);
  await openChat(b, ALICE);
  await b.getByText('Connected to 1 relay').waitFor(WAIT);
  const want = Array.from({ length: 20 }, (_, i) => `gap ${String(i + 1).padStart(2, '0')}`);
  for (const t of want) {
    await send(a, t);
    await waitForMessage(a, t);
  }
  await waitForMessage(b, want[19]!);
  assert.ok(dropped, 'the filter cut a message out of what Bob received');
  // Bob noticed the hole (the next message names the missing one as its predecessor) and asked for it again.
  await b.locator(`[data-testid="message"][data-id="${dropped}"]`).waitFor(WAIT);
  assert.ok(historyAsks.includes(dropped), 'Bob asked the relay\'s history for the missing key');
  assert.deepEqual(withPrefix(await history(b), 'gap'), want);
  assert.deepEqual(withPrefix(await rendered(b), 'gap'), want);
});
