// Opening a chat with 10,000 cached messages (issue 5.5): the app's own IndexedDB is filled with a real 1:1 chat's
// history, the page is reloaded (a cold start of the app with that history), and the chat is opened by clicking it
// in the chat list. Timed in the page: click → the newest message is in the chat view's DOM, plus two animation
// frames (the painted frame). Memory: JS heap after a forced GC, before and after opening, via CDP.
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { RelayProcess } from '../../test/e2e/harness.js';
import { seedHistory } from '../../test/e2e/chat-helpers.js';
import { closeProfiles, connectedPair } from './app-session.js';
import { summarize, type Summary } from './stats.js';

export interface LargeChatResult {
  messages: number;
  /** Click → newest message painted, one cold open per page load. */
  open: Summary;
  /** Message bubbles in the DOM after opening (the app renders a window, not the whole history). */
  rendered: number;
  /** JS heap used after GC with the chat list shown, and after the chat was opened (MB). */
  heapBeforeMB: number;
  heapAfterMB: number;
  /** The app's IndexedDB usage as the browser reports it (MB). */
  storageMB: number;
}

const NEWEST_TEXT = (n: number) => `bulk message ${n - 1}`;

async function heapMB(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  return used / 2 ** 20;
}

/** Clicks the chat in the list and resolves with ms until the newest message is painted, and the bubbles shown. */
function timedOpen(page: Page, channelId: string, newest: string): Promise<{ ms: number; rendered: number }> {
  return page.evaluate(
    ({ channelId, newest }) =>
      new Promise<{ ms: number; rendered: number }>((resolve, reject) => {
        const deepAll = (root: ParentNode, selector: string): Element[] => {
          const out = Array.from(root.querySelectorAll(selector));
          for (const el of Array.from(root.querySelectorAll('*'))) if (el.shadowRoot) out.push(...deepAll(el.shadowRoot, selector));
          return out;
        };
        const item = deepAll(document, `[data-testid="chat-item"][data-channel="${channelId}"]`)[0] as HTMLElement | undefined;
        if (!item) return reject(new Error('chat not in the list'));
        const t0 = performance.now();
        item.click();
        const check = () => {
          const texts = deepAll(document, 'md-chat-view [data-testid="message-text"], [data-testid="message-text"]');
          if (texts.some((t) => t.textContent === newest)) {
            requestAnimationFrame(() =>
              requestAnimationFrame(() => resolve({ ms: performance.now() - t0, rendered: deepAll(document, '[data-testid="message"]').length })),
            );
          } else if (performance.now() - t0 > 30_000) reject(new Error('the newest message never showed'));
          else requestAnimationFrame(check);
        };
        check();
      }),
    { channelId, newest },
  );
}

export async function openLargeChat(browser: Browser, relay: RelayProcess, count = 10_000, runs = 5): Promise<LargeChatResult> {
  const { alice, bob, channelId } = await connectedPair(browser, relay);
  try {
    await seedHistory(alice.page, channelId, count, { otherPub: bob.pub });
    const page = alice.page;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const times: number[] = [];
    let rendered = 0;
    let heapBeforeMB = 0;
    let heapAfterMB = 0;
    for (let i = 0; i < runs; i++) {
      await page.reload();
      await page.locator(`[data-testid="chat-item"][data-channel="${channelId}"]`).waitFor({ timeout: 30_000 });
      if (i === runs - 1) heapBeforeMB = await heapMB(cdp);
      const r = await timedOpen(page, channelId, NEWEST_TEXT(count));
      times.push(r.ms);
      rendered = r.rendered;
      if (i === runs - 1) heapAfterMB = await heapMB(cdp);
    }
    const storageMB = await page.evaluate(async () => ((await navigator.storage.estimate()).usage ?? 0) / 2 ** 20);
    await cdp.detach();
    return { messages: count, open: summarize(times), rendered, heapBeforeMB, heapAfterMB, storageMB };
  } finally {
    await closeProfiles([alice, bob]);
  }
}
