// What one group message costs each member's page: signature checks and signatures (WebCrypto calls made by GUN's
// SEA and by the app), SHA-256 digests, and websocket frames/bytes in and out, averaged over the timed messages.
//   npm run build && node --import tsx bench/wire-cost.ts [--members 10] [--count 20]
// Counting wraps crypto.subtle and WebSocket in every profile (an init script), so run it apart from timing benches.
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { cleanup, launchBrowser, startRelay } from '../test/e2e/harness.js';
import { appGroupBench } from './lib/group.js';

const { values } = parseArgs({ options: { members: { type: 'string' }, count: { type: 'string' } } });
const members = Number(values.members ?? 10);
const count = Number(values.count ?? 20);

type Counters = Record<string, number>;

function countingBrowser(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  (browser as { newContext: Browser['newContext'] }).newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript(() => {
      const counters: Record<string, number> = { verify: 0, sign: 0, digest: 0, wsIn: 0, wsInBytes: 0, wsOut: 0, wsOutBytes: 0 };
      (window as unknown as { benchCounters: Record<string, number> }).benchCounters = counters;
      for (const name of ['verify', 'sign', 'digest'] as const) {
        const original = crypto.subtle[name].bind(crypto.subtle) as (...args: unknown[]) => unknown;
        (crypto.subtle as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          counters[name] = (counters[name] ?? 0) + 1;
          return original(...args);
        };
      }
      const NativeWebSocket = WebSocket;
      (window as unknown as { WebSocket: unknown }).WebSocket = class extends NativeWebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener('message', (e) => {
            counters.wsIn = (counters.wsIn ?? 0) + 1;
            counters.wsInBytes = (counters.wsInBytes ?? 0) + String(e.data).length;
          });
        }
        override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
          counters.wsOut = (counters.wsOut ?? 0) + 1;
          counters.wsOutBytes = (counters.wsOutBytes ?? 0) + (typeof data === 'string' ? data.length : 0);
          super.send(data);
        }
      };
    });
    return context;
  };
  return browser;
}

const read = (pages: Page[]) => Promise.all(pages.map((p) => p.evaluate(() => ({ ...(window as unknown as { benchCounters: Record<string, number> }).benchCounters }))));

const relay = await startRelay();
const browser = countingBrowser(await launchBrowser());
try {
  let before: Counters[] = [];
  await appGroupBench(browser, relay, members, count, 300, 0, {
    async beforeSend(pages) {
      before = await read(pages);
    },
    async afterReceive(pages) {
      const after = await read(pages);
      console.log(`per group message (${members} members, ${count} messages, averages):`);
      after.forEach((a, i) => {
        const perMessage = Object.entries(a).map(([k, v]) => `${k} ${Math.round(((v - (before[i]?.[k] ?? 0)) / count) * 10) / 10}`);
        console.log(`  ${['sender', 'member with the chat open', 'another member'][i]}: ${perMessage.join(', ')}`);
      });
    },
  });
} finally {
  await browser.close();
  await cleanup();
}
