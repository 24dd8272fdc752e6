// File drop through the UI: two isolated browser profiles (Alice, Bob) and the real relay program.
// Every received file is checked by hashing the bytes the receiver's app offers (its Save link) against
// the SHA-256 of the random bytes generated here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import Gun from 'gun';
import 'gun/sea.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { GunFactory, GunInstance } from '../../src/types/gun.js';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, tempDir, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, createInvite, openChat } from './chat-helpers.js';
import { attach, fileBubble, firstProgress, sha, storedHash, throttle, waitForFileStatus } from './file-helpers.js';

const ALICE = 'Alice Files';
const BOB = 'Bob Files';
const LONG = { timeout: 120_000 };

let relay: RelayProcess;
let browser: Browser;
let alice: BrowserContext;
let bob: BrowserContext;
let a: Page;
let b: Page;

const profile = (): Promise<BrowserContext> => newProfile(browser);

/**
 * SHA-256 (hex) of the file the receiver's app stores and offers: the bubble must offer Save (a blob: link
 * named after the file), and the stored Blob behind it is hashed. (The page's CSP does not let scripts
 * fetch blob: URLs, so the test reads the Blob through the controller.)
 */
async function offeredHash(page: Page, name: string): Promise<string> {
  const bubble = fileBubble(page, name);
  const save = bubble.getByTestId('file-save');
  await save.waitFor(WAIT);
  assert.match((await save.getAttribute('href')) ?? '', /^blob:/);
  assert.equal(await save.getAttribute('download'), name);
  return storedHash(page, name);
}


async function openAs(ctx: BrowserContext, name: string): Promise<Page> {
  const page = await openApp(ctx, relay);
  await page.getByTestId('signed-in-name').filter({ hasText: name }).waitFor(WAIT);
  return page;
}

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  alice = await profile();
  bob = await profile();
  a = await openApp(alice, relay);
  b = await openApp(bob, relay);
  await onboard(a, ALICE);
  await onboard(b, BOB);
  const link = await createInvite(a);
  await acceptInvite(b, link);
  await openChat(b, ALICE);
  await openChat(a, BOB);
});

after(async () => {
  await browser?.close();
  await cleanup();
});

test('1 KB, 1 MB and 10 MB files arrive byte-identical, with progress on both sides', async () => {
  const files = [
    { name: 'one-kb.bin', buffer: randomBytes(1024) },
    { name: 'one-mb.bin', buffer: randomBytes(1024 * 1024) },
    { name: 'ten-mb.bin', buffer: randomBytes(10 * 1024 * 1024) },
  ];
  // Progress (bytes and percent) is shown while the big one travels, on both sides: on loopback the blob transfer
  // takes a fraction of a second, so both pages get a 4 MB/s network for this test, and the bars are watched from
  // before the drop on every frame.
  await throttle(a, 4e6);
  await throttle(b, 4e6);
  const TEN_MB = 10 * 1024 * 1024;
  const sending = firstProgress(a, TEN_MB, /of 10\.0 MB \(\d+%\)/, LONG);
  const receiving = firstProgress(b, TEN_MB, /[KM]B of 10\.0 MB \(\d+%\)/, LONG);
  await attach(a, files);
  await Promise.all([sending, receiving]);
  for (const f of files) {
    await waitForFileStatus(b, f.name, 'complete', LONG);
    assert.equal(await offeredHash(b, f.name), sha(f.buffer), `${f.name} is byte-identical`);
  }
  for (const f of files) await waitForFileStatus(a, f.name, 'sent', LONG);
  assert.equal(await offeredHash(a, 'one-mb.bin'), sha(files[1]!.buffer), "the sender keeps its own copy");
  await throttle(a, 0);
  await throttle(b, 0);
});

test('an oversize file is refused with a message before anything is sent', async () => {
  const before = await a.getByTestId('file-message').count();
  // Dropped onto the page (the drag-and-drop path); built in the page to spare 2 GB over the wire.
  await a.evaluate(() => {
    const dt = new DataTransfer();
    // 2049 MiB made of one 1 MiB part repeated: the browser keeps one copy of the bytes.
    const part = new Blob([new Uint8Array(1024 * 1024)]);
    dt.items.add(new File(Array<Blob>(2049).fill(part), 'huge.iso'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  });
  await a.getByText(/“huge\.iso” \(2\.0 GB\) is over the 2 GB limit per file\. Nothing was sent\./).waitFor(WAIT);
  assert.equal(await a.getByTestId('file-message').count(), before, 'no file message was created');
});

test('the sender closes the app mid-transfer and the upload resumes on the next start', async () => {
  // 32 chunks: with 32 puts in flight, the relay acks them over several disk batches.
  const file = { name: 'resume.bin', buffer: randomBytes(8 * 1024 * 1024) };
  await attach(a, [file]);
  // Wait until at least one chunk is acknowledged, then close the app while the rest are in flight. (On a fast
  // machine the last ack may already be in: then the bar is gone and there is nothing left to resume.)
  const bubble = fileBubble(a, file.name);
  await bubble.locator('[role="progressbar"]:not([aria-valuenow="0"])').or(a.locator('[data-testid="file-message"][data-status="sent"]').filter({ hasText: file.name })).first().waitFor(LONG);
  await a.close();
  a = await openAs(alice, ALICE);
  await openChat(a, BOB);
  await waitForFileStatus(b, file.name, 'complete', LONG);
  assert.equal(await offeredHash(b, file.name), sha(file.buffer));
  await waitForFileStatus(a, file.name, 'sent', LONG);
});

test('a file dropped while offline is queued locally and uploads on reconnect', async () => {
  await alice.setOffline(true);
  await a.locator('md-connection-status [data-state]:not([data-state="connected"])').waitFor(WAIT);
  const file = { name: 'offline-drop.bin', buffer: randomBytes(300 * 1024) };
  await attach(a, [file]);
  await waitForFileStatus(a, file.name, 'queued', WAIT);
  await fileBubble(a, file.name).getByText('Waiting for a connection to send').waitFor(WAIT);
  await alice.setOffline(false);
  await waitForFileStatus(a, file.name, 'sent', LONG);
  await waitForFileStatus(b, file.name, 'complete', LONG);
  assert.equal(await offeredHash(b, file.name), sha(file.buffer));
});

test('a recipient offline at send time gets the file later; a raw gun client tampering with chunks changes nothing', async () => {
  await b.close();
  const file = { name: 'while-away.bin', buffer: randomBytes(300 * 1024) };
  await attach(a, [file]);
  await waitForFileStatus(a, file.name, 'sent', LONG);
  const fileId = await fileBubble(a, file.name).getAttribute('data-file-id');
  const alicePub = await a.evaluate(() => (document.querySelector('md-app') as unknown as { app: { identity: { pair: { pub: string } } } }).app.identity.pair.pub);
  assert.ok(fileId && alicePub);

  // An attacker peer overwrites chunks in Alice's signed space (where files sent before content addressing keep
  // them): unsigned, replayed from another index, garbage.
  const attacker: GunInstance = (Gun as unknown as GunFactory)({
    peers: [relay.gunUrl],
    localStorage: false,
    radisk: false,
    file: await tempDir('meshdrop-attacker-'),
    multicast: false,
    axe: false,
    stats: false,
  });
  try {
    const node = attacker.get(`~${alicePub}/md1/f/${fileId}`); // the node the app writes and reads
    const chunk1 = await new Promise<unknown>((ok) => node.get('1').once((v) => ok(v), { wait: 3000 }));
    const acks = await Promise.all(
      [
        ['0', chunk1 ?? 'x'],
        ['1', 'garbage'],
        ['2', 'A'.repeat(349_552)],
      ].map(
        ([k, v]) =>
          new Promise<{ err?: string }>((ok) => {
            node.get(String(k)).put(String(v), (ack) => ok(ack));
            // This file's chunks are content-addressed, so the path is new: GUN may resolve it without ever acking.
            setTimeout(() => ok({ err: 'no ack: not stored' }), 15_000);
          }),
      ),
    );
    assert.ok(acks.every((ack) => ack.err), 'no unsigned write into a user space is accepted');
  } finally {
    for (const p of Object.values(attacker._.opt.peers)) p.wire?.close?.();
  }

  // Chunks are blobs on the relay named by their SHA-256: a raw HTTP client puts other bytes under a listed name
  // (garbage, another chunk), bypassing any client-side check.
  const hashes = await a.evaluate(
    async (id) => (await (document.querySelector('md-app') as unknown as { app: { getFile(id: string): Promise<{ chunkHashes?: string[] } | undefined> } }).app.getFile(id))?.chunkHashes,
    fileId,
  );
  assert.equal(hashes?.length, 1, 'the file message lists the chunk hash');
  const blobUrl = `${relay.url}/blob/${hashes[0]!}`;
  const original = new Uint8Array(await (await fetch(blobUrl)).arrayBuffer());
  assert.equal(createHash('sha256').update(original).digest('base64url'), hashes[0], 'the relay serves the chunk under its hash');
  for (const body of [new TextEncoder().encode('garbage'), new Uint8Array(original.length)]) {
    const res = await fetch(blobUrl, { method: 'PUT', body });
    assert.equal(res.status, 400, 'the relay refuses bytes that do not hash to the name');
  }
  const after = new Uint8Array(await (await fetch(blobUrl)).arrayBuffer());
  assert.ok(Buffer.from(after).equals(Buffer.from(original)), 'the chunk is unchanged on the relay');

  b = await openAs(bob, BOB);
  await openChat(b, ALICE);
  await waitForFileStatus(b, file.name, 'complete', LONG);
  assert.equal(await offeredHash(b, file.name), sha(file.buffer), 'Bob gets the original bytes, never the tampered ones');
});

test('a share_target POST lands in the service worker and is sent to the chosen chat, with an image preview', async () => {
  await b.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await b.evaluate(() => !!navigator.serviceWorker.controller))) {
    await b.reload();
    await b.getByTestId('signed-in-name').waitFor(WAIT);
  }
  assert.ok(await b.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker controls the page');
  // What another app's share sheet does: a multipart POST to the manifest's share_target action.
  const expected = await b.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#1b6f5c';
    g.fillRect(0, 0, 64, 48);
    const png = await new Promise<Blob>((ok) => canvas.toBlob((x) => ok(x!), 'image/png'));
    const h = await crypto.subtle.digest('SHA-256', await png.arrayBuffer());
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = '/share-target';
    form.enctype = 'multipart/form-data';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'files';
    const dt = new DataTransfer();
    dt.items.add(new File([png], 'shared-photo.png', { type: 'image/png' }));
    input.files = dt.files;
    const text = document.createElement('input');
    text.name = 'text';
    text.value = 'look at this';
    form.append(input, text);
    document.body.append(form);
    form.submit();
    return Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, '0')).join('');
  });
  await b.waitForURL(/\/(#.*)?$/, WAIT);
  await b.getByTestId('share-files').filter({ hasText: 'shared-photo.png' }).waitFor(WAIT);
  await b.getByRole('radio', { name: ALICE }).check();
  await b.getByRole('button', { name: 'Send', exact: true }).click();
  await b.getByTestId('chat-title').filter({ hasText: ALICE }).waitFor(WAIT);
  await waitForFileStatus(a, 'shared-photo.png', 'complete', LONG);
  assert.equal(await offeredHash(a, 'shared-photo.png'), expected);
  await fileBubble(a, 'shared-photo.png').getByRole('img', { name: 'Preview of shared-photo.png' }).waitFor(WAIT);
  await a.getByTestId('message-text').filter({ hasText: 'look at this' }).waitFor(WAIT);
  const left = await b.evaluate(async () => (await (document.querySelector('md-app') as unknown as { app: { pendingShares(): Promise<unknown[]> } }).app.pendingShares()).length);
  assert.equal(left, 0, 'the share was consumed');
});
