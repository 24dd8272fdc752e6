// Groups through the UI: three isolated browser profiles and the real relay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, assertNotStored, bubble, chatItem, createInvite, openChat, send, waitForMessage } from './chat-helpers.js';

let relay: RelayProcess;
let browser: Browser;
let a: Page;
let b: Page;
let c: Page;
const GROUP = 'Trio <b>bold</b>';

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  [a, b, c] = await Promise.all([0, 1, 2].map(async () => openApp(await newProfile(browser), relay)));
  await Promise.all([onboard(a, 'Ana'), onboard(b, 'Ben'), onboard(c, 'Cy')]);
  // Ana's invite link stays open until she makes a new one: Ben and Cy both use it.
  const link = await createInvite(a);
  await Promise.all([acceptInvite(b, link), acceptInvite(c, link)]);
  await a.getByTestId('contact-name').filter({ hasText: 'Ben' }).waitFor(WAIT);
  await a.getByTestId('contact-name').filter({ hasText: 'Cy' }).waitFor(WAIT);
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('the admin creates a group of three; every member sees the others’ messages with author names', async () => {
  await a.getByRole('button', { name: 'New group' }).click();
  await a.getByLabel('Group name').fill(GROUP);
  await a.getByRole('checkbox', { name: 'Ben' }).check();
  await a.getByRole('checkbox', { name: 'Cy' }).check();
  await a.getByRole('button', { name: 'Create group' }).click();
  await a.getByTestId('chat-title').filter({ hasText: GROUP }).waitFor(WAIT);
  await send(a, 'welcome to the trio');

  await openChat(b, GROUP);
  await openChat(c, GROUP);
  await waitForMessage(b, 'welcome to the trio');
  await waitForMessage(c, 'welcome to the trio');
  assert.equal(await bubble(b, 'welcome to the trio').getByTestId('message-author').textContent(), 'Ana');
  assert.equal(await b.locator('md-chat-view b').count(), 0, 'group title rendered as text');

  await send(b, 'ben says hi');
  await send(c, 'cy says hi');
  for (const p of [a, b, c]) {
    await waitForMessage(p, 'ben says hi');
    await waitForMessage(p, 'cy says hi');
  }
  assert.equal(await bubble(a, 'cy says hi').getByTestId('message-author').textContent(), 'Cy');
});

test('the admin removes a member, who then does not see later messages and cannot send', async () => {
  await a.getByRole('button', { name: 'Group info' }).click();
  const members = a.getByTestId('group-member');
  await members.filter({ hasText: 'Ana (you)' }).getByText('admin').waitFor(WAIT);
  await a.getByRole('button', { name: 'Remove Cy' }).click();
  await a.getByRole('alertdialog').getByRole('button', { name: 'Yes, remove' }).click();
  await members.filter({ hasText: 'Cy' }).waitFor({ state: 'detached', ...WAIT });

  // Members see no admin controls.
  await b.getByRole('button', { name: 'Group info' }).click();
  await b.getByTestId('group-member').first().waitFor(WAIT);
  assert.equal(await b.getByRole('button', { name: /^Remove / }).count(), 0);
  await b.getByRole('button', { name: '← Back to chat' }).click();

  await c.getByTestId('composer-closed').waitFor(WAIT);
  await chatItem(c, GROUP).getByText('closed').waitFor(WAIT);

  await a.getByRole('button', { name: '← Back to chat' }).click();
  await send(a, 'after removal: secret plan');
  await waitForMessage(b, 'after removal: secret plan');
  await send(b, 'ben after removal');
  await waitForMessage(a, 'ben after removal');
  // Cy stays connected the whole time; by now Ben already has both messages.
  await c.waitForTimeout(1500);
  assert.equal(await bubble(c, 'after removal: secret plan').count(), 0);
  assert.equal(await bubble(c, 'ben after removal').count(), 0);
});

test('a member leaves after confirming', async () => {
  await b.getByRole('button', { name: 'Group info' }).click();
  await b.getByRole('button', { name: 'Leave group' }).click();
  await b.getByRole('alertdialog').getByRole('button', { name: 'Yes, leave' }).click();
  await chatItem(b, GROUP).getByText('closed').waitFor(WAIT);
  await openChat(b, GROUP);
  await b.getByTestId('composer-closed').waitFor(WAIT);
  await a.getByRole('button', { name: 'Group info' }).click();
  await a.getByTestId('group-member').filter({ hasText: 'Ben' }).waitFor({ state: 'detached', ...WAIT });
});

test("the relay's data folder holds no group title, member name or group message", async () => {
  const bytes = await assertNotStored(relay.dataDir, ['Trio', '<b>bold', 'welcome to the trio', 'secret plan', 'ben says hi', 'cy says hi']);
  assert.ok(bytes > 0, 'the relay stored something');
});
