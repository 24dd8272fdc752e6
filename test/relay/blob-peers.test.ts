// Meshed relays fetch missing blobs from their peers, verify and keep them; a loop of relays ends.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { httpBaseOf } from '../../src/relay/blob-http.js';
import { filesOnDisk, hexHash, randomBlob, removeBlobDirs, startBlobRelay } from './blob-helpers.js';

after(removeBlobDirs);

describe('relay blob peers', () => {
  it('derives a peer\'s http base from its GUN URL', () => {
    assert.equal(httpBaseOf('ws://relay2:8765/gun'), 'http://relay2:8765');
    assert.equal(httpBaseOf('wss://r.example/mesh/gun?meshdrop-relay=1'), 'https://r.example/mesh');
    assert.equal(httpBaseOf('http://127.0.0.1:9/gun'), 'http://127.0.0.1:9');
  });

  it('two relays peered with each other: a blob on one is served (and kept) by the other; an unknown one ends in 404', async () => {
    const a = await startBlobRelay();
    const b = await startBlobRelay();
    a.peers.push(`${b.url.replace('http', 'ws')}/gun`);
    b.peers.push(`${a.url}/gun`);
    try {
      const { bytes, hash } = randomBlob(700_000);
      assert.equal((await fetch(`${a.url}/blob/${hash}`, { method: 'PUT', body: bytes })).status, 201);
      const got = await fetch(`${b.url}/blob/${hash}`);
      assert.equal(got.status, 200);
      assert.equal(hexHash(new Uint8Array(await got.arrayBuffer())), hash);
      assert.equal((await filesOnDisk(b.store)).length, 1, 'b keeps its copy');
      await a.close();
      assert.equal((await fetch(`${b.url}/blob/${hash}`)).status, 200, 'served from b\'s own copy');
      // a is gone; restart the loop with b and a fresh c peered both ways.
      const c = await startBlobRelay();
      c.peers.push(`${b.url}/gun`);
      b.peers.splice(0, b.peers.length, `${c.url}/gun`);
      try {
        const started = Date.now();
        const missing = await fetch(`${c.url}/blob/${randomBlob(8).hash}`);
        assert.equal(missing.status, 404);
        assert.ok(Date.now() - started < 5_000, 'the loop c → b → c is cut at once');
      } finally {
        await c.close();
      }
    } finally {
      await b.close();
    }
  });

  it('does not keep a peer\'s copy whose bytes do not match the hash', async () => {
    const liar = await startBlobRelay();
    const honest = await startBlobRelay();
    honest.peers.push(`${liar.url}/gun`);
    try {
      const { bytes } = randomBlob(10_000);
      const wanted = randomBlob(10_000).hash;
      // Plant wrong bytes under the wanted name, as a hostile peer would serve them.
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      await mkdir(join(liar.store.dir, wanted.slice(0, 2)), { recursive: true });
      await writeFile(join(liar.store.dir, wanted.slice(0, 2), wanted), bytes);
      assert.equal((await fetch(`${honest.url}/blob/${wanted}`)).status, 404);
      assert.deepEqual(await filesOnDisk(honest.store), []);
    } finally {
      await liar.close();
      await honest.close();
    }
  });
});
