import { expect } from '@esm-bundle/chai';
import { SEA } from '../../src/sync/gun-runtime.js';
import { rawGun } from '../helpers/raw-gun.js';
import { installForgeryFilter, namesOtherSigner, stripForeignSigned, userSpaceOf } from '../../src/sync/forgery-filter.js';
import { RelayConnection } from '../../src/sync/relay-connection.js';
import type { GunInstance, SeaPair } from '../../src/types/gun.js';

type RawSign = (data: unknown, pair: SeaPair, cb: null, opt: { raw: 1 }) => Promise<{ s: string }>;
type Mesh = Parameters<typeof installForgeryFilter>[0] & { hear(raw: string, peer: unknown): void };

/** A user-space value signed by `signer`; with `claim`, it names the signer in '*' (GUN's unchecked certificate path). */
async function signedValue(soul: string, key: string, value: unknown, state: number, signer: SeaPair, claim: boolean): Promise<string> {
  const { s } = await (SEA.sign as unknown as RawSign)({ '#': soul, '.': key, ':': value, '>': state }, signer, null, { raw: 1 });
  return JSON.stringify(claim ? { ':': value, '~': s, '*': signer.pub } : { ':': value, '~': s });
}

/** Hands a wire message to a GUN instance as if a connected peer had sent it. */
function deliver(gun: GunInstance, msg: unknown): void {
  const mesh = (gun._.opt as { mesh?: Mesh }).mesh;
  if (!mesh) throw new Error('GUN has no mesh');
  mesh.hear(JSON.stringify(msg), { id: 'attacker', wire: { send: () => undefined } });
}

/** The value GUN holds at soul.key; undefined if it has none (GUN's `once` may stay silent for a missing key). */
function read(gun: GunInstance, soul: string, key: string): Promise<unknown> {
  return new Promise((ok) => {
    const timer = setTimeout(() => ok(undefined), 1500);
    gun.get(soul).get(key).once((v) => (clearTimeout(timer), ok(v)), { wait: 800 });
  });
}

describe('forgery filter', function () {
  this.timeout(30000);

  it('recognises user-space souls and values naming another signer', () => {
    expect(userSpaceOf('~abc.def/md1/c/x')).to.equal('abc.def');
    expect(userSpaceOf('~abc.def')).to.equal('abc.def');
    expect(userSpaceOf('#md1inboxabc')).to.equal(undefined);
    expect(userSpaceOf('~@alice')).to.equal(undefined);
    expect(namesOtherSigner(JSON.stringify({ ':': 1, '~': 'sig', '*': 'k' }))).to.equal(true);
    expect(namesOtherSigner(JSON.stringify({ '+': {}, ':': 1, '~': 'sig' }))).to.equal(true);
    expect(namesOtherSigner(JSON.stringify({ ':': 'text with "*" inside', '~': 'sig' }))).to.equal(false);
    expect(namesOtherSigner('plain')).to.equal(false);
    const put: Record<string, unknown> = {
      '~a.b/md1/r/x': { _: { '#': '~a.b/md1/r/x', '>': { bad: 1, good: 1 } }, bad: JSON.stringify({ ':': 1, '~': 's', '*': 'm.n' }), good: JSON.stringify({ ':': 1, '~': 's' }) },
    };
    expect(stripForeignSigned(put)).to.deep.equal({ removed: 1, empty: false });
    expect(Object.keys(put['~a.b/md1/r/x'] as object).sort()).to.deep.equal(['_', 'good']);
  });

  it("the app's GUN drops a '*'-signed write into someone's space that plain GUN accepts; honest writes pass", async () => {
    const alice = await SEA.pair();
    const mallory = await SEA.pair();
    const soul = `~${alice.pub}/md1/r/chan/${mallory.pub}`;
    const state = Date.now();
    const forged = { '#': 'f1', put: { [soul]: { _: { '#': soul, '>': { m1: state } }, m1: await signedValue(soul, 'm1', 1, state, mallory, true) } } };
    const honest = { '#': 'h1', put: { [soul]: { _: { '#': soul, '>': { m2: state } }, m2: await signedValue(soul, 'm2', 1, state, alice, false) } } };

    // Control: GUN as shipped accepts the forgery (this is the hole).
    const plain = rawGun([]);
    deliver(plain, forged);
    expect(await read(plain, soul, 'm1')).to.equal(1);

    const connection = new RelayConnection([]); // no relay: only what we hand it
    try {
      deliver(connection.gun, forged);
      deliver(connection.gun, honest);
      expect(await read(connection.gun, soul, 'm1')).to.equal(undefined);
      expect(await read(connection.gun, soul, 'm2')).to.equal(1);
    } finally {
      connection.close();
    }
  });
});
