// App-level message latency and sustained throughput in a 10-member group (issue 5.1 and 5.2). The admin makes
// contacts with nine profiles through real invite links, creates the group, and every member must hold the group
// (key delivered over the 1:1 chats) before anything is timed. One member has the group open in the UI ("rendered");
// all nine record when their controller announces each message ("delivered").
import type { Browser, Page } from 'playwright-core';
import type { RelayProcess } from '../../test/e2e/harness.js';
import { openChat } from '../../test/e2e/chat-helpers.js';
import { arrivals, latencies, listen, sendSeries, throughput, waitForArrivals, type LatencySummary, type ThroughputFigure } from './app-messages.js';
import { closeProfiles, connect, signedInProfile, waitForApp, type AppProfile, type ControllerLike } from './app-session.js';
import { summarize, type Summary } from './stats.js';

export interface GroupBenchResult {
  members: number;
  count: number;
  gapMs: number;
  /** Send → rendered in the member who has the group open. */
  rendered: LatencySummary;
  /** Send → delivered, pooled over every receiving member (count × (members − 1) samples). */
  delivered: LatencySummary;
  sendCall: Summary;
  /** Back-to-back sends; `deliveredPerSecond` is the slowest member's rate, `allMembersPerSecond` the sum. */
  throughput?: ThroughputFigure & { allMembersPerSecond: number };
  setupMs: number;
}

const TITLE = 'Bench group';

export interface GroupBenchHooks {
  /** Runs just before the timed latency series with [admin (sender), viewer, another member]. */
  beforeSend?(pages: Page[]): Promise<void>;
  afterReceive?(pages: Page[]): Promise<void>;
}

export async function appGroupBench(
  browser: Browser,
  relay: RelayProcess,
  members = 10,
  count = 500,
  gapMs = 100,
  throughputCount = 0,
  hooks: GroupBenchHooks = {},
): Promise<GroupBenchResult> {
  const started = Date.now();
  const profiles: AppProfile[] = [];
  try {
    const admin = await signedInProfile(browser, relay, 'Bench Admin');
    profiles.push(admin);
    for (let i = 1; i < members; i++) profiles.push(await signedInProfile(browser, relay, `Bench Member ${i}`));
    const others = profiles.slice(1);
    for (const member of others) await connect(admin, member);
    const channelId = await admin.page.evaluate(
      async ({ title, pubs }) => {
        const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
        return (await app.createGroup(title, pubs)).id;
      },
      { title: TITLE, pubs: others.map((m) => m.pub) },
    );
    for (const member of others) {
      await waitForApp(
        member.page,
        async (ch) => (await (document.querySelector('md-app') as unknown as { app: ControllerLike }).app.listChannels()).some((c) => c.id === ch),
        channelId,
        'the group to reach every member',
      );
    }
    const [viewer] = others as [AppProfile];
    await openChat(viewer.page, TITLE);
    for (const member of others) await listen(member.page, channelId, 'gwarm', member === viewer);
    await sendSeries(admin.page, channelId, 'gwarm', 1, 0);
    for (const member of others) await waitForArrivals(member.page, 'gwarm', 1, false, 60_000);
    const setupMs = Date.now() - started;

    for (const member of others) await listen(member.page, channelId, 'glat', member === viewer);
    const watched = [admin, viewer, ...others.slice(1, 2)].map((p) => p.page);
    await hooks.beforeSend?.(watched);
    const sent = await sendSeries(admin.page, channelId, 'glat', count, gapMs);
    await waitForArrivals(viewer.page, 'glat', count, true, 60_000);
    for (const member of others) await waitForArrivals(member.page, 'glat', count, false, 30_000);
    await hooks.afterReceive?.(watched);
    const got = await Promise.all(others.map((m) => arrivals(m.page, 'glat')));
    const pooled: Record<string, number>[] = got.map((g) => g.delivered);
    const delivered = poolLatencies(sent.at, pooled);
    const result: GroupBenchResult = {
      members,
      count,
      gapMs,
      rendered: latencies(sent, got[0]?.rendered ?? {}),
      delivered,
      sendCall: summarize(sent.calls),
      setupMs,
    };
    if (throughputCount > 0) {
      for (const member of others) await listen(member.page, channelId, 'gtp', false);
      const burst = await sendSeries(admin.page, channelId, 'gtp', throughputCount, 0);
      for (const member of others) await waitForArrivals(member.page, 'gtp', throughputCount, false, 120_000);
      const each = await Promise.all(others.map(async (m) => throughput(burst, (await arrivals(m.page, 'gtp')).delivered)));
      const slowest = each.reduce((a, b) => (b.deliveredPerSecond < a.deliveredPerSecond ? b : a));
      result.throughput = { ...slowest, allMembersPerSecond: each.reduce((s, e) => s + e.deliveredPerSecond, 0) };
    }
    return result;
  } finally {
    await closeProfiles(profiles);
  }
}

function poolLatencies(sentAt: Record<string, number>, receivers: Record<string, number>[]): LatencySummary {
  const values: number[] = [];
  let lost = 0;
  for (const got of receivers) {
    for (const [k, t] of Object.entries(sentAt)) {
      if (got[k] === undefined) lost++;
      else values.push(got[k] - t);
    }
  }
  return { ...summarize(values), lost };
}
