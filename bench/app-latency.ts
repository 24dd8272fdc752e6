// Just the 1:1 app message latency next to the browser GUN baseline, for working on the send/receive path:
//   npm run build && node --import tsx bench/app-latency.ts [--count 100] [--gap 100] [--throughput N] [--group MEMBERS] [--profile out-prefix]
// --group runs the group measurement (admin sends, MEMBERS − 1 receive) instead of 1:1; --throughput adds N back-to-back sends.
// --profile writes a V8 CPU profile of each watched page (<prefix>-0.cpuprofile = sender, -1 = receiver with the chat open,
// -2 = another group member) covering the timed sends;
// build with NODE_ENV=development first to get readable function names.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { cleanup, launchBrowser, startRelay } from '../test/e2e/harness.js';
import { appMessageLatency1to1 } from './lib/app-latency.js';
import { appGroupBench } from './lib/group.js';
import { browserGunBaseline } from './lib/browser.js';
import { round } from './lib/stats.js';

const { values } = parseArgs({ options: { count: { type: 'string' }, gap: { type: 'string' }, profile: { type: 'string' }, group: { type: 'string' }, throughput: { type: 'string' } } });
const count = Number(values.count ?? 100);
const gap = Number(values.gap ?? 100);
const burst = Number(values.throughput ?? 0);

const relay = await startRelay();
const browser = await launchBrowser();
try {
  const base = await browserGunBaseline(browser, relay.url, 200, 5);
  const f = (x: number) => `${round(x)} ms`;
  const sessions: CDPSession[] = [];
  const profiler = {
    async beforeSend(...pages: Page[]) {
      if (!values.profile) return;
      for (const p of pages.flat()) {
        const s = await p.context().newCDPSession(p);
        await s.send('Profiler.enable');
        await s.send('Profiler.setSamplingInterval', { interval: 500 });
        await s.send('Profiler.start');
        sessions.push(s);
      }
    },
    async afterReceive() {
      for (const [i, s] of sessions.entries()) {
        const { profile } = await s.send('Profiler.stop');
        writeFileSync(`${values.profile}-${i}.cpuprofile`, JSON.stringify(profile));
      }
    },
  };
  if (values.group) {
    const g = await appGroupBench(browser, relay, Number(values.group), count, gap, burst, {
      beforeSend: (pages) => profiler.beforeSend(...pages),
      afterReceive: () => profiler.afterReceive(),
    });
    console.log(`browser GUN baseline: n ${base.n} lost ${base.lost} p50 ${f(base.p50)} p99 ${f(base.p99)}`);
    console.log(`group of ${g.members} (setup ${round(g.setupMs / 1000)} s): delivered n ${g.delivered.n} lost ${g.delivered.lost} p50 ${f(g.delivered.p50)} p99 ${f(g.delivered.p99)}`);
    console.log(`group rendered: n ${g.rendered.n} lost ${g.rendered.lost} p50 ${f(g.rendered.p50)} p99 ${f(g.rendered.p99)} ratio ${round(g.rendered.p50 / base.p50, 2)}x; sendText p50 ${f(g.sendCall.p50)}`);
    if (g.throughput) console.log(`group throughput: ${JSON.stringify(g.throughput)}`);
  } else {
    const app = await appMessageLatency1to1(browser, relay, count, gap, { beforeSend: (a, b) => profiler.beforeSend(a, b), afterReceive: () => profiler.afterReceive() }, burst);
    console.log(`browser GUN baseline: n ${base.n} lost ${base.lost} p50 ${f(base.p50)} p99 ${f(base.p99)}`);
    console.log(`app 1:1 delivered (${count} msgs, ${gap} ms apart): n ${app.delivered.n} lost ${app.delivered.lost} p50 ${f(app.delivered.p50)} p99 ${f(app.delivered.p99)} ratio ${round(app.delivered.p50 / base.p50, 2)}x`);
    console.log(`app 1:1 rendered: n ${app.rendered.n} lost ${app.rendered.lost} p50 ${f(app.rendered.p50)} p99 ${f(app.rendered.p99)} ratio ${round(app.rendered.p50 / base.p50, 2)}x`);
    console.log(`sendText call: p50 ${f(app.sendCall.p50)} p99 ${f(app.sendCall.p99)}`);
    if (app.throughput) console.log(`1:1 throughput: ${JSON.stringify(app.throughput)}`);
  }
} finally {
  await browser.close();
  await cleanup();
}
