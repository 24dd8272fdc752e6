// App-level message latency (issue 5.1, 1:1): profile A sends through the app's controller, profile B (chat open
// in the UI) receives it through its controller; "delivered" = B's controller announces the message, "rendered"
// = two animation frames later (the frame that paints Lit's update). Clocks: both pages share one browser.
import type { Browser, Page } from 'playwright-core';
import type { RelayProcess } from '../../test/e2e/harness.js';
import { closeProfiles, connect, signedInProfile, type ControllerLike } from './app-session.js';
import { openChat } from '../../test/e2e/chat-helpers.js';
import { summarize, type Summary } from './stats.js';

export interface AppLatencyResult {
  delivered: Summary & { lost: number };
  rendered: Summary & { lost: number };
  /** How long A's `sendText()` takes to resolve (stored locally + handed to the outbox). */
  sendCall: Summary;
  count: number;
  gapMs: number;
}

export interface AppLatencyHooks {
  /** Runs just before the measured sends start (e.g. to start a profiler on both pages). */
  beforeSend?(a: Page, b: Page): Promise<void>;
  /** Runs after the receiver got everything (or gave up). */
  afterReceive?(a: Page, b: Page): Promise<void>;
}

export async function appMessageLatency1to1(browser: Browser, relay: RelayProcess, count = 500, gapMs = 10, hooks: AppLatencyHooks = {}): Promise<AppLatencyResult> {
  const alice = await signedInProfile(browser, relay, 'Bench Alice');
  const bob = await signedInProfile(browser, relay, 'Bench Bob');
  try {
    const { page: a } = alice;
    const { page: b } = bob;
    const channelId = await connect(alice, bob);
    await openChat(b, 'Bench Alice');
    await b.evaluate((ch) => {
      const w = window as unknown as { benchDelivered: Record<string, number>; benchRendered: Record<string, number> };
      w.benchDelivered = {};
      w.benchRendered = {};
      const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
      app.addEventListener('messages', (e) => {
        const detail = (e as CustomEvent<{ channelId: string; messages: { mine: boolean; body?: unknown; text?: string }[] }>).detail;
        if (detail.channelId !== ch) return;
        const now = performance.timeOrigin + performance.now();
        for (const m of detail.messages) {
          const text = typeof m.text === 'string' ? m.text : typeof m.body === 'string' ? m.body : JSON.stringify(m.body ?? m);
          const key = /bench-(\d+)/.exec(text)?.[0];
          if (!key || m.mine || key in w.benchDelivered) continue;
          w.benchDelivered[key] = now;
          requestAnimationFrame(() => requestAnimationFrame(() => (w.benchRendered[key] = performance.timeOrigin + performance.now())));
        }
      });
    }, channelId);
    // Warm-up message (first message of a chat pays one-off costs).
    await a.evaluate((ch) => (document.querySelector('md-app') as unknown as { app: ControllerLike }).app.sendText(ch, 'bench-warmup'), channelId);
    await hooks.beforeSend?.(a, b);
    const sent = await a.evaluate(
      async ({ ch, n, gap }) => {
        const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
        const at: Record<string, number> = {};
        const calls: number[] = [];
        for (let i = 0; i < n; i++) {
          const key = `bench-${i}`;
          const t = performance.now();
          at[key] = performance.timeOrigin + t;
          // One at a time (then a pause), so the figure is latency and not a queue of our own making;
          // sustained throughput is a separate measurement.
          await app.sendText(ch, key);
          calls.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, gap));
        }
        return { at, calls };
      },
      { ch: channelId, n: count, gap: gapMs },
    );
    await b
      .waitForFunction((n) => Object.keys((window as unknown as { benchRendered: Record<string, number> }).benchRendered).length >= n, count, { timeout: 60_000, polling: 250 })
      .catch(() => undefined);
    await hooks.afterReceive?.(a, b);
    const got = await b.evaluate(() => {
      const w = window as unknown as { benchDelivered: Record<string, number>; benchRendered: Record<string, number> };
      return { delivered: w.benchDelivered, rendered: w.benchRendered };
    });
    const lat = (m: Record<string, number>) => Object.entries(sent.at).flatMap(([k, t]) => (m[k] !== undefined ? [m[k] - t] : []));
    const d = lat(got.delivered);
    const r = lat(got.rendered);
    return { delivered: { ...summarize(d), lost: count - d.length }, rendered: { ...summarize(r), lost: count - r.length }, sendCall: summarize(sent.calls), count, gapMs };
  } finally {
    await closeProfiles([alice, bob]);
  }
}
