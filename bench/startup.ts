// Issue 11 start-up and catch-up figures (standalone: `npm run build && node --import tsx bench/startup.ts`).
//
// 1. Cold start with history: Bob's chat with Alice holds HISTORY messages on the relay (and in Bob's IndexedDB:
//    he received them). His page is reloaded; measured: bytes received over the websocket in the first
//    WINDOW_MS, and time to interactive (navigation → the chat list shows the chat). Next to it the same measure
//    for Carol, whose chat with Alice is empty. Goal: within 1.5× of the empty case.
// 2. Catch-up: Bob is offline while Alice sends BACKLOG messages; he comes back: messages/s from the first to the
//    last backlog message stored (the controller's `messages` events), next to raw GUN (a browser page with plain
//    GUN reading the same number of values of the same size, written while it was away). Goal ≥ 500 messages/s.
import { writeFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanup, countDownloads, launchBrowser, startRelay, type RelayProcess } from '../test/e2e/harness.js';
import { closeAllGuns, nodeGun } from '../test/e2e/gun-node.js';
import { closeProfiles, connect, signedInProfile, type AppProfile, type ControllerLike } from './lib/app-session.js';
import { gunPage } from './lib/browser.js';
import { round } from './lib/stats.js';

const QUICK = process.env.BENCH_QUICK === '1';
const HISTORY = QUICK ? 1000 : 10_000;
const BACKLOG = 1000;
const WINDOW_MS = 10_000;


/** Starts `count` sendText calls in Alice's page in chunks (none waits for the previous), then waits for the relay's acks. */
async function sendMany(page: Page, channelId: string, prefix: string, count: number): Promise<void> {
  await page.evaluate(
    async ({ ch, prefix, count }) => {
      const app = (document.querySelector('md-app') as unknown as { app: ControllerLike & { session(): Promise<{ outbox: { pendingCount(): Promise<number> } }> } }).app;
      for (let i = 0; i < count; i += 500) {
        await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => app.sendText(ch, `${prefix} ${i + j}`)));
      }
      const outbox = (await app.session()).outbox;
      while ((await outbox.pendingCount()) > 0) await new Promise((r) => setTimeout(r, 200));
    },
    { ch: channelId, prefix, count },
  );
}

async function storedCount(page: Page, channelId: string, prefix: string): Promise<number> {
  return page.evaluate(
    async ({ ch, prefix }) => {
      const app = (document.querySelector('md-app') as unknown as { app: { loadMessages(c: string, o: { before?: unknown; limit: number }): Promise<{ messages: { text: string }[]; hasMore: boolean }> } }).app;
      let n = 0;
      let before: unknown;
      for (;;) {
        const page = await app.loadMessages(ch, { before, limit: 500 });
        n += page.messages.filter((m) => m.text.startsWith(prefix)).length;
        before = page.messages[0];
        if (!page.hasMore || !before) return n;
      }
    },
    { ch: channelId, prefix },
  );
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Opens the app in a new page of `context`; returns bytes received from relays (websocket and HTTP history) in WINDOW_MS and time to interactive. */
async function coldStart(context: BrowserContext, relay: RelayProcess, channelId: string): Promise<{ bytes: number; frames: number; interactiveMs: number; bySoul: Record<string, number> }> {
  for (const p of context.pages()) await p.close();
  const page = await context.newPage();
  const bySoul: Record<string, number> = {};
  const count = await countDownloads(context, page, (frame) => {
    for (const [soul, n] of soulsOf(frame)) bySoul[soul] = (bySoul[soul] ?? 0) + n;
  });
  const t0 = Date.now();
  await page.goto(relay.url + '/', { waitUntil: 'commit' });
  await page.locator(`[data-testid="chat-item"][data-channel="${channelId}"]`).waitFor({ timeout: 60_000 });
  const interactiveMs = Date.now() - t0;
  await page.waitForTimeout(Math.max(0, WINDOW_MS - (Date.now() - t0)));
  await count.detach();
  // Catch-up also reads over the relays' HTTP history (src/relay/history-http.ts): those bytes count too.
  if (count.history > 0) bySoul['GET /history'] = count.history;
  return { bytes: count.ws + count.history, frames: count.frames, interactiveMs, bySoul: top(bySoul, 8) };
}

/** Splits a websocket frame's bytes by the node they carry (soul, with the user's key shortened), to show where start-up bytes go. */
function soulsOf(frame: string): [string, number][] {
  let msgs: unknown;
  try {
    msgs = JSON.parse(frame);
  } catch {
    return [['(not JSON)', Buffer.byteLength(frame)]];
  }
  const list = (Array.isArray(msgs) ? msgs : [msgs]).map((m) => (typeof m === 'string' ? safeParse(m) : m));
  return list.map((m) => {
    const put = (m as { put?: Record<string, unknown> } | undefined)?.put;
    const label = put ? Object.keys(put).map((s) => s.replace(/^~[^/]{20,}/, '~pub')).join(',') : (m as { dam?: string; get?: unknown })?.dam ? 'dam' : 'other';
    return [label, Buffer.byteLength(JSON.stringify(m))] as [string, number];
  });
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function top(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, n));
}

/** Records, in the page, when each backlog message is announced by the controller (installed before the app starts). */
async function recordArrivals(context: BrowserContext, prefix: string): Promise<void> {
  await context.addInitScript((prefix) => {
    const w = window as unknown as { arrivals: number[] };
    w.arrivals = [];
    const hook = setInterval(() => {
      const app = (document.querySelector('md-app') as unknown as { app?: EventTarget } | null)?.app;
      if (!app) return;
      clearInterval(hook);
      app.addEventListener('messages', (e) => {
        const now = performance.now();
        for (const m of (e as CustomEvent<{ messages: { text: string; mine: boolean }[] }>).detail.messages) if (!m.mine && m.text.startsWith(prefix)) w.arrivals.push(now);
      });
    }, 2);
  }, prefix);
}

/** Raw GUN: a browser page reads `count` values (of `size` chars) written to one soul while it was away. */
async function rawGunCatchUp(browser: import('playwright-core').Browser, relay: RelayProcess, count: number, size: number): Promise<number> {
  const writer = nodeGun([relay.gunUrl]);
  const soul = `catchup-${Date.now().toString(36)}`;
  let acked = 0;
  for (let i = 0; i < count; i++) writer.gun.get(soul).get(`k${String(i).padStart(5, '0')}`).put('x'.repeat(size) + i, () => (acked += 1));
  await waitFor('raw writes acked', async () => acked >= count, 60_000);
  writer.close();
  const ctx = await browser.newContext();
  try {
    const page = await gunPage(ctx, relay.url);
    return await page.evaluate(
      ({ url, soul, count }) =>
        new Promise<number>((resolve) => {
          const gun = (window as unknown as { Gun: (o: unknown) => { get(s: string): { map(): { on(cb: (v: unknown, k: string) => void): void } } } }).Gun({ peers: [url], localStorage: false, radisk: false, axe: false, multicast: false });
          const seen = new Set<string>();
          let first = 0;
          gun.get(soul).map().on((_v, k) => {
            if (seen.has(k)) return;
            if (!first) first = performance.now();
            seen.add(k);
            if (seen.size === count) resolve((count - 1) / ((performance.now() - first) / 1000));
          });
        }),
      { url: `${relay.url}/gun`, soul, count },
    );
  } finally {
    await ctx.close();
  }
}

async function main(): Promise<void> {
  const relay = await startRelay();
  const browser = await launchBrowser();
  const out: Record<string, unknown> = { history: HISTORY, backlog: BACKLOG, windowMs: WINDOW_MS };
  let profiles: AppProfile[] = [];
  try {
    const alice = await signedInProfile(browser, relay, 'Bench Alice');
    const bob = await signedInProfile(browser, relay, 'Bench Bob');
    const carol = await signedInProfile(browser, relay, 'Bench Carol');
    profiles = [alice, bob, carol];
    const withHistory = await connect(alice, bob);
    const empty = await connect(alice, carol);
    const t = Date.now();
    await sendMany(alice.page, withHistory, 'history', HISTORY);
    await waitFor('Bob stored the history', async () => (await storedCount(bob.page, withHistory, 'history')) >= HISTORY, 600_000);
    console.log(`bench: ${HISTORY} messages sent and received in ${round((Date.now() - t) / 1000)} s`);

    const runs = QUICK ? 1 : 3;
    type Cold = Awaited<ReturnType<typeof coldStart>>;
    const full: Cold[] = [];
    const none: Cold[] = [];
    for (let i = 0; i < runs; i++) {
      full.push(await coldStart(bob.context, relay, withHistory));
      none.push(await coldStart(carol.context, relay, empty));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Medians, and the largest of the runs (p99 by nearest rank of 3 runs).
    const summary = (rs: Cold[]) => ({
      bytes: med(rs.map((r) => r.bytes)),
      bytesMax: Math.max(...rs.map((r) => r.bytes)),
      frames: med(rs.map((r) => r.frames)),
      interactiveMs: med(rs.map((r) => r.interactiveMs)),
      interactiveMsMax: Math.max(...rs.map((r) => r.interactiveMs)),
    });
    out.coldStart = { withHistory: summary(full), emptyHistory: summary(none), runs: { full, none } };
    console.log('bench: cold start', JSON.stringify(out.coldStart));

    // Catch-up: Bob offline, Alice sends the backlog, Bob comes back.
    for (const p of bob.context.pages()) await p.close();
    await sendMany(alice.page, withHistory, 'backlog', BACKLOG);
    await recordArrivals(bob.context, 'backlog');
    const page = await bob.context.newPage();
    const profiler = process.env.BENCH_PROFILE ? await bob.context.newCDPSession(page) : undefined;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }
    const t0 = Date.now();
    await page.goto(relay.url + '/');
    await page.waitForFunction((n) => (window as unknown as { arrivals: number[] }).arrivals.length >= n, BACKLOG, { timeout: 120_000, polling: 100 });
    const wall = Date.now() - t0;
    if (profiler) writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify((await profiler.send('Profiler.stop')).profile));
    const arr = await page.evaluate(() => (window as unknown as { arrivals: number[] }).arrivals);
    const appRate = (arr.length - 1) / ((arr[arr.length - 1]! - arr[0]!) / 1000);
    const gunRate = await rawGunCatchUp(browser, relay, BACKLOG, 700);
    out.catchUp = { messages: arr.length, appPerSecond: round(appRate), firstToLastMs: round(arr[arr.length - 1]! - arr[0]!), navigationToLastMs: wall, rawGunPerSecond: round(gunRate) };
    console.log('bench: catch-up', JSON.stringify(out.catchUp));
  } finally {
    await closeProfiles(profiles);
    closeAllGuns();
    await browser.close();
    await cleanup();
  }
  writeFileSync('bench/startup-results.json', JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
