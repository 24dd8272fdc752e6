// A chunk put over a dead connection must fail as soon as the connection is known lost, not after its ack timeout.
import { expect } from '@esm-bundle/chai';
import { Gun, SEA } from '../../src/sync/gun-runtime.js';
import { chunkKey, GunChunkNetwork } from '../../src/sync/chunk-network.js';
import { chunkHash, sha256Hex } from '../../src/core/files.js';
import { UserSpace } from '../../src/sync/user-space.js';

describe('GunChunkNetwork', () => {
  it('keys a content-addressed chunk by the hex SHA-256 of its value, and refuses anything that is not a hash', async () => {
    const value = 'c2FtcGxlIGNodW5r'.repeat(100);
    expect(chunkKey(await chunkHash(value))).to.equal(await sha256Hex(new TextEncoder().encode(value)));
    for (const bad of ['', 'x'.repeat(42), 'x'.repeat(44), '+'.repeat(43), '../'.repeat(15)]) expect(chunkKey(bad), bad).to.equal(undefined);
  });

  it('abortPending fails waiting puts at once with the reason', async () => {
    // A relay address nothing listens on: the put is never acknowledged.
    const gun = Gun({ peers: ['http://127.0.0.1:9/gun'], localStorage: false, radisk: false, axe: false, multicast: false });
    const space = new UserSpace(gun, await SEA.pair());
    const net = new GunChunkNetwork(gun, async () => space, () => true);
    const started = Date.now();
    const put = net.put({ author: space.pair.pub, fileId: 'ab'.repeat(16), index: 0 }, 'chunk', 30_000);
    setTimeout(() => net.abortPending('The connection to the relays was lost'), 300);
    const err = await put.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal('The connection to the relays was lost');
    expect(Date.now() - started).to.be.lessThan(5_000);
  });
});
