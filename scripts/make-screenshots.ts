// Takes the manifest's install screenshots from the real app: a relay, two headless Chromium profiles, a short chat.
// Run after `npm run build`: npx tsx scripts/make-screenshots.ts  (writes public/screenshots/{narrow,wide}.png)
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, cleanup, onboard, startRelay } from '../test/e2e/harness.js';
import { acceptInvite, createInvite, openChat, send, waitForMessage } from '../test/e2e/chat-helpers.js';

const SHOTS = [
  { file: 'public/screenshots/narrow.png', width: 540, height: 960 },
  { file: 'public/screenshots/wide.png', width: 1280, height: 800 },
];

const relay = await startRelay();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const ctx = async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await c.addInitScript('globalThis.__name = (f) => f');
    return c;
  };
  const [a, b] = [await ctx(), await ctx()];
  const [pageA, pageB] = [await a.newPage(), await b.newPage()];
  await Promise.all([pageA.goto(relay.url), pageB.goto(relay.url)]);
  await onboard(pageA, 'Ann');
  await onboard(pageB, 'Bob');
  await acceptInvite(pageB, await createInvite(pageA));
  await pageA.getByTestId('chat-item').filter({ hasText: 'Bob' }).waitFor({ timeout: 45_000 });
  await openChat(pageA, 'Bob');
  await openChat(pageB, 'Ann');
  const lines: [typeof pageA, string][] = [
    [pageA, 'Are we still on for the climb on Saturday?'],
    [pageB, 'Yes! 9:00 at the north gate.'],
    [pageA, 'Great. I will bring the rope, can you bring the map?'],
    [pageB, 'Sure, and the photos from last time are coming as a file drop.'],
  ];
  for (const [page, text] of lines) {
    await send(page, text);
    await waitForMessage(page === pageA ? pageB : pageA, text);
  }
  // Headless contexts get no persistent storage, so the app warns about eviction: not part of a store picture.
  const dismiss = pageB.getByRole('button', { name: 'Dismiss' });
  if (await dismiss.isVisible()) await dismiss.click();
  for (const shot of SHOTS) {
    await pageB.setViewportSize({ width: shot.width, height: shot.height });
    await pageB.getByTestId('chat-title').filter({ hasText: 'Ann' }).waitFor();
    // No focus ring in a store picture: blur whatever is focused, through the shadow roots.
    await pageB.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      (el as HTMLElement | null)?.blur();
    });
    await pageB.screenshot({ path: shot.file });
    console.log(`wrote ${shot.file} (${shot.width}×${shot.height})`);
  }
} finally {
  await browser.close();
  await cleanup();
}
