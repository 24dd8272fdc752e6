// A chunk put over a dead connection must fail as soon as the connection is known lost, not after its ack timeout.
import { expect } from '@esm-bundle/chai';
import { Gun, SEA } from '../../src/sync/gun-runtime.js';
import { GunChunkNetwork } from '../../src/sync/chunk-network.js';
import { UserSpace } from '../../src/sync/user-space.js';

describe('GunChunkNetwork', () => {
  it('abortPending fails waiting puts at once with the reason', async () => {
    // A relay address nothing listens on: the put is never acknowledged.
    const gun = Gun({ peers: ['http://127.0.0.1:9/gun'], localStorage: false, radisk: false, axe: false, multicast: false });
    const space = new UserSpace(gun, await SEA.pair());
    const net = new GunChunkNetwork(gun, async () => space, () => true);
    const started = Date.now();
    const put = net.put('ab'.repeat(16), 0, 'chunk', 30_000);
    setTimeout(() => net.abortPending('The connection to the relays was lost'), 300);
    const err = await put.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal('The connection to the relays was lost');
    expect(Date.now() - started).to.be.lessThan(5_000);
  });
});
