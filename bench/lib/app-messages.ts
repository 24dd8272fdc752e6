// Message series through the app's controller, timed in the pages: a sender sends `<prefix>-<i>` texts, receivers
// record when their controller announces each one ("delivered") and, where the chat is open, two animation frames
// later ("rendered": the frame that paints Lit's update). All pages share one browser, so timestamps (timeOrigin +
// now) are comparable across them.
import type { Page } from 'playwright-core';
import type { ControllerLike } from './app-session.js';
import { summarize, type Summary } from './stats.js';

interface BenchWindow {
  benchSeries: Record<string, { delivered: Record<string, number>; rendered: Record<string, number> }>;
}

/** Starts recording arrivals of `<prefix>-<n>` messages in `channelId` on this page. */
export async function listen(page: Page, channelId: string, prefix: string, render: boolean): Promise<void> {
  await page.evaluate(
    ({ ch, prefix, render }) => {
      const w = window as unknown as BenchWindow;
      w.benchSeries ??= {};
      const series = (w.benchSeries[prefix] = { delivered: {} as Record<string, number>, rendered: {} as Record<string, number> });
      const pattern = new RegExp(`^${prefix}-\\d+$`);
      const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
      app.addEventListener('messages', (e) => {
        const detail = (e as CustomEvent<{ channelId: string; messages: { mine: boolean; text?: string }[] }>).detail;
        if (detail.channelId !== ch) return;
        const now = performance.timeOrigin + performance.now();
        for (const m of detail.messages) {
          const key = m.text ?? '';
          if (m.mine || !pattern.test(key) || key in series.delivered) continue;
          series.delivered[key] = now;
          if (render) requestAnimationFrame(() => requestAnimationFrame(() => (series.rendered[key] = performance.timeOrigin + performance.now())));
        }
      });
    },
    { ch: channelId, prefix, render },
  );
}

export interface SentSeries {
  /** Send time (epoch ms, page clock) of each message text. */
  at: Record<string, number>;
  /** How long each `sendText()` call took. */
  calls: number[];
  startedAt: number;
  endedAt: number;
}

/**
 * Sends `count` messages one `sendText()` at a time, `gapMs` apart (0 = back to back, for throughput: each call
 * still waits for the message to be stored and queued, as the composer does).
 */
export function sendSeries(page: Page, channelId: string, prefix: string, count: number, gapMs: number): Promise<SentSeries> {
  return page.evaluate(
    async ({ ch, prefix, n, gap }) => {
      const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
      const at: Record<string, number> = {};
      const calls: number[] = [];
      const startedAt = performance.timeOrigin + performance.now();
      for (let i = 0; i < n; i++) {
        const key = `${prefix}-${i}`;
        const t = performance.now();
        at[key] = performance.timeOrigin + t;
        await app.sendText(ch, key);
        calls.push(performance.now() - t);
        if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      }
      return { at, calls, startedAt, endedAt: performance.timeOrigin + performance.now() };
    },
    { ch: channelId, prefix, n: count, gap: gapMs },
  );
}

/** Waits until this page has recorded `count` arrivals (rendered ones if `rendered`), or until the timeout. */
export async function waitForArrivals(page: Page, prefix: string, count: number, rendered: boolean, timeoutMs: number): Promise<void> {
  await page
    .waitForFunction(
      ({ prefix, n, rendered }) => {
        const s = (window as unknown as BenchWindow).benchSeries[prefix];
        return Object.keys((rendered ? s?.rendered : s?.delivered) ?? {}).length >= n;
      },
      { prefix, n: count, rendered },
      { timeout: timeoutMs, polling: 250 },
    )
    .catch(() => undefined);
}

export async function arrivals(page: Page, prefix: string): Promise<{ delivered: Record<string, number>; rendered: Record<string, number> }> {
  return page.evaluate((p) => (window as unknown as BenchWindow).benchSeries[p] ?? { delivered: {}, rendered: {} }, prefix);
}

export type LatencySummary = Summary & { lost: number };

/** Latencies of the messages that arrived; the rest count as lost. */
export function latencies(sent: SentSeries, got: Record<string, number>): LatencySummary {
  const values = Object.entries(sent.at).flatMap(([k, t]) => (got[k] !== undefined ? [got[k] - t] : []));
  return { ...summarize(values), lost: Object.keys(sent.at).length - values.length };
}

export interface ThroughputFigure {
  sent: number;
  delivered: number;
  /** Messages the sender's `sendText()` accepted per second. */
  sendPerSecond: number;
  /** Messages delivered per second at the receiver: delivered / (last arrival − first send). */
  deliveredPerSecond: number;
}

export function throughput(sent: SentSeries, got: Record<string, number>): ThroughputFigure {
  const times = Object.values(got);
  const n = Object.keys(sent.at).length;
  const last = times.length ? Math.max(...times) : NaN;
  return {
    sent: n,
    delivered: times.length,
    sendPerSecond: n / ((sent.endedAt - sent.startedAt) / 1000),
    deliveredPerSecond: times.length / ((last - sent.startedAt) / 1000),
  };
}
