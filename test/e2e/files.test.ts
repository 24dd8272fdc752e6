// File drop through the UI: two isolated browser profiles (Alice, Bob) and the real relay program.
// Every received file is checked by hashing the bytes the receiver's app offers (its Save link) against
// the SHA-256 of the random bytes generated here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import Gun from 'gun';
import 'gun/sea.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { GunFactory, GunInstance } from '../../src/types/gun.js';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, tempDir, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, createInvite, openChat } from './chat-helpers.js';
import { attach, fileBubble, sha, storedHash, waitForFileStatus } from './file-helpers.js';

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

/** A bare websocket speaking GUN's wire format to the relay: no GUN, no SEA checks of its own. */
async function rawWire(url: string): Promise<{ ask(msg: Record<string, unknown>): Promise<Record<string, unknown>>; close(): void }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  const waiting = new Map<string, (reply: Record<string, unknown>) => void>();
  ws.on('message', (data) => {
    const text = String(data);
    for (const m of (text.startsWith('[') ? JSON.parse(text) : [JSON.parse(text)]) as Record<string, unknown>[]) waiting.get(String(m['@']))?.(m);
  });
  return {
    ask: (msg) =>
      new Promise((ok, fail) => {
        const id = randomBytes(6).toString('hex');
        const timer = setTimeout(() => fail(new Error(`no reply to ${JSON.stringify(msg).slice(0, 80)}`)), 10_000);
        waiting.set(id, (reply) => (clearTimeout(timer), ok(reply)));
        ws.send(JSON.stringify({ ...msg, '#': id }));
      }),
    close: () => ws.close(),
  };
}

const hexOf = (b64url: string) => Buffer.from(b64url, 'base64url').toString('hex');

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
  await attach(a, files);
  // Progress (bytes and percent) is shown while the big one travels, on both sides.
  const progress = (page: Page) => fileBubble(page, 'ten-mb.bin').getByRole('progressbar');
  await progress(a).waitFor(LONG);
  assert.equal(await progress(a).getAttribute('aria-valuemax'), String(10 * 1024 * 1024));
  assert.match((await progress(a).getAttribute('aria-valuetext')) ?? '', /of 10\.0 MB \(\d+%\)/);
  await fileBubble(b, 'ten-mb.bin').locator('[role="progressbar"]:not([aria-valuenow="0"])').waitFor(LONG);
  assert.match(await fileBubble(b, 'ten-mb.bin').getByTestId('file-progress-text').innerText(), /[KM]B of 10\.0 MB \(\d+%\)/);
  for (const f of files) {
    await waitForFileStatus(b, f.name, 'complete', LONG);
    assert.equal(await offeredHash(b, f.name), sha(f.buffer), `${f.name} is byte-identical`);
  }
  for (const f of files) await waitForFileStatus(a, f.name, 'sent', LONG);
  assert.equal(await offeredHash(a, 'one-mb.bin'), sha(files[1]!.buffer), "the sender keeps its own copy");
});

test('an oversize file is refused with a message before anything is sent', async () => {
  const before = await a.getByTestId('file-message').count();
  // Dropped onto the page (the drag-and-drop path); built in the page to spare 26 MB over the wire.
  await a.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(26 * 1024 * 1024)], 'huge.iso'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  });
  await a.getByText(/“huge\.iso” \(26 MB\) is over the 25 MB limit per file\. Nothing was sent\./).waitFor(WAIT);
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

  // Chunks are content-addressed under #md1f<fileId>, keyed by their hash: a raw client writes other values under
  // those keys (garbage, another chunk) straight over the wire, bypassing any client-side check.
  const hashes = await a.evaluate(
    async (id) => (await (document.querySelector('md-app') as unknown as { app: { getFile(id: string): Promise<{ chunkHashes?: string[] } | undefined> } }).app.getFile(id))?.chunkHashes,
    fileId,
  );
  assert.equal(hashes?.length, 2, 'the file message lists both chunk hashes');
  const soul = `#md1f${fileId}`;
  const wire = await rawWire(relay.gunUrl);
  try {
    const rawPut = (key: string, value: string) => wire.ask({ put: { [soul]: { _: { '#': soul, '>': { [key]: Date.now() } }, [key]: value } } });
    const original = await wire.ask({ get: { '#': soul, '.': hexOf(hashes[1]!) } });
    const chunk1 = ((original.put as Record<string, Record<string, unknown>>)?.[soul]?.[hexOf(hashes[1]!)] as string) ?? '';
    assert.equal(createHash('sha256').update(chunk1).digest('base64url'), hashes[1], 'the relay serves chunk 2 under its hash');
    for (const [key, value] of [
      [hexOf(hashes[1]!), 'garbage'],
      [hexOf(hashes[0]!), chunk1],
      [hashes[0]!, 'A'.repeat(349_552)],
    ] as const) {
      const ack = await rawPut(key, value);
      assert.ok(ack.err, `the relay refuses a value that does not hash to its key (${key.slice(0, 12)}…)`);
    }
    // A value under its own hash is accepted, but no file message lists it.
    const junk = 'B'.repeat(1000);
    assert.ok(!(await rawPut(createHash('sha256').update(junk).digest('hex'), junk)).err);
    const after = await wire.ask({ get: { '#': soul, '.': hexOf(hashes[1]!) } });
    assert.equal((after.put as Record<string, Record<string, unknown>>)?.[soul]?.[hexOf(hashes[1]!)], chunk1, 'chunk 2 is unchanged on the relay');
  } finally {
    wire.close();
  }

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
