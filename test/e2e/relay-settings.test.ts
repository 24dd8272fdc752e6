// The app keeps a socket to every configured relay: adding one in settings, and losing one, both show in the UI.
import { after, before, it } from 'node:test';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import type { Browser } from 'playwright-core';

let relay1: RelayProcess;
let relay2: RelayProcess;
let browser: Browser;

before(async () => {
  relay1 = await startRelay();
  relay2 = await startRelay({ extraArgs: ['--no-app'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await cleanup();
});

it('adds a relay in settings with validation, connects to both, and keeps going when one dies', async () => {
  const context = await newProfile(browser);
  const page = await openApp(context, relay1);
  await onboard(page, 'Frank');
  await page.getByText('Connected to 1 relay').waitFor();
  await page.getByRole('button', { name: 'Identity & backup' }).click();

  const input = page.getByLabel('Relay address');
  await input.fill('ftp://nope.example');
  await page.getByRole('button', { name: 'Add relay' }).click();
  await page.getByRole('button', { name: 'Save and reconnect' }).click();
  await page.getByTestId('relay-error').filter({ hasText: 'must use http, https, ws or wss' }).waitFor();
  await page.getByRole('button', { name: 'Remove relay ftp://nope.example' }).click();

  await input.fill(`ws://127.0.0.1:${relay2.port}`);
  await page.getByRole('button', { name: 'Add relay' }).click();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save and reconnect' }).click()]);
  await page.getByText('Connected to 2 relays').waitFor({ timeout: 30_000 });

  await relay2.kill();
  await page.getByText('Connected to 1 relay').waitFor({ timeout: 30_000 });
  await context.close();
});
