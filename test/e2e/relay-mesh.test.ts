// Issue 6.1 (relay side): relays started with --peers pointing at each other carry data between their clients.
import { after, describe, it } from 'node:test';
import { cleanup } from './harness.js';
import { closeAllGuns } from './gun-node.js';
import { connectedClient, proveDelivery, startMesh, waitForRelayPeers } from './relay-net.js';

describe('meshed relays', { timeout: 90_000 }, () => {
  after(async () => {
    closeAllGuns();
    await cleanup();
  });

  it('two relays: a client on each sees the other\'s public and signed writes', async () => {
    const [r1, r2] = await startMesh([[1], [0]]);
    await waitForRelayPeers(r1!, 1);
    const a = await connectedClient([r1!.gunUrl]);
    const b = await connectedClient([r2!.gunUrl]);
    await proveDelivery(a, b, 'two-ab');
    await proveDelivery(b, a, 'two-ba');
  });

  it('three relays in a chain (1 ↔ 2 ↔ 3): relay 2 forwards between clients on 1 and 3', async () => {
    const [r1, , r3] = await startMesh([[], [0], [1]]);
    await waitForRelayPeers(r1!, 1);
    await waitForRelayPeers(r3!, 1);
    const a = await connectedClient([r1!.gunUrl]);
    const b = await connectedClient([r3!.gunUrl]);
    await proveDelivery(a, b, 'chain-ab');
    await proveDelivery(b, a, 'chain-ba');
  });

  it('three relays in a full mesh, each told about both others', async () => {
    const [r1, r2, r3] = await startMesh([[1, 2], [0, 2], [0, 1]]);
    for (const r of [r1!, r2!, r3!]) await waitForRelayPeers(r, 2);
    const a = await connectedClient([r1!.gunUrl]);
    const b = await connectedClient([r3!.gunUrl]);
    await proveDelivery(a, b, 'full-ab');
    await proveDelivery(b, a, 'full-ba');
  });
});
