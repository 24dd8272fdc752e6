// Issue 6.2 (app side of the relay fix): the app reconnects by itself to a relay that was down for a while.
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay } from './harness.js';

describe('app reconnection', { timeout: 90_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cleanup();
  });

  it('comes back to "Connected" when its relay returns after an outage longer than GUN\'s single retry', async () => {
    const relay = await startRelay();
    const context = await newProfile(browser);
    const page = await openApp(context, relay);
    await onboard(page, 'Erin');
    await page.getByText('Connected to 1 relay').waitFor({ timeout: 30_000 });
    await relay.kill('SIGKILL');
    await page.getByText('Connecting…').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(5_000); // GUN's own retry (after ~2 s) fails and it forgets the relay (amark/gun#1316)
    await startRelay({ port: relay.port, dataDir: relay.dataDir });
    await page.getByText('Connected to 1 relay').waitFor({ timeout: 20_000 });
    await context.close();
  });
});
