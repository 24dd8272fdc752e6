// Cold start with the network off (issue 5.4): a profile that visited once (service worker installed) starts
// again offline; time from navigation to the first interactive screen (onboarding form or signed-in shell).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../test/e2e/harness.js';
import { summarize, type Summary } from './stats.js';

async function firstInteractive(context: BrowserContext, url: string): Promise<number> {
  const page = context.pages()[0] ?? (await context.newPage());
  const t = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.getByLabel('Display name').or(page.getByTestId('signed-in-name')).first().waitFor({ state: 'visible', timeout: 30_000 });
  return Date.now() - t;
}

/** Median over `runs` offline cold starts (each a fresh browser process on the same profile). */
export async function coldStartOffline(appUrl: string, runs = 5): Promise<Summary & { online: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'meshdrop-bench-profile-'));
  const launch = () => chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    // First visit online: installs the service worker and precaches the shell.
    let context = await launch();
    const online = await firstInteractive(context, appUrl);
    const page = context.pages()[0]!;
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active?.state;
    });
    await context.close();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      context = await launch();
      await context.setOffline(true);
      times.push(await firstInteractive(context, appUrl));
      await context.close();
    }
    return { ...summarize(times), online };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
