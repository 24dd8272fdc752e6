// Files through the relays' blob stores across a 3-relay chain (1 ↔ 2 ↔ 3): Alice's app talks only to relay 1,
// Bob's only to relay 3; relay 3 gets blobs from relay 2, which gets them from relay 1. Large files are built in the
// sender's page (a File of repeated random 1 MiB parts) and compared by SHA-256 computed in each page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, createInvite, openChat } from './chat-helpers.js';
import { fileBubble, firstProgress, storedHash, throttle, waitForFileStatus } from './file-helpers.js';
import { startMesh, waitForRelayPeers } from './relay-net.js';

const LONG = { timeout: 120_000 };
const MiB = 1024 * 1024;

let r1: RelayProcess;
let r3: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let a: Page;
let b: Page;

/** Drops a File of `size` bytes (random 1 MiB parts, repeated) onto the chat; returns its SHA-256 (hex). */
async function dropGenerated(page: Page, name: string, size: number): Promise<string> {
  return page.evaluate(
    async ({ name, size, MiB }) => {
      const parts: Blob[] = [];
      for (let p = 0; p < 7; p++) {
        const bytes = new Uint8Array(MiB);
        for (let o = 0; o < MiB; o += 65536) crypto.getRandomValues(bytes.subarray(o, o + 65536));
        parts.push(new Blob([bytes]));
      }
      const pieces: Blob[] = [];
      for (let at = 0, i = 0; at < size; at += MiB, i++) pieces.push(at + MiB <= size ? (parts[i % 7] as Blob) : (parts[i % 7] as Blob).slice(0, size - at));
      const file = new File(pieces, name);
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      const dt = new DataTransfer();
      dt.items.add(file);
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('');
    },
    { name, size, MiB },
  );
}

async function openAs(ctx: BrowserContext, relay: RelayProcess, name: string, chatWith: string): Promise<Page> {
  const page = await openApp(ctx, relay);
  await page.getByTestId('signed-in-name').filter({ hasText: name }).waitFor(WAIT);
  await openChat(page, chatWith);
  return page;
}

/** Blob files (not temp files) in a relay's data folder. */
async function blobFiles(relay: RelayProcess): Promise<string[]> {
  const entries = await readdir(join(relay.dataDir, 'blobs'), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name)).map((e) => e.name);
}

before(async () => {
  [r1, , r3] = (await startMesh([[], [0], [1]])) as [RelayProcess, RelayProcess, RelayProcess];
  await waitForRelayPeers(r1, 1);
  await waitForRelayPeers(r3, 1);
  browser = await launchBrowser();
  alice = await newProfile(browser);
  bob = await newProfile(browser);
  a = await openApp(alice, r1);
  b = await openApp(bob, r3);
  await onboard(a, 'Alice Blobs');
  await onboard(b, 'Bob Blobs');
  await acceptInvite(b, await createInvite(a));
  await openChat(b, 'Alice Blobs');
  await openChat(a, 'Bob Blobs');
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('1 MB and 100 MB files arrive byte-identical across a 3-relay chain (sender on relay 1, receiver on relay 3)', async () => {
  for (const [name, size] of [['one-mb.bin', MiB], ['hundred-mb.bin', 100 * MiB]] as const) {
    const sent = await dropGenerated(a, name, size);
    await waitForFileStatus(b, name, 'complete', LONG);
    assert.equal(await storedHash(b, name), sent, `${name} is byte-identical`);
    await waitForFileStatus(a, name, 'sent', LONG);
  }
  // 1 + 25 chunks of 4 MiB.
  assert.ok((await blobFiles(r3)).length >= 26, 'relay 3 kept the copies it fetched through relay 2');
});

test('a 10 MB file sent while the recipient is offline arrives when they come back', async () => {
  await b.close();
  const sent = await dropGenerated(a, 'while-away.bin', 10 * MiB);
  await waitForFileStatus(a, 'while-away.bin', 'sent', LONG);
  b = await openAs(bob, r3, 'Bob Blobs', 'Alice Blobs');
  await waitForFileStatus(b, 'while-away.bin', 'complete', LONG);
  assert.equal(await storedHash(b, 'while-away.bin'), sent);
});

test('the sender closes the app mid-upload and the upload resumes on the next start', async () => {
  await throttle(a, 4e6); // 30 MB at 4 MB/s: the tab is closed while most of it is still to go
  const name = 'resume-blob.bin';
  const partly = firstProgress(a, 30 * MiB, /^[1-9][\d.]* [KM]B of/, LONG);
  const sent = await dropGenerated(a, name, 30 * MiB);
  await partly;
  const status = await fileBubble(a, name).getAttribute('data-status');
  assert.notEqual(status, 'sent', 'closed mid-upload');
  await a.close();
  a = await openAs(alice, r1, 'Alice Blobs', 'Bob Blobs');
  await waitForFileStatus(a, name, 'sent', LONG);
  await waitForFileStatus(b, name, 'complete', LONG);
  assert.equal(await storedHash(b, name), sent);
});

test('a blob whose bytes do not match its name is refused by a raw HTTP client and nothing is kept', async () => {
  const before = await blobFiles(r3);
  const bytes = randomBytes(100_000);
  const claimed = createHash('sha256').update(randomBytes(8)).digest('hex');
  const res = await fetch(`${r3.url}/blob/${claimed}`, { method: 'PUT', body: new Uint8Array(bytes) });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: string }).error, 'hash-mismatch');
  assert.deepEqual(await blobFiles(r3), before);
  assert.deepEqual(await readdir(join(r3.dataDir, 'blobs', 'tmp')), [], 'no temp file left behind');
  assert.equal((await fetch(`${r3.url}/blob/${claimed}`)).status, 404);
});

test('a file past the relay\'s retention is reported to the receiver as expired', async () => {
  const relay = await startRelay({ extraArgs: ['--keep-files', '2s'] });
  const carol = await newProfile(browser);
  const dave = await newProfile(browser);
  const c = await openApp(carol, relay);
  let d = await openApp(dave, relay);
  await onboard(c, 'Carol Expiry');
  await onboard(d, 'Dave Expiry');
  await acceptInvite(d, await createInvite(c));
  await openChat(d, 'Carol Expiry');
  await openChat(c, 'Dave Expiry');
  await d.close();
  await dropGenerated(c, 'short-lived.bin', 300 * 1024);
  await waitForFileStatus(c, 'short-lived.bin', 'sent', LONG);
  // The relay's sweep deletes the blob from disk once it is 2 s old.
  const deadline = Date.now() + 30_000;
  while ((await blobFiles(relay)).length > 0) {
    assert.ok(Date.now() < deadline, 'the expired blob is deleted from disk');
    await new Promise((r) => setTimeout(r, 100));
  }
  d = await openAs(dave, relay, 'Dave Expiry', 'Carol Expiry');
  await waitForFileStatus(d, 'short-lived.bin', 'failed', LONG);
  await fileBubble(d, 'short-lived.bin').getByText('File expired on the relay — ask the sender to send it again.').waitFor(WAIT);
  await carol.close();
  await dave.close();
});

test('each chunk is kept by two of the sender\'s relays: the file still arrives after the relay that took it first is gone', async () => {
  // Two relays that are not meshed. Erin uses both (first the one that serves her app); Finn only the second.
  const first = await startRelay();
  const second = await startRelay();
  const erin = await newProfile(browser);
  const finn = await newProfile(browser);
  const e = await openApp(erin, first);
  let f = await openApp(finn, second);
  await onboard(e, 'Erin Copies');
  await onboard(f, 'Finn Copies');
  await e.getByRole('button', { name: /^Settings/ }).click();
  await e.getByLabel('Relay address').fill(`ws://127.0.0.1:${second.port}`);
  await e.getByRole('button', { name: 'Add relay' }).click();
  await Promise.all([e.waitForEvent('load'), e.getByRole('button', { name: 'Save and reconnect' }).click()]);
  await e.getByText('Connected to 2 relays').waitFor({ timeout: 30_000 });
  await acceptInvite(f, await createInvite(e));
  await openChat(f, 'Erin Copies');
  await openChat(e, 'Finn Copies');
  await f.close();
  // 9 MiB: 3 chunks of 4 MiB.
  const sent = await dropGenerated(e, 'two-copies.bin', 9 * MiB);
  await waitForFileStatus(e, 'two-copies.bin', 'sent', LONG);
  assert.equal((await blobFiles(first)).length, 3, 'the first relay keeps every chunk');
  assert.equal((await blobFiles(second)).length, 3, 'the second relay keeps every chunk too');
  await first.kill();
  f = await openAs(finn, second, 'Finn Copies', 'Erin Copies');
  await waitForFileStatus(f, 'two-copies.bin', 'complete', LONG);
  assert.equal(await storedHash(f, 'two-copies.bin'), sent);
  await erin.close();
  await finn.close();
});
