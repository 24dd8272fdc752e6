// App-level message latency and sustained throughput, 1:1 (issue 5.1 and 5.2): profile A sends through the app's
// controller, profile B (chat open in the UI) receives. See app-messages.ts for what is timed.
import type { Browser, Page } from 'playwright-core';
import type { RelayProcess } from '../../test/e2e/harness.js';
import { openChat } from '../../test/e2e/chat-helpers.js';
import { arrivals, latencies, listen, sendSeries, throughput, waitForArrivals, type LatencySummary, type ThroughputFigure } from './app-messages.js';
import { closeProfiles, connectedPair } from './app-session.js';
import { summarize, type Summary } from './stats.js';

export interface AppLatencyResult {
  delivered: LatencySummary;
  rendered: LatencySummary;
  /** How long A's `sendText()` takes to resolve (stored locally + handed to the outbox). */
  sendCall: Summary;
  count: number;
  gapMs: number;
  /** Back-to-back sends after the latency series (absent when not asked for). */
  throughput?: ThroughputFigure;
}

export interface AppLatencyHooks {
  /** Runs just before the measured sends start (e.g. to start a profiler on both pages). */
  beforeSend?(a: Page, b: Page): Promise<void>;
  /** Runs after the receiver got everything (or gave up). */
  afterReceive?(a: Page, b: Page): Promise<void>;
}

export async function appMessageLatency1to1(
  browser: Browser,
  relay: RelayProcess,
  count = 500,
  gapMs = 10,
  hooks: AppLatencyHooks = {},
  throughputCount = 0,
): Promise<AppLatencyResult> {
  const { alice, bob, channelId } = await connectedPair(browser, relay);
  try {
    const { page: a } = alice;
    const { page: b } = bob;
    await openChat(b, 'Bench Alice');
    await listen(b, channelId, 'warm', true);
    await listen(b, channelId, 'lat', true);
    // Warm-up message (the first message of a chat pays one-off costs).
    await sendSeries(a, channelId, 'warm', 1, 0);
    await waitForArrivals(b, 'warm', 1, true, 30_000);
    await hooks.beforeSend?.(a, b);
    // One at a time, then a pause, so the figure is latency and not a queue of our own making.
    const sent = await sendSeries(a, channelId, 'lat', count, gapMs);
    await waitForArrivals(b, 'lat', count, true, 60_000);
    await hooks.afterReceive?.(a, b);
    const got = await arrivals(b, 'lat');
    const result: AppLatencyResult = {
      delivered: latencies(sent, got.delivered),
      rendered: latencies(sent, got.rendered),
      sendCall: summarize(sent.calls),
      count,
      gapMs,
    };
    if (throughputCount > 0) {
      await listen(b, channelId, 'tp', true);
      const burst = await sendSeries(a, channelId, 'tp', throughputCount, 0);
      await waitForArrivals(b, 'tp', throughputCount, false, 120_000);
      result.throughput = throughput(burst, (await arrivals(b, 'tp')).delivered);
    }
    return result;
  } finally {
    await closeProfiles([alice, bob]);
  }
}
