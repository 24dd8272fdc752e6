// Issue 6.1 (relay side): relays started with --peers pointing at each other carry data between their clients.
import { after, describe, it } from 'node:test';
import { cleanup } from './harness.js';
import { strict as assert } from 'node:assert';
import { closeAllGuns, putAcked, sleep, waitUntil } from './gun-node.js';
import { collect, connectedClient, proveDelivery, startMesh, uniqueSoul, waitForRelayPeers } from './relay-net.js';

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

  it('a relay sends a client only the writes for nodes it asked for (not every write on the mesh)', async () => {
    const [r1, r2] = await startMesh([[1], [0]]);
    await waitForRelayPeers(r1!, 1);
    const writer = await connectedClient([r1!.gunUrl]);
    const reader = await connectedClient([r2!.gunUrl]);
    const bystander = await connectedClient([r2!.gunUrl]);
    // Count every frame the bystander's GUN hears from its relay.
    const mesh = (bystander.gun._.opt as unknown as { mesh: { hear: ((raw: unknown, peer: unknown) => unknown) & object } }).mesh;
    const hear = mesh.hear;
    let frames = 0;
    mesh.hear = Object.assign((raw: unknown, peer: unknown) => (frames++, hear(raw, peer)), hear);
    const soul = uniqueSoul('routing');
    const seen = new Map<string, string>();
    collect(reader.gun.get(soul), seen);
    await sleep(300);
    frames = 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => putAcked(writer.gun.get(soul).get(`k${i}`), `v${i}`)));
    await waitUntil(() => seen.size === 50, 15_000, `the subscribed reader got every write (${seen.size}/50)`);
    assert.ok(frames < 5, `the bystander heard ${frames} frames for 50 writes it never asked for`);
  });
});
