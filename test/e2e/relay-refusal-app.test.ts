// Issue 12: a relay's refusal reaches the user. Two app profiles chat through a relay with a small --max-disk; once
// the relay is full, Alice's next message shows "failed" with the relay's reason (never a silent drop), stays in her
// outbox, and goes out as soon as the relay has room again (restarted with a bigger budget on the same data).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, bubble, createInvite, openChat, send, waitForMessage, waitForStatus } from './chat-helpers.js';
import { RawGunWriter } from './raw-writer.js';
import { REFUSAL_WORDS } from '../../src/sync/relay-refusals.js';

let relay: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let a: Page;
let b: Page;

before(async () => {
  // Quotas off: the raw writer that fills the disk shares 127.0.0.1 with the two profiles.
  relay = await startRelay({ extraArgs: ['--max-disk', '2MB', '--address-quota-day', '0', '--quota-day', '0'] });
  browser = await launchBrowser();
  alice = await newProfile(browser);
  bob = await newProfile(browser);
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('a full relay: the message shows failed with the reason, then goes out when the relay has room', async () => {
  a = await openApp(alice, relay);
  await onboard(a, 'Alice');
  b = await openApp(bob, relay);
  await onboard(b, 'Bob');
  await acceptInvite(b, await createInvite(a));
  await openChat(a, 'Bob');
  await send(a, 'before the relay filled up');
  await waitForStatus(a, 'before the relay filled up', 'delivered');

  // Someone fills the relay's disk budget.
  const filler = await RawGunWriter.open(relay.gunUrl);
  let refusal: string | undefined;
  for (let i = 0; i < 100 && !refusal; i++) {
    const ack = await filler.putRandomChunk(`fill${i}`, 128 * 1024);
    if (!ack?.ok) refusal = ack?.err;
  }
  filler.close();
  assert.match(refusal ?? '', /^meshdrop:relay-full/);

  await send(a, 'while the relay is full');
  const failed = bubble(a, 'while the relay is full');
  await failed.locator('[data-testid="message-status"][data-status="failed"]').waitFor(WAIT);
  assert.equal((await failed.getByTestId('message-fail-reason').textContent())?.trim(), REFUSAL_WORDS['relay-full']);

  // The operator gives the relay more room (same data, same port): the app reconnects and the message goes out.
  await relay.kill('SIGTERM');
  relay = await startRelay({ dataDir: relay.dataDir, port: relay.port, extraArgs: ['--max-disk', '50MB'] });
  await waitForStatus(a, 'while the relay is full', 'delivered');
  assert.equal(await failed.getByTestId('message-fail-reason').count(), 0, 'the reason is gone once the message went out');
  await openChat(b, 'Alice');
  await waitForMessage(b, 'while the relay is full');
});
