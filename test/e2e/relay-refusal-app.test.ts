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

  // Someone fills the relay's disk budget to the brim. The relay re-measures its folder every 5 s, and what is on
  // disk can be a little less than it counted when accepting: fill again after each measure until one more round
  // stores nothing at all.
  const filler = await RawGunWriter.open(relay.gunUrl);
  let n = 0;
  const fill = async (bytes: number): Promise<{ stored: number; err?: string }> => {
    let stored = 0;
    for (let i = 0; i < 200; i++) {
      const ack = await filler.putRandomChunk(`fill${n++}`, bytes);
      if (!ack?.ok) return { stored, err: ack?.err };
      stored++;
    }
    return { stored };
  };
  assert.match((await fill(128 * 1024)).err ?? '', /^meshdrop:relay-full/);
  for (let round = 0; round < 8; round++) {
    await new Promise((r) => setTimeout(r, 7_000)); // a re-measure, and the 2 s the relay keeps counting new bytes
    const big = await fill(4096);
    const small = await fill(256);
    assert.match(small.err ?? '', /^meshdrop:relay-full/);
    if (big.stored + small.stored === 0) break;
  }
  filler.close();

  const text = `while the relay is full ${'.'.repeat(3000)}`; // a few KB: more than any room the filler left
  await send(a, text);
  const failed = bubble(a, text);
  await failed.locator('[data-testid="message-status"][data-status="failed"]').waitFor(WAIT);
  assert.equal((await failed.getByTestId('message-fail-reason').textContent())?.trim(), REFUSAL_WORDS['relay-full']);

  // The operator gives the relay more room (same data, same port): the app reconnects and the message goes out.
  await relay.kill('SIGTERM');
  relay = await startRelay({ dataDir: relay.dataDir, port: relay.port, extraArgs: ['--max-disk', '50MB'] });
  await waitForStatus(a, text, 'delivered');
  assert.equal(await failed.getByTestId('message-fail-reason').count(), 0, 'the reason is gone once the message went out');
  await openChat(b, 'Alice');
  await waitForMessage(b, text);
});
