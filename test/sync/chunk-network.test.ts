// A chunk put over a dead connection must fail as soon as the connection is known lost, not after its ack timeout.
import { expect } from '@esm-bundle/chai';
import { SEA } from '../../src/sync/gun-runtime.js';
import { chunkKey, GunChunkNetwork } from '../../src/sync/chunk-network.js';
import { chunkHash, sha256Hex } from '../../src/core/files.js';
import { CHUNK_SOUL_PREFIX, UserSpace } from '../../src/sync/user-space.js';
import type { GunInstance } from '../../src/types/gun.js';
import { closeRawGun, rawGun } from '../helpers/raw-gun.js';

type HearOne = (msg: { '@'?: unknown; put?: Record<string, unknown> }, ...rest: unknown[]) => unknown;

/**
 * A GUN client on the test relay that loses every pushed write (not a reply to its own get) for `soul`.
 * `answered` turns true once the relay has replied to its get (so it is subscribed there).
 */
function clientLosingPushes(soul: string): GunInstance & { answered: boolean } {
  const gun = Object.assign(rawGun(), { answered: false });
  const mesh = (gun._.opt as { mesh?: { hear: { one: HearOne } } }).mesh;
  if (!mesh) throw new Error('GUN has no mesh');
  const one = mesh.hear.one;
  mesh.hear.one = function (msg, ...rest) {
    if (msg?.put && msg['@'] === undefined && (msg.put['#'] === soul || soul in msg.put)) return undefined;
    // A reader only sends gets: any reply means the relay has seen its subscription.
    if (msg?.['@'] !== undefined) gun.answered = true;
    return one.call(this, msg, ...rest);
  };
  return gun;
}


describe('GunChunkNetwork', () => {
  it('keys a content-addressed chunk by the hex SHA-256 of its value, and refuses anything that is not a hash', async () => {
    const value = 'c2FtcGxlIGNodW5r'.repeat(100);
    expect(chunkKey(await chunkHash(value))).to.equal(await sha256Hex(new TextEncoder().encode(value)));
    for (const bad of ['', 'x'.repeat(42), 'x'.repeat(44), '+'.repeat(43), '../'.repeat(15)]) expect(chunkKey(bad), bad).to.equal(undefined);
  });

  it('abortPending fails waiting puts at once with the reason', async () => {
    // A relay address nothing listens on: the put is never acknowledged.
    const gun = rawGun(['http://127.0.0.1:9/gun']);
    const space = new UserSpace(gun, await SEA.pair());
    const net = new GunChunkNetwork(gun, async () => space, () => true);
    // The put's own timeout is far beyond the test's: only abortPending can end it.
    const put = net.put({ author: space.pair.pub, fileId: 'ab'.repeat(16), index: 0 }, 'chunk', 600_000);
    setTimeout(() => net.abortPending('The connection to the relays was lost'), 300);
    const err = await put.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal('The connection to the relays was lost');
  });

  it('asks again for a chunk whose push never came (written while a relay link of the mesh was down)', async function () {
    this.timeout(30_000);
    const fileId = 'cd'.repeat(16);
    const soul = CHUNK_SOUL_PREFIX + fileId;
    const value = `chunk-${Math.random()}`.repeat(50);
    const at = { author: 'unused', fileId, index: 0, hash: await chunkHash(value) };
    const writerGun = rawGun();
    const writerSpace = new UserSpace(writerGun, await SEA.pair());
    const writer = new GunChunkNetwork(writerGun, async () => writerSpace, () => true);
    // Two readers that both lose the relay's push; only the first asks again soon enough to matter here.
    const asking = clientLosingPushes(soul);
    const patient = clientLosingPushes(soul);
    const got: Record<string, unknown> = {};
    const stops = [
      new GunChunkNetwork(asking, async () => writerSpace, () => true, 300).watch(at, (v) => v && (got.asking = v)),
      new GunChunkNetwork(patient, async () => writerSpace, () => true, 600_000).watch(at, (v) => v && (got.patient = v)),
    ];
    try {
      // Both subscribed at the relay before the write (a fixed sleep would only usually be long enough).
      while (!asking.answered || !patient.answered) await new Promise((r) => setTimeout(r, 20));
      await writer.put(at, value, 10_000);
      while (!got.asking) await new Promise((r) => setTimeout(r, 50));
      expect(got.asking).to.equal(value);
      expect(got.patient, 'the push really was lost: without asking again nothing arrives').to.equal(undefined);
    } finally {
      for (const stop of stops) stop();
      for (const g of [writerGun, asking, patient]) closeRawGun(g);
    }
  });
});
