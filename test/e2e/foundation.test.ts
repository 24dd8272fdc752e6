// Foundation: first-run identity, persistence, offline start, installability, encrypted backup across profiles,
// connection status and the service-worker update prompt — all against the real relay program and Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, tempDir, type RelayProcess } from './harness.js';

async function myPub(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Identity & backup' }).click();
  const pub = (await page.getByTestId('my-pub').innerText()).trim();
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  return pub;
}

async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
}

describe('foundation', () => {
  let relay: RelayProcess;
  let browser: Browser;

  before(async () => {
    relay = await startRelay();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await cleanup();
  });

  it('creates an identity on first run, keeps it in IndexedDB only, and keeps it across reloads', async () => {
    const context = await newProfile(browser);
    const page = await openApp(context, relay);
    await page.getByRole('button', { name: 'Create my identity' }).click();
    await page.getByTestId('name-error').filter({ hasText: 'Please enter a display name.' }).waitFor();
    await onboard(page, 'Alice');
    const pub = await myPub(page);
    assert.ok(pub.length > 40, 'shows a public key');

    const localStorageDump = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!localStorageDump.includes(pub), 'no key material in localStorage');

    await page.reload();
    await page.getByTestId('signed-in-name').filter({ hasText: 'Alice' }).waitFor();
    assert.equal(await myPub(page), pub, 'same identity after reload');
    await context.close();
  });

  it('shows the relay connection state and starts with the network off after the first visit', async () => {
    const context = await newProfile(browser);
    const page = await openApp(context, relay);
    await onboard(page, 'Bob');
    await page.getByText('Connected to 1 relay').waitFor();
    await waitForServiceWorkerControl(page);

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('signed-in-name').filter({ hasText: 'Bob' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();

    await context.setOffline(false);
    await page.getByText('Connected to 1 relay').waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('shows "Connecting…" when the relay goes away', async () => {
    const own = await startRelay();
    const context = await newProfile(browser);
    const page = await openApp(context, own);
    await onboard(page, 'Carol');
    await page.getByText('Connected to 1 relay').waitFor();
    await own.kill();
    await page.getByText('Connecting…').waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('exports a passphrase-encrypted backup and restores it in another profile; bad input changes nothing', async () => {
    const a = await newProfile(browser);
    const pageA = await openApp(a, relay);
    await onboard(pageA, 'Dana');
    const pub = await myPub(pageA);
    await pageA.getByRole('button', { name: 'Identity & backup' }).click();
    const exportForm = pageA.getByRole('form', { name: 'Export backup' });
    await exportForm.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
    await exportForm.getByLabel('Repeat passphrase').fill('a different one');
    await exportForm.getByRole('button', { name: 'Export backup' }).click();
    await pageA.getByTestId('export-error').filter({ hasText: 'do not match' }).waitFor();
    await exportForm.getByLabel('Passphrase', { exact: true }).fill('tiny');
    await exportForm.getByLabel('Repeat passphrase').fill('tiny');
    await exportForm.getByRole('button', { name: 'Export backup' }).click();
    await pageA.getByTestId('export-error').filter({ hasText: 'at least 8' }).waitFor();

    await exportForm.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
    await exportForm.getByLabel('Repeat passphrase').fill('a long passphrase');
    const [download] = await Promise.all([pageA.waitForEvent('download'), exportForm.getByRole('button', { name: 'Export backup' }).click()]);
    const backup = await readFile((await download.path()) as string, 'utf8');
    assert.ok(!backup.includes('Dana') && !backup.includes('"priv"'), 'backup is encrypted');

    const b = await newProfile(browser);
    const pageB = await openApp(b, relay);
    const restore = pageB.getByRole('form', { name: 'Restore from backup' });
    const file = { name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(backup) };

    await restore.locator('input[type=file]').setInputFiles(file);
    await restore.getByLabel('Passphrase').fill('the wrong passphrase');
    await restore.getByRole('button', { name: 'Restore identity' }).click();
    await pageB.getByTestId('import-error').filter({ hasText: 'Wrong passphrase' }).waitFor();

    await restore.locator('input[type=file]').setInputFiles({ ...file, buffer: Buffer.from('{"format":"meshdrop-identity-backup","version":1,"salt":"x"') });
    await restore.getByRole('button', { name: 'Restore identity' }).click();
    await pageB.getByTestId('import-error').filter({ hasText: 'not a Meshdrop backup' }).waitFor();

    // Nothing was stored by the failed attempts: a reload still shows onboarding.
    await pageB.reload();
    await pageB.getByRole('button', { name: 'Create my identity' }).waitFor();

    await restore.locator('input[type=file]').setInputFiles(file);
    await restore.getByLabel('Passphrase').fill('a long passphrase');
    await restore.getByRole('button', { name: 'Restore identity' }).click();
    await pageB.getByTestId('signed-in-name').filter({ hasText: 'Dana' }).waitFor();
    assert.equal(await myPub(pageB), pub, 'same public key on the second profile');
    await a.close();
    await b.close();
  });

  it('is installable: Chromium reports no installability errors', async () => {
    const profileDir = await tempDir('meshdrop-profile-');
    // Installability is not evaluated for incognito-like contexts, so use a real (persistent) profile.
    const context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(relay.url);
      await page.getByRole('button', { name: 'Create my identity' }).waitFor();
      await waitForServiceWorkerControl(page);
      const cdp = await context.newCDPSession(page);
      const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
      assert.deepEqual(manifest.errors, [], 'manifest parses without errors');
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
      assert.deepEqual(installabilityErrors, []);
    } finally {
      await context.close();
    }
  });

  it('offers "Update available — Reload" when a new service worker is waiting, and reloading activates it', async () => {
    const appDir = await tempDir('meshdrop-app-');
    await cp('dist/app', appDir, { recursive: true });
    const own = await startRelay({ extraArgs: ['--app', appDir] });
    const context = await newProfile(browser);
    const page = await openApp(context, own);
    await onboard(page, 'Eve');
    await waitForServiceWorkerControl(page);
    const firstWorker = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);

    // Deploy a new version: any byte change to sw.js makes the browser install it as a waiting worker.
    await appendFile(join(appDir, 'sw.js'), `\n// build ${Date.now()}\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.locator('md-update-prompt');
    await prompt.getByText('Update available').waitFor({ timeout: 30_000 });
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), prompt.getByRole('button', { name: 'Reload' }).click()]);
    await page.getByTestId('signed-in-name').filter({ hasText: 'Eve' }).waitFor();
    assert.equal(await page.locator('md-update-prompt').count(), 0, 'prompt gone after the update');
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL), firstWorker);
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null), null, 'no worker left waiting');
    await context.close();
  });
});
