// The language follows the browser and the settings override, through the real built app and a real relay: a
// German browser profile gets the German UI (and <html lang="de">) from onboarding on, talks to an English profile,
// sees the contact note and a received message's status words in German, then switches to English in settings;
// the choice survives a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, createInvite } from './chat-helpers.js';

let relay: RelayProcess;
let browser: Browser;
let german: BrowserContext;
let english: BrowserContext;

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  german = await browser.newContext({ locale: 'de-DE' });
  await german.addInitScript('globalThis.__name = (f) => f');
  english = await newProfile(browser);
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('a German browser gets the German UI; settings switch it to English and the choice is kept', async () => {
  const d = await openApp(german, relay);
  await d.getByRole('heading', { name: 'Willkommen bei Meshdrop' }).waitFor(WAIT);
  assert.equal(await d.evaluate(() => document.documentElement.lang), 'de');
  await d.getByLabel('Anzeigename').fill('Dora');
  await d.getByRole('button', { name: 'Meine Identität erstellen' }).click();
  await d.getByTestId('signed-in-name').filter({ hasText: 'Dora' }).waitFor(WAIT);

  // Dora invites through the German screens; Eve (an English browser) accepts in English.
  await d.getByRole('button', { name: 'Kontakte', exact: true }).click();
  await d.getByRole('button', { name: 'Einladungslink erstellen' }).click();
  const link = await d.getByTestId('invite-link').inputValue();
  assert.match(link, /#invite=/);
  const e = await openApp(english, relay);
  await onboard(e, 'Eve');
  await acceptInvite(e, link);
  assert.equal(await e.evaluate(() => document.documentElement.lang), 'en');
  assert.ok(link !== (await createInvite(e)), 'Eve has her own English screens');

  // The contact note, written by Dora's controller in English words, reads in German.
  await d.getByTestId('chat-item').filter({ hasText: 'Eve' }).click(WAIT);
  await d.getByTestId('message').getByText('Eve hat deine Einladung angenommen. Ihr seid jetzt verbunden.').waitFor(WAIT);
  await d.getByRole('textbox', { name: 'Nachricht' }).fill('Hallo Eve');
  await d.getByRole('textbox', { name: 'Nachricht' }).press('Enter');
  await d.locator('[data-testid="message-status"][title="Zugestellt"], [data-testid="message-status"][data-status="seen"]').first().waitFor(WAIT);

  // Settings → Sprache → English: the UI and <html lang> follow at once, and after a reload.
  await d.getByRole('button', { name: /^Einstellungen/ }).click();
  await d.getByLabel('Sprache').selectOption('en');
  await d.getByRole('heading', { name: 'Settings', exact: true }).waitFor(WAIT);
  assert.equal(await d.evaluate(() => document.documentElement.lang), 'en');
  await d.reload();
  await d.getByRole('heading', { name: 'Settings', exact: true }).waitFor(WAIT);
  assert.equal(await d.evaluate(() => document.documentElement.lang), 'en');
});
