// The relay's blob store over raw HTTP: what an attacker or a broken client sends must leave nothing on disk.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { register } from 'prom-client';
import { filesOnDisk, randomBlob, removeBlobDirs, startBlobRelay, until, hexHash } from './blob-helpers.js';

after(removeBlobDirs);

const put = (base: string, hash: string, body: Uint8Array<ArrayBuffer>) => fetch(`${base}/blob/${hash}`, { method: 'PUT', body });

describe('relay blob store', () => {
  it('stores a blob under its SHA-256 (hex or base64url), serves it back, and is idempotent', async () => {
    const relay = await startBlobRelay();
    try {
      const { bytes, hash } = randomBlob(300_000);
      const first = await put(relay.url, hash, bytes);
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('access-control-allow-origin'), '*');
      assert.equal((await put(relay.url, hash, bytes)).status, 200);
      const other = randomBlob(300_000).bytes;
      assert.equal((await put(relay.url, hash, other)).status, 400, 'other bytes under a stored name are still refused');
      const b64 = Buffer.from(hash, 'hex').toString('base64url');
      const got = await fetch(`${relay.url}/blob/${b64}`);
      assert.equal(got.status, 200);
      assert.equal(hexHash(new Uint8Array(await got.arrayBuffer())), hash);
      assert.equal(relay.store.storedBytes, 300_000);
      const preflight = await fetch(`${relay.url}/blob/${hash}`, { method: 'OPTIONS' });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
      assert.match(await register.metrics(), /meshdrop_blob_hits_total \d+/);
    } finally {
      await relay.close();
    }
  });

  it('refuses a body whose hash is not its name and leaves nothing on disk', async () => {
    const relay = await startBlobRelay();
    try {
      const { bytes } = randomBlob(200_000);
      const claimed = randomBlob(16).hash;
      const res = await put(relay.url, claimed, bytes);
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'hash-mismatch');
      assert.deepEqual(await filesOnDisk(relay.store), []);
      assert.equal((await fetch(`${relay.url}/blob/${claimed}`)).status, 404);
      assert.equal((await put(relay.url, 'not-a-hash', bytes)).status, 400);
    } finally {
      await relay.close();
    }
  });

  it('refuses an oversized blob before storing any of it', async () => {
    const relay = await startBlobRelay({ maxBlobBytes: 64 * 1024 });
    try {
      const { bytes, hash } = randomBlob(64 * 1024 + 1);
      const res = await put(relay.url, hash, bytes);
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: string }).error, 'too-large');
      assert.deepEqual(await filesOnDisk(relay.store), []);
    } finally {
      await relay.close();
    }
  });

  it('deletes a blob from disk once past retention and then answers 410 "expired"', async () => {
    const relay = await startBlobRelay({ keepMs: 400 });
    try {
      const { bytes, hash } = randomBlob(50_000);
      assert.equal((await put(relay.url, hash, bytes)).status, 201);
      assert.equal((await fetch(`${relay.url}/blob/${hash}`)).status, 200);
      // The periodic sweep (not a request) removes the file.
      await until(async () => (await filesOnDisk(relay.store)).length === 0, 'the sweep to delete the blob');
      assert.equal(relay.store.storedBytes, 0);
      const res = await fetch(`${relay.url}/blob/${hash}`);
      assert.equal(res.status, 410);
      assert.equal(((await res.json()) as { error: string }).error, 'expired');
      // An unknown blob is not "expired".
      assert.equal((await fetch(`${relay.url}/blob/${randomBlob(8).hash}`)).status, 404);
    } finally {
      await relay.close();
    }
  });

  it('limits the bytes one client address may upload per day (429 "quota"), and the next day allows more', async () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const relay = await startBlobRelay({ uploadQuotaBytes: 100_000, now: () => now });
    try {
      const a = randomBlob(60_000);
      const b = randomBlob(60_000);
      assert.equal((await put(relay.url, a.hash, a.bytes)).status, 201);
      const refused = await put(relay.url, b.hash, b.bytes);
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: string }).error, 'quota');
      assert.equal((await fetch(`${relay.url}/blob/${b.hash}`)).status, 404);
      assert.equal((await filesOnDisk(relay.store)).length, 1);
      now += 86_400_000;
      assert.equal((await put(relay.url, b.hash, b.bytes)).status, 201);
    } finally {
      await relay.close();
    }
  });

  it('refuses with 507 "relay-full" when the disk budget says no', async () => {
    const relay = await startBlobRelay({ budget: { canStore: (n) => n < 1000 } });
    try {
      const { bytes, hash } = randomBlob(5000);
      const res = await put(relay.url, hash, bytes);
      assert.equal(res.status, 507);
      assert.equal(((await res.json()) as { error: string }).error, 'relay-full');
      assert.deepEqual(await filesOnDisk(relay.store), []);
    } finally {
      await relay.close();
    }
  });
});
