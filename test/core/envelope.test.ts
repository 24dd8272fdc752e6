import { expect } from '@esm-bundle/chai';
import { createKeyPair, randomId, signWith, encryptWith } from '../../src/core/crypto.js';
import { MAX_TEXT_CHARS, openEnvelope, sealEnvelope, type InnerMessage, type OpenContext } from '../../src/core/envelope.js';
import { newMessageId, safetyNumber } from '../../src/core/ids.js';
import type { SeaPair } from '../../src/types/gun.js';

describe('envelope', () => {
  let alice: SeaPair;
  let mallory: SeaPair;
  const key = randomId(32);
  const channel = randomId(16);

  before(async () => {
    alice = await createKeyPair();
    mallory = await createKeyPair();
  });

  const inner = (over: Partial<InnerMessage> = {}): InnerMessage =>
    ({ id: newMessageId(), channel, author: alice.pub, sentAt: Date.now(), epoch: 0, kind: 'text', body: 'hello', ...over }) as InnerMessage;
  const ctx = (m: InnerMessage, over: Partial<OpenContext> = {}): OpenContext => ({
    signer: alice.pub,
    channel,
    id: m.id,
    keyFor: (e) => (e === 0 ? key : undefined),
    ...over,
  });

  it('round-trips a text message', async () => {
    const m = inner();
    const env = await sealEnvelope(m, key, alice);
    expect(env).not.to.contain('hello');
    const res = await openEnvelope(env, ctx(m));
    expect(res.ok).to.equal(true);
    if (res.ok) expect(res.inner).to.deep.equal(m);
  });

  it('drops a tampered ciphertext', async () => {
    const m = inner();
    const env = await sealEnvelope(m, key, alice);
    const tampered = env.replace(/"ct":"SEA\{\\"ct\\":\\"(.)/, (_s, c: string) => `"ct":"SEA{\\"ct\\":\\"${c === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.to.equal(env);
    expect((await openEnvelope(tampered, ctx(m))).ok).to.equal(false);
    // Re-signed by the attacker with a tampered ct: the signature is not Alice's.
    const reSigned = await signWith({ v: 1, e: 0, ct: await encryptWith({ ...m, body: 'evil' }, key) }, mallory);
    expect((await openEnvelope(reSigned, ctx(m))).ok).to.equal(false);
  });

  it('drops an envelope signed by another key than the space it was read from', async () => {
    const m = inner({ author: mallory.pub });
    const env = await sealEnvelope(m, key, mallory);
    const res = await openEnvelope(env, ctx(m));
    expect(res).to.deep.equal({ ok: false, reason: 'signature' });
  });

  it('drops an inner author that differs from the signer', async () => {
    const m = inner();
    const forged = await signWith({ v: 1, e: 0, ct: await encryptWith(m, key) }, mallory);
    const res = await openEnvelope(forged, ctx(m, { signer: mallory.pub }));
    expect(res).to.deep.equal({ ok: false, reason: 'mismatch' });
  });

  it('drops a cross-channel replay and a wrong id', async () => {
    const m = inner();
    const env = await sealEnvelope(m, key, alice);
    expect(await openEnvelope(env, ctx(m, { channel: randomId(16) }))).to.deep.equal({ ok: false, reason: 'mismatch' });
    expect(await openEnvelope(env, ctx(m, { id: newMessageId() }))).to.deep.equal({ ok: false, reason: 'mismatch' });
  });

  it('reports a missing epoch key, and a wrong key fails to decrypt', async () => {
    const m = inner({ epoch: 3 });
    const env = await sealEnvelope(m, key, alice);
    expect(await openEnvelope(env, ctx(m))).to.deep.equal({ ok: false, reason: 'no-key', epoch: 3 });
    expect(await openEnvelope(env, ctx(m, { keyFor: () => randomId(32) }))).to.deep.equal({ ok: false, reason: 'decrypt' });
  });

  it('drops malformed and oversized values without throwing', async () => {
    const m = inner();
    const bad: unknown[] = [undefined, null, 42, {}, 'not json', 'SEA{', 'SEA{"m":1,"s":"x"}', 'x'.repeat(5 * 1024 * 1024)];
    for (const v of bad) expect((await openEnvelope(v, ctx(m))).ok).to.equal(false);
    const signedJunk = await signWith({ v: 1, e: 0, ct: await encryptWith({ ...m, body: 'x'.repeat(MAX_TEXT_CHARS + 1) }, key) }, alice);
    expect((await openEnvelope(signedJunk, ctx(m))).ok).to.equal(false);
    const wrongShape = await signWith({ v: 1, e: 0, ct: await encryptWith({ ...m, kind: 'html' }, key) }, alice);
    expect((await openEnvelope(wrongShape, ctx(m))).ok).to.equal(false);
    const bigSystem = await signWith({ v: 1, e: 0, ct: await encryptWith({ ...m, kind: 'system', body: { type: 'profile', name: 'x'.repeat(70000) } }, key) }, alice);
    expect((await openEnvelope(bigSystem, ctx(m))).ok).to.equal(false);
  });

  it('refuses to seal an oversized text', async () => {
    let err: unknown;
    try {
      await sealEnvelope(inner({ body: 'x'.repeat(MAX_TEXT_CHARS + 1) }), key, alice);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error);
  });
});

describe('safety number', () => {
  it('is 12 groups of 5 digits, the same from both sides', async () => {
    const a = await createKeyPair();
    const b = await createKeyPair();
    const n1 = await safetyNumber(a.pub, b.pub);
    expect(n1).to.match(/^(\d{5} ){11}\d{5}$/);
    expect(await safetyNumber(b.pub, a.pub)).to.equal(n1);
    expect(await safetyNumber(a.pub, (await createKeyPair()).pub)).not.to.equal(n1);
  });
});
