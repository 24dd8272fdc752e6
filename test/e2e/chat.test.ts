// Contacts by invite link and 1:1 chat through the UI: two isolated browser profiles and the real relay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, assertNotStored, bubble, chatItem, createInvite, openChat, send, statusOf, waitForMessage, waitForStatus, seedHistory } from './chat-helpers.js';

const ALICE = 'Alice Zephyrine';
const BOB = 'Bob <img src=x onerror=alert(1)>';
const SECRETS = ['hello from bob quokka', 'hi bob, alice here wombat', 'written offline numbat', 'while you were away dugong'];

let relay: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let a: Page;
let b: Page;

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  alice = await newProfile(browser);
  bob = await newProfile(browser);
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('invitee accepts while the inviter is away; the inviter sees the contact on next open', async () => {
  a = await openApp(alice, relay);
  await onboard(a, ALICE);
  const link = await createInvite(a);
  assert.ok(await a.locator('md-qr-code svg[role="img"]').isVisible(), 'QR code is shown');
  await a.close();

  // Bob opens the link itself: onboarding first, then the invite is offered on the Contacts screen.
  b = await openApp(bob, relay, new URL(link).pathname + new URL(link).hash);
  await onboard(b, BOB);
  await b.getByTestId('pending-invite').waitFor(WAIT);
  await b.getByRole('button', { name: 'Add contact' }).click();
  await b.getByTestId('add-notice').filter({ hasText: `${ALICE} was added` }).waitFor(WAIT);
  await b.getByTestId('contact-name').filter({ hasText: ALICE }).waitFor(WAIT);
  // A bad link gets a clear message.
  await b.getByLabel('Invite link to accept').fill('https://example.com/nothing');
  await b.getByRole('button', { name: 'Add contact' }).click();
  await b.getByTestId('add-error').filter({ hasText: /not a Meshdrop invite/ }).waitFor(WAIT);

  a = await openApp(alice, relay);
  await a.getByRole('button', { name: 'Contacts', exact: true }).click();
  // Bob's name is shown literally, never interpreted as HTML.
  await a.getByTestId('contact-name').filter({ hasText: BOB }).waitFor(WAIT);
  assert.equal(await a.locator('md-contacts img').count(), 0);
  const safetyA = await a.getByTestId('safety-number').textContent();
  const safetyB = await b.getByTestId('safety-number').textContent();
  assert.equal(safetyA?.replace(/\s+/g, ' ').trim(), safetyB?.replace(/\s+/g, ' ').trim(), 'same safety number on both sides');
  await a.getByRole('checkbox', { name: /Safety number verified/ }).check();
  await a.getByText('✔ verified').waitFor(WAIT);
});

test('1:1 both ways, unread badge, and delivered status', async () => {
  await openChat(b, ALICE);
  await send(b, SECRETS[0]!);
  await waitForMessage(b, SECRETS[0]!);

  // Alice is on another screen: the chat list shows the unread count with an accessible label.
  await a.getByRole('button', { name: 'Identity & backup' }).click();
  const badge = chatItem(a, BOB).getByTestId('unread-badge');
  await badge.waitFor(WAIT);
  assert.equal((await badge.textContent())?.trim(), '1');
  assert.equal(await badge.getAttribute('aria-label'), '1 unread message');

  await openChat(a, BOB);
  await waitForMessage(a, SECRETS[0]!);
  await badge.waitFor({ state: 'detached', ...WAIT });
  await waitForStatus(b, SECRETS[0]!, 'delivered');

  await send(a, SECRETS[1]!);
  await waitForMessage(b, SECRETS[1]!);
  // Bob has the chat open: the new message is announced to screen readers.
  await b.getByTestId('chat-announcer').filter({ hasText: `New message from ${ALICE}: ${SECRETS[1]!}` }).waitFor({ state: 'attached', ...WAIT });
  await waitForStatus(a, SECRETS[1]!, 'delivered');
  assert.equal(await a.locator('md-chat-view img').count(), 0);
});

test('a message written offline shows pending, then is sent on reconnect and delivered', async () => {
  await alice.setOffline(true);
  await send(a, SECRETS[2]!);
  await waitForMessage(a, SECRETS[2]!);
  assert.equal(await statusOf(a, SECRETS[2]!), 'pending');
  assert.match((await bubble(a, SECRETS[2]!).getByTestId('message-status').textContent()) ?? '', /Pending/);
  await alice.setOffline(false);
  await waitForMessage(b, SECRETS[2]!);
  await waitForStatus(a, SECRETS[2]!, 'delivered');
});

test('a message sent while the recipient is closed arrives on their next start', async () => {
  await b.close();
  await send(a, SECRETS[3]!);
  await waitForStatus(a, SECRETS[3]!, 'sent');
  b = await openApp(bob, relay);
  await chatItem(b, ALICE).getByTestId('unread-badge').waitFor(WAIT);
  await openChat(b, ALICE);
  await waitForMessage(b, SECRETS[3]!);
  await waitForStatus(a, SECRETS[3]!, 'delivered');
});

test("the relay's data folder holds no message text or display name", async () => {
  const bytes = await assertNotStored(relay.dataDir, [...SECRETS, 'Zephyrine', 'onerror', 'quokka', 'wombat']);
  assert.ok(bytes > 0, 'the relay stored something');
});

test('a chat with 10,000 stored messages opens and renders only a window of them', async () => {
  const channelId = await chatItem(a, BOB).getAttribute('data-channel');
  assert.ok(channelId);
  // Fill Alice's real IndexedDB (the app's own store) with 10,000 old messages of this chat, a month old.
  await seedHistory(a, channelId, 10_000, { endsAt: Date.now() - 30 * 86_400_000 + 10_000 * 60_000 });
  await a.reload();
  // How fast it opens is a bench figure (bench/lib/large-chat.ts), not a wall-clock assertion that fails under load.
  await openChat(a, BOB);
  await waitForMessage(a, SECRETS[3]!);
  const rendered = await a.getByTestId('message').count();
  assert.ok(rendered <= 60, `rendered ${rendered} messages`);
  // Scrolling to the top loads exactly one older page and keeps the DOM small.
  await a.locator('md-chat-view .scroller').evaluate((el) => (el.scrollTop = 0));
  await a.waitForFunction((n) => {
    const view = document.querySelector('md-app')?.shadowRoot?.querySelector('md-chat-screen')?.shadowRoot?.querySelector('md-chat-view');
    return (view?.shadowRoot?.querySelectorAll('[data-testid="message"]').length ?? 0) > n;
  }, rendered, WAIT);
  const after = await a.getByTestId('message').count();
  assert.ok(after <= rendered + 50, `rendered ${after} after one older page`);
  console.log(`10k chat: ${rendered} → ${after} messages rendered`);
});
