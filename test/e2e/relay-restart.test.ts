// Issue 6.3 (relay side): a relay killed outright keeps everything it acked; a relay asked to stop first writes
// everything it received to disk.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { cleanup, startRelay } from './harness.js';
import { closeAllGuns, putAcked, SEA, waitForPeers, waitUntil } from './gun-node.js';
import { authUser, collect, connectedClient, uniqueSoul } from './relay-net.js';

describe('relay restarts', { timeout: 90_000 }, () => {
  after(async () => {
    closeAllGuns();
    await cleanup();
  });

  it('after SIGKILL and a restart on the same data folder, acked history is served and clients reconnect', async () => {
    const relay = await startRelay();
    const writer = await connectedClient([relay.gunUrl]);
    const soul = uniqueSoul('kill');
    // Acks come only once radisk has written (it batches ~250 ms), so write in parallel and wait for every ack.
    await Promise.all(Array.from({ length: 40 }, (_, i) => putAcked(writer.gun.get(soul).get(`k${String(i).padStart(3, '0')}`), `v${i}`)));
    const pair = await SEA.pair();
    await authUser(writer, pair);
    await Promise.all(Array.from({ length: 10 }, (_, i) => putAcked(writer.gun.user().get('md1').get('c').get('chan').get(`m${i}`), `signed-${i}`)));

    await relay.kill('SIGKILL');
    const again = await startRelay({ dataDir: relay.dataDir, port: relay.port });

    // A client that never saw the data reads it from the restarted relay's disk.
    const reader = await connectedClient([again.gunUrl]);
    const pub = new Map<string, string>();
    const signed = new Map<string, string>();
    collect(reader.gun.get(soul), pub);
    collect(reader.gun.user(pair.pub).get('md1').get('c').get('chan'), signed);
    await waitUntil(() => pub.size === 40 && signed.size === 10, 15_000, `history served after restart (${pub.size}/40 public, ${signed.size}/10 signed)`);
    assert.equal(pub.get('k039'), 'v39');
    assert.equal(signed.get('m9'), 'signed-9');

    // The writer redials the same address by itself and its new writes flow again.
    await waitForPeers(writer, 1, 15_000);
    await putAcked(writer.gun.get(soul).get('after'), 'restart', 15_000);
    await waitUntil(() => pub.get('after') === 'restart', 10_000, 'write after restart delivered');
  });

  it('on SIGTERM the relay writes what it just received to disk before exiting', async () => {
    const relay = await startRelay();
    const writer = await connectedClient([relay.gunUrl]);
    const watcher = await connectedClient([relay.gunUrl]);
    const soul = uniqueSoul('term');
    const seen = new Set<string>();
    let stopped: Promise<void> | undefined;
    watcher.gun.get(soul).map().on((_value, key) => {
      seen.add(key);
      // Stop the relay the moment it has relayed the last write: radisk is still batching (~250 ms) by then.
      if (seen.size === 200 && !stopped) stopped = relay.kill('SIGTERM');
    });
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 200; i++) writer.gun.get(soul).get(`k${String(i).padStart(3, '0')}`).put(`v${i}`);
    await waitUntil(() => stopped !== undefined, 15_000, `burst relayed (${seen.size}/200)`);
    await stopped;
    writer.close();
    watcher.close();
    const out = relay.output();
    assert.match(out, /SIGTERM: stopping relay/);
    assert.match(out, /all data on disk; bye\./, out);
    console.log(`  (${/\((\d+) write\(s\) still going to disk\)/.exec(out)?.[1] ?? '?'} writes were pending when SIGTERM arrived)`);

    const again = await startRelay({ dataDir: relay.dataDir, port: relay.port });
    const reader = await connectedClient([again.gunUrl]);
    const stored = new Map<string, string>();
    collect(reader.gun.get(soul), stored);
    await waitUntil(() => stored.size === 200, 15_000, `all 200 on disk after SIGTERM (${stored.size}/200)`);
  });
});
